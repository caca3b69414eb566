package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
)

// What can be wrong with a database, for callers that act on it
// (errors.Is): the messages themselves say it in words.
var (
	// ErrNotHearth: the file is not a Hearth database (not SQLite at all,
	// or another program's SQLite database).
	ErrNotHearth = errors.New("not a Hearth database")
	// ErrSchemaBehind: a Hearth database that an older Hearth wrote and
	// that must be migrated before this one can read it.
	ErrSchemaBehind = errors.New("database needs migrating")
	// ErrReadOnly is what writes return on a database opened read-only.
	ErrReadOnly = errors.New("store: database opened read-only")
)

// PathError says what is wrong with a database path in words an operator
// can act on ("… is a folder", "the folder … does not exist").
type PathError struct {
	Path    string
	Problem string
	Err     error // ErrNotHearth, ErrSchemaBehind, fs.ErrNotExist, fs.ErrPermission or SQLite's own
}

func (e *PathError) Error() string { return e.Problem }
func (e *PathError) Unwrap() error { return e.Err }

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// CheckExisting says what is wrong with path as an existing Hearth
// database, as far as it can tell without opening it (a folder, a missing
// file or folder, not an SQLite file), or nil. Commands that must not
// create a database call it before Open. Of a PostgreSQL URL it checks that
// the server answers and the database is Hearth's.
func CheckExisting(path string) error {
	if IsPostgresURL(path) {
		return checkPostgres(context.Background(), path)
	}
	return checkPath(path, false)
}

// Migrate brings the Hearth database at path, which must exist, up to date
// as Open does, and says from and to which schema version.
func Migrate(ctx context.Context, path string) (from, to int, err error) {
	if IsPostgresURL(path) {
		return migratePostgresURL(ctx, path)
	}
	if err := checkPath(path, false); err != nil {
		return 0, 0, err
	}
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return 0, 0, err
	}
	if read, err := openReader(ctx, path, false); err == nil {
		if err := checkHearth(ctx, read, sqliteDialect, path, ms, false); err != nil {
			read.Close()
			return 0, 0, openError(path, err)
		}
		err = read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&from)
		read.Close()
		if err != nil {
			return 0, 0, openError(path, err)
		}
	}
	db, err := Open(ctx, path)
	if err != nil {
		return from, 0, err
	}
	return from, len(ms), db.Close()
}

// checkPath finds what it can about path before SQLite opens it, so that the
// common mistakes get a plain message rather than "unable to open database
// file (14)". create is whether a missing (or empty) file is fine.
func checkPath(path string, create bool) error {
	fi, err := os.Stat(path)
	if err != nil {
		dir := filepath.Dir(path)
		if di, derr := os.Stat(dir); derr != nil && !errors.Is(derr, fs.ErrPermission) {
			return &PathError{path, fmt.Sprintf("%s: the folder %s does not exist (create it first, or choose another path)", path, dir), fs.ErrNotExist}
		} else if derr == nil && !di.IsDir() {
			return &PathError{path, fmt.Sprintf("%s: %s is not a folder, so it cannot hold %s", path, dir, filepath.Base(path)), fs.ErrInvalid}
		}
	}
	switch {
	case err == nil && fi.IsDir():
		return &PathError{path, fmt.Sprintf("%s is a folder, not a database file (give a file path, like %s)", path, filepath.Join(path, "hearth.db")), fs.ErrInvalid}
	case err == nil && !fi.Mode().IsRegular():
		return &PathError{path, fmt.Sprintf("%s is not a regular file", path), fs.ErrInvalid}
	case errors.Is(err, fs.ErrNotExist) && create:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return &PathError{path, fmt.Sprintf("there is no database at %s (hearth, hearth shell or hearth simulate create one)", path), fs.ErrNotExist}
	case err != nil:
		return &PathError{path, fmt.Sprintf("cannot look at %s: %v", path, unwrapPathErr(err)), err}
	}
	f, err := os.Open(path)
	if err != nil {
		return &PathError{path, fmt.Sprintf("cannot read %s: %v", path, unwrapPathErr(err)), err}
	}
	defer f.Close()
	if create {
		// SQLite would quietly open a file it may not write read-only, and
		// fail at the first write.
		w, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return &PathError{path, fmt.Sprintf("cannot write %s: %v (reading commands such as hearth report open it read-only)", path, unwrapPathErr(err)), err}
		}
		w.Close()
	}
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && create:
		return nil // an empty file is an empty database: Open fills it
	case n == 0:
		return &PathError{path, fmt.Sprintf("%s is not a Hearth database: the file is empty", path), ErrNotHearth}
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return &PathError{path, fmt.Sprintf("cannot read %s: %v", path, unwrapPathErr(err)), err}
	case !bytes.Equal(head[:n], []byte(sqliteHeader)) || n < len(head):
		return &PathError{path, fmt.Sprintf("%s is not a Hearth database: it is not an SQLite file", path), ErrNotHearth}
	}
	return nil
}

