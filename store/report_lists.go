package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// channelFigures reads every channel of the community (or the one asked
// for) with its humans' activity over the period's whole days.
func (r *reportRun) channelFigures(ctx context.Context, period span) ([]channelFigures, error) {
	query := `SELECT c.id, c.ext_id, c.name,
	COALESCE(SUM(d.messages), 0), COALESCE(SUM(d.replies), 0), COALESCE(SUM(d.reactions), 0)
FROM channels c
LEFT JOIN channel_days d ON d.community_id = c.community_id AND d.channel_id = c.id AND d.day >= ? AND d.day < ?
WHERE c.community_id = ?`
	args := []any{period.firstDay, period.endDay, r.community}
	if r.q.Channel != "" {
		query += ` AND c.id = ?`
		args = append(args, r.channel)
	}
	rows, err := r.db.read.QueryContext(ctx, query+` GROUP BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("channels: %w", err)
	}
	defer rows.Close()
	var out []channelFigures
	for rows.Next() {
		var c channelFigures
		if err := rows.Scan(&c.id, &c.ext, &c.name, &c.counts[0], &c.counts[1], &c.counts[2]); err != nil {
			return nil, fmt.Errorf("channels: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("channels: %w", err)
	}
	return out, nil
}

// unansweredMessages reads the top-level messages of [From, To-24h) with
// no reply by someone else before To, oldest first (see unansweredList).
func (r *reportRun) unansweredMessages(ctx context.Context) ([]unansweredRow, error) {
	until := r.to - dayMillis // a day for someone to answer
	if until <= r.from || r.noChannel {
		return nil, nil
	}
	// The authors are named here, beside the other queries, rather than
	// after them; those known to be bots are left out.
	query := `SELECT e.id, COALESCE(e.channel_id, 0), m.ext_id, m.name, e.message, e.at
FROM events e INDEXED BY messages_by_time CROSS JOIN members m ON m.id = e.member_id
WHERE e.community_id = ? AND e.kind = 'message' AND e.at >= ? AND e.at < ?
	AND (e.answered_at IS NULL OR e.answered_at >= ?) AND m.is_bot = 0`
	args := []any{r.community, r.from, until, r.to}
	if r.q.Channel != "" {
		query += ` AND e.channel_id = ?`
		args = append(args, r.channel)
	}
	// The index gives them by time; ties are put in id order below.
	rows, err := r.db.read.QueryContext(ctx, query+` ORDER BY e.at`, args...)
	if err != nil {
		return nil, fmt.Errorf("unanswered: %w", err)
	}
	defer rows.Close()
	var out []unansweredRow
	for rows.Next() {
		var u unansweredRow
		if err := rows.Scan(&u.id, &u.channel, &u.author, &u.authorName, &u.message, &u.at); err != nil {
			return nil, fmt.Errorf("unanswered: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unanswered: %w", err)
	}
	slices.SortStableFunc(out, func(a, b unansweredRow) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.id, b.id)) })
	return out, nil
}

// unansweredList names the unanswered messages' channels.
func (r *reportRun) unansweredList() []bot.Unanswered {
	out := make([]bot.Unanswered, 0, len(r.unanswered))
	channels := make(map[int64]channelFigures, len(r.channels))
	for _, c := range r.channels {
		channels[c.id] = c
	}
	for _, u := range r.unanswered {
		ch := channels[u.channel]
		out = append(out, bot.Unanswered{Channel: ch.ext, Message: u.message, Author: u.author,
			PostedAt: time.UnixMilli(u.at).UTC(), ChannelName: ch.name, AuthorName: u.authorName})
	}
	return out
}

// maxContributors is how many top contributors a report lists.
const maxContributors = 10

// topContributors ranks the members with activity by messages and replies,
// then reactions, then platform id. Only the leaders and those tied with
// the last of them are looked up.
func (r *reportRun) topContributors(ctx context.Context, all []*memberFigures) ([]bot.Contributor, error) {
	var active []*memberFigures
	for _, f := range all {
		if f.counts != (counts{}) {
			active = append(active, f)
		}
	}
	byCounts := func(a, b *memberFigures) int {
		return cmp.Or(cmp.Compare(b.counts[0]+b.counts[1], a.counts[0]+a.counts[1]), cmp.Compare(b.counts[2], a.counts[2]))
	}
	slices.SortFunc(active, byCounts)
	n := min(len(active), maxContributors)
	for n < len(active) && n > 0 && byCounts(active[n-1], active[n]) == 0 {
		n++
	}
	active = active[:n]
	ids := make([]int64, len(active))
	for i, f := range active {
		ids[i] = f.id
	}
	names, err := r.memberNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(active, func(a, b *memberFigures) int {
		return cmp.Or(byCounts(a, b), cmp.Compare(names[a.id].ext, names[b.id].ext))
	})
	out := make([]bot.Contributor, 0, maxContributors)
	for _, f := range active[:min(len(active), maxContributors)] {
		out = append(out, bot.Contributor{ID: names[f.id].ext, Name: names[f.id].name,
			Messages: int(f.counts[0]), Replies: int(f.counts[1]), Reactions: int(f.counts[2])})
	}
	return out, nil
}

type memberName struct {
	ext, name string
	isBot     bool
}

// memberNames looks members up by id.
func (r *reportRun) memberNames(ctx context.Context, ids []int64) (map[int64]memberName, error) {
	out := make(map[int64]memberName, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := r.db.read.QueryContext(ctx, `SELECT id, ext_id, name, is_bot FROM members
WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("member names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n memberName
		if err := rows.Scan(&id, &n.ext, &n.name, &n.isBot); err != nil {
			return nil, fmt.Errorf("member names: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// channelList is the channels with activity in the period, busiest first.
func (r *reportRun) channelList(all []*memberFigures) []bot.ChannelActivity {
	byID := make(map[int64]*channelFigures, len(r.channels))
	for i := range r.channels {
		byID[r.channels[i].id] = &r.channels[i]
	}
	for _, a := range slices.Concat(r.rawChans...) {
		if c, ok := byID[a.channel]; ok {
			c.counts.add(a.counts)
		}
	}
	for _, f := range all {
		for _, id := range f.channels {
			if c, ok := byID[id]; ok {
				c.active++
			}
		}
	}
	out := []bot.ChannelActivity{}
	for _, c := range r.channels {
		if c.counts[0]+c.counts[1]+c.counts[2] == 0 {
			continue
		}
		out = append(out, bot.ChannelActivity{ID: c.ext, Name: c.name, Messages: int(c.counts[0]),
			Replies: int(c.counts[1]), Reactions: int(c.counts[2]), ActiveMembers: c.active})
	}
	slices.SortFunc(out, func(a, b bot.ChannelActivity) int {
		return cmp.Or(cmp.Compare(b.Messages+b.Replies, a.Messages+a.Replies), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// quietMembers lists the quiet members with their latest activity before
// To: never active first, then oldest first, then by id. The latest
// activity ever is it, unless the member was active after To: then it is
// looked up.
func (r *reportRun) quietMembers(ctx context.Context, recent map[int64]bool) ([]bot.QuietMember, error) {
	var qs []asOfMember
	var lookup []int64
	for _, m := range r.asOf {
		if !m.quietEligible || recent[m.id] {
			continue
		}
		if m.lastActive.Valid && m.lastActive.Int64 >= r.to {
			lookup = append(lookup, m.id)
		}
		qs = append(qs, m)
	}
	if len(lookup) > 0 {
		before, err := r.latestBefore(ctx, lookup)
		if err != nil {
			return nil, err
		}
		for i := range qs {
			if at, ok := before[qs[i].id]; ok {
				qs[i].lastActive = at
			}
		}
	}
	slices.SortFunc(qs, func(a, b asOfMember) int {
		if a.lastActive.Valid != b.lastActive.Valid {
			if !a.lastActive.Valid {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.lastActive.Int64, b.lastActive.Int64), cmp.Compare(a.ext, b.ext))
	})
	out := make([]bot.QuietMember, 0, len(qs))
	for _, q := range qs {
		m := bot.QuietMember{ID: q.ext, Name: q.name}
		if q.lastActive.Valid {
			t := time.UnixMilli(q.lastActive.Int64).UTC()
			m.LastActive = &t
		}
		out = append(out, m)
	}
	return out, nil
}

// latestBefore returns the latest activity before To of the given members.
func (r *reportRun) latestBefore(ctx context.Context, ids []int64) (map[int64]sql.NullInt64, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := r.db.read.QueryContext(ctx, `SELECT m.id, (
	SELECT e.at FROM events e INDEXED BY events_by_member
	WHERE e.community_id = m.community_id AND e.member_id = m.id AND e.at < ? AND e.kind IN `+activityList+`
	ORDER BY e.at DESC LIMIT 1)
FROM members m WHERE m.id IN (SELECT value FROM json_each(?))`, r.to, string(list))
	if err != nil {
		return nil, fmt.Errorf("latest activity: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]sql.NullInt64, len(ids))
	for rows.Next() {
		var id int64
		var at sql.NullInt64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("latest activity: %w", err)
		}
		out[id] = at
	}
	return out, rows.Err()
}
