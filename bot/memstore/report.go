package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

// Report computes a report as the SQLite store does (its doc comment has
// the definitions): whole UTC days from the day totals, the partial days at
// the period's edges from the events. Members are read as their rows say
// now (a bot flag, a name), as there.
func (s *Store) Report(ctx context.Context, q bot.ReportQuery) (bot.Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := bot.Report{Community: q.Community, From: q.From, To: q.To,
		Channels: []bot.ChannelActivity{}, TopContributors: []bot.Contributor{},
		QuietMembers: []bot.QuietMember{}, Unanswered: []bot.Unanswered{}, Prompts: []bot.PromptActivity{}}
	if err := s.failed("Report", q); err != nil {
		return rep, err
	}
	s.queries = append(s.queries, q)
	if !q.From.Before(q.To) {
		return rep, fmt.Errorf("report %s: the period [%s, %s) is empty", q.Community, q.From, q.To)
	}
	if q.QuietAfter <= 0 {
		q.QuietAfter = bot.DefaultQuietAfter
	}
	c, ok := s.find(q.Community)
	if !ok {
		return rep, nil // nothing recorded yet: every figure is zero
	}
	r := &reportRun{s: s, c: c, q: q, from: ms(q.From), to: ms(q.To)}
	r.quietFrom = r.to - q.QuietAfter.Milliseconds()
	if q.Channel != "" && c.channels[q.Channel] == nil {
		r.noChannel = true
	}
	r.run(&rep)
	return rep, nil
}

// span is [from, to) in unix milliseconds, split into whole days
// [firstDay, endDay) and the raw ranges around them.
type span struct {
	from, to         int64
	firstDay, endDay int64 // whole days; firstDay == endDay: none
}

func newSpan(from, to int64) span {
	s := span{from: from, to: to, firstDay: ceilDay(from), endDay: dayOf(to)}
	if s.firstDay >= s.endDay {
		s.firstDay, s.endDay = 0, 0
	}
	return s
}

// raw returns the parts of the span outside its whole days.
func (s span) raw() [][2]int64 {
	if s.firstDay == s.endDay {
		if s.from < s.to {
			return [][2]int64{{s.from, s.to}}
		}
		return nil
	}
	var r [][2]int64
	if start := s.firstDay * dayMillis; s.from < start {
		r = append(r, [2]int64{s.from, start})
	}
	if end := s.endDay * dayMillis; end < s.to {
		r = append(r, [2]int64{end, s.to})
	}
	return r
}

func (s span) hasDay(d int64) bool { return d >= s.firstDay && d < s.endDay }

func inRanges(at int64, ranges [][2]int64) bool {
	for _, r := range ranges {
		if at >= r[0] && at < r[1] {
			return true
		}
	}
	return false
}

// reportRun is one report's query and what it found.
type reportRun struct {
	s         *Store
	c         *community
	q         bot.ReportQuery
	from, to  int64
	quietFrom int64
	noChannel bool
}

// memberFigures is one human member's activity in the period.
type memberFigures struct {
	ext      string
	flags    int // bit 0: member as of To; bit 1: also can be quiet
	active   bool
	counts   counts
	lastDay  int64 // latest whole day with activity, -1 if none
	channels []string
	recent   bool
}

func (f *memberFigures) asOf() bool          { return f.flags&1 != 0 }
func (f *memberFigures) quietEligible() bool { return f.flags&2 != 0 }

// Conditions on a member as of the period (see the SQLite store's sqlAsOf,
// sqlNew, sqlQuietEligible).
func (r *reportRun) asOf(m *member) bool {
	return (m.firstSeen < r.to || m.joinedAt != null && m.joinedAt < r.to || m.beforeHearth) && (m.leftAt == null || m.leftAt >= r.to)
}

func joinTime(m *member) int64 {
	if m.joinedAt != null {
		return m.joinedAt
	}
	return m.firstSeen
}

func isNew(m *member, from, to int64) bool {
	return !m.beforeHearth && joinTime(m) >= from && joinTime(m) < to
}

func (r *reportRun) quietEligible(m *member) bool {
	return m.beforeHearth || joinTime(m) <= r.quietFrom
}

func (r *reportRun) flags(m *member) int {
	if m == nil || !r.asOf(m) {
		return 0
	}
	if r.quietEligible(m) {
		return 3
	}
	return 1
}

// human reports whether an event's member is not a bot.
func (r *reportRun) human(member string) bool {
	m := r.c.members[member]
	return m != nil && !m.isBot
}

func (r *reportRun) inChannel(ch string) bool { return r.q.Channel == "" || ch == r.q.Channel }

// mergedRecent reports whether the period's figures tell who was active in
// [To-QuietAfter, To).
func (r *reportRun) mergedRecent() bool { return r.q.Channel == "" && r.from < r.quietFrom }

