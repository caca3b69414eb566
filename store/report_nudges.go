package store

import (
	"context"
	"fmt"

	"github.com/hearth-community/hearth/bot"
)

// returnWindow is how long after a nudge the member's activity counts as
// their return.
const returnWindow = 7 * dayMillis

// nudgeCounts counts the nudges sent in the period, and those of them whose
// member was active in (sent_at, sent_at+7d]. The events say so; where
// they were pruned, the member's day rollups still tell activity on the
// whole days of that window.
func (r *reportRun) nudgeCounts(ctx context.Context) (bot.NudgeCounts, error) {
	var c bot.NudgeCounts
	err := r.db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN
	EXISTS (SELECT 1 FROM events e INDEXED BY events_by_member
		WHERE e.community_id = n.community_id AND e.member_id = n.member_id
			AND e.at > n.sent_at AND e.at <= n.sent_at + ?4 AND e.kind IN `+activityList+`)
	OR EXISTS (SELECT 1 FROM member_days d
		WHERE d.community_id = n.community_id AND d.member_id = n.member_id
			AND d.day >= (n.sent_at + ?5) / ?5 AND d.day < (n.sent_at + ?4 + 1) / ?5) THEN 1 ELSE 0 END), 0)
FROM nudges n INDEXED BY nudges_sent
WHERE n.community_id = ?1 AND n.status = 'sent' AND n.sent_at >= ?2 AND n.sent_at < ?3`,
		r.community, r.from, r.to, returnWindow, dayMillis).Scan(&c.Sent, &c.Returned)
	if err != nil {
		return c, fmt.Errorf("nudges: %w", err)
	}
	return c, nil
}