// unwrapPathErr drops the *fs.PathError's operation and path, which the
// message says already.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// openError is err from opening path, in words about the path where it can
// be (explain), and prefixed with the path otherwise.
func openError(path string, err error) error {
	err = explain(path, err)
	var pe *PathError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// explain turns what SQLite said while opening path into a message about
// the path where it can, and keeps SQLite's words otherwise.
func explain(path string, err error) error {
	var pe *PathError
	if err == nil || errors.As(err, &pe) {
		return err
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case 26: // SQLITE_NOTADB
		return &PathError{path, fmt.Sprintf("%s is not a Hearth database: it is not an SQLite file", path), errors.Join(ErrNotHearth, err)}
	case 8: // SQLITE_READONLY
		return &PathError{path, fmt.Sprintf("cannot write %s: the file or its folder is read-only (reading commands such as hearth report open it read-only)", path), errors.Join(fs.ErrPermission, err)}
	case 14: // SQLITE_CANTOPEN
		if perr := checkPath(path, true); perr != nil {
			return perr
		}
		dir, base := filepath.Dir(path), filepath.Base(path)
		if !folderWritable(dir) {
			return &PathError{path, fmt.Sprintf("cannot open %s for writing: its folder %s is read-only, and SQLite keeps %s-wal and %s-shm beside the database (reading commands such as hearth report work on it read-only)", path, dir, base, base), errors.Join(fs.ErrPermission, err)}
		}
		return &PathError{path, fmt.Sprintf("cannot open %s: check that you may read and write it and its folder %s (SQLite keeps %s-wal and %s-shm beside it)", path, dir, base, base), err}
	case 11: // SQLITE_CORRUPT
		return &PathError{path, fmt.Sprintf("%s is damaged (%v): restore it from a backup", path, err), err}
	}
	return err
}

// refuseForeign refuses, before anything writes to it, an SQLite file that
// holds another program's tables: Open would otherwise switch it to WAL and
// add Hearth's tables to it. What it cannot read, it leaves to Open to say.
func refuseForeign(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil // a new database
	}
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	read, err := openReader(ctx, path, false)
	if err != nil {
		return nil
	}
	defer read.Close()
	if err := checkHearth(ctx, read, sqliteDialect, path, ms, true); errors.Is(err, ErrNotHearth) {
		return err
	}
	return nil
}

// OpenReadOnly opens the Hearth database at path for reading only: it never
// creates, migrates or writes it, so reports can be made from a copy, from
// a read-only folder, or from a file of another program (which it names as
// such, untouched). Its writes return ErrReadOnly. A database an older
// Hearth wrote is refused with ErrSchemaBehind: `hearth migrate` brings it up
// to date.
//
// A PostgreSQL URL opens that database with every transaction read-only
// (default_transaction_read_only).
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path")
	}
	if IsPostgresURL(path) {
		return openPostgres(ctx, path, true)
	}
	if err := checkPath(path, false); err != nil {
		return nil, err
	}
	read, err := openReader(ctx, path, false)
	if err != nil && isCantOpen(err) && !exists(path+"-wal") {
		// A WAL database needs its -shm file, which a read-only folder
		// cannot hold. Without a -wal file no one is writing it (a writer
		// would have made one, and cannot in this folder), so it may be
		// read as the unchanging file it is.
		read, err = openReader(ctx, path, true)
	}
	if err != nil {
		return nil, openError(path, err)
	}
	if err := checkSchema(ctx, read, sqliteDialect, path); err != nil {
		read.Close()
		return nil, openError(path, err)
	}
	db := &DB{path: path, read: &pool{read, sqliteDialect}, w: refusingWriter()}
	if db.hot, err = prepareHot(ctx, db.read); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// openReader opens the reading pool of a read-only DB. immutable tells
