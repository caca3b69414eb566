package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Backup writes a consistent copy of the database to path while it keeps
// running (SQLite's VACUUM INTO reads one snapshot; writes go on beside it).
// It refuses to overwrite an existing file.
//
// On PostgreSQL it refuses: the server's own tools (pg_dump) back it up.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.d == postgresDialect {
		return fmt.Errorf("backup of %s: Hearth backs up only SQLite databases; back up PostgreSQL with pg_dump (pg_dump --format=custom --file=%s 'URL'), or your provider's backups", db.path, path)
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup to %s: the file exists; choose a new name (a backup never overwrites)", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// A connection of its own: VACUUM cannot run in the writer's
	// transactions, and the readers are query-only.
	conn, err := sql.Open("sqlite", dsn(db.path))
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
