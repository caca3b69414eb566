package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// shellClock is the simulated start of the shell tests' sessions.
const shellClock = "2026-11-02T09:00:00Z"

// shellSession runs `hearth shell --db db --clock shellClock --facilitator
// carol ARGS` on script and returns its output and error.
func shellSession(t testing.TB, db, script string, args ...string) (string, error) {
	t.Helper()
	e, stdout, _ := testEnv(script, map[string]string{"HEARTH_FILES_DIR": filepath.Dir(db)})
	err := run(context.Background(), append([]string{"shell", "--db", db, "--clock", shellClock, "--facilitator", "carol"}, args...), e)
	return stdout.String(), err
}

// dumpDB returns every row of every table of a Hearth database as text,
// in a stable order: two databases that dump alike hold the same.
// schema_migrations is left out (it keeps when each ran).
func dumpDB(t testing.TB, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var sb strings.Builder
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				parts = append(parts, fmt.Sprintf("%s=%v", cols[i], v))
			}
			lines = append(lines, strings.Join(parts, " "))
		}
		rows.Close()
		// Rows in the order of their values, not of insertion: the same
		// rows are the same database.
		sortStrings(lines)
		fmt.Fprintf(&sb, "== %s (%d)\n%s\n", table, len(lines), strings.Join(lines, "\n"))
	}
	return sb.String()
}

// withoutTable drops one table's rows from a dumpDB.
func withoutTable(dump, table string) string {
	var keep []string
	skipping := false
	for _, l := range strings.Split(dump, "\n") {
		if strings.HasPrefix(l, "== ") {
			skipping = strings.HasPrefix(l, "== "+table+" (")
		}
		if !skipping {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// replayScript creates a prompt every two hours, talks around its posts
// (replies and reactions by number and to the latest), clicks, answers in
// writing, and moves time.
var replayScript = strings.Split(`alice: hello everyone
carol: /hearth prompt add "@every 2h" "What are you reading?"
bob reply: hi alice
:advance 5h
dave: a book on facilitation
erin reply 1: late to the party
carol react: tada
carol: /hearth report
carol clicks Last 30 days
frank joins
:advance 3h
alice #design: card sorting?
bob reply: yes
frank dm: hello there
:advance 1d`, "\n")

// Replaying a script after an interruption, at any line, leaves the
// database as one uninterrupted run does: events, schedules, firings,
// and the applied lines; and replaying it whole again changes nothing.
func TestShellReplayAfterInterruption(t *testing.T) {
	script := strings.Join(replayScript, "\n") + "\n"
	once := filepath.Join(t.TempDir(), "once.db")
	if _, err := shellSession(t, once, script); err != nil {
		t.Fatal(err)
	}
	want := dumpDB(t, once)
	if !strings.Contains(want, "== schedules (1)") {
		t.Fatalf("the script made no schedule:\n%s", want)
	}
	for k := 0; k <= len(replayScript); k++ {
		db := filepath.Join(t.TempDir(), "replayed.db")
		if _, err := shellSession(t, db, strings.Join(replayScript[:k], "\n")+"\n"); err != nil {
			t.Fatal(err)
		}
		for run := 1; run <= 2; run++ {
			if out, err := shellSession(t, db, script); err != nil {
				t.Fatalf("replay after line %d: %v\n%s", k, err, out)
			}
			got := dumpDB(t, db)
			if k == 8 {
				// Interrupted between a command and the click on its
				// buttons: the replay does not run the command again, so
				// the click finds no buttons. What the click did not do
				// is the only difference (here it only asked a report).
				got, want := withoutTable(got, "applied_lines"), withoutTable(want, "applied_lines")
				if got != want {
					t.Errorf("interrupted between a command and its click: the database differs beyond the click\n%s", lineDiff(want, got))
				}
				continue
			}
			if got != want {
				t.Errorf("interrupted after line %d, then replayed %d time(s): the database differs from one run\n%s", k, run, lineDiff(want, got))
			}
		}
	}
}

// countRows counts a table's rows.
func countRows(t testing.TB, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM "` + table + `"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two sessions with one --clock keep each other's messages.
func TestShellSessionsWithOneClock(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	for _, script := range []string{"alice: hi\n", "bob: hello\n", "alice: hi again\n"} {
		if out, err := shellSession(t, db, script); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	if n := countRows(t, db, "events"); n != 3 {
		t.Errorf("%d events stored, want 3", n)
	}
}

// A script whose lines could not be recorded ends in an error (the
// process exits non-zero), after reading every line.
func TestShellFailuresFailTheRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	if _, err := shellSession(t, db, "alice: hi\n"); err != nil {
		t.Fatal(err)
	}
	// From now on every write of an event fails, as on a full disk.
	conn, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`CREATE TRIGGER full BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	out, err := shellSession(t, db, "bob: one\ncarol: two\ndave: three\n")
	if err == nil || !strings.Contains(err.Error(), "3 failure") {
		t.Errorf("the run ended with %v, want an error counting 3 failures\n%s", err, out)
	}
	if !strings.Contains(out, "dave: three") {
		t.Errorf("the session stopped at the first failure:\n%s", out)
	}
}

// One :advance runs a bounded number of scheduled jobs, says so and stops
// time moves on; with an `@every 1m` prompt, `:advance 30d` posts at most
// the bound and one catch-up.
func TestShellAdvanceIsBounded(t *testing.T) {
	for _, tc := range []struct {
		args []string
		max  int
	}{{nil, 1000}, {[]string{"--max-firings", "50"}, 50}} {
		db := filepath.Join(t.TempDir(), "hearth.db")
		out, err := shellSession(t, db, "carol: /hearth prompt add \"@every 1m\" \"Still there?\"\n:advance 30d\n", tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		// The bound's firings in order, then the catch-up: the latest
		// runs, the rest is one skipped row.
		if n := countRows(t, db, "firings"); n != tc.max+2 {
			t.Errorf("%v: %d firings, want %d", tc.args, n, tc.max+2)
		}
		if !strings.Contains(out, fmt.Sprintf("? ran %d scheduled firings in order", tc.max)) {
			t.Errorf("%v: no word of the bound:\n%.2000s", tc.args, out[max(0, len(out)-2000):])
		}
	}
	e, _, _ := testEnv("", nil)
	if err := run(context.Background(), []string{"shell", "--max-firings", "0"}, e); err == nil {
		t.Error("--max-firings 0 was accepted")
	}
}

// :advance refuses sums past five years, whatever their terms.
func TestShellAdvanceRefusesOverflow(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	out, err := shellSession(t, db, ":advance "+strings.Repeat("999999w", 14)+"\n:now\n")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "at most five years") || !strings.Contains(out, "now: "+shellClock) {
		t.Errorf("output:\n%s", out)
	}
}

// A plan given with --plan is applied once per start time: replaying the
// session does not create its schedules again.
func TestShellReplayAppliesThePlanOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	var counts []int
	for range 2 {
		if out, err := shellSession(t, db, "alice: hi\n", "--plan", "sample"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		counts = append(counts, countRows(t, db, "schedules"))
	}
	if counts[0] == 0 || counts[1] != counts[0] {
		t.Errorf("schedules after each run: %v, want the plan's, once", counts)
	}
}
