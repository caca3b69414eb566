package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

const weekMillis = 7 * dayMillis

// MemberWeeks returns members' activity week by week (bot.MemberWeeksSource):
// with q.Member "", every member of the community who has not left and is
// not a bot, as the member rows say now, whatever End is (so also members
// first seen after End, with empty weeks: FirstSeen tells), or with
// q.AsOfEnd the members as of End; with q.Member
// set, that member, even one who left or is a bot, or bot.ErrNotFound.
// Members come by name (case-insensitively), then platform id, each with
// exactly q.Weeks weeks, oldest first, week i being
// [End-(Weeks-i)*7d, End-(Weeks-i-1)*7d).
//
// A week counts the member's messages, replies, reactions, and as Answers
// their check-in answers, "I'm still here" answers and shared resources;
// every channel counts. bot.WeekCounts has no field for shares, and a share
// is taking part without posting in a channel, as an answer is: counted as
// an answer, it makes the week active (participating) without making it a
// posting week, so sharing alone never lifts a member to contributing.
// The counts are exact at any End: each week is the member_weeks row of the
// seven days from its first day on, corrected with the events of the days
// a week boundary cuts (none when End is midnight UTC), as a report's edges
// are read from the events.
//
// FirstSeen is the member row's first_seen. LastActive is their latest
// activity before End: members.last_active when it is before End, else
// looked up in the events; if those were pruned (PruneEvents), the start
// of the latest day before End's that the rollups show activity on.
//
// With q.CountsOnly (levels) only each member's platform id and weeks are
// filled, in no particular order.
//
// An unknown community has no members: q.Member "" gets none, a named
// member bot.ErrNotFound.
func (db *DB) MemberWeeks(ctx context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error) {
	if q.Weeks < 0 || q.End.IsZero() {
		return nil, fmt.Errorf("member weeks of %s: no end, or %d weeks", q.Community, q.Weeks)
	}
	w := &weeksRun{db: db, q: q, end: q.End.UnixMilli()}
	w.start = w.end - int64(q.Weeks)*weekMillis
	err := db.read.QueryRowContext(ctx, `SELECT c.id, COALESCE((SELECT MIN(id) FROM members WHERE community_id = c.id), 0),
	COALESCE((SELECT MAX(id) FROM members WHERE community_id = c.id), 0)
FROM (SELECT ? AS ext_id) q LEFT JOIN communities c ON c.ext_id = q.ext_id`, q.Community).Scan(&w.community, &w.low, &w.high)
	if err != nil {
		return nil, fmt.Errorf("member weeks of %s: %w", q.Community, err)
	}
	if !w.community.Valid && q.Member != "" {
		return nil, fmt.Errorf("member %s of %s: %w", q.Member, q.Community, bot.ErrNotFound)
	}
	if !w.community.Valid {
		return []bot.MemberWeeks{}, nil
	}
	out, err := w.run(ctx)
	if err != nil {
		return nil, fmt.Errorf("member weeks of %s: %w", q.Community, err)
	}
	if q.Member != "" && len(out) == 0 {
		return nil, fmt.Errorf("member %s of %s: %w", q.Member, q.Community, bot.ErrNotFound)
	}
	return out, nil
}

// weeksRun is one MemberWeeks query and what its queries found.
type weeksRun struct {
	db         *DB
	q          bot.MemberWeeksQuery
	start, end int64 // the window, unix ms
	community  sql.NullInt64
	low, high  int64 // the community's member ids

	members []weeksMember
	days    [][]weekFigures // from member_weeks, by week
	edges   [][]weekFigures // from the events of the cut days, by cut part
}

type weeksMember struct {
	id         int64
	member     bot.Member
	firstSeen  int64
	lastActive sql.NullInt64
	leftAt     sql.NullInt64 // before End
}

// weekFigures are one member's counts in one week: messages, replies,
// reactions, answers.
type weekFigures struct {
	member int64
	week   int
	counts [4]int
}

