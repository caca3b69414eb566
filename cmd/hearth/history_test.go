package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/store"
)

// pastChat is a hand-written bot.HistoryReader: channels of pages of
// messages, the cursor the next page's index. Posts are refused: the
// offline import has no one to DM.
type pastChat struct {
	channels []bot.Channel
	pages    map[string][][]bot.Event
	// before, when set, runs before each page (a test cancels there).
	before func(channel string, page int)
}

var _ bot.HistoryReader = (*pastChat)(nil)

func (c *pastChat) Post(context.Context, bot.Destination, bot.Post) (bot.PostRef, error) {
	return bot.PostRef{}, fmt.Errorf("the offline import posted")
}

func (c *pastChat) HistoryChannels(context.Context, string) ([]bot.Channel, error) {
	return c.channels, nil
}

func (c *pastChat) ReadHistory(ctx context.Context, q bot.HistoryQuery, page bot.HistoryPageFunc) error {
	start := 0
	if q.Cursor != "" {
		start, _ = strconv.Atoi(q.Cursor)
	}
	for i := start; i < len(c.pages[q.Channel]); i++ {
		if c.before != nil {
			c.before(q.Channel, i)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := page(ctx, c.pages[q.Channel][i], strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	return nil
}

const pastCommunity = "shell:local"

// newPastChat serves channels c1…cN of two pages of three messages each,
// the last one a bot's, over the 10 days before now.
func newPastChat(n int, now time.Time) *pastChat {
	c := &pastChat{pages: map[string][][]bot.Event{}}
	for i := 1; i <= n; i++ {
		id := "c" + strconv.Itoa(i)
		c.channels = append(c.channels, bot.Channel{ID: id, Name: "chan-" + id})
		for p := range 2 {
			var page []bot.Event
			for m := range 3 {
				key := fmt.Sprintf("%s:%d.%d", id, p, m)
				page = append(page, bot.Event{Kind: bot.KindMessage, Community: pastCommunity, Channel: id, Member: "m" + strconv.Itoa(m),
					At: now.Add(-time.Duration(10-p*5) * 24 * time.Hour), Key: key, Message: key, IsBot: m == 2})
			}
			c.pages[id] = append(c.pages[id], page)
		}
	}
	return c
}

// pastCore is a core on a fresh database with every feature and chat as
// the shell's platform.
func pastCore(t testing.TB, chat bot.Chat, e env) (*bot.Bot, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b, err := bot.New(bot.Config{Store: db, Clock: bot.ClockFunc(e.now)})
	if err == nil {
		err = features.Register(b, db)
	}
	if err != nil {
		t.Fatal(err)
	}
	b.AttachChat(bot.Shell, chat)
	return b, db
}

func countEvents(t *testing.T, db *store.DB, now time.Time) int {
	t.Helper()
	rep, err := db.Report(context.Background(), bot.ReportQuery{Community: pastCommunity, From: now.Add(-30 * 24 * time.Hour), To: now, SummaryOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Activity.Messages
}

func TestHistoryImportOffline(t *testing.T) {
	e, stdout, stderr := testEnv("", nil)
	now := e.now()
	chat := newPastChat(3, now)
	b, db := pastCore(t, chat, e)
	cfg := config{Location: time.UTC}
	ctx := context.Background()
	if err := importHistory(ctx, e, cfg, b, db, pastCommunity, 30, nil); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); !strings.Contains(got, "History imported since Oct 29, 2026: 3 channels, 12 events") || !strings.Contains(got, "skipped 6 events of bots") {
		t.Errorf("stdout: %q", got)
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr without a terminal: %q", stderr)
	}
	if n := countEvents(t, db, now); n != 12 {
		t.Errorf("%d messages recorded, want 12", n)
	}
	stdout.Reset()
	if err := importHistory(ctx, e, cfg, b, db, pastCommunity, 30, nil); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); !strings.Contains(got, "imported already") {
		t.Errorf("again: %q", got)
	}
	if n := countEvents(t, db, now); n != 12 {
		t.Errorf("%d messages after importing again, want 12", n)
	}
}

func TestHistoryImportOfflineResumesAndWaitsForNobody(t *testing.T) {
	e, stdout, stderr := testEnv("", nil)
	now := e.now()
	chat := newPastChat(3, now)
	b, db := pastCore(t, chat, e)
	cfg := config{Location: time.UTC}
	ctx, cancel := context.WithCancel(context.Background())
	chat.before = func(channel string, page int) {
		if channel == "c2" && page == 1 {
			cancel() // Ctrl-C in the middle of c2
		}
	}
	err := importHistory(ctx, e, cfg, b, db, pastCommunity, 30, nil)
	if err == nil || !strings.Contains(err.Error(), "run hearth history import again to continue") {
		t.Fatalf("interrupted: %v", err)
	}
	if n := countEvents(t, db, now); n != 6 { // c1 and c2's first page
		t.Errorf("%d messages after the interruption, want 6", n)
	}
	// Another Hearth holds the import: the command says so.
	if ok, err := db.AcquireLease(context.Background(), "history:"+pastCommunity, "other", now, time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	chat.before = nil
	err = importHistory(context.Background(), e, cfg, b, db, pastCommunity, 30, nil)
	if err == nil || !strings.Contains(err.Error(), "another Hearth is importing") || !strings.Contains(err.Error(), "lapses within 2m0s") {
		t.Fatalf("while another holds it: %v", err)
	}
	if err := db.ReleaseLease(context.Background(), "history:"+pastCommunity, "other"); err != nil {
		t.Fatal(err)
	}
	// Run again: it continues, on a terminal with a progress line.
	e.terminal = true
	clock := now
	e.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	if err := importHistory(context.Background(), e, cfg, b, db, pastCommunity, 30, nil); err != nil {
		t.Fatal(err)
	}
	if n := countEvents(t, db, now.Add(time.Hour)); n != 12 {
		t.Errorf("%d messages after resuming, want 12", n)
	}
	if got := stdout.String(); !strings.Contains(got, "3 channels, 12 events") {
		t.Errorf("summary: %q", got)
	}
	if got := stderr.String(); !strings.Contains(got, "importing #chan-c3, 12 events: 3 of 3 channels") || !strings.HasSuffix(got, "\r") {
		t.Errorf("progress line: %q", got)
	}
}

func TestHistoryCommandsNeedAPlatform(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	e, _, _ := testEnv("", nil)
	d, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Record(context.Background(), bot.Event{Kind: bot.KindMessage, Community: "slack:T1", Channel: "C1", Member: "U1", At: e.now(), Key: "k"}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"history", "import", "--db", db}, 1, "reads from the platform: set SLACK_BOT_TOKEN"},
		{[]string{"history", "import", "--db", db, "--days", "400"}, 2, "--days 400: give 1 to 365 days"},
		{[]string{"history", "status", "--db", db}, 0, "No history has been imported"},
		{[]string{"history", "nope"}, 2, "unknown command"},
	} {
		e, stdout, stderr := testEnv("", nil)
		code := runMain(context.Background(), tc.args, e)
		if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.out) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and %q", tc.args, code, stdout, stderr, tc.code, tc.out)
		}
	}
}

