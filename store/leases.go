package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// sqlAcquireLease takes the lease name for a holder in one statement: it
// inserts the lease when there is none, and otherwise updates it only when
// it is the holder's own (a renewal) or has expired (a takeover). Of any
// number of instances trying at once, on one file or one server, at most
// one changes the row while the lease is live.
const sqlAcquireLease = `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`

// AcquireLease takes the lease name for holder until now+ttl, or extends it
// when holder has it already, and reports whether holder has it now. It is
// false while another holder's lease has not expired by now. The times are
// the callers' clocks: instances sharing a lease must agree on the time to
// well within ttl.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("acquire lease %q for %q: no name, no holder or no time to live", name, holder)
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, sqlAcquireLease, name, holder, now.Add(ttl).UnixMilli(), now.UnixMilli())
	})
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives up holder's lease name, so another instance may take it
// at once; a lease another holder has is left alone.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	if name == "" || holder == "" {
		return errors.New("release lease: no name or holder")
	}
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		_, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}
