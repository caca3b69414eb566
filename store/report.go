package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"

	"github.com/hearth-community/hearth/bot"
)

// Report computes the figures of a report with aggregate queries: whole UTC
// days come from the day rollups Record keeps, the partial days at the
// period's edges from the events' time index. The definitions are the public
// contract of bot.Report (README.md, "Report definitions"); in short, for
// the period [From, To):
//
//   - a member as of To is a human member row known before To (first seen,
//     joined, or there before Hearth started) that has not left as of To;
//     members.total counts them;
//   - members.active: those with a message, reply, reaction, check-in
//     answer, "I'm still here" or shared resource in the period;
//     members.new: those whose join time (joined_at, else first seen) is in
//     the period, never those there before Hearth started; members.quiet:
//     those who joined at least QuietAfter before To and have no activity
//     in [To-QuietAfter, To);
//   - activity counts every human's events of each kind in the period;
//   - tiers: creators posted a top-level message, responders were active
//     without one, observers are the rest of the total;
//   - channels: those with a message, reply or reaction in the period, each
//     with the members active in it (any kind of activity made there: a
//     resource shared in a channel counts its sharer, but alone does not
//     list the channel, whose figures would all be 0);
//   - unanswered: top-level messages of [From, To-24h) without a reply by
//     someone else before To;
//   - prompts: the prompts Hearth posted in the period, each with the
//     humans' replies in its thread before To (kind reply: the derived
//     prompt_reply events are never counted), their distinct authors, and
//     the humans' reactions to it before To;
//   - nudges: those sent in the period (status sent, sent_at in it), and of
//     them those whose member had any activity in (sent_at, sent_at+7d],
//     which may lie after To. They count every channel, also with q.Channel
//     set, and also for q.SummaryOnly.
//
// With q.Channel set, active, activity, tiers, channels, contributors,
// unanswered and prompts count only that channel; total, new and quiet stay
// community-wide. With q.SummaryOnly only Members, Activity and Nudges are
// computed.
//
// The queries run in parallel on separate read connections, so a report
// taken while events are being recorded may mix figures from just before
// and just after a commit.
func (db *DB) Report(ctx context.Context, q bot.ReportQuery) (bot.Report, error) {
	rep := bot.Report{Community: q.Community, From: q.From, To: q.To,
		Channels: []bot.ChannelActivity{}, TopContributors: []bot.Contributor{},
		QuietMembers: []bot.QuietMember{}, Unanswered: []bot.Unanswered{}, Prompts: []bot.PromptActivity{}}
	if !q.From.Before(q.To) {
		return rep, fmt.Errorf("report %s: the period [%s, %s) is empty", q.Community, q.From, q.To)
	}
	if q.QuietAfter <= 0 {
		q.QuietAfter = bot.DefaultQuietAfter
	}
	r := &reportRun{db: db, q: q, from: q.From.UnixMilli(), to: q.To.UnixMilli()}
	r.quietFrom = r.to - q.QuietAfter.Milliseconds()
	var cid sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT c.id, COALESCE((SELECT MIN(id) FROM members WHERE community_id = c.id), 0),
	COALESCE((SELECT MAX(id) FROM members WHERE community_id = c.id), 0)
FROM (SELECT ? AS ext_id) q LEFT JOIN communities c ON c.ext_id = q.ext_id`, q.Community).Scan(&cid, &r.lowMember, &r.highMember)
	if err != nil {
		return rep, fmt.Errorf("report %s: %w", q.Community, err)
	}
	if !cid.Valid {
		return rep, nil // nothing recorded yet: every figure is zero
	}
	r.community = cid.Int64
	if q.Channel != "" {
		err := db.read.QueryRowContext(ctx, `SELECT id FROM channels WHERE community_id = ? AND ext_id = ?`, r.community, q.Channel).Scan(&r.channel)
		if errors.Is(err, sql.ErrNoRows) {
			r.noChannel = true // a channel nothing was recorded in
			r.channel = -1     // matches no row
		} else if err != nil {
			return rep, fmt.Errorf("report %s: channel %s: %w", q.Community, q.Channel, err)
		}
	}
	if err := r.run(ctx, &rep); err != nil {
		return rep, fmt.Errorf("read the figures: %w", err)
	}
	return rep, nil
}

// reportRun is one report's query and what its queries found.
type reportRun struct {
	db        *DB
	q         bot.ReportQuery
	from, to  int64 // the period, unix ms
	quietFrom int64 // To - QuietAfter

	community             int64
	lowMember, highMember int64 // the community's member ids
	channel               int64 // q.Channel's id, 0 if none
	noChannel             bool  // q.Channel names a channel never recorded

	counts     memberCounts
	asOf       []asOfMember      // all but SummaryOnly: the members as of To
	dayTotals  counts            // activity over the whole days
	members    [][]memberFigures // active members, by partition
	raw        [][]rawActivity   // by part of the edges
	rawChans   [][]rawChannel    // by part of the edges; not for SummaryOnly
	recentRaw  map[int64]bool    // see recentActivity
	channels   []channelFigures
	unanswered []unansweredRow
	prompts    []bot.PromptActivity
	nudges     bot.NudgeCounts
}

type unansweredRow struct {
	id, channel        int64
	author, authorName string
	message            string
	at                 int64
}

// asOfMember is a member as of To, for the member counts and the quiet list.
type asOfMember struct {
	id            int64
	ext, name     string
	lastActive    sql.NullInt64
	isNew         bool
	quietEligible bool
}

// Conditions on a member row m, with the period's from, to and To -
// QuietAfter as the numbered parameters ?1, ?2 and ?3 of every query that
// uses them.
const (
	// A member as of To: known before To and not left as of To.
	sqlAsOf = `((m.first_seen < ?2 OR (m.joined_at IS NOT NULL AND m.joined_at < ?2) OR m.before_hearth <> 0) AND (m.left_at IS NULL OR m.left_at >= ?2))`
	// New: joined in the period; never those there before Hearth started.
	sqlNew = `(m.before_hearth = 0 AND COALESCE(m.joined_at, m.first_seen) >= ?1 AND COALESCE(m.joined_at, m.first_seen) < ?2)`
	// Can be quiet: joined at least QuietAfter before To.
	sqlQuietEligible = `(m.before_hearth <> 0 OR COALESCE(m.joined_at, m.first_seen) <= ?3)`
	// Both as one number: bit 0 as of To, bit 1 can be quiet.
	sqlFlags = `(CASE WHEN ` + sqlAsOf + ` THEN 1 ELSE 0 END + CASE WHEN ` + sqlAsOf + ` AND ` + sqlQuietEligible + ` THEN 2 ELSE 0 END)`
)

type memberCounts struct{ total, new, quietEligible int }

// memberFigures is one human member's activity in a report's period.
type memberFigures struct {
	id       int64
	flags    int     // bit 0: member as of To; bit 1: also can be quiet
	active   bool    // some activity in the period (and the channel)
	counts   counts  // in the period (and the channel); not for SummaryOnly
	lastDay  int64   // latest whole day with activity in the period, -1 if none
	channels []int64 // where they were active in the period
	recent   bool    // active in [To-QuietAfter, To)
}

func (f *memberFigures) asOf() bool { return f.flags&1 != 0 }

func (f *memberFigures) quietEligible() bool { return f.flags&2 != 0 }

// rawActivity is a member's activity in a range of the period's partial
// days.
type rawActivity struct {
	member   int64
	counts   counts
	latest   int64
	channels []int64
}

// rawChannel is a channel's activity in a range of the period's partial days.
type rawChannel struct {
	channel int64
	counts  counts
}

type channelFigures struct {
	id     int64
	ext    string
	name   string
	counts counts
	active int
}

// mergedRecent reports whether the period's figures tell who was active in
// [To-QuietAfter, To): when that window lies within the period and counts
// every channel. Otherwise it is read separately.
func (r *reportRun) mergedRecent() bool { return r.q.Channel == "" && r.from < r.quietFrom }

// run reads every figure the report needs, the independent queries at once,
// then puts them together into rep.
func (r *reportRun) run(ctx context.Context, rep *bot.Report) error {
	period := newSpan(r.from, r.to)
	g, gctx := newGroup(ctx)
	parts := partitions(r.lowMember, r.highMember)
	r.members = make([][]memberFigures, len(parts))
	if period.firstDay < period.endDay {
		for i, p := range parts {
			g.do(func() (err error) {
				r.members[i], err = r.memberFigures(gctx, period, p)
				return err
			})
		}
	}
	edges := splitRanges(period.raw(), len(parts))
	r.raw = make([][]rawActivity, len(edges))
	r.rawChans = make([][]rawChannel, len(edges))
	for i, rng := range edges {
		g.do(func() (err error) {
			r.raw[i], r.rawChans[i], err = r.rawActivity(gctx, rng)
			return err
		})
	}
	g.do(func() (err error) {
		r.recentRaw, err = r.recentActivity(gctx, period)
		return err
	})
	g.do(func() (err error) {
		r.nudges, err = r.nudgeCounts(gctx)
		return err
	})
	g.do(func() (err error) {
		r.dayTotals, err = r.activityTotals(gctx, period)
		return err
	})
	if r.q.SummaryOnly {
		g.do(func() (err error) {
			r.counts, err = r.memberCounts(gctx)
			return err
		})
	} else {
		g.do(func() (err error) {
			r.asOf, err = r.asOfMembers(gctx)
			return err
		})
		g.do(func() (err error) {
			r.channels, err = r.channelFigures(gctx, period)
			return err
		})
		g.do(func() (err error) {
			r.unanswered, err = r.unansweredMessages(gctx)
			return err
		})
		g.do(func() (err error) {
			r.prompts, err = r.promptActivity(gctx)
			return err
		})
	}
	if err := g.wait(); err != nil {
		return err
	}
	flags, err := r.flags(ctx)
	if err != nil {
		return err
	}
	if !r.q.SummaryOnly {
		for _, m := range r.asOf {
			r.counts.total++
			if m.isNew {
				r.counts.new++
			}
			if m.quietEligible {
				r.counts.quietEligible++
			}
		}
	}
	all, recent := r.combine(period, flags)
	r.summarise(all, len(recent), rep)
	rep.Nudges = r.nudges
	if r.q.SummaryOnly {
		return nil
	}
	if rep.TopContributors, err = r.topContributors(ctx, all); err != nil {
		return err
	}
	rep.Channels = r.channelList(all)
	rep.Prompts = r.prompts
	if rep.QuietMembers, err = r.quietMembers(ctx, recent); err != nil {
		return err
	}
	rep.Unanswered = r.unansweredList()
	return nil
}

// partitions splits the member ids [low, high] into one range per core, so
// the per-member query runs on all of them.
func partitions(low, high int64) [][2]int64 {
	n := int64(min(runtime.GOMAXPROCS(0), 4))
	size := (high - low + n) / n
	if high < low || size < 1 {
		return [][2]int64{{low, high + 1}}
	}
	var parts [][2]int64
	for lo := low; lo <= high; lo += size {
		parts = append(parts, [2]int64{lo, min(lo+size, high+1)})
	}
	return parts
}

// combine merges the edges' activity into the members' figures and returns
// every member with activity in the period, and the members as of To who
// can be quiet but were active in [To-QuietAfter, To).
func (r *reportRun) combine(period span, flags map[int64]int) ([]*memberFigures, map[int64]bool) {
	var all []*memberFigures
	byID := map[int64]*memberFigures{}
	for _, part := range r.members {
		for i := range part {
			f := &part[i]
			if !r.q.SummaryOnly {
				f.flags = flags[f.id]
			}
			all = append(all, f)
			byID[f.id] = f
		}
	}
	merged := r.mergedRecent()
	recentDay := ceilDay(r.quietFrom)
	for _, f := range all {
		f.recent = merged && (f.lastDay >= recentDay || r.recentRaw[f.id])
	}
	for _, a := range slices.Concat(r.raw...) {
		f, ok := byID[a.member]
		if !ok {
			f = &memberFigures{id: a.member, flags: flags[a.member], lastDay: -1}
			all = append(all, f)
			byID[a.member] = f
		}
		f.counts.add(a.counts)
		f.active = true
		for _, c := range a.channels {
			if !slices.Contains(f.channels, c) {
				f.channels = append(f.channels, c)
			}
		}
		if merged && a.latest >= r.quietFrom {
			f.recent = true
		}
	}
	if !merged {
		return all, r.recentRaw
	}
	recent := map[int64]bool{}
	for _, f := range all {
		if f.recent && f.asOf() && f.quietEligible() {
			recent[f.id] = true
		}
	}
	return all, recent
}

// summarise fills the member counts, activity and tiers. Activity is the
// channel days' totals plus the edges: not the sum of the members' figures,
// which ForgetMember takes a member's days out of, where the community's
// totals keep what they counted.
func (r *reportRun) summarise(all []*memberFigures, recent int, rep *bot.Report) {
	rep.Members.Total = r.counts.total
	rep.Members.New = r.counts.new
	rep.Members.Quiet = r.counts.quietEligible - recent
	activity := r.dayTotals
	for _, f := range slices.Concat(r.raw...) {
		activity.add(f.counts)
	}
	for _, f := range all {
		if !f.asOf() || !f.active {
			continue
		}
		rep.Members.Active++
		if f.counts[0] > 0 {
			rep.Tiers.Creators++
		} else {
			rep.Tiers.Responders++
		}
	}
	rep.Activity = bot.ActivityCounts{Messages: int(activity[0]), Replies: int(activity[1]),
		Reactions: int(activity[2]), CheckinAnswers: int(activity[3]), StillHere: int(activity[4]),
		ResourceShares: int(activity[5]), RSVPs: int(activity[6]), Attendances: int(activity[7])}
	if r.q.SummaryOnly {
		rep.Tiers = bot.Tiers{}
		return
	}
	rep.Tiers.Observers = rep.Members.Total - rep.Tiers.Creators - rep.Tiers.Responders
}
