package store

import (
	"context"
	"fmt"
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
		channels = `SELECT ?4`
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

// sqlNotBot leaves out the events of the members of community ?4 that are
// bots: a set built once per query, cheaper than joining every event to
// its member.
const sqlNotBot = `e.member_id NOT IN (SELECT id FROM members WHERE community_id = ?4 AND is_bot)`

// rawActivity reads the humans' activity events in one range of the
// period's partial days, by member.
func (r *reportRun) rawActivity(ctx context.Context, rng [2]int64) ([]rawActivity, error) {
	channel := ``
	args := []any{r.from, r.to, r.quietFrom, r.community, rng[0], rng[1]}
	if r.q.Channel != "" {
		channel = ` AND e.channel_id = ?7`
		args = append(args, r.channel)
	}
	channels := `COALESCE(GROUP_CONCAT(DISTINCT e.channel_id), '')`
	if r.q.SummaryOnly {
		channels = `''`
	}
	rows, err := r.db.read.QueryContext(ctx, `SELECT e.member_id,
	`+sqlKindSums+`, MAX(e.at), `+channels+`
FROM events e INDEXED BY events_by_time
WHERE e.community_id = ?4 AND e.at >= ?5 AND e.at < ?6 AND e.kind IN `+activityList+` AND `+sqlNotBot+channel+`
GROUP BY e.member_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("activity at the edges: %w", err)
	}
	defer rows.Close()
	var out []rawActivity
	for rows.Next() {
		var a rawActivity
		var chans string
		if err := rows.Scan(append(append([]any{&a.member}, countPointers(&a.counts)...), &a.latest, &chans)...); err != nil {
			return nil, fmt.Errorf("activity at the edges: %w", err)
		}
		a.channels = parseIDs(chans, nil)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("activity at the edges: %w", err)
	}
	return out, nil
}

// rawChannels reads the humans' activity events in one range of the
// period's partial days, by channel.
func (r *reportRun) rawChannels(ctx context.Context, rng [2]int64) ([]rawChannel, error) {
	query := `SELECT e.channel_id, SUM(e.kind = 'message'), SUM(e.kind = 'reply'), SUM(e.kind = 'reaction')
FROM events e INDEXED BY events_by_time
WHERE e.community_id = ?4 AND e.at >= ?5 AND e.at < ?6 AND e.kind IN ` + activityList + `
	AND e.channel_id IS NOT NULL AND ` + sqlNotBot
	args := []any{nil, nil, nil, r.community, rng[0], rng[1]}
	if r.q.Channel != "" {
		query += ` AND e.channel_id = ?7`
		args = append(args, r.channel)
	}
	rows, err := r.db.read.QueryContext(ctx, query+` GROUP BY e.channel_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("channel activity at the edges: %w", err)
	}
	defer rows.Close()
	var out []rawChannel
	for rows.Next() {
		var c rawChannel
		if err := rows.Scan(&c.channel, &c.counts[0], &c.counts[1], &c.counts[2]); err != nil {
			return nil, fmt.Errorf("channel activity at the edges: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("channel activity at the edges: %w", err)
	}
	return out, nil
}
