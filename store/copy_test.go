package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/simulate"
	"github.com/hearth-community/hearth/store"
	"github.com/hearth-community/hearth/store/storetest"
)

// copyName is a member's name that must arrive as it left.
const copyName = "Zoë 🌱 O'Brien \"the\" Ünïcode"

// copySalt is an anonymous run's salt: bytes that are not text.
var copySalt = []byte{0, 0xff, 0xfe, 'a', 0, 0x80}

// fillForCopy writes through the store's methods a history with a row in
// every kind of table the copy must carry: members, events and their
// rollups, schedules (one removed, so the id counter is past the largest
// id) with firings, check-in runs with recipients and answers, nudges,
// leases and deliveries. It returns the id of the removed schedule.
func fillForCopy(t *testing.T, db *store.DB) int64 {
	t.Helper()
	ctx := context.Background()
	end := t0.Add(15 * time.Hour)
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(end)})
	if err != nil {
		t.Fatal(err)
	}
	h := &tee{core: core}
	if _, err := simulate.Run(ctx, h, simulate.Options{Community: makers, Members: 30, Days: 20, Events: 1500, Seed: 5, End: end, Batch: 250}); err != nil {
		t.Fatal(err)
	}
	if err := h.HandleEvents(ctx, storetest.AnswerEvents(rand.New(rand.NewPCG(5, 6)), h.events, end.Add(-20*day), end, 100)...); err != nil {
		t.Fatal(err)
	}
	saveDirectory(t, db, bot.Directory{Community: makers, At: end, Members: []bot.Member{{ID: "U00001", Name: copyName}}})

	var kept, removed int64
	for i, spec := range []string{"@weekly", "@daily", "every monday at 9:00"} {
		id, err := db.AddSchedule(ctx, bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: spec, Channel: "C1", Payload: "What is new?", CreatedBy: "U00001", CreatedAt: at(-3, 0)})
		if err != nil {
			t.Fatalf("AddSchedule: %v", err)
		}
		if i == 0 {
			kept = id
		}
		if i == 2 {
			if err := db.RemoveSchedule(ctx, community, id); err != nil {
				t.Fatalf("RemoveSchedule: %v", err)
			}
			removed = id
		}
	}
	for d := range 3 {
		f := bot.Firing{Schedule: kept, At: at(d-3, 9), Status: bot.Fired}
		if ok, err := db.ClaimFiring(ctx, f); !ok || err != nil {
			t.Fatalf("ClaimFiring = %v, %v", ok, err)
		}
		f.RanAt = f.At.Add(time.Second)
		if err := db.FinishFiring(ctx, f); err != nil {
			t.Fatalf("FinishFiring: %v", err)
		}
	}

	survey := checkins.Survey{Name: "pulse", Title: "Pulse", Questions: []checkins.Question{
		{ID: "energy", Kind: checkins.QuestionScale, Prompt: "Energy?", Min: 1, Max: 5},
		{ID: "more", Kind: checkins.QuestionText, Prompt: "Anything else?", Optional: true},
	}}
	for i, anonymous := range []bool{false, true} {
		r := checkins.CheckinRun{Community: community, Survey: survey, Delivery: checkins.DeliverDM, StartedBy: "U00001",
			OpenedAt: at(-2, float64(i)), ClosesAt: at(0, 0), Anonymous: anonymous}
		if anonymous {
			r.Salt = copySalt
		}
		run, err := db.CreateRun(ctx, r, []string{"U00001", "U00002", "U00003"})
		if err != nil {
			t.Fatalf("CreateRun: %v", err)
		}
		if err := db.SaveAnswers(ctx, run, "U00002", map[string]string{"energy": "4", "more": "Grüße, " + copyName}); err != nil {
			t.Fatalf("SaveAnswers: %v", err)
		}
	}

	for i, m := range []string{"U00004", "U00005"} {
		if _, err := db.AddNudge(ctx, members.Nudge{Community: community, Member: m, Wording: i, QueuedAt: at(-1, 9), SendAt: at(-1, 10), Status: members.NudgeQueued}); err != nil {
			t.Fatalf("AddNudge: %v", err)
		}
	}
	if ok, err := db.AcquireLease(ctx, "retention", "instance-a", at(0, 0), time.Hour); !ok || err != nil {
		t.Fatalf("AcquireLease = %v, %v", ok, err)
	}
	if ok, err := db.ClaimDelivery(ctx, community, "checkin:1", "U00003", at(-2, 0)); !ok || err != nil {
		t.Fatalf("ClaimDelivery = %v, %v", ok, err)
	}
	return removed
}

