package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/hearth-community/hearth/store"
	"github.com/hearth-community/hearth/store/storetest"
)

// TestPostgres runs the store suite against the PostgreSQL store, each
// test in a schema of its own of the database HEARTH_TEST_POSTGRES names.
func TestPostgres(t *testing.T) {
	postgresURL(t) // skipped once here, not in every subtest
	defer store.SetPruneBatch(500)()
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, u := openPostgres(t)
		return &postgresStore{DB: db, url: u}
	})
}

// postgresURL and freshSchema are the suite's PostgreSQL database and a
// schema of t's own in it (see storetest).
var (
	postgresURL = storetest.PostgresURL
	freshSchema = storetest.PostgresSchema
)

// openPostgres opens the store in a fresh schema, closed when t ends.
func openPostgres(t testing.TB) (*store.DB, string) {
	t.Helper()
	u := freshSchema(t)
	db, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, u
}

// postgresStore is the PostgreSQL store with what the suite reads of its
// tables (storetest.Scanner), through a connection of its own.
type postgresStore struct {
	*store.DB
	url string
}

var _ storetest.Scanner = (*postgresStore)(nil)

func (s *postgresStore) raw() (*sql.DB, error) { return sql.Open("pgx", s.url) }

// Holding lists the columns ("table.column") of any table holding one of
// needles: every column of every table of the schema, read as text.
func (s *postgresStore) Holding(ctx context.Context, needles ...string) ([]string, error) {
	db, err := s.raw()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tables, err := column(ctx, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	var hits []string
	for _, table := range tables {
		cols, err := column(ctx, db, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
		if err != nil {
			return nil, err
		}
		for _, col := range cols {
			for _, needle := range needles {
				var n int
				q := fmt.Sprintf(`SELECT COUNT(*) FROM "%s" WHERE strpos(CAST("%s" AS TEXT), $1) > 0`, table, col)
				if err := db.QueryRowContext(ctx, q, needle).Scan(&n); err != nil {
					return nil, fmt.Errorf("%s: %w", q, err)
				}
				if n > 0 && !slices.Contains(hits, table+"."+col) {
					hits = append(hits, table+"."+col)
				}
			}
		}
	}
	return hits, nil
}

// Orphans lists the tables with rows whose member_id names no member row.
func (s *postgresStore) Orphans(ctx context.Context) ([]string, error) {
	db, err := s.raw()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return orphans(ctx, db)
}

// Rollups returns the rows of the day tables.
func (s *postgresStore) Rollups(ctx context.Context) (map[string][]string, error) {
	db, err := s.raw()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return rollups(ctx, db)
}
