package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// transcriptCheckinDB plays the check-in transcript (two runs of pulse) into a new
// database and returns its path.
func transcriptCheckinDB(t *testing.T) string {
	t.Helper()
	script, err := os.ReadFile("testdata/transcripts/checkin.txt")
	if err != nil {
		t.Fatal(err)
	}
	args, vars := transcriptHeader(string(script))
	db := filepath.Join(t.TempDir(), "hearth.db")
	e, _, stderr := testEnv(string(script), vars)
	if err := run(context.Background(), append([]string{"shell", "--db", db}, args...), e); err != nil {
		t.Fatalf("shell: %v\n%s", err, stderr)
	}
	return db
}

// breakTables drops the tables named, or every table but the community
// list and the migration record, so a command finds its community and then fails inside: an
// internal error, which chat would hide behind the apology.
func breakTables(t *testing.T, path string, only ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('communities', 'schema_migrations') AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	if only != nil {
		names = only
	}
	if _, err := raw.Exec(`PRAGMA foreign_keys = OFF`); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if _, err := raw.Exec(`DROP TABLE "` + n + `"`); err != nil {
			t.Fatalf("drop %s: %v", n, err)
		}
	}
}

// TestOfflineCommandsPrintTheRealError: offline the user is the operator.
// Each sub-command that reads or writes a community is run on a database
// whose tables are gone; it exits 1 and standard error says what failed
// (no such table), never the chat apology.
func TestOfflineCommandsPrintTheRealError(t *testing.T) {
	dir := t.TempDir()
	deck := filepath.Join(dir, "deck.yaml")
	surveys := filepath.Join(dir, "surveys.yaml")
	if err := os.WriteFile(deck, []byte("prompts:\n  - What did you try?\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(surveys, []byte(teamHealth), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		// out is where the real error shows: "stderr", or "both" when the
		// command reports steps on standard output; "any" asks only for an
		// error that is not the apology (what simulate refuses first may
		// change).
		out string
		// drop are the tables to drop; nil drops every one it can.
		drop []string
	}{
		{"report", []string{"report", "--db", "DB", "--period", "30d"}, "stderr", nil},
		{"report csv", []string{"report", "--db", "DB", "--since", "2026-11-01", "--until", "2026-11-28", "--format", "csv"}, "stderr", nil},
		{"digest", []string{"digest", "--db", "DB"}, "stderr", nil},
		{"impact", []string{"impact", "--db", "DB", "--since", "2026-11-01"}, "stderr", nil},
		{"checkins", []string{"checkins", "--db", "DB", "--survey", "pulse"}, "stderr", nil},
		{"checkins run", []string{"checkins", "--db", "DB", "--survey", "pulse", "--run", "1"}, "stderr", nil},
		{"resources", []string{"resources", "--db", "DB"}, "stderr", nil},
		{"prompts import", []string{"prompts", "import", "--db", "DB", deck}, "stderr", nil},
		{"surveys import", []string{"surveys", "import", "--db", "DB", surveys}, "stderr", nil},
		{"plan apply", []string{"plan", "apply", "--db", "DB", "--as", "carol", "--sample"}, "both", []string{"schedules"}},
		{"forget", []string{"forget", "--db", "DB", "--member", "alice"}, "stderr", nil},
		{"export", []string{"export", "--db", "DB", "--member", "alice"}, "stderr", nil},
		{"simulate", []string{"simulate", "--db", "DB", "--members", "3", "--days", "2"}, "any", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := transcriptCheckinDB(t)
			breakTables(t, db, tt.drop...)
			args := append([]string(nil), tt.args...)
			for i, a := range args {
				if a == "DB" {
					args[i] = db
				}
			}
			e, stdout, stderr := testEnv("", map[string]string{"HEARTH_LOG_LEVEL": "error"})
			code := runMain(context.Background(), args, e)
			if code != 1 {
				t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			for _, w := range []string{stdout.String(), stderr.String()} {
				if strings.Contains(w, "Sorry, something went wrong") || strings.Contains(w, bot.Apology) {
					t.Fatalf("the chat apology offline:\nstdout: %s\nstderr: %s", stdout, stderr)
				}
			}
			where := stderr.String()
			if tt.out == "both" {
				where = stdout.String()
				if !strings.Contains(stderr.String(), "steps failed") {
					t.Errorf("stderr does not say it failed: %q", stderr)
				}
			}
			if tt.out == "any" {
				if !strings.HasPrefix(stderr.String(), "hearth: ") {
					t.Fatalf("no error on stderr: %q", stderr)
				}
				return
			}
			if !strings.Contains(where, "no such table") {
				t.Fatalf("the real error is not shown\nstdout: %s\nstderr: %s", stdout, stderr)
			}
		})
	}
}

// TestOfflineRefusalsSayWhy: what the issue saw print the apology now says
// what is wrong.
func TestOfflineRefusalsSayWhy(t *testing.T) {
	db := transcriptCheckinDB(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"impact", "--db", db, "--since", "0001-01-01"}, 2, "hearth: The period 0001-01-01 to 2026-11-28 is longer than I report on (three years at most).\n"},
		{[]string{"checkins", "--db", db, "--survey", "pulse", "--run", "7"}, 1, "hearth: no run 7 of pulse; runs are 1–2\n"},
		{[]string{"checkins", "--db", db, "--survey", "retro", "--run", "7"}, 1, "hearth: no run 7; survey \"retro\" has no runs in shell:local\n"},
	}
	for _, tt := range tests {
		e, _, stderr := testEnv("", map[string]string{})
		if code := runMain(context.Background(), tt.args, e); code != tt.code || stderr.String() != tt.want {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", tt.args[:2], code, stderr, tt.code, tt.want)
		}
	}
}

func TestIDRanges(t *testing.T) {
	for _, tt := range []struct {
		ids  []int64
		want string
	}{
		{[]int64{3, 1, 2}, "1–3"},
		{[]int64{1, 2, 3, 5, 8, 9}, "1–3, 5, 8–9"},
		{[]int64{4}, "4"},
	} {
		if got := idRanges(tt.ids); got != tt.want {
			t.Errorf("idRanges(%v) = %q, want %q", tt.ids, got, tt.want)
		}
	}
}

// TestOfflinePeriodsAreBounded: every offline command that takes a period
// refuses a runaway one as report does, before it opens the database (the
// path here does not exist, so reading anything would fail differently).
func TestOfflinePeriodsAreBounded(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	tests := [][]string{
		{"impact", "--since", "1000-01-01"},
		{"impact", "--since", "0001-01-01", "--format", "json"},
		{"impact", "--since", "2026-01-01", "--until", "9999-12-31"},
		{"impact", "--since", "2026-01-01", "--until", "9999-12-31", "--format", "json"},
		{"report", "--since", "1000-01-01", "--until", "2026-11-28"},
		{"report", "--since", "2026-01-01", "--until", "9999-12-31", "--format", "json"},
		{"report", "--period", "99999d"},
		{"report", "--period", "9999999999w"},
	}
	for _, args := range tests {
		e, stdout, stderr := testEnv("", map[string]string{})
		code := runMain(context.Background(), append(args, "--db", missing), e)
		if code != 2 || !strings.Contains(stderr.String(), "longer than I report on (three years at most)") || stdout.Len() > 0 {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want a refusal", args, code, stderr, stdout)
		}
	}
}
