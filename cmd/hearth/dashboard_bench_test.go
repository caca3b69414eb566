package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/web"
	"github.com/hearth-community/hearth/bot"
)

// BenchmarkDashboardPages serves each dashboard page from the database
// HEARTH_BENCH_DB names (a SQLite path or a postgres:// URL), wired as
// cmd wires the dashboard: the core with every feature registered, its
// store as the pages' source. The issue asks every page to be under
// 200 ms at 10,000 members and 1,000,000 events; make the database with
//
//	hearth simulate --db PATH --members 10000 --events 1000000 --days 365 --until 2026-12-01T00:00:00Z
//
// The pages are served as of HEARTH_BENCH_UNTIL (RFC 3339, default the
// --until above), so the periods hold the simulated history. Skipped when
// HEARTH_BENCH_DB is unset.
func BenchmarkDashboardPages(b *testing.B) {
	path := os.Getenv("HEARTH_BENCH_DB")
	if path == "" {
		b.Skip("HEARTH_BENCH_DB names no database (see the comment for how to make one)")
	}
	now := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	if s := os.Getenv("HEARTH_BENCH_UNTIL"); s != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, s); err != nil {
			b.Fatalf("HEARTH_BENCH_UNTIL: %v", err)
		}
	}
	ctx := context.Background()
	cfg, err := loadConfig(func(k string) string {
		if k == "HEARTH_DB" {
			return path
		}
		return ""
	})
	if err != nil {
		b.Fatal(err)
	}
	clock := bot.NewManualClock(now)
	core, db, err := openCore(ctx, cfg, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	community := bot.CommunityID(bot.Shell, "local") // hearth simulate's
	ms, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: now, Weeks: 1, CountsOnly: true})
	if err != nil || len(ms) == 0 {
		b.Fatalf("no members of %s in %s: %v", community, path, err)
	}
	sess := web.Session{Community: community, Member: "bench", MemberName: "Bench", Started: now, Expires: now.Add(8 * time.Hour)}
	server := web.New(web.Config{Auth: benchAuth{sess}, Source: web.NewSource(core, db), Clock: clock})
	// cachedServer reuses page data for a minute (Config.CacheFor): its
	// pages are the ones a facilitator sorts, filters and pages through,
	// served again within the minute (the clock does not move).
	cachedServer := web.New(web.Config{Auth: benchAuth{sess}, Source: web.NewSource(core, db), Clock: clock, CacheFor: time.Minute})
	member := ms[len(ms)/2].Member.ID
	for _, page := range []struct {
		name, path string
		cached     bool
	}{
		{"overview-30d", "/dashboard/?period=30d", false},
		{"overview-365d", "/dashboard/?period=365d", false},
		{"members-30d", "/dashboard/members?period=30d", false},
		{"members-365d-page50", "/dashboard/members?period=365d&sort=messages&dir=desc&page=50", false},
		{"member", "/dashboard/members/" + member, false},
		{"channels-30d", "/dashboard/channels?period=30d", false},
		{"channels-365d", "/dashboard/channels?period=365d", false},
		{"prompts-30d", "/dashboard/prompts?period=30d", false},
		{"checkins-30d", "/dashboard/checkins?period=30d", false},
		{"events-30d", "/dashboard/events?period=30d", false},
		{"intros-30d", "/dashboard/intros?period=30d", false},
		{"library-30d", "/dashboard/library?period=30d", false},
		{"stories-30d", "/dashboard/stories?period=30d", false},
		{"impact-365d", "/dashboard/impact?period=365d", false},
		{"members-365d-page50-cached", "/dashboard/members?period=365d&sort=messages&dir=desc&page=50", true},
		{"channels-365d-cached", "/dashboard/channels?period=365d", true},
	} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, page.path, nil)
				req.AddCookie(&http.Cookie{Name: web.CookieName, Value: "bench"})
				w := httptest.NewRecorder()
				if page.cached {
					cachedServer.ServeHTTP(w, req)
				} else {
					server.ServeHTTP(w, req)
				}
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", page.path, w.Code, w.Body.String())
				}
			}
		})
	}
}

// benchAuth signs every request in as one facilitator.
type benchAuth struct{ s web.Session }

func (a benchAuth) SignIn(context.Context, string) (web.Session, string, error) {
	return a.s, "bench", nil
}
func (a benchAuth) Session(context.Context, string) (web.Session, error) { return a.s, nil }
func (benchAuth) SignOut(context.Context, string) error                  { return nil }
func (benchAuth) SignOutEverywhere(context.Context, string) error        { return nil }
