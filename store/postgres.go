package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// IsPostgresURL reports whether name selects a PostgreSQL database
// (postgres://… or postgresql://…) rather than an SQLite file.
func IsPostgresURL(name string) bool {
	return strings.HasPrefix(name, "postgres://") || strings.HasPrefix(name, "postgresql://")
}

// Redacted is name as errors and logs may show it: a PostgreSQL URL
// without its password; any other name as it is.
func Redacted(name string) string {
	if !IsPostgresURL(name) {
		return name
	}
	u, err := url.Parse(name)
	if err != nil {
		return "the PostgreSQL URL (which does not parse)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Pool sizes on PostgreSQL: readers run a report's queries in parallel and
// serve several requests; the writer runs one transaction at a time (a
// second connection serves migrating and Backup's refusal, never two
// batches).
const (
	postgresReaders = 12
	postgresWriters = 2
)

// openPostgres opens the PostgreSQL database at rawURL: for reading and
// writing, migrating it first, or readOnly (every transaction read-only;
// never migrated).
func openPostgres(ctx context.Context, rawURL string, readOnly bool) (*DB, error) {
	name := Redacted(rawURL)
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		// pgx's message shows the URL with its password masked.
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	readCfg := cfg.Copy()
	readCfg.RuntimeParams["default_transaction_read_only"] = "on"
	read := stdlib.OpenDB(*readCfg)
	read.SetMaxOpenConns(postgresReaders)
	read.SetMaxIdleConns(postgresReaders)
	if err := read.PingContext(ctx); err != nil {
		read.Close()
		return nil, postgresError(name, err)
	}
	db := &DB{path: name, read: &pool{read, postgresDialect}, d: postgresDialect}
	if readOnly {
		if err := checkSchema(ctx, db.read, postgresDialect, name); err != nil {
			read.Close()
			return nil, postgresError(name, err)
		}
		db.w = refusingWriter()
	} else {
		write := stdlib.OpenDB(*cfg)
		write.SetMaxOpenConns(postgresWriters)
		write.SetMaxIdleConns(postgresWriters)
		db.write = &pool{write, postgresDialect}
		closeAll := func() {
			read.Close()
			write.Close()
		}
		if err := whileBusy(ctx, migrateWait, func() error { return migratePostgres(ctx, db.write, name) }); err != nil {
			closeAll()
			return nil, postgresError(name, err)
		}
		if db.w, err = startWriter(ctx, db.write); err != nil {
			closeAll()
			return nil, fmt.Errorf("open database %s: %w", name, err)
		}
	}
	if db.hot, err = prepareHot(ctx, db.read); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	return db, nil
}

// postgresError says what went wrong opening the database name in words
// an operator can act on, keeping PostgreSQL's own words beside them.
func postgresError(name string, err error) error {
	if err == nil {
		return nil
	}
	var pe *PathError
	if errors.As(err, &pe) {
		return err
	}
	var pg *pgconn.PgError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &pg) && (pg.Code == "28P01" || pg.Code == "28000"):
		return &PathError{name, fmt.Sprintf("cannot log in to %s: the user name or password is wrong, or the server does not let this user in (%s)", name, pg.Message), err}
	case errors.As(err, &pg) && pg.Code == "3D000":
		return &PathError{name, fmt.Sprintf("%s: there is no such database on the server (create it first: createdb, or CREATE DATABASE)", name), err}
	case errors.As(err, &pg) && pg.Code == "42501":
		return &PathError{name, fmt.Sprintf("%s: the user may not create tables there (%s): grant it, or use a database the user owns", name, pg.Message), err}
	case errors.As(err, &opErr) || errors.As(err, &netErr):
		return &PathError{name, fmt.Sprintf("cannot reach the PostgreSQL server of %s: %v (is it running, and are the host and port right?)", name, unwrapConnect(err)), err}
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return &PathError{name, fmt.Sprintf("cannot connect to %s: %v", name, unwrapConnect(err)), err}
	}
	return fmt.Errorf("open database %s: %w", name, err)
}

// unwrapConnect is the innermost reason of a connection failure, which
// does not repeat the URL.
func unwrapConnect(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// isPostgresRetry reports whether err is PostgreSQL's serialization failure
// or deadlock: the transaction was rolled back, and running it again may
// work.
func isPostgresRetry(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// isPostgresBusy reports whether err says another session holds what was
// wanted (a lock not available at once), or a retryable conflict.
func isPostgresBusy(err error) bool {
	var pg *pgconn.PgError
	return isPostgresRetry(err) || errors.As(err, &pg) && pg.Code == "55P03"
}

// writeTxOptions are the writer's transactions' options in dialect d. On
// PostgreSQL several instances write at once, so the writer's
// read-then-write jobs (MAX(seq)+1, claims, "insert unless it exists") run
// SERIALIZABLE and the writer retries a batch that conflicted: each batch
// then acts as if it ran alone, as SQLite's single writer makes it.
func writeTxOptions(d dialect) *sql.TxOptions {
	if d == postgresDialect {
		return &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	return nil
}

// openPostgresReader opens a read-only pool of the database at rawURL and
// checks that it answers.
func openPostgresReader(ctx context.Context, rawURL string) (*pool, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redacted(rawURL), err)
	}
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	read := stdlib.OpenDB(*cfg)
	read.SetMaxOpenConns(1)
	if err := read.PingContext(ctx); err != nil {
		read.Close()
		return nil, postgresError(Redacted(rawURL), err)
	}
	return &pool{read, postgresDialect}, nil
}

// checkPostgres is CheckExisting of a PostgreSQL URL.
func checkPostgres(ctx context.Context, rawURL string) error {
	read, err := openPostgresReader(ctx, rawURL)
	if err != nil {
		return err
	}
	defer read.Close()
	ms, err := loadMigrationsIn(migrationFiles, "migrations/postgres")
	if err != nil {
		return err
	}
	return postgresError(Redacted(rawURL), checkHearth(ctx, read, postgresDialect, Redacted(rawURL), ms, false))
}

// migratePostgresURL is Migrate of a PostgreSQL URL.
func migratePostgresURL(ctx context.Context, rawURL string) (from, to int, err error) {
	if err := checkPostgres(ctx, rawURL); err != nil {
		return 0, 0, err
	}
	read, err := openPostgresReader(ctx, rawURL)
	if err != nil {
		return 0, 0, err
	}
	err = read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&from)
	read.Close()
	if err != nil {
		return 0, 0, postgresError(Redacted(rawURL), err)
	}
	db, err := Open(ctx, rawURL)
	if err != nil {
		return from, 0, err
	}
	ms, err := loadMigrationsIn(migrationFiles, "migrations/postgres")
	return from, len(ms), errors.Join(err, db.Close())
}

// readTxOptions are the options of a read transaction of several queries
// in dialect d: on PostgreSQL one snapshot for all of them (its default,
// READ COMMITTED, takes one per statement), as SQLite's WAL gives.
func readTxOptions(d dialect) *sql.TxOptions {
	if d == postgresDialect {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil
}
