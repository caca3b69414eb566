package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Migrations are SQL files named NNNN_what.sql, applied in order of NNNN,
// each once and in its own transaction. To change the schema, add the next
// file; never edit one that has shipped. Each has a PostgreSQL twin in
// migrations/postgres with the same number and name, so that both kinds of
// database report the same schema versions.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations and checks that their
// versions run 1, 2, 3... without gaps or repeats.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	return loadMigrationsIn(fsys, "migrations")
}

// loadMigrationsIn is loadMigrations of the folder dir of fsys.
func loadMigrationsIn(fsys fs.FS, dir string) ([]migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name it NNNN_what.sql", base)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		ms = append(ms, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(body)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d (versions run 1, 2, 3... once each)", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate brings the schema of db, the database at path, up to date.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	return migrateFSAt(ctx, db, migrationFiles, path)
}

// migrateFS applies the migrations in fsys (a tree with a migrations
// folder) that db does not have yet.
func migrateFS(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	return migrateFSAt(ctx, db, fsys, "the database")
}

// migrateFSAt is migrateFS of the database at path, which errors name. It
// refuses a database that holds another program's tables.
//
// Several processes may open one new database at once. Each migration, and
// the bookkeeping table with the first, runs in a transaction that takes
// the write lock first (BEGIN IMMEDIATE, which waits out the busy timeout),
// so the others wait for whoever migrates and then find the work done. What
// SQLite refuses at once as busy regardless (the switch to WAL on a new
// file, a connection opened while another sets the file up) is retried
// with backoff until migrateWait has passed.
func migrateFSAt(ctx context.Context, db *sql.DB, fsys fs.FS, path string) error {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := whileBusy(ctx, migrateWait, func() error { return apply(ctx, db, m, ms, path) }); err != nil {
			return err
		}
	}
	return nil
}

// apply runs m unless the database has it already. It refuses a database
// that a newer Hearth has migrated past what this one knows (all of ms), and
// one that is not Hearth's.
func apply(ctx context.Context, db *sql.DB, m migration, ms []migration, path string) (err error) {
	known := len(ms)
	// A connection of its own, so that BEGIN IMMEDIATE is ours whatever the
	// pool's transaction mode.
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migration %s: take the write lock: %w", m.name, err)
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	if err := checkHearth(ctx, conn, sqliteDialect, path, ms, true); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, createSchemaMigrations); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > known {
		return fmt.Errorf("the database has schema version %d, newer than this Hearth knows (%d): upgrade Hearth", current, known)
	}
	if current >= m.version {
		_, err := conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	// The wall clock is fine here: this is bookkeeping, not a domain time.
	if _, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("record migration %s: %w", m.name, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit migration %s: %w", m.name, err)
	}
	return nil
}

const createSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL)`

// postgresMigrationLock is the key of the PostgreSQL advisory lock that
// migrating takes: instances starting at once wait for the one that
// migrates, then find the work done.
const postgresMigrationLock = 0x4865617274680001 // "Hearth", 1

// migratePostgres brings the schema of the PostgreSQL database name (its
// URL without password, for errors) up to date: in one transaction, since
// PostgreSQL's DDL is transactional, under an advisory lock held until it
// ends.
func migratePostgres(ctx context.Context, db *pool, name string) (err error) {
	ms, err := loadMigrationsIn(migrationFiles, "migrations/postgres")
	if err != nil {
		return err
	}
	// READ COMMITTED (the default), not a snapshot: the statements after
	// the lock must see what an instance that held it before committed.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(postgresMigrationLock)); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	if err := checkHearth(ctx, tx, postgresDialect, name, ms, true); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, createSchemaMigrationsPostgres); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("the database has schema version %d, newer than this Hearth knows (%d): upgrade Hearth", current, len(ms))
	}
	for _, m := range ms[current:] {
		// The raw transaction: the file is PostgreSQL's SQL already, and
		// several statements (which only the simple protocol runs, as pgx
		// does for a query without arguments).
		if _, err := tx.Tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		// The wall clock is fine here: this is bookkeeping, not a domain time.
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("record migration %s: %w", m.name, err)
		}
	}
	return tx.Commit()
}

const createSchemaMigrationsPostgres = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    BIGINT PRIMARY KEY,
	name       TEXT   NOT NULL,
	applied_at BIGINT NOT NULL)`
