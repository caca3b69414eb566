package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	file := func(body string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(body)} }
	for _, tc := range []struct {
		name string
		fsys fs.FS
		want []int // versions; nil: an error
	}{
		{"in order", fstest.MapFS{"migrations/0002_b.sql": file("B"), "migrations/0001_a.sql": file("A")}, []int{1, 2}},
		{"a gap", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/0003_c.sql": file("C")}, nil},
		{"twice", fstest.MapFS{"migrations/0001_a.sql": file("A"), "migrations/01_b.sql": file("B")}, nil},
		{"no number", fstest.MapFS{"migrations/init.sql": file("A")}, nil},
		{"the embedded ones", migrationFiles, []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := loadMigrations(tc.fsys)
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if tc.want == nil && err == nil {
				t.Errorf("no error, versions %v", got)
			}
			if tc.want != nil && (err != nil || !slices.Equal(got, tc.want)) {
				t.Errorf("versions %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestAddingAMigration shows the upgrade path: a database at version 1
// gets a later migration on the next open, once.
func TestAddingAMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	body, err := fs.ReadFile(migrationFiles, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	next := fstest.MapFS{
		"migrations/0001_init.sql":  &fstest.MapFile{Data: body},
		"migrations/0002_notes.sql": &fstest.MapFile{Data: []byte("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")},
	}
	raw, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for range 2 {
		if err := migrateFS(ctx, raw, next); err != nil {
			t.Fatal(err)
		}
	}
	var versions []int
	rows, err := raw.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		rows.Scan(&v)
		versions = append(versions, v)
	}
	if !slices.Equal(versions, []int{1, 2}) {
		t.Errorf("versions %v, want [1 2]", versions)
	}
	if _, err := raw.Exec(`INSERT INTO notes (body) VALUES ('x')`); err != nil {
		t.Errorf("the new table: %v", err)
	}
	// This Hearth knows only version 1: it refuses the newer database.
	if db, err := Open(ctx, path); err == nil {
		db.Close()
		t.Error("opened a database with a newer schema")
	}
}
