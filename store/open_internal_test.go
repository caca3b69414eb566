package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenReadOnlyOlderSchema: a database an older Hearth wrote is not
// migrated by a reading command, which says how to bring it up to date.
func TestOpenReadOnlyOlderSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	shipped, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	databaseAtVersion(t, path, len(shipped)-1).Close()

	_, err = OpenReadOnly(ctx, path)
	if !errors.Is(err, ErrSchemaBehind) || !strings.Contains(err.Error(), "hearth migrate") {
		t.Fatalf("an older schema: %v; want ErrSchemaBehind naming hearth migrate", err)
	}
	if v := schemaVersion(t, path); v != len(shipped)-1 {
		t.Errorf("version %d after a read-only open; want %d, untouched", v, len(shipped)-1)
	}
	db, err := Open(ctx, path) // what hearth migrate does
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("after migrating: %v", err)
	}
	db.Close()
}

func schemaVersion(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int
	if err := raw.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
