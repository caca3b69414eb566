package store

import (
	"context"
	"errors"
	"time"

	"modernc.org/sqlite"
)

// migrateWait bounds how long opening a database waits for other processes
// that hold its write lock (migrating it, or writing a large batch) before
// it gives up as busy.
const migrateWait = 2 * time.Minute

// isBusy reports whether err is SQLite's "database is locked" (SQLITE_BUSY
// or SQLITE_LOCKED, with any extended code): another connection holds a
// lock, and trying again later may work.
//
// On PostgreSQL it is a lock not available, a serialization failure or a
// deadlock.
func isBusy(err error) bool {
	if isPostgresBusy(err) {
		return true
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
		return true
	}
	return false
}

// whileBusy runs try until it returns an error other than busy, ctx ends, or
// wait has passed, sleeping between tries from 5 ms doubling up to 250 ms.
// The wall clock is fine here: this waits on other processes, not on a
// domain time.
func whileBusy(ctx context.Context, wait time.Duration, try func() error) error {
	deadline := time.Now().Add(wait)
	pause := 5 * time.Millisecond
	for {
		err := try()
		if err == nil || !isBusy(err) || time.Now().Add(pause).After(deadline) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
}
