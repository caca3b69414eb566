package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateCopy: hearth migrate --from --to copies a shell session's
// database into a new file, prints every table's rows, and the copy's
// report is the source's; a second copy into it is refused, and so are
// half the flags.
func TestMigrateCopy(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
	hearth(t, session, nil, "shell", "--db", from, "--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol")
	out := hearth(t, "", nil, "migrate", "--from", from, "--to", to)
	for _, want := range []string{"table", "rows", "\nmembers ", "\nevents ", "copied ", "every table's row count matches"} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate --from --to lacks %q:\n%s", want, out)
		}
	}
	sameReports(t, from, to)

	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"migrate", "--from", from, "--to", to}, "is not empty: it holds rows in", 1},
		{[]string{"migrate", "--from", from}, "needs both --from and --to", 2},
		{[]string{"migrate", "--from", from, "--to", filepath.Join(dir, "x.db"), "--db", from}, "not both", 2},
		{[]string{"migrate", "--from", filepath.Join(dir, "missing.db"), "--to", filepath.Join(dir, "y.db")}, "no database at", 1},
	} {
		e, _, stderr := testEnv("", nil)
		if code := runMain(context.Background(), tc.args, e); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	e, _, stderr := testEnv("", nil)
	if code := runMain(context.Background(), []string{"migrate", "--from", from, "--to", from}, e); code != 2 || !strings.Contains(stderr.String(), "same database") {
		t.Errorf("copy into itself: exit %d, %q", code, stderr)
	}
}

// sameReports checks that the JSON reports of a and b are equal.
func sameReports(t *testing.T, a, b string) {
	t.Helper()
	now := "2026-11-04T09:00:08Z"
	ra, _ := json.Marshal(reportJSON(t, a, "--now", now))
	rb, _ := json.Marshal(reportJSON(t, b, "--now", now))
	if string(ra) != string(rb) {
		t.Errorf("the copy's report differs:\n%s\n%s", rb, ra)
	}
}

// TestMigrateCopyPostgres: SQLite into PostgreSQL and back, with the same
// report at each end, and the password never printed.
func TestMigrateCopyPostgres(t *testing.T) {
	pg := postgresSchema(t)
	password, _ := mustURL(t, pg).User.Password()
	dir := t.TempDir()
	from, back := filepath.Join(dir, "from.db"), filepath.Join(dir, "back.db")
	hearth(t, session, nil, "shell", "--db", from, "--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol")
	for _, step := range [][2]string{{from, pg}, {pg, back}} {
		e, stdout, stderr := testEnv("", nil)
		if err := run(context.Background(), []string{"migrate", "--from", step[0], "--to", step[1]}, e); err != nil {
			t.Fatalf("migrate: %v\n%s", err, stderr)
		}
		if !strings.Contains(stdout.String(), "every table's row count matches") || strings.Contains(stdout.String()+stderr.String(), password) {
			t.Errorf("migrate: %q %q", stdout, stderr)
		}
	}
	sameReports(t, from, pg)
	sameReports(t, from, back)
	e, _, stderr := testEnv("", nil)
	if code := runMain(context.Background(), []string{"migrate", "--from", from, "--to", pg}, e); code != 1 ||
		!strings.Contains(stderr.String(), "is not empty") || strings.Contains(stderr.String(), password) {
		t.Errorf("a second copy into PostgreSQL: exit %d, %q", code, stderr)
	}
}
