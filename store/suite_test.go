package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hearth-community/hearth/bot/memstore"
	"github.com/hearth-community/hearth/store"
	"github.com/hearth-community/hearth/store/storetest"
)

// TestSQLite runs the store suite against the SQLite store, each test on a
// database file of its own.
func TestSQLite(t *testing.T) {
	// Small prune batches: PruneEvents' test sees several.
	defer store.SetPruneBatch(500)()
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, path := openDB(t)
		return &sqliteStore{DB: db, path: path}
	})
}

// TestMemstore runs the store suite against the in-memory store, which the
// core's and the schedules' tests share.
func TestMemstore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return memstore.New(nil) })
}

// sqliteStore is the SQLite store with what the suite reads of its tables
// (storetest.Scanner), through a connection of its own to the file.
type sqliteStore struct {
	*store.DB
	path string
}

var (
	_ storetest.Scanner = (*sqliteStore)(nil)
	_ storetest.Scanner = (*memstore.Store)(nil)
)

func (s *sqliteStore) raw() (*sql.DB, error) { return sql.Open("sqlite", s.path) }

// Holding lists the columns ("table.column") of any table holding one of
// needles.
func (s *sqliteStore) Holding(ctx context.Context, needles ...string) ([]string, error) {
	db, err := s.raw()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tables, err := column(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		return nil, err
	}
	var hits []string
	for _, table := range tables {
		cols, err := column(ctx, db, `SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			return nil, err
		}
		for _, col := range cols {
			for _, needle := range needles {
				var n int
				q := fmt.Sprintf(`SELECT COUNT(*) FROM "%s" WHERE instr(CAST("%s" AS TEXT), ?) > 0`, table, col)
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
func (s *sqliteStore) Orphans(ctx context.Context) ([]string, error) {
	db, err := s.raw()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return orphans(ctx, db)
}

// orphans lists the tables of db with rows whose member_id names no member
// row.
func orphans(ctx context.Context, db *sql.DB) ([]string, error) {
	var out []string
	for _, table := range []string{"events", "member_days", "member_weeks", "member_channel_days", "checkin_recipients", "nudges", "member_prefs",
		"resources", "stories", "event_rsvps", "intro_optins", "intro_members", "deliveries"} {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE member_id NOT IN (SELECT id FROM members)`).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%s: %d rows", table, n))
		}
	}
	return out, nil
}

// Rollups returns the rows of the day tables.
func (s *sqliteStore) Rollups(ctx context.Context) (map[string][]string, error) {
	db, err := s.raw()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return rollups(ctx, db)
}

// rollups returns the rows of the day tables of db.
func rollups(ctx context.Context, db *sql.DB) (map[string][]string, error) {
	out := map[string][]string{}
	for _, table := range []string{"member_days", "member_channel_days", "channel_days"} {
		r, err := rowStrings(ctx, db, `SELECT * FROM `+table)
		if err != nil {
			return nil, err
		}
		out[table] = r
	}
	return out, nil
}

// column returns the first column of a query's rows.
func column(ctx context.Context, db *sql.DB, query string, args ...any) ([]string, error) {
	rs, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var v string
		if err := rs.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

// openDB opens a database file in a temporary directory, closed when the
// test ends.
func openDB(t testing.TB) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hearth.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, path
}
