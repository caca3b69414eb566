package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
	"github.com/hearth-community/hearth/store/storetest"
)

func TestBackup(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	storetest.History(t, db)
	want := report(t, db, storetest.Period)
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	// The copy opens on its own and reports the same.
	cp, err := store.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	storetest.CheckReport(t, report(t, cp, storetest.Period), want)
	// The original goes on; a backup never overwrites.
	record(t, db, msg("UA", "C1", "new", at(3, 0)))
	if err := db.Backup(ctx, dest); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	if err := db.Backup(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")); err == nil {
		t.Error("Backup into a missing directory succeeded")
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hearth.db")
	var first bot.Report
	for i := range 3 {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if i == 0 {
			storetest.History(t, db)
			first = report(t, db, storetest.Period)
		} else {
			storetest.CheckReport(t, report(t, db, storetest.Period), first)
			// Redelivered after a restart: nothing new.
			if n := record(t, db, msg("UA", "C1", "m1", at(0, 10))); n != 0 {
				t.Errorf("open %d: an old event was recorded again", i)
			}
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		db.Close()
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	shipped, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(shipped) == 0 {
		t.Fatalf("the migrations: %v, %v", shipped, err)
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(shipped) {
		t.Errorf("schema_migrations has %d rows (%v), want %d: migrations ran once", n, err, len(shipped))
	}
	if _, err := store.Open(ctx, ""); err == nil {
		t.Error("Open without a path succeeded")
	}
	if _, err := store.Open(ctx, filepath.Join(t.TempDir(), "missing", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	_ = os.Remove
}
