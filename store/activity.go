package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hearth-community/hearth/bot"
)

// MemberActivity summarises what is recorded about one member: when first
// seen, their latest activity (message, reply, reaction, check-in answer or
// "I'm still here"), and how many events of each kind are recorded. It
// returns bot.ErrNotFound for a member the database does not know.
func (db *DB) MemberActivity(ctx context.Context, community, member string) (bot.MemberActivity, error) {
	var (
		a          bot.MemberActivity
		cid, mid   int64
		firstSeen  int64
		lastActive sql.NullInt64
	)
	row := db.read.QueryRowContext(ctx, `SELECT m.community_id, m.id, m.first_seen, m.last_active, `+memberColumns+`
FROM members m JOIN communities c ON c.id = m.community_id
WHERE c.ext_id = ? AND m.ext_id = ?`, community, member)
	var joined sql.NullInt64
	err := row.Scan(&cid, &mid, &firstSeen, &lastActive,
		&a.Member.ID, &a.Member.Name, &a.Member.IsBot, &a.Member.TZ, &a.Member.Admin, &joined, &a.Member.Left)
	if err != nil {
		return bot.MemberActivity{}, notFound(err, "member %s of %s", member, community)
	}
	a.Member.JoinedAt = fromMillis(joined)
	a.FirstSeen = fromMillis(sql.NullInt64{Int64: firstSeen, Valid: true})
	a.LastActive = fromMillis(lastActive)
	a.Counts = map[bot.EventKind]int{}
	rows, err := db.read.QueryContext(ctx, `SELECT kind, COUNT(*) FROM events
WHERE community_id = ? AND member_id = ? GROUP BY kind`, cid, mid)
	if err != nil {
		return bot.MemberActivity{}, fmt.Errorf("activity of member %s of %s: %w", member, community, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return bot.MemberActivity{}, fmt.Errorf("activity of member %s of %s: %w", member, community, err)
		}
		a.Counts[bot.EventKind(kind)] = n
	}
	if err := rows.Err(); err != nil {
		return bot.MemberActivity{}, fmt.Errorf("activity of member %s of %s: %w", member, community, err)
	}
	return a, nil
}