// run reads the members, their weeks and the cut days' parts at once,
// then puts each member's weeks together.
//
// Week i is [b_i, b_i+1) with b_i = start + i*7d, and D_i is b_i's day.
// When the boundaries are in the first half of their days, week i is the
// member_weeks row of the seven days from D_i on, less the activity of
// [D_i, b_i) (which belongs to week i-1) plus that of [D_i+1, b_i+1) (the
// part of the next row's first day before week i ends); otherwise it is
// the row from the day after D_i on, plus the activity of the rest of D_i
// after b_i, less that of the rest of D_i+1 after b_i+1. Either way the
// events read are at most half of each cut day. When the boundaries are
// midnight UTC there are none.
func (w *weeksRun) run(ctx context.Context) ([]bot.MemberWeeks, error) {
	g, gctx := newGroup(ctx)
	g.do(func() (err error) {
		w.members, err = w.selected(gctx)
		return err
	})
	w.days = make([][]weekFigures, w.q.Weeks)
	for i := range w.q.Weeks {
		g.do(func() (err error) {
			w.days[i], err = w.wholeWeek(gctx, i)
			return err
		})
	}
	cut := w.cutDays()
	w.edges = make([][]weekFigures, len(cut))
	for i, c := range cut {
		g.do(func() (err error) {
			w.edges[i], err = w.rawPart(gctx, c)
			return err
		})
	}
	if err := g.wait(); err != nil {
		return nil, err
	}
	out := make([]bot.MemberWeeks, len(w.members))
	weeks := make([]bot.WeekCounts, len(w.members)*w.q.Weeks)
	byID := make(map[int64][]bot.WeekCounts, len(w.members))
	for i, m := range w.members {
		out[i] = bot.MemberWeeks{Member: m.member, FirstSeen: fromMillis(sql.NullInt64{Int64: m.firstSeen, Valid: true}),
			LastActive: fromMillis(m.lastActive), LeftAt: fromMillis(m.leftAt), Weeks: weeks[i*w.q.Weeks : (i+1)*w.q.Weeks : (i+1)*w.q.Weeks]}
		byID[m.id] = out[i].Weeks
	}
	add := func(f weekFigures, week, sign int) {
		mw, ok := byID[f.member]
		if !ok || week < 0 || week >= len(mw) {
			return // not selected (left, a bot, or another member), or outside the window
		}
		c := &mw[week]
		c.Messages += sign * f.counts[0]
		c.Replies += sign * f.counts[1]
		c.Reactions += sign * f.counts[2]
		c.Answers += sign * f.counts[3]
	}
	for _, part := range w.days {
		for _, f := range part {
			add(f, f.week, 1)
		}
	}
	for i, part := range w.edges {
		for _, f := range part {
			add(f, cut[i].week, cut[i].sign)
			add(f, cut[i].week-1, -cut[i].sign)
		}
	}
	return out, nil
}

