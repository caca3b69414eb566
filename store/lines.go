package store

import (
	"context"
	"fmt"
	"time"
)

// ClaimLine records that the line with identity hash was applied in a
// community at at, and reports whether this call recorded it. The primary
// key (community, hash) is the guard: of any number of callers, in this
// process or others sharing the file, exactly one gets true, so a replayed
// line is applied once. hash is an opaque digest; the line's text is never
// stored.
func (db *DB) ClaimLine(ctx context.Context, community, hash string, at time.Time) (bool, error) {
	if community == "" || hash == "" {
		return false, fmt.Errorf("claim line %q of %q: no community or hash", hash, community)
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		return tx.execCount(ctx, `INSERT INTO applied_lines (community_id, line_hash, at) VALUES (?, ?, ?)
ON CONFLICT (community_id, line_hash) DO NOTHING`, cid, hash, at.UnixMilli())
	})
	if err != nil {
		return false, fmt.Errorf("claim line %s of %s: %w", hash, community, err)
	}
	return n == 1, nil
}
