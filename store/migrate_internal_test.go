package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
)

func TestLoadMigrations(t *testing.T) {
	file := func(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }
	for _, tc := range []struct {
		name string
		fsys fs.FS
		want []int // versions; nil: an error
	}{
		{"in order", fstest.MapFS{"migrations/0002_b.sql": file("B"), "migrations/0001_a.sql": file("A")}, []int{1, 2}},
		{"a gap", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/0003_c.sql": file("C")}, nil},
		{"twice", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/01_b.sql": file("B")}, nil},
		{"no number", fstest.MapFS{"migrations/init.sql": file("A")}, nil},
		{"the embedded ones", migrationFiles, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := loadMigrations(tc.fsys)
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if tc.want == nil && err == nil {
				t.Errorf("no error, versions %v", got)
			}
			if tc.want != nil && (err != nil || !slices.Equal(got, tc.want)) {
				t.Errorf("versions %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestAddingAMigration shows the upgrade path: a database at the shipped
// version gets a later migration on the next open, once.
func TestAddingAMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	shipped, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	next := fstest.MapFS{}
	var want []int
	for _, m := range shipped {
		next["migrations/"+m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
		want = append(want, m.version)
	}
	want = append(want, len(shipped)+1)
	next[fmt.Sprintf("migrations/%04d_notes.sql", len(shipped)+1)] = &fstest.MapFile{Data: []byte("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")}
	raw, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for range 2 {
		if err := migrateFS(ctx, raw, next); err != nil {
			t.Fatal(err)
		}
	}
	var versions []int
	rows, err := raw.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		rows.Scan(&v)
		versions = append(versions, v)
	}
	if !slices.Equal(versions, want) {
		t.Errorf("versions %v, want %v", versions, want)
	}
	if _, err := raw.Exec(`INSERT INTO notes (body) VALUES ('x')`); err != nil {
		t.Errorf("the new table: %v", err)
	}
	// This Hearth does not know the notes: it refuses the newer database.
	if db, err := Open(ctx, path); err == nil {
		db.Close()
		t.Error("opened a database with a newer schema")
	}
}

// TestUpgradeFromVersion1 opens a database that has only the first
// migration and some history: the later ones apply, the history stays and
// reports read it.
func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	body, err := fs.ReadFile(migrationFiles, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateFS(ctx, raw, fstest.MapFS{"migrations/0001_init.sql": &fstest.MapFile{Data: body}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO communities (id, ext_id, platform) VALUES (1, 'slack:T1', 'slack')`,
		`INSERT INTO channels (id, community_id, ext_id, name) VALUES (1, 1, 'C1', 'general')`,
		`INSERT INTO members (id, community_id, ext_id, first_seen) VALUES (1, 1, 'U1', 0)`,
		`INSERT INTO events (community_id, key, kind, channel_id, member_id, at, message) VALUES (1, 'C1:1', 'reaction', 1, 1, 1000, 'p1')`,
		// Rollups of an earlier day (written by hand: no events behind them).
		`INSERT INTO member_channel_days (community_id, member_id, day, channel_id, messages) VALUES (1, 1, -1, 1, 2)`,
		`INSERT INTO member_days (community_id, member_id, day, messages, channels) VALUES (1, 1, -1, 2, '1')`,
		`INSERT INTO channel_days (community_id, channel_id, day, messages) VALUES (1, 1, -1, 2)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if ms, _ := loadMigrations(migrationFiles); version != len(ms) {
		t.Errorf("schema version %d, want %d", version, len(ms))
	}
	p := bot.PromptPost{Community: "slack:T1", Channel: "C1", Message: "p1", Text: "Why?", At: time.UnixMilli(500)}
	if err := db.RecordPromptPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Report(ctx, bot.ReportQuery{Community: "slack:T1", From: time.UnixMilli(0), To: time.UnixMilli(2000)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Prompts) != 1 || rep.Prompts[0].Reactions != 1 {
		t.Errorf("prompts after the upgrade: %+v", rep.Prompts)
	}
	// The days rolled up before still_here existed read as none of it.
	rep, err = db.Report(ctx, bot.ReportQuery{Community: "slack:T1", From: time.UnixMilli(-86400000), To: time.UnixMilli(0)})
	if err != nil {
		t.Fatal(err)
	}
	if want := (bot.ActivityCounts{Messages: 2}); rep.Activity != want {
		t.Errorf("the day before: activity %+v, want %+v", rep.Activity, want)
	}
}

// TestUpgradeFromVersion5 opens a database at the version before the
// library with preferences and rolled-up days: the preferences read as
// never welcomed, the days as no resource shares, and the new tables work.
func TestUpgradeFromVersion5(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v5.db")
	raw := databaseAtVersion(t, path, 5)
	for _, q := range []string{
		`INSERT INTO communities (id, ext_id, platform) VALUES (1, 'slack:T1', 'slack')`,
		`INSERT INTO members (id, community_id, ext_id, first_seen) VALUES (1, 1, 'U1', -172800000)`,
		`INSERT INTO member_prefs (community_id, member_id, nudges_off, paused_until) VALUES (1, 1, 1, 5000)`,
		`INSERT INTO member_channel_days (community_id, member_id, day, channel_id, still_here) VALUES (1, 1, -1, 0, 1)`,
		`INSERT INTO member_days (community_id, member_id, day, still_here, channels) VALUES (1, 1, -1, 1, '')`,
		`INSERT INTO channel_days (community_id, channel_id, day, still_here) VALUES (1, 0, -1, 1)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Prefs(ctx, "slack:T1", "U1")
	if want := (bot.MemberPrefs{NudgesOff: true, PausedUntil: time.UnixMilli(5000).UTC()}); err != nil || p != want {
		t.Errorf("preferences after the upgrade: %+v, %v; want %+v", p, err, want)
	}
	rep, err := db.Report(ctx, bot.ReportQuery{Community: "slack:T1", From: time.UnixMilli(-86400000), To: time.UnixMilli(0)})
	if want := (bot.ActivityCounts{StillHere: 1}); err != nil || rep.Activity != want || rep.Members.Active != 1 {
		t.Errorf("the day before: activity %+v, members %+v, %v; want %+v, one active", rep.Activity, rep.Members, err, want)
	}
	if _, err := db.AddResource(ctx, library.Resource{Community: "slack:T1", Member: "U1", URL: "https://example.org", SharedAt: time.UnixMilli(1)}); err != nil {
		t.Errorf("AddResource after the upgrade: %v", err)
	}
	if _, err := db.AddStory(ctx, library.Story{Community: "slack:T1", Member: "U1", Text: "x", Run: 1, At: time.UnixMilli(1)}); err != nil {
		t.Errorf("AddStory after the upgrade: %v", err)
	}
}

// TestUpgradeFromVersion8 opens a database at the version before
// member_weeks with rolled-up days and no events behind them: the migration
// builds the weeks from the days, so levels read the same figures as before.
func TestUpgradeFromVersion8(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v8.db")
	raw := databaseAtVersion(t, path, 8)
	// Days 0..13 are two weeks ending at day 14; U1 is active on days 1, 6
	// and 9, U2 (a bot) on day 2.
	for _, q := range []string{
		`INSERT INTO communities (id, ext_id, platform) VALUES (1, 'slack:T1', 'slack')`,
		`INSERT INTO members (id, community_id, ext_id, first_seen) VALUES (1, 1, 'U1', 0)`,
		`INSERT INTO members (id, community_id, ext_id, first_seen, is_bot) VALUES (2, 1, 'U2', 0, 1)`,
		`INSERT INTO member_days (community_id, member_id, day, messages, replies, channels) VALUES (1, 1, 1, 2, 1, '1')`,
		`INSERT INTO member_days (community_id, member_id, day, reactions, still_here, rsvps, channels) VALUES (1, 1, 6, 3, 1, 1, '1')`,
		`INSERT INTO member_days (community_id, member_id, day, checkin_answers, resource_shares, attendances, channels) VALUES (1, 1, 9, 1, 2, 1, '')`,
		`INSERT INTO member_days (community_id, member_id, day, messages, channels) VALUES (1, 2, 2, 5, '1')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: "slack:T1", End: time.UnixMilli(14 * 86400000), Weeks: 2})
	if err != nil || len(got) != 1 {
		t.Fatalf("MemberWeeks after the upgrade: %+v, %v; want U1", got, err)
	}
	want := []bot.WeekCounts{{Messages: 2, Replies: 1, Reactions: 3, Answers: 2}, {Answers: 4}}
	if !slices.Equal(got[0].Weeks, want) {
		t.Errorf("U1's weeks after the upgrade: %+v, want %+v", got[0].Weeks, want)
	}
	// And a window whose weeks start on another weekday reads the other
	// rows: days 2..8 and 9..15.
	got, err = db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: "slack:T1", Member: "U2", End: time.UnixMilli(16 * 86400000), Weeks: 2})
	if want := []bot.WeekCounts{{Messages: 5}, {}}; err != nil || len(got) != 1 || !slices.Equal(got[0].Weeks, want) {
		t.Errorf("U2's weeks after the upgrade: %+v, %v; want %+v", got, err, want)
	}
}

// databaseAtVersion creates a database at path migrated by the first n
// shipped migrations only, as an older Hearth left it, and returns it open
// without the store's checks, for a test to fill as that version could.
func databaseAtVersion(t *testing.T, path string, n int) *sql.DB {
	t.Helper()
	shipped, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	older := fstest.MapFS{}
	for _, m := range shipped[:n] {
		older["migrations/"+m.name+".sql"] = &fstest.MapFile{Data: []byte(m.sql)}
	}
	raw, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateFS(context.Background(), raw, older); err != nil {
		raw.Close()
		t.Fatal(err)
	}
	return raw
}
