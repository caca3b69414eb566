package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.DeliveryStore = (*DB)(nil)

// sqlClaimDelivery inserts a fan-out's claim on one member's DM; the
// primary key (community, job, member) refuses a second, so the one
// statement is the whole claim, atomic in SQLite and PostgreSQL alike.
const sqlClaimDelivery = `INSERT INTO deliveries (community_id, job, member_id, claimed_at) VALUES (?, ?, ?, ?)
ON CONFLICT (community_id, job, member_id) DO NOTHING`

// ClaimDelivery records that job's DM to member goes out and reports
// whether this call inserted the claim: of any number of callers, in any
// number of processes, exactly one gets true. A member not known yet gets a
// row (see sqlKnownMember), first seen at at. Claims are pruned with the
// events (PruneEvents) and a member's go with them (ForgetMember).
func (db *DB) ClaimDelivery(ctx context.Context, community, job, member string, at time.Time) (bool, error) {
	if community == "" || job == "" || member == "" {
		return false, fmt.Errorf("claim delivery %q to %q in %q: no community, job or member", job, member, community)
	}
	when := at.UnixMilli()
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		mid, err := s.knownMember(ctx, tx, cid, member, &when)
		if err != nil {
			return 0, err
		}
		return tx.execCount(ctx, sqlClaimDelivery, cid, job, mid, when)
	})
	if err != nil {
		return false, fmt.Errorf("claim delivery %s to %s in %s: %w", job, member, community, err)
	}
	return n == 1, nil
}
