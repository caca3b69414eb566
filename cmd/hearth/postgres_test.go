package main

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/store/storetest"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// postgresSchema is a schema of its own in the database HEARTH_TEST_POSTGRES
// names, dropped when t ends, as a URL (search_path) with a password
// added: the commands must never print it. Without the variable t is
// skipped (failed when HEARTH_REQUIRE_POSTGRES=1, as in CI).
func postgresSchema(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(storetest.PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, has := u.User.Password(); !has {
		// trust authentication ignores it; a server that checks has one.
		u.User = url.UserPassword(u.User.Username(), "unused-s3cret")
	}
	return u.String()
}

// TestPostgresCommands: --db and HEARTH_DB take a postgres:// URL for the
// shell, the offline reports, migrate and backup; nothing prints the
// password.
func TestPostgresCommands(t *testing.T) {
	db := postgresSchema(t)
	password, _ := mustURL(t, db).User.Password()
	shellArgs := []string{"shell", "--db", db, "--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol"}
	out := hearth(t, session+"carol: /hearth report\n", nil, shellArgs...)
	for _, want := range []string{"Members 7 (▲7) · active 6 (▲6) · new 7 (▲7) · quiet 0 (=)",
		"Activity 3 messages (▲3) · 2 replies (▲2) · 1 reaction (▲1) · 0 check-in answers (=)"} {
		if !strings.Contains(out, want) {
			t.Errorf("/hearth report lacks %q:\n%s", want, out)
		}
	}
	// The same session on SQLite gives the same report.
	file := filepath.Join(t.TempDir(), "hearth.db")
	hearth(t, session, nil, "shell", "--db", file, "--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol")
	now := "2026-11-04T09:00:08Z"
	a, _ := json.Marshal(reportJSON(t, db, "--now", now))
	b, _ := json.Marshal(reportJSON(t, file, "--now", now))
	if string(a) != string(b) {
		t.Errorf("PostgreSQL's report differs from SQLite's:\n%s\n%s", a, b)
	}
	viaEnv := hearth(t, "", map[string]string{"HEARTH_DB": db}, "report", "--now", now)
	if !strings.Contains(viaEnv, "3 messages") {
		t.Errorf("HEARTH_DB report:\n%s", viaEnv)
	}
	migrated := hearth(t, "", nil, "migrate", "--db", db)
	if !strings.Contains(migrated, "is up to date") || strings.Contains(migrated, password) {
		t.Errorf("migrate: %q", migrated)
	}
	e, stdout, stderr := testEnv("", nil)
	err := run(context.Background(), []string{"backup", "--db", db, filepath.Join(t.TempDir(), "b.db")}, e)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") || strings.Contains(err.Error()+stdout.String()+stderr.String(), password) {
		t.Errorf("backup: %v %q %q", err, stdout, stderr)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