// SQLite that nothing changes the file, so it takes no locks and needs no
// -shm file.
func openReader(ctx context.Context, path string, immutable bool) (*sql.DB, error) {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	name := "file:" + escaped + "?mode=ro&_pragma=busy_timeout(5000)&_pragma=query_only(1)&_pragma=mmap_size(1073741824)"
	if immutable {
		name += "&immutable=1"
	}
	read, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	if err := read.PingContext(ctx); err != nil {
		read.Close()
		return nil, err
	}
	// The first query reads the file: a WAL database in a read-only folder
	// fails here, not at Ping.
	var n int
	if err := read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		read.Close()
		return nil, err
	}
	return read, nil
}

// folderWritable tries to make (and removes) a file in dir: the one test of
// writability that holds for permissions, read-only mounts and immutable
// folders alike. Only used to explain a failure.
func folderWritable(dir string) bool {
	f, err := os.CreateTemp(dir, ".hearth-probe-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

func isCantOpen(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 14
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// checkSchema checks that db is a Hearth database at the schema version
// this Hearth knows.
func checkSchema(ctx context.Context, db querier, d dialect, path string) error {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return err
	}
	if err := checkHearth(ctx, db, d, path, ms, false); err != nil {
		return err
	}
	var current int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case current > len(ms):
		return &PathError{path, fmt.Sprintf("%s has schema version %d, newer than this Hearth knows (%d): upgrade Hearth", path, current, len(ms)), errors.ErrUnsupported}
	case current < len(ms):
		return &PathError{path, fmt.Sprintf("%s has schema version %d and this Hearth reads version %d: run hearth migrate on it first (reading commands never change a database)", path, current, len(ms)), ErrSchemaBehind}
	}
	return nil
}

// querier is what checkHearth reads through: a pool, a connection or a
// transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checkHearth refuses a database that is not Hearth's: one with tables but
// no schema_migrations, or whose first migration is not Hearth's first. A
// database without any table passes when it may be created (fresh), not
// otherwise.
func checkHearth(ctx context.Context, q querier, d dialect, path string, ms []migration, fresh bool) error {
	var hasMigrations, tables int
	query := `SELECT count(*) FILTER (WHERE name = 'schema_migrations'), count(*)
		FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	if d == postgresDialect {
		query = `SELECT count(*) FILTER (WHERE table_name = 'schema_migrations'), count(*)
		FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	if err := q.QueryRowContext(ctx, query).Scan(&hasMigrations, &tables); err != nil {
		return err
	}
	if hasMigrations == 0 {
		if tables == 0 && fresh {
			return nil
		}
		if tables == 0 {
			return &PathError{path, fmt.Sprintf("%s is not a Hearth database: it is an empty %s database", path, d), ErrNotHearth}
		}
		return &PathError{path, fmt.Sprintf("%s is not a Hearth database: it is another program's %s database (it has no schema_migrations table)", path, d), ErrNotHearth}
	}
	var first string
	err := q.QueryRowContext(ctx, `SELECT name FROM schema_migrations WHERE version = 1`).Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if len(ms) > 0 && first != "" && first != ms[0].name {
		return &PathError{path, fmt.Sprintf("%s is not a Hearth database: its schema_migrations begin with %q, not Hearth's %q", path, first, ms[0].name), ErrNotHearth}
	}
	return nil
}

// refusingWriter stands in for the writer of a read-only DB: it answers
// every write with ErrReadOnly. Its goroutine ends when Close stops it.
func refusingWriter() *writer {
	w := &writer{queue: make(chan request), stmts: &statements{}, stopped: make(chan struct{})}
	go func() {
		defer close(w.stopped)
		for r := range w.queue {
			r.done <- result{err: ErrReadOnly}
		}
	}()
	return w
}
