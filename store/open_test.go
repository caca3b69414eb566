package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// hearthDB makes a Hearth database with one community and one message.
func hearthDB(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "hearth.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	saveDirectory(t, db, bot.Directory{Community: makers, At: t0})
	record(t, db, msg("alice", "general", "1", at(0, 9)))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// otherSQLite makes another program's SQLite database.
func otherSQLite(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread')`); err != nil {
		t.Fatal(err)
	}
}

func tables(t *testing.T, path string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return names
}

// TestOpenSaysWhatIsWrongWithThePath: the usual mistakes with a database
// path get a message about the path, not an SQLite error code, and leave
// what is there as it was.
func TestOpenSaysWhatIsWrongWithThePath(t *testing.T) {
	type opener func(context.Context, string) (*store.DB, error)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path
		want  string                                // in the message
		is    error
	}{
		{"a folder", func(t *testing.T, dir string) string { return dir }, "is a folder, not a database file", fs.ErrInvalid},
		{"a missing folder", func(t *testing.T, dir string) string { return filepath.Join(dir, "nosuch", "h.db") }, "nosuch does not exist", fs.ErrNotExist},
		{"a file as folder", func(t *testing.T, dir string) string {
			os.WriteFile(filepath.Join(dir, "notes"), []byte("x"), 0o644)
			return filepath.Join(dir, "notes", "h.db")
		}, "is not a folder", fs.ErrInvalid},
		{"a text file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "notes.txt")
			os.WriteFile(p, []byte("shopping: bread, milk, eggs and a few more things\n"), 0o644)
			return p
		}, "is not a Hearth database: it is not an SQLite file", store.ErrNotHearth},
		{"a short file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "short")
			os.WriteFile(p, []byte("SQLite"), 0o644)
			return p
		}, "it is not an SQLite file", store.ErrNotHearth},
		{"another program's database", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "recipes.db")
			otherSQLite(t, p)
			return p
		}, "is not a Hearth database: it is another program's SQLite database", store.ErrNotHearth},
	} {
		for _, o := range []struct {
			name string
			open opener
		}{{"Open", store.Open}, {"OpenReadOnly", store.OpenReadOnly}} {
			t.Run(tc.name+"/"+o.name, func(t *testing.T) {
				path := tc.setup(t, t.TempDir())
				before, _ := os.ReadFile(path)
				db, err := o.open(context.Background(), path)
				if err == nil {
					db.Close()
					t.Fatal("opened")
				}
				if !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.is) {
					t.Errorf("error %q (is %v: %v); want it to say %q", err, tc.is, errors.Is(err, tc.is), tc.want)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name the path %s", err, path)
				}
				if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
					t.Errorf("the file changed")
				}
			})
		}
	}
}

// TestOpenReadOnlyChangesNothing: reading commands open a database
// read-only; they read what is there, writes are refused, and the file is
// never created, migrated or touched.
func TestOpenReadOnlyChangesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := hearthDB(t, dir)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if cs, err := db.Communities(ctx); err != nil || len(cs) != 1 {
		t.Errorf("communities %v, %v", cs, err)
	}
	r := report(t, db, bot.ReportQuery{Community: community, From: t0, To: at(1, 0)})
	if r.Activity.Messages != 1 {
		t.Errorf("report: %d messages, want 1", r.Activity.Messages)
	}
	if err := db.SetSetting(ctx, community, "k", "v"); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("a write: %v; want ErrReadOnly", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the database file changed")
	}

	missing := filepath.Join(dir, "missing.db")
	if _, err := store.OpenReadOnly(ctx, missing); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("OpenReadOnly created the missing file")
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	if _, err := store.OpenReadOnly(ctx, empty); !errors.Is(err, store.ErrNotHearth) {
		t.Errorf("an empty file: %v", err)
	}
	if got := tables(t, empty); len(got) != 0 {
		t.Errorf("the empty file has tables %v now", got)
	}
}

// TestOpenReadOnlyInReadOnlyFolder: a database in a folder no one may
// write to can be read (SQLite cannot make its -shm file there).
func TestOpenReadOnlyInReadOnlyFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := hearthDB(t, dir)
	lockPath(t, dir)
	if f, err := os.Create(filepath.Join(dir, "probe")); err == nil {
		f.Close()
		t.Fatal("the folder is still writable")
	}
	if db, err := store.Open(ctx, path); err == nil {
		db.Close()
		t.Error("Open wrote in a read-only folder")
	} else if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "folder "+dir+" is read-only") || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Open: %v; want the path named and the folder said read-only", err)
	}
	db, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if cs, err := db.Communities(ctx); err != nil || len(cs) != 1 {
		t.Errorf("communities %v, %v", cs, err)
	}
	if r := report(t, db, bot.ReportQuery{Community: community, From: t0, To: at(1, 0)}); r.Activity.Messages != 1 {
		t.Errorf("report: %d messages, want 1", r.Activity.Messages)
	}
}

// TestOpenReadOnlyFile: Open refuses a database file it may not write
// (SQLite would open it read-only and fail at the first write), and
// OpenReadOnly reads it.
func TestOpenReadOnlyFile(t *testing.T) {
	ctx := context.Background()
	path := hearthDB(t, t.TempDir())
	lockPath(t, path)
	if db, err := store.Open(ctx, path); err == nil {
		db.Close()
		t.Error("Open opened a file it may not write")
	} else if !strings.Contains(err.Error(), "cannot write "+path) || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Open: %v; want it to say it cannot write the file", err)
	}
	db, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if r := report(t, db, bot.ReportQuery{Community: community, From: t0, To: at(1, 0)}); r.Activity.Messages != 1 {
		t.Errorf("report: %d messages, want 1", r.Activity.Messages)
	}
}

// lockPath makes a folder or file read-only for the rest of the test: with
// chmod for an ordinary user, with the immutable attribute (chattr +i) for
// root, who ignores permissions. It skips the test when neither is possible.
func lockPath(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, fi.Mode().Perm()&^0o222); err != nil {
			t.Skip(err)
		}
		t.Cleanup(func() { os.Chmod(path, fi.Mode().Perm()) })
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("running as root and cannot make %s immutable: %v %s", path, err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
}

// TestOpenReadOnlyBesideTheWriter: a reading command opens a database that
// a running Hearth writes to, and sees what it committed.
func TestOpenReadOnlyBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	path := hearthDB(t, t.TempDir())
	w, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	record(t, w, msg("bob", "general", "2", at(0, 10)))
	r, err := store.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := report(t, r, bot.ReportQuery{Community: community, From: t0, To: at(1, 0)}); got.Activity.Messages != 2 {
		t.Errorf("report: %d messages, want 2", got.Activity.Messages)
	}
	if got := tables(t, path); !slices.Contains(got, "schema_migrations") {
		t.Errorf("tables %v", got)
	}
}
