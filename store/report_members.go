package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// memberCounts counts the members as of To, the new ones, and those who can
// be quiet.
func (r *reportRun) memberCounts(ctx context.Context) (memberCounts, error) {
	var c memberCounts
	err := r.db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+sqlNew+` THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN `+sqlQuietEligible+` THEN 1 ELSE 0 END), 0)
FROM members m INDEXED BY members_by_community
WHERE m.community_id = ?4 AND m.is_bot = 0 AND `+sqlAsOf,
		r.from, r.to, r.quietFrom, r.community).Scan(&c.total, &c.new, &c.quietEligible)
	if err != nil {
		return c, fmt.Errorf("member counts: %w", err)
	}
	return c, nil
}

// asOfMembers reads the members as of To, with what the quiet list shows.
func (r *reportRun) asOfMembers(ctx context.Context) ([]asOfMember, error) {
	rows, err := r.db.read.QueryContext(ctx, `SELECT m.id, m.ext_id, m.name, m.last_active, `+sqlNew+`, `+sqlQuietEligible+`
FROM members m INDEXED BY members_by_community
WHERE m.community_id = ?4 AND m.is_bot = 0 AND `+sqlAsOf, r.from, r.to, r.quietFrom, r.community)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	var out []asOfMember
	for rows.Next() {
		var m asOfMember
		if err := rows.Scan(&m.id, &m.ext, &m.name, &m.lastActive, &m.isNew, &m.quietEligible); err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	return out, nil
}

// memberFigures reads the activity over the period's whole days of the
// members of one id range who had some. Their flags come from asOf. Their
// counts are messages, replies, reactions and, in the fourth place, the
// participating kinds together: all that tiers and contributors read, and
// half the sums per row (sqlMemberSums).
func (r *reportRun) memberFigures(ctx context.Context, period span, ids [2]int64) ([]memberFigures, error) {
	if r.q.SummaryOnly {
		return r.activeMembers(ctx, period, ids)
	}
	args := []any{r.from, r.to, r.quietFrom, r.community, ids[0], ids[1], period.firstDay, period.endDay}
	// Members first, in id order, each joined to their days: no sort.
	query := `SELECT m.id, ` + sqlMemberSums + `, MAX(d.day), COALESCE(GROUP_CONCAT(d.channels), '')
FROM members m INDEXED BY members_by_community
CROSS JOIN member_days d ON d.community_id = m.community_id AND d.member_id = m.id AND d.day >= ?7 AND d.day < ?8
WHERE m.community_id = ?4 AND m.id >= ?5 AND m.id < ?6 AND m.is_bot = 0
GROUP BY m.id`
	if r.q.Channel != "" {
		// The channel's days in the period, which its index keeps
		// together, summed by member.
		query = `SELECT d.member_id, ` + sqlMemberSums + `, MAX(d.day), ''
FROM member_channel_days d INDEXED BY member_channel_days_by_day
WHERE d.community_id = ?4 AND d.channel_id = ?9 AND d.day >= ?7 AND d.day < ?8
	AND d.member_id >= ?5 AND d.member_id < ?6
	AND d.member_id NOT IN (SELECT id FROM members WHERE community_id = ?4 AND is_bot <> 0)
GROUP BY d.member_id`
		args = append(args, r.channel)
	}
	rows, err := r.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	var out []memberFigures
	for rows.Next() {
		var f memberFigures
		var chans string
		if err := rows.Scan(&f.id, &f.counts[0], &f.counts[1], &f.counts[2], &f.counts[3], &f.lastDay, &chans); err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		if r.q.Channel != "" {
			f.channels = []int64{r.channel}
		}
		f.channels = parseIDs(chans, f.channels)
		f.active = true
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	return out, nil
}

// parseIDs appends the comma-separated ids in s to ids, once each.
func parseIDs(s string, ids []int64) []int64 {
	for s != "" {
		var tok string
		tok, s, _ = strings.Cut(s, ",")
		if tok == "" {
			continue
		}
		id, err := strconv.ParseInt(tok, 10, 64)
		if err == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// activeMembers is memberFigures for SummaryOnly, which needs only who was
// active, not how much: an index probe per member instead of sums. lastDay
// is set to the first whole day of [To-QuietAfter, To) for those active in
// it, so combine tells recent activity the same way.
func (r *reportRun) activeMembers(ctx context.Context, period span, ids [2]int64) ([]memberFigures, error) {
	days := `member_days d WHERE d.community_id = m.community_id AND d.member_id = m.id`
	args := []any{r.from, r.to, r.quietFrom, r.community, ids[0], ids[1], period.firstDay, period.endDay, ceilDay(r.quietFrom)}
	query := `SELECT m.id, ` + sqlFlags + `,
	EXISTS (SELECT 1 FROM ` + days + ` AND d.day >= MAX(CAST(?7 AS BIGINT), ?9) AND d.day < ?8)
FROM members m INDEXED BY members_by_community
WHERE m.community_id = ?4 AND m.id >= ?5 AND m.id < ?6 AND m.is_bot = 0
	AND EXISTS (SELECT 1 FROM ` + days + ` AND d.day >= ?7 AND d.day < ?8)`
	if r.q.Channel != "" {
		// The channel's days in the period, which its index keeps
		// together, by member.
		query = `SELECT m.id, ` + sqlFlags + `, MAX(d.day) >= MAX(CAST(?7 AS BIGINT), ?9)
FROM member_channel_days d INDEXED BY member_channel_days_by_day
CROSS JOIN members m ON m.id = d.member_id
WHERE d.community_id = ?4 AND d.channel_id = ?10 AND d.day >= ?7 AND d.day < ?8
	AND d.member_id >= ?5 AND d.member_id < ?6 AND m.is_bot = 0
GROUP BY d.member_id, m.id`
		args = append(args, r.channel)
	}
	rows, err := r.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("active members: %w", err)
	}
	defer rows.Close()
	var out []memberFigures
	for rows.Next() {
		f := memberFigures{active: true, lastDay: -1}
		var recent bool
		if err := rows.Scan(&f.id, &f.flags, &recent); err != nil {
			return nil, fmt.Errorf("active members: %w", err)
		}
		if recent {
			f.lastDay = ceilDay(r.quietFrom)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("active members: %w", err)
	}
	return out, nil
}

// recentActivity reads who was active in [To-QuietAfter, To) where the
// period's figures cannot tell. When the window is read separately (it is
// not within the period, or the period is one channel's), it returns the
// members as of To who can be quiet and were active in it. Otherwise it
// returns who was active in the part inside the window of the whole day the
// window starts in: the day's rollup cannot say when in the day.
func (r *reportRun) recentActivity(ctx context.Context, period span) (map[int64]bool, error) {
	recent := map[int64]bool{}
	var ranges [][2]int64
	filter := ``
	if r.mergedRecent() {
		start := r.quietFrom
		if start%dayMillis != 0 && start >= period.firstDay*dayMillis && start < period.endDay*dayMillis {
			ranges = append(ranges, [2]int64{start, min(ceilDay(start)*dayMillis, period.endDay*dayMillis)})
		}
	} else {
		filter = ` AND ` + sqlAsOf + ` AND ` + sqlQuietEligible
		window := newSpan(r.quietFrom, r.to)
		ranges = window.raw()
		if window.firstDay < window.endDay {
			rows, err := r.db.read.QueryContext(ctx, `SELECT m.id FROM members m INDEXED BY members_by_community
WHERE m.community_id = ?4 AND m.is_bot = 0`+filter+` AND EXISTS (
	SELECT 1 FROM member_days d WHERE d.community_id = m.community_id AND d.member_id = m.id AND d.day >= ?5 AND d.day < ?6)`,
				r.from, r.to, r.quietFrom, r.community, window.firstDay, window.endDay)
			if err != nil {
				return nil, fmt.Errorf("recent activity: %w", err)
			}
			if err := collectIDs(rows, recent); err != nil {
				return nil, fmt.Errorf("recent activity: %w", err)
			}
		}
	}
	for _, rng := range ranges {
		rows, err := r.db.read.QueryContext(ctx, `SELECT DISTINCT e.member_id FROM events e INDEXED BY events_by_time
CROSS JOIN members m ON m.id = e.member_id
WHERE e.community_id = ?4 AND e.at >= ?5 AND e.at < ?6 AND e.kind IN `+activityList+` AND m.is_bot = 0`+filter,
			r.from, r.to, r.quietFrom, r.community, rng[0], rng[1])
		if err != nil {
			return nil, fmt.Errorf("recent activity: %w", err)
		}
		if err := collectIDs(rows, recent); err != nil {
			return nil, fmt.Errorf("recent activity: %w", err)
		}
	}
	return recent, nil
}

func collectIDs(rows *sql.Rows, into map[int64]bool) error {
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return rows.Err()
}

// flags returns the flags (as in memberFigures) of the members the figures
// need them for: for SummaryOnly, those active only at the edges; for the
// others, every member as of To.
func (r *reportRun) flags(ctx context.Context) (map[int64]int, error) {
	flags := map[int64]int{}
	if !r.q.SummaryOnly {
		for _, m := range r.asOf {
			flags[m.id] = 1
			if m.quietEligible {
				flags[m.id] = 3
			}
		}
		return flags, nil
	}
	known := map[int64]bool{}
	for _, part := range r.members {
		for _, f := range part {
			known[f.id] = true
		}
	}
	var ids []int64
	for _, a := range slices.Concat(r.raw...) {
		if !known[a.member] {
			known[a.member] = true
			ids = append(ids, a.member)
		}
	}
	if len(ids) == 0 {
		return flags, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := r.db.read.QueryContext(ctx, `SELECT m.id, `+sqlFlags+` FROM members m
WHERE m.id IN (SELECT value FROM json_each(?4))`, r.from, r.to, r.quietFrom, string(list))
	if err != nil {
		return nil, fmt.Errorf("member flags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f int
		if err := rows.Scan(&id, &f); err != nil {
			return nil, fmt.Errorf("member flags: %w", err)
		}
		flags[id] = f
	}
	return flags, rows.Err()
}