// selected reads the members the query selects, by name then id, with
// their latest activity before End. ?1 is End, ?2 End's day.
func (w *weeksRun) selected(ctx context.Context) ([]weeksMember, error) {
	where, args := `m.left_at IS NULL AND m.is_bot = 0`, []any{w.end, dayOf(w.end), w.community.Int64}
	if w.q.Member != "" {
		where, args = `m.ext_id = ?4`, append(args, w.q.Member)
	} else if w.q.AsOfEnd { // sqlAsOf with End for To
		where = `(m.first_seen < ?1 OR (m.joined_at IS NOT NULL AND m.joined_at < ?1) OR m.before_hearth <> 0) AND (m.left_at IS NULL OR m.left_at >= ?1) AND m.is_bot = 0`
		if !w.q.LeftSince.IsZero() && w.q.LeftSince.Before(w.q.End) { // as of some instant of [LeftSince, End]
			where = strings.Replace(where, "m.left_at >= ?1", "m.left_at >= ?4", 1)
			args = append(args, w.q.LeftSince.UnixMilli())
		}
	}
	lastActive := `CASE WHEN m.last_active IS NULL OR m.last_active < ?1 THEN m.last_active ELSE COALESCE((
		SELECT e.at FROM events e INDEXED BY events_by_member
		WHERE e.community_id = m.community_id AND e.member_id = m.id AND e.at < ?1 AND e.kind IN ` + activityList + `
		ORDER BY e.at DESC LIMIT 1), (
		SELECT MAX(d.day) * ` + fmt.Sprint(dayMillis) + ` FROM member_days d
		WHERE d.community_id = m.community_id AND d.member_id = m.id AND d.day < ?2)) END`
	order := `ORDER BY m.name_fold, m.ext_id`
	if w.q.CountsOnly {
		return w.selectedIDs(ctx, where, args)
	}
	rows, err := w.db.read.QueryContext(ctx, `SELECT m.id, `+memberColumns+`, m.first_seen, `+lastActive+`, `+sqlLeftBeforeEnd+`
FROM members m
WHERE m.community_id = ?3 AND `+where+`
`+order, args...)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	var out []weeksMember
	for rows.Next() {
		var m weeksMember
		var joined sql.NullInt64
		if err := rows.Scan(&m.id, &m.member.ID, &m.member.Name, &m.member.IsBot, &m.member.TZ, &m.member.Admin,
			&joined, &m.member.Left, &m.firstSeen, &m.lastActive, &m.leftAt); err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		m.member.JoinedAt = fromMillis(joined)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	return out, nil
}

// sqlLeftBeforeEnd is when the member left, if before End (?1).
const sqlLeftBeforeEnd = `CASE WHEN m.left_at < ?1 THEN m.left_at END`

// selectedIDs is selected for q.CountsOnly (levels), whose caller reads
// only each member's platform id and weeks: no last activity, no order,
// and only the ids, since a value through database/sql costs about as much
// as SQLite's work for a member row (BenchmarkReport30d).
func (w *weeksRun) selectedIDs(ctx context.Context, where string, args []any) ([]weeksMember, error) {
	rows, err := w.db.read.QueryContext(ctx, `SELECT m.id, m.ext_id, `+sqlLeftBeforeEnd+` FROM members m
WHERE m.community_id = ?3 AND `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	var out []weeksMember
	for rows.Next() {
		var m weeksMember
		if err := rows.Scan(&m.id, &m.member.ID, &m.leftAt); err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	return out, nil
}

// rowDay is the first day of the member_weeks rows week i starts from
// (see run): the day of its start, or the next one when the start is in
// the second half of its day.
func (w *weeksRun) rowDay(i int) int64 {
	b := w.start + int64(i)*weekMillis
	d := dayOf(b)
	if b-d*dayMillis > dayMillis/2 {
		d++
	}
	return d
}

// wholeWeek reads the member_weeks row week i starts from (rowDay) for
// every member (or q.Member).
func (w *weeksRun) wholeWeek(ctx context.Context, i int) ([]weekFigures, error) {
	member, args := ``, []any{i, w.community.Int64, w.rowDay(i)}
	if w.q.Member != "" {
		member, args = ` AND member_id = (SELECT id FROM members WHERE community_id = ?2 AND ext_id = ?4)`, append(args, w.q.Member)
	}
	return w.weekFigures(ctx, "weeks", `SELECT member_id, CAST(?1 AS BIGINT), messages, replies, reactions, answers
FROM member_weeks WHERE community_id = ?2 AND start_day = ?3`+member, args...)
}

// cutPart is the part of a day a week boundary cuts that the weeks' rows
// must be corrected by (see run): the week the boundary starts, and
// whether the part is added to it (and taken from the week before) or the
// other way round.
type cutPart struct {
	from, to int64
	week     int
	sign     int // 1: added to week, taken from week-1; -1: the reverse
}

// cutDays returns the parts of the days that the window's week boundaries
// (its ends included) cut that the weeks' rows leave out or count in the
// wrong week: from the day's start to the boundary, or from the boundary
// to the day's end, whichever is shorter.
func (w *weeksRun) cutDays() []cutPart {
	if w.q.Weeks == 0 {
		return nil
	}
	var out []cutPart
	for i := range w.q.Weeks + 1 {
		b := w.start + int64(i)*weekMillis
		if b%dayMillis == 0 {
			continue
		}
		d := dayOf(b) * dayMillis
		if w.rowDay(i)*dayMillis == d {
			out = append(out, cutPart{from: d, to: b, week: i, sign: -1})
		} else {
			out = append(out, cutPart{from: b, to: d + dayMillis, week: i, sign: 1})
		}
	}
	return out
}

// rawPart counts the activity events in one cut part, by member.
func (w *weeksRun) rawPart(ctx context.Context, c cutPart) ([]weekFigures, error) {
	from, member, args := `events e INDEXED BY events_by_time`, ``, []any{w.community.Int64, c.from, c.to}
	if w.q.Member != "" {
		from, member = `events e INDEXED BY events_by_member`, ` AND e.member_id = (SELECT id FROM members WHERE community_id = ?1 AND ext_id = ?4)`
		args = append(args, w.q.Member)
	}
	return w.weekFigures(ctx, "cut days", `SELECT e.member_id, 0,
	SUM(CASE WHEN e.kind = 'message' THEN 1 ELSE 0 END), SUM(CASE WHEN e.kind = 'reply' THEN 1 ELSE 0 END), SUM(CASE WHEN e.kind = 'reaction' THEN 1 ELSE 0 END), `+sqlParticipatingKind+`
FROM `+from+`
WHERE e.community_id = ?1 AND e.at >= ?2 AND e.at < ?3 AND e.kind IN `+activityList+member+`
GROUP BY 1`, args...)
}

// weekFigures runs query, whose rows are a member, a week and the four
// counts, and returns its rows. They come back as one text, numbers
// separated by spaces: a row through database/sql costs more than
// SQLite's work for it, with thousands of rows a query.
func (w *weeksRun) weekFigures(ctx context.Context, what, query string, args ...any) ([]weekFigures, error) {
	var packed string
	err := w.db.read.QueryRowContext(ctx, `WITH r (c1, c2, c3, c4, c5, c6) AS (`+query+`)
SELECT COALESCE(group_concat(c1 || ' ' || c2 || ' ' || c3 || ' ' || c4 || ' ' || c5 || ' ' || c6, ' '), '') FROM r`, args...).Scan(&packed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var out []weekFigures
	var n [6]int64
	i := 0
	for tok := range strings.FieldsSeq(packed) {
		v, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		n[i] = v
		if i++; i == len(n) {
			f := weekFigures{member: n[0], week: int(n[1]), counts: [4]int{int(n[2]), int(n[3]), int(n[4]), int(n[5])}}
			out = append(out, f)
			i = 0
		}
	}
	if i != 0 {
		return nil, fmt.Errorf("%s: %d numbers left over", what, i)
	}
	return out, nil
}
