package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Newcomers lists the members who joined in [from, to) by the definition
// members.new of a report uses: human members as of to (known before it and
// not left as of it) whose join time (the latest join seen, else first seen)
// is in the period, never those there before Hearth started. Posts counts
// their messages and replies before to. Oldest join first, then by id.
func (db *DB) Newcomers(ctx context.Context, community string, from, to time.Time) ([]bot.Newcomer, error) {
	out := []bot.Newcomer{}
	if !from.Before(to) {
		return out, nil
	}
	// sqlAsOf and sqlNew read the period as ?1 and ?2; ?3 is not used.
	rows, err := db.read.QueryContext(ctx, `SELECT m.ext_id, m.name, COALESCE(m.joined_at, m.first_seen) AS joined, (
	SELECT COUNT(*) FROM events e INDEXED BY events_by_member
	WHERE e.community_id = m.community_id AND e.member_id = m.id AND e.at < ?2 AND e.kind IN ('message', 'reply'))
FROM communities c CROSS JOIN members m INDEXED BY members_by_community ON m.community_id = c.id
WHERE c.ext_id = ?4 AND m.is_bot = 0 AND `+sqlAsOf+` AND `+sqlNew+`
ORDER BY joined, m.ext_id`, from.UnixMilli(), to.UnixMilli(), nil, community)
	if err != nil {
		return nil, fmt.Errorf("newcomers of %s: %w", community, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n bot.Newcomer
		var joined int64
		if err := rows.Scan(&n.ID, &n.Name, &joined, &n.Posts); err != nil {
			return nil, fmt.Errorf("newcomers of %s: %w", community, err)
		}
		n.JoinedAt = time.UnixMilli(joined).UTC()
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("newcomers of %s: %w", community, err)
	}
	return out, nil
}
