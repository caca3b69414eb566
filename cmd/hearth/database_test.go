package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readingCommands are the offline commands that only read the database.
var readingCommands = [][]string{
	{"report", "--now", "2026-11-12T00:00:00Z"},
	{"digest", "--now", "2026-11-12T00:00:00Z"},
	{"impact", "--since", "2026-11-01", "--until", "2026-11-11"},
	{"checkins", "--survey", "pulse"},
	{"resources"},
	{"export", "--member", "alice"},
}

// checkinDB is a database with members, messages and check-in runs.
func checkinDB(t *testing.T, dir string) string {
	t.Helper()
	script, err := os.ReadFile("testdata/transcripts/checkin.txt")
	if err != nil {
		t.Fatal(err)
	}
	args, vars := transcriptHeader(string(script))
	db := filepath.Join(dir, "hearth.db")
	vars["HEARTH_FILES_DIR"] = t.TempDir()
	e, _, stderr := testEnv(string(script), vars)
	if err := run(context.Background(), append([]string{"shell", "--db", db}, args...), e); err != nil {
		t.Fatalf("shell: %v\n%s", err, stderr)
	}
	return db
}

// TestReadingCommandsOpenReadOnly: reading commands work on a database in
// a folder no one may write to, and leave the file as it was.
func TestReadingCommandsOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	db := checkinDB(t, dir)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	lockPath(t, dir)
	for _, args := range readingCommands {
		t.Run(args[0], func(t *testing.T) {
			e, stdout, stderr := testEnv("", nil)
			if err := run(context.Background(), append(append([]string{}, args...), "--db", db), e); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if stdout.Len() == 0 {
				t.Error("printed nothing")
			}
		})
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("a reading command changed the database file")
	}
}

// TestReadingCommandsRefuseOtherFiles: on another program's SQLite file a
// reading command says it is not a Hearth database and adds no table.
func TestReadingCommandsRefuseOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "recipes.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE recipes (name TEXT)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for _, args := range readingCommands {
		t.Run(args[0], func(t *testing.T) {
			e, _, _ := testEnv("", nil)
			err := run(context.Background(), append(append([]string{}, args...), "--db", path), e)
			if err == nil || !strings.Contains(err.Error(), "is not a Hearth database") {
				t.Errorf("error %v; want it to say the file is not a Hearth database", err)
			}
			raw, _ := sql.Open("sqlite", "file:"+path+"?mode=ro")
			defer raw.Close()
			var n int
			if err := raw.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).Scan(&n); err != nil || n != 1 {
				t.Errorf("the file has %d tables (%v); want its one", n, err)
			}
		})
	}
}

// TestBadDatabasePaths: what is wrong with a database path is said in
// words, naming --db or HEARTH_DB as the path came from one or the other.
func TestBadDatabasePaths(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a database, just some notes about the community\n"), 0o644)
	for _, tc := range []struct {
		name, path, want string
	}{
		{"a folder", dir, "is a folder, not a database file"},
		{"a missing folder", filepath.Join(dir, "nosuch", "h.db"), "the folder " + filepath.Join(dir, "nosuch") + " does not exist"},
		{"a text file", text, "notes.txt is not a Hearth database: it is not an SQLite file"},
	} {
		for _, cmd := range [][]string{{"report"}, {"shell"}, {"migrate"}, {"backup", filepath.Join(dir, "copy.db")}} {
			t.Run(tc.name+"/"+cmd[0]+"/--db", func(t *testing.T) {
				e, _, _ := testEnv("", map[string]string{"HEARTH_DB": filepath.Join(dir, "elsewhere.db")})
				// --db before any positional argument, the order every command takes.
				err := run(context.Background(), append([]string{cmd[0], "--db", tc.path}, cmd[1:]...), e)
				if err == nil || !strings.HasPrefix(err.Error(), "--db: ") || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "HEARTH_DB") {
					t.Errorf("error %v; want it to name --db (not HEARTH_DB) and say %q", err, tc.want)
				}
			})
			t.Run(tc.name+"/"+cmd[0]+"/HEARTH_DB", func(t *testing.T) {
				e, _, _ := testEnv("", map[string]string{"HEARTH_DB": tc.path})
				err := run(context.Background(), cmd, e)
				if err == nil || !strings.HasPrefix(err.Error(), "HEARTH_DB: ") || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v; want it to name HEARTH_DB and say %q", err, tc.want)
				}
			})
		}
	}
	if b, _ := os.ReadFile(text); !strings.HasPrefix(string(b), "not a database") {
		t.Error("the text file changed")
	}
}

// TestMigrateCommand: hearth migrate says what it did, and refuses a path
// with no database rather than create one.
func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	db := checkinDB(t, dir)
	if out := hearth(t, "", nil, "migrate", "--db", db); !strings.Contains(out, "is up to date (schema version") {
		t.Errorf("migrate said %q", out)
	}
	missing := filepath.Join(dir, "missing.db")
	e, _, _ := testEnv("", nil)
	if err := run(context.Background(), []string{"migrate", "--db", missing}, e); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Errorf("migrate of a missing file: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("migrate created the missing database")
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
