package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgresURL is the database the PostgreSQL tests of every package use,
// HEARTH_TEST_POSTGRES; without it t is skipped, saying so, or failed when
// HEARTH_REQUIRE_POSTGRES=1 (as CI sets it, so a skip cannot pass there).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("HEARTH_TEST_POSTGRES")
	if u == "" {
		msg := "PostgreSQL tests skipped: set HEARTH_TEST_POSTGRES to a database URL (postgres://user@host:port/db?sslmode=disable) to run them"
		if os.Getenv("HEARTH_REQUIRE_POSTGRES") == "1" {
			t.Fatal(msg + "; HEARTH_REQUIRE_POSTGRES=1 makes that a failure")
		}
		t.Skip(msg)
	}
	return u
}

// PostgresSchema makes a schema of its own for t in PostgresURL's
// database, dropped when t ends, and returns the database's URL with it as
// search_path: tests run in parallel without seeing each other's rows.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "hearth_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
