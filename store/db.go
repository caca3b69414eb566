// Package store keeps Hearth's communities, members, channels and
// participation events in SQLite, and computes reports with aggregate
// queries. It implements bot.Store; every SQL detail stays in this package.
//
// One writer goroutine owns all writes and commits whatever callers have
// queued in one transaction (group commit); reads go through a separate pool
// and run beside it, as SQLite's WAL mode allows. In the same transactions
// the writer keeps daily rollups of activity, so a report reads whole days
// from them and only the partial days at its edges from the events.
//
// The schema lives in migrations/NNNN_what.sql, applied in order on Open.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/hearth-community/hearth/bot"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

var _ bot.Store = (*DB)(nil)

// DB is a Hearth database. It is safe for concurrent use; Close it when done.
type DB struct {
	path  string
	write *pool // the writer's connections (SQLite: one)
	read  *pool // readers
	d     dialect
	w     *writer
	// hot are the reads the event path makes for every event or batch,
	// prepared once (database/sql keeps one per reading connection).
	hot hotReads

	closeOnce sync.Once
	closeErr  error
}

// pragmas are set on every connection. WAL lets readers run while the writer
// commits; synchronous(NORMAL) is durable across application crashes and
// loses at most the last commits on power loss, which is the usual WAL
// trade-off.
var pragmas = []string{"busy_timeout(5000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"}

// Open opens (creating if needed) the database at path, brings its schema up
// to date, and starts its writer. It refuses a path that is a folder, whose
// folder is missing, or that holds something other than a Hearth database,
// saying so (*PathError); several processes may create one database at once.
//
// A postgres:// (or postgresql://) URL opens that PostgreSQL database
// instead, which must exist; Open creates Hearth's tables in it (in the
// schema the URL's search_path names) or refuses one holding another
// program's tables. Errors name the URL without its password.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path")
	}
	if IsPostgresURL(path) {
		return openPostgres(ctx, path, false)
	}
	if err := checkPath(path, true); err != nil {
		return nil, err
	}
	if err := refuseForeign(ctx, path); err != nil {
		return nil, err
	}
	// The writer's batches touch pages all over the indexes: a 64 MB cache
	// (not 2 MB) keeps them from spilling mid-transaction, temporary data
	// stays in memory, and a checkpoint every 8192 pages (not 1000) writes
	// each page back once for many commits (BenchmarkRecordGrowing).
	write, err := sql.Open("sqlite", dsn(path, "_txlock=immediate", "_pragma=cache_size(-65536)", "_pragma=temp_store(MEMORY)", "_pragma=wal_autocheckpoint(8192)"))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One connection, never closed for idleness: the writer's.
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	if err := migrate(ctx, write, path); err != nil {
		write.Close()
		return nil, openError(path, err)
	}
	// Readers map the file rather than copy pages into each connection's
	// small cache: a report's queries run on several connections at once.
	read, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)", "_pragma=mmap_size(1073741824)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	if err := read.PingContext(ctx); err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	db := &DB{path: path, write: &pool{write, sqliteDialect}, read: &pool{read, sqliteDialect}, d: sqliteDialect}
	if db.w, err = startWriter(ctx, db.write); err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if db.hot, err = prepareHot(ctx, db.read); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// hotReads are prepared statements of the reads on the event path.
type hotReads struct {
	setting, isPromptPost *stmt
}

func prepareHot(ctx context.Context, read *pool) (hotReads, error) {
	var h hotReads
	var err error
	if h.setting, err = read.PrepareContext(ctx, sqlSetting); err != nil {
		return h, fmt.Errorf("prepare setting: %w", err)
	}
	if h.isPromptPost, err = read.PrepareContext(ctx, sqlIsPromptPost); err != nil {
		h.close()
		return h, fmt.Errorf("prepare prompt post lookup: %w", err)
	}
	return h, nil
}

func (h hotReads) close() {
	for _, s := range []*stmt{h.setting, h.isPromptPost} {
		if s != nil {
			s.Close()
		}
	}
}

// dsn is the driver's name for the database at path with the pragmas and
// the extra parameters.
func dsn(path string, extra ...string) string {
	// A file: URI, so the path is escaped; SQLite unescapes it.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	q := url.Values{"_pragma": pragmas}.Encode()
	for _, e := range extra {
		q += "&" + e
	}
	return "file:" + escaped + "?" + q
}

// Close finishes the writes in flight, stops the writer and closes the
// database. Writes after Close fail; Close is safe to call more than once.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.w.stop()
		db.hot.close()
		db.closeErr = db.read.Close()
		if db.write != nil { // nil when opened read-only
			db.closeErr = errors.Join(db.closeErr, db.write.Close())
		}
	})
	return db.closeErr
}

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping database %s: %w", db.path, err)
	}
	return nil
}