// BenchmarkHistoryImportSQLite imports channels of 100-event pages into a
// SQLite database through the Runner, as `hearth history import` does,
// with a reader that answers at once: the core's side of an import, which
// the platforms' rate limits dwarf. It reports events/s.
func BenchmarkHistoryImportSQLite(b *testing.B) {
	e, _, _ := testEnv("", nil)
	now := e.now()
	const channels, pages, perPage = 10, 10, 100
	chat := &pastChat{pages: map[string][][]bot.Event{}}
	for c := range channels {
		id := "c" + strconv.Itoa(c)
		chat.channels = append(chat.channels, bot.Channel{ID: id, Name: id})
		for p := range pages {
			var page []bot.Event
			for m := range perPage {
				key := fmt.Sprintf("%s:%d.%d", id, p, m)
				page = append(page, bot.Event{Kind: bot.KindMessage, Community: pastCommunity, Channel: id, Member: "m" + strconv.Itoa(m%40),
					At: now.Add(-time.Duration(pages*perPage-p*perPage-m) * time.Minute), Key: key, Message: key})
			}
			chat.pages[id] = append(chat.pages[id], page)
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		core, db := pastCore(b, chat, e)
		b.StartTimer()
		if err := importHistory(context.Background(), e, config{Location: time.UTC}, core, db, pastCommunity, 30, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(channels*pages*perPage*b.N)/b.Elapsed().Seconds(), "events/s")
}