func (r *reportRun) run(rep *bot.Report) {
	period := newSpan(r.from, r.to)
	byID := map[string]*memberFigures{}
	var all []*memberFigures
	figure := func(ext string) *memberFigures {
		f := byID[ext]
		if f == nil {
			f = &memberFigures{ext: ext, flags: r.flags(r.c.members[ext]), lastDay: -1}
			byID[ext] = f
			all = append(all, f)
		}
		return f
	}
	// Whole days, from the members' day totals.
	for k, v := range r.c.memberChannelDays {
		if !period.hasDay(k.day) || !r.human(k.member) || !r.inChannel(k.channel) {
			continue
		}
		f := figure(k.member)
		f.active = true
		f.counts.add(*v)
		f.lastDay = max(f.lastDay, k.day)
		if k.channel != "" && !slices.Contains(f.channels, k.channel) {
			f.channels = append(f.channels, k.channel)
		}
	}
	merged := r.mergedRecent()
	recentDay := ceilDay(r.quietFrom)
	for _, f := range all {
		f.recent = merged && f.lastDay >= recentDay
	}
	recentRaw := r.recentActivity(period)
	for _, f := range all {
		f.recent = f.recent || merged && recentRaw[f.ext]
	}
	// The edges, from the events.
	edges := period.raw()
	activity := r.dayTotals(period)
	rawChans := map[string]*counts{}
	for _, e := range r.c.evs {
		k := activityIndex(e.kind)
		if k < 0 || !inRanges(e.at, edges) || !r.human(e.member) || !r.inChannel(e.channel) {
			continue
		}
		activity[k]++
		f := figure(e.member)
		f.active = true
		f.counts[k]++
		if e.channel != "" {
			if !slices.Contains(f.channels, e.channel) {
				f.channels = append(f.channels, e.channel)
			}
			if k <= 2 {
				if rawChans[e.channel] == nil {
					rawChans[e.channel] = &counts{}
				}
				rawChans[e.channel][k]++
			}
		}
		if merged && e.at >= r.quietFrom {
			f.recent = true
		}
	}
	recent := recentRaw
	if merged {
		recent = map[string]bool{}
		for _, f := range all {
			if f.recent && f.asOf() && f.quietEligible() {
				recent[f.ext] = true
			}
		}
	}
	// Members as of To.
	var asOf []*member
	var eligible int
	for _, m := range r.c.members {
		if m.isBot || !r.asOf(m) {
			continue
		}
		asOf = append(asOf, m)
		rep.Members.Total++
		if isNew(m, r.from, r.to) {
			rep.Members.New++
		}
		if r.quietEligible(m) {
			eligible++
		}
	}
	rep.Members.Quiet = eligible - len(recent)
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
	rep.Nudges = r.nudgeCounts()
	if r.q.SummaryOnly {
		rep.Tiers = bot.Tiers{}
		return
	}
	rep.Tiers.Observers = rep.Members.Total - rep.Tiers.Creators - rep.Tiers.Responders
	rep.TopContributors = r.topContributors(all)
	rep.Channels = r.channelList(period, all, rawChans)
	rep.Prompts = r.promptActivity()
	rep.QuietMembers = r.quietMembers(asOf, recent)
	rep.Unanswered = r.unanswered()
}

// dayTotals sums the humans' activity over the period's whole days from
// the channels' day totals.
func (r *reportRun) dayTotals(period span) counts {
	var c counts
	for k, v := range r.c.channelDays {
		if period.hasDay(k.day) && r.inChannel(k.channel) {
			c.add(*v)
		}
	}
	return c
}

// recentActivity tells who was active in [To-QuietAfter, To) where the
// period's figures cannot (see the SQLite store's recentActivity).
func (r *reportRun) recentActivity(period span) map[string]bool {
	recent := map[string]bool{}
	var ranges [][2]int64
	filter := func(m *member) bool { return true }
	if r.mergedRecent() {
		start := r.quietFrom
		if start%dayMillis != 0 && start >= period.firstDay*dayMillis && start < period.endDay*dayMillis {
			ranges = append(ranges, [2]int64{start, min(ceilDay(start)*dayMillis, period.endDay*dayMillis)})
		}
	} else {
		filter = func(m *member) bool { return r.asOf(m) && r.quietEligible(m) }
		window := newSpan(r.quietFrom, r.to)
		ranges = window.raw()
		for k := range r.c.memberChannelDays {
			if m := r.c.members[k.member]; window.hasDay(k.day) && m != nil && !m.isBot && filter(m) {
				recent[k.member] = true
			}
		}
	}
	if len(ranges) == 0 {
		return recent
	}
	for _, e := range r.c.evs {
		if activityIndex(e.kind) < 0 || !inRanges(e.at, ranges) {
			continue
		}
		if m := r.c.members[e.member]; m != nil && !m.isBot && filter(m) {
			recent[e.member] = true
		}
	}
	return recent
}

// returnWindow is how long after a nudge the member's activity counts as
// their return.
const returnWindow = 7 * dayMillis

// nudgeCounts counts the nudges sent in the period, and those whose member
// was active in (sent, sent+7d]: by the events, or where they were pruned,
// by the member's day totals of the whole days of that window.
func (r *reportRun) nudgeCounts() bot.NudgeCounts {
	var nc bot.NudgeCounts
	for _, n := range r.s.nudges {
		if n.community != r.c.id || n.status != members.NudgeSent || n.sentAt == null || n.sentAt < r.from || n.sentAt >= r.to {
			continue
		}
		nc.Sent++
		if r.returned(n) {
			nc.Returned++
		}
	}
	return nc
}

func (r *reportRun) returned(n *nudge) bool {
	for _, e := range r.c.evs {
		if e.member == n.member && activityIndex(e.kind) >= 0 && e.at > n.sentAt && e.at <= n.sentAt+returnWindow {
			return true
		}
	}
	first, end := (n.sentAt+dayMillis)/dayMillis, (n.sentAt+returnWindow+1)/dayMillis
	for k := range r.c.memberChannelDays {
		if k.member == n.member && k.day >= first && k.day < end {
			return true
		}
	}
	return false
}
