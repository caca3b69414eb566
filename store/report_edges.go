package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/hearth-community/hearth/bot"
)

// splitRanges cuts each range into n parts, so the edges are read on every
// core too.
func splitRanges(ranges [][2]int64, n int) [][2]int64 {
	var out [][2]int64
	for _, rng := range ranges {
		step := max(1, (rng[1]-rng[0]+int64(n)-1)/int64(n))
		for lo := rng[0]; lo < rng[1]; lo += step {
			out = append(out, [2]int64{lo, min(lo+step, rng[1])})
		}
	}
	return out
}

// activityTotals sums the humans' activity over the period's whole days
// from the channel days.
func (r *reportRun) activityTotals(ctx context.Context, period span) (counts, error) {
	var c counts
	if period.firstDay == period.endDay {
		return c, nil
	}
	channels := `SELECT 0 UNION ALL SELECT id FROM channels WHERE community_id = ?1`
	args := []any{r.community, period.firstDay, period.endDay}
	if r.q.Channel != "" {
		channels = `SELECT CAST(?4 AS BIGINT)`
		args = append(args, r.channel)
	}
	err := r.db.read.QueryRowContext(ctx, `SELECT `+eachDayColumn("COALESCE(SUM(%[1]s), 0)", ", ")+`
FROM channel_days WHERE community_id = ?1 AND channel_id IN (`+channels+`) AND day >= ?2 AND day < ?3`, args...).
		Scan(countPointers(&c)...)
	if err != nil {
		return c, fmt.Errorf("activity totals: %w", err)
	}
	return c, nil
}

// rawActivity reads the humans' activity events in one range of the
// period's partial days, by member and, but for SummaryOnly, by channel.
// SQLite counts each member's events of each kind in each channel, and
// the sums by member and by channel are made here: two aggregates per
// event instead of one per kind, and one pass over the events for both.
func (r *reportRun) rawActivity(ctx context.Context, rng [2]int64) ([]rawActivity, []rawChannel, error) {
	channel, group, columns := ``, `e.member_id, e.kind, e.channel_id`, `e.member_id, e.kind, e.channel_id`
	args := []any{r.community, rng[0], rng[1]}
	if r.q.Channel != "" {
		channel = ` AND e.channel_id = ?5`
		args = append(args, nil, r.channel)
	}
	if r.q.SummaryOnly {
		group, columns = `e.member_id, e.kind`, `e.member_id, e.kind, NULL`
	}
	rows, err := r.db.read.QueryContext(ctx, `SELECT `+columns+`, COUNT(*), MAX(e.at)
FROM events e INDEXED BY events_by_time
WHERE e.community_id = ?1 AND e.at >= ?2 AND e.at < ?3 AND e.kind IN `+activityList+`
	AND e.member_id NOT IN (SELECT id FROM members WHERE community_id = ?1 AND is_bot <> 0)`+channel+`
GROUP BY `+group+` ORDER BY e.member_id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("activity at the edges: %w", err)
	}
	defer rows.Close()
	var out []rawActivity
	byChannel := map[int64]*rawChannel{}
	var chans []int64
	for rows.Next() {
		var member, n, at int64
		var kind string
		var ch sql.NullInt64
		if err := rows.Scan(&member, &kind, &ch, &n, &at); err != nil {
			return nil, nil, fmt.Errorf("activity at the edges: %w", err)
		}
		k := activityIndex(bot.EventKind(kind))
		if k < 0 {
			continue // the query lists only activity kinds
		}
		if len(out) == 0 || out[len(out)-1].member != member { // rows come by member
			out = append(out, rawActivity{member: member, latest: at})
		}
		a := &out[len(out)-1]
		a.counts[k] += n
		a.latest = max(a.latest, at)
		if !ch.Valid || r.q.SummaryOnly {
			continue
		}
		if !slices.Contains(a.channels, ch.Int64) {
			a.channels = append(a.channels, ch.Int64)
		}
		c, ok := byChannel[ch.Int64]
		if !ok {
			c = &rawChannel{channel: ch.Int64}
			byChannel[ch.Int64] = c
			chans = append(chans, ch.Int64)
		}
		if k < 3 { // channels count messages, replies and reactions
			c.counts[k] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("activity at the edges: %w", err)
	}
	var byCh []rawChannel
	for _, id := range chans {
		byCh = append(byCh, *byChannel[id])
	}
	return out, byCh, nil
}
