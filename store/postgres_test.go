package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/store"
)

// TestPostgresOpenSaysWhatIsWrong: an unreachable server, an unknown user
// or database, and another program's tables get a message that names the
// URL without its password.
func TestPostgresOpenSaysWhatIsWrong(t *testing.T) {
	base, err := url.Parse(postgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(u *url.URL)) string {
		u := *base
		f(&u)
		return u.String()
	}
	foreign := freshSchema(t)
	raw, err := sql.Open("pgx", foreign)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TABLE invoices (id BIGINT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name, url, want string
		is              error
	}{
		{"unreachable", with(func(u *url.URL) { u.Host = "127.0.0.1:1"; u.User = url.UserPassword("hearth", "s3cret") }), "cannot reach the PostgreSQL server", nil},
		{"unknown user", with(func(u *url.URL) { u.User = url.UserPassword("nobody_here", "s3cret") }), "cannot log in", nil},
		{"unknown database", with(func(u *url.URL) {
			u.Path = "/no_such_hearth_db"
			u.User = url.UserPassword(u.User.Username(), "s3cret")
		}), "no such database", nil},
		{"another program's", foreign, "not a Hearth database", store.ErrNotHearth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := store.Open(ctx, tc.url)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q; want it to say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows the password", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

// TestPostgresOpenAtOnce: instances starting together on a new database
// migrate it once.
func TestPostgresOpenAtOnce(t *testing.T) {
	u := freshSchema(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := store.Open(ctx, u)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n, distinct int
	if err := raw.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != distinct || n == 0 {
		t.Errorf("schema_migrations: %d rows, %d versions", n, distinct)
	}
	from, to, err := store.Migrate(ctx, u)
	if err != nil || from != to || to != n {
		t.Errorf("Migrate = %d, %d, %v; want %d, %d", from, to, err, n, n)
	}
	if err := store.CheckExisting(u); err != nil {
		t.Errorf("CheckExisting: %v", err)
	}
}

// TestPostgresReadOnly: OpenReadOnly reads and refuses writes; Backup
// points to pg_dump.
func TestPostgresReadOnly(t *testing.T) {
	db, u := openPostgres(t)
	ctx := context.Background()
	when := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e := bot.Event{Kind: bot.KindMessage, Community: "slack:T1", Channel: "C1", Member: "U1", At: when, Key: "C1:1", Message: "1"}
	if _, err := db.Record(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, filepath.Join(t.TempDir(), "b.db")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("Backup = %v; want a refusal naming pg_dump", err)
	}
	ro, err := store.OpenReadOnly(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Record(ctx, e); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("Record on a read-only DB = %v", err)
	}
	r, err := ro.Report(ctx, bot.ReportQuery{Community: "slack:T1", From: when.Add(-time.Hour), To: when.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Activity.Messages != 1 {
		t.Errorf("read-only report: %d messages; want 1", r.Activity.Messages)
	}
	if err := ro.Ping(ctx); err != nil {
		t.Error(err)
	}
}

// TestPostgresConcurrentWriters: two DBs (two instances) on one database,
// many goroutines each: every event is counted once, a firing is claimed
// once, and recipients added at once get the numbers 1..n, no repeat, no
// gap (MAX(seq)+1 under serializable transactions that retry).
func TestPostgresConcurrentWriters(t *testing.T) {
	a, u := openPostgres(t)
	b, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	dbs := []*store.DB{a, b}
	ctx := context.Background()
	const community, goroutines = "slack:T1", 16
	when := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	// Every goroutine records the same 40 events, in its own order.
	var events []bot.Event
	for i := range 40 {
		events = append(events, bot.Event{Kind: bot.KindMessage, Community: community, Channel: fmt.Sprintf("C%d", i%3),
			Member: fmt.Sprintf("U%d", i%7), At: when.Add(time.Duration(i) * time.Minute), Key: fmt.Sprintf("k%d", i), Message: fmt.Sprint(i)})
	}
	sched, err := a.AddSchedule(ctx, bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "@hourly", Channel: "C1", Payload: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	run, err := a.CreateRun(ctx, checkins.CheckinRun{Community: community, Survey: checkins.Survey{Name: "pulse",
		Questions: []checkins.Question{{ID: "q", Kind: checkins.QuestionYesNo, Prompt: "OK?"}}},
		Delivery: checkins.DeliverDM, OpenedAt: when, ClosesAt: when.Add(48 * time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	recorded, claimed := 0, 0
	var wg sync.WaitGroup
	errs := make(chan error, 3*goroutines)
	for g := range goroutines {
		db := dbs[g%2]
		wg.Go(func() {
			mine := slices.Clone(events)
			for i := range mine {
				j := (i*7 + g) % len(mine)
				mine[i], mine[j] = mine[j], mine[i]
			}
			for chunk := range slices.Chunk(mine, 5) {
				n, err := db.Record(ctx, chunk...)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				recorded += n
				mu.Unlock()
			}
			ok, err := db.ClaimFiring(ctx, bot.Firing{Schedule: sched, At: when, Status: bot.Fired})
			if err != nil {
				errs <- err
				return
			}
			if ok {
				mu.Lock()
				claimed++
				mu.Unlock()
			}
			if err := db.SetRecipient(ctx, run, checkins.Recipient{Member: fmt.Sprintf("R%d", g), Status: checkins.RecipientSent, SentAt: when}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if recorded != len(events) {
		t.Errorf("recorded %d events in all; want %d, each once", recorded, len(events))
	}
	if claimed != 1 {
		t.Errorf("the firing was claimed %d times; want once", claimed)
	}
	r, err := a.Report(ctx, bot.ReportQuery{Community: community, From: when.Add(-time.Hour), To: when.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Activity.Messages != len(events) {
		t.Errorf("report: %d messages; want %d", r.Activity.Messages, len(events))
	}
	raw, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT seq FROM checkin_recipients WHERE run_id = $1 ORDER BY seq`, run)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var seqs []int
	for rows.Next() {
		var s int
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, s)
	}
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("recipients' numbers %v; want 1..%d", seqs, goroutines)
		}
	}
	if len(seqs) != goroutines {
		t.Errorf("%d recipients; want %d", len(seqs), goroutines)
	}
}