// copyEnds are a source and a destination: how to open each, and a raw
// connection to count their rows.
type copyEnd struct {
	url    string // path or URL
	driver string // for sql.Open
	dsn    string
}

func sqliteEnd(t *testing.T, name string) copyEnd {
	p := filepath.Join(t.TempDir(), name)
	return copyEnd{url: p, driver: "sqlite", dsn: p}
}

func postgresEnd(t *testing.T) copyEnd {
	u := freshSchema(t)
	return copyEnd{url: u, driver: "pgx", dsn: u}
}

// counts is the rows of every table of e but schema_migrations.
func (e copyEnd) counts(t *testing.T) map[string]int64 {
	t.Helper()
	raw, err := sql.Open(e.driver, e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'`
	if e.driver == "pgx" {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`
	}
	tables, err := column(context.Background(), raw, list)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, table := range tables {
		var n int64
		if err := raw.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func (e copyEnd) memberName(t *testing.T, ext string) string {
	t.Helper()
	raw, err := sql.Open(e.driver, e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var name string
	if err := raw.QueryRow(`SELECT name FROM members WHERE ext_id = '` + ext + `'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestCopySQLiteToSQLite(t *testing.T) {
	testCopy(t, sqliteEnd(t, "from.db"), sqliteEnd(t, "to.db"))
}

func TestCopySQLiteToPostgres(t *testing.T) {
	testCopy(t, sqliteEnd(t, "from.db"), postgresEnd(t))
}

func TestCopyPostgresToSQLite(t *testing.T) {
	testCopy(t, postgresEnd(t), sqliteEnd(t, "to.db"))
}

// testCopy fills from, copies it read-only into to, and checks that to
// holds the same: every table's rows, the report, text and bytes; that new
// rows get new ids; and that a second copy into to is refused.
func testCopy(t *testing.T, from, to copyEnd) {
	ctx := context.Background()
	w, err := store.Open(ctx, from.url)
	if err != nil {
		t.Fatal(err)
	}
	removed := fillForCopy(t, w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	src, err := store.OpenReadOnly(ctx, from.url)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, to.url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()

	var calls int
	var lastDone, lastTotal int64
	rep, err := store.Copy(ctx, src, dst, func(table string, done, total int64) {
		calls++
		if done < lastDone || table == "" {
			t.Errorf("progress(%q, %d, %d) after %d", table, done, total, lastDone)
		}
		lastDone, lastTotal = done, total
	})
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}

	want := from.counts(t)
	for _, table := range []string{"communities", "members", "events", "member_days", "member_channel_days", "channel_days",
		"schedules", "firings", "checkin_runs", "checkin_recipients", "checkin_answers", "nudges", "leases", "deliveries"} {
		if want[table] == 0 {
			t.Errorf("the source has no rows in %s: the history misses a kind", table)
		}
	}
	if got := to.counts(t); !reflect.DeepEqual(got, want) {
		t.Errorf("the destination's rows:\n%v\nwant the source's:\n%v", got, want)
	}
	if len(rep.Tables) != len(want) {
		t.Errorf("the report names %d tables, want %d", len(rep.Tables), len(want))
	}
	for i, tr := range rep.Tables {
		if tr.Rows != want[tr.Table] {
			t.Errorf("report: %s %d rows, want %d", tr.Table, tr.Rows, want[tr.Table])
		}
		if tr.Table == "members" && i < slicesIndex(rep.Tables, "communities") {
			t.Error("members copied before communities")
		}
	}
	if lastDone != rep.Rows() || lastTotal != rep.Rows() || calls < len(rep.Tables) {
		t.Errorf("progress ended at %d of %d after %d calls; want %d", lastDone, lastTotal, calls, rep.Rows())
	}

	q := bot.ReportQuery{Community: community, From: t0.Add(-14 * day), To: t0.Add(15 * time.Hour)}
	if a, b := report(t, src, q), report(t, dst, q); !reflect.DeepEqual(a, b) {
		t.Errorf("the destination's report differs:\n%+v\nsource's:\n%+v", b, a)
	}
	if got := to.memberName(t, "U00001"); got != copyName {
		t.Errorf("name %q, want %q", got, copyName)
	}
	runs, err := dst.CheckinRuns(ctx, community, checkins.RunQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var salted int
	for _, r := range runs {
		if r.Anonymous {
			salted++
			if !bytes.Equal(r.Salt, copySalt) {
				t.Errorf("salt %x, want %x", r.Salt, copySalt)
			}
		}
	}
	if salted != 1 {
		t.Errorf("%d anonymous runs, want 1", salted)
	}

	// New rows take new ids: a schedule's is past the removed one's.
	id, err := dst.AddSchedule(ctx, bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "@daily", Channel: "C1", Payload: "New?"})
	if err != nil {
		t.Fatalf("AddSchedule after the copy: %v", err)
	}
	if id <= removed {
		t.Errorf("a new schedule got id %d, not past the removed %d", id, removed)
	}
	if _, err := dst.AddNudge(ctx, members.Nudge{Community: community, Member: "U00006", QueuedAt: at(0, 9), SendAt: at(0, 10), Status: members.NudgeQueued}); err != nil {
		t.Errorf("AddNudge after the copy: %v", err)
	}
	record(t, dst, msg("U00007", "C1", "after-copy", at(0, 12)))
	saveDirectory(t, dst, bot.Directory{Community: makers, At: at(0, 13), Members: []bot.Member{{ID: "U99999", Name: "Newcomer"}}})

	// A destination with rows is refused, naming them.
	_, err = store.Copy(ctx, src, dst, nil)
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "members (") {
		t.Errorf("a second copy: %v; want it refused naming members", err)
	}
}

func slicesIndex(tables []store.TableRows, name string) int {
	for i, t := range tables {
		if t.Table == name {
			return i
		}
	}
	return -1
}

// TestCopyRefuses: a read-only destination and one at another schema
// version are refused before anything is copied, and rows that did not
// arrive are an error naming their table.
func TestCopyRefuses(t *testing.T) {
	ctx := context.Background()
	from, _ := openDB(t)
	for _, m := range []string{"U1", "U2"} {
		if _, err := from.AddNudge(ctx, members.Nudge{Community: community, Member: m, QueuedAt: at(0, 9), SendAt: at(0, 10), Status: members.NudgeQueued}); err != nil {
			t.Fatal(err)
		}
	}
	_, path := openDB(t)
	ro, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := store.Copy(ctx, from, ro, nil); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("copy into a read-only database: %v", err)
	}

	for _, tc := range []struct {
		name, sql, want string
	}{
		{"another schema version", `DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`, "run hearth migrate on both first"},
		{"rows lost on the way", `CREATE TRIGGER lose AFTER INSERT ON nudges BEGIN DELETE FROM nudges WHERE id = NEW.id; END`, "the row counts differ: nudges (2 rows in the source, 0 copied)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to, path := openDB(t)
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Copy(ctx, from, to, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Copy: %v; want it to say %q", err, tc.want)
			}
		})
	}
}
