package storetest

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/simulate"
)

var referenceTests = []test{
	{name: "ReportMatchesReference", run: testReportMatchesReference},
}

// tee records a simulated history in the core and keeps a copy.
type tee struct {
	core   *bot.Bot
	dirs   []bot.Directory
	events []bot.Event
}

func (t *tee) HandleDirectory(ctx context.Context, d bot.Directory) error {
	t.dirs = append(t.dirs, d)
	return t.core.HandleDirectory(ctx, d)
}

func (t *tee) HandleEvents(ctx context.Context, events ...bot.Event) error {
	t.events = append(t.events, events...)
	return t.core.HandleEvents(ctx, events...)
}

// simulatedHistory records a simulated history of o.Days days ending at
// o.End (at a minute that is not midnight) through a real core, plus
// answers check-in and "I'm still here" events drawn with r: the history
// the reference tests check the store's figures against. It returns the
// tee that kept every event, and the history's first instant.
func simulatedHistory(t *testing.T, db Store, o simulate.Options, r *rand.Rand, answers int) (*tee, time.Time) {
	t.Helper()
	ctx := context.Background()
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(o.End)})
	if err != nil {
		t.Fatal(err)
	}
	h := &tee{core: core}
	if _, err := simulate.Run(ctx, h, o); err != nil {
		t.Fatal(err)
	}
	start := o.End.Add(-time.Duration(o.Days) * day)
	if err := h.HandleEvents(ctx, answerEvents(r, h.events, start, o.End, answers)...); err != nil {
		t.Fatal(err)
	}
	return h, start
}

// TestReportMatchesReference checks Report against a direct reading of the
// definitions over the events of a simulated history, for random periods:
// whole days or not, shorter or longer than QuietAfter, with and without a
// channel. It is what shows that the day rollups and the edges add up.
func testReportMatchesReference(t *testing.T, db Store) {
	end := t0.Add(9*time.Hour + 17*time.Minute)
	r := rand.New(rand.NewPCG(1, 2))
	h, start := simulatedHistory(t, db, simulate.Options{Community: bot.Community{ID: community, Platform: bot.Slack},
		Members: 60, Days: 40, Events: 6000, Seed: 5, End: end, Batch: 97}, r, 400)
	ref := newReference(h.dirs, h.events)
	ref.nudges = addNudges(t, db, r, h.events, start, end, 60)
	var active, unanswered, quiet, stillHere, shares, returned int
	for i := range 60 {
		from := start.Add(time.Duration(r.Int64N(int64(45 * day))))
		if i%4 == 0 {
			from = from.Truncate(day) // whole days only
		}
		to := from.Add(time.Hour + time.Duration(r.Int64N(int64(35*day))))
		if i%4 == 0 {
			to = to.Truncate(day).Add(day)
		}
		q := bot.ReportQuery{Community: community, From: from, To: to,
			QuietAfter: []time.Duration{day, 3*day + 5*time.Hour, 14 * day}[i%3], SummaryOnly: i%5 == 4}
		if i%3 == 1 {
			q.Channel = []string{"C0001", "C0003", "C0002"}[i%3]
		}
		got := report(t, db, q)
		for i := range got.Unanswered { // names for people; TestReportDefinitions checks them
			got.Unanswered[i].ChannelName, got.Unanswered[i].AuthorName = "", ""
		}
		want := ref.report(q)
		active, unanswered, quiet = active+want.Members.Active, unanswered+len(want.Unanswered), quiet+len(want.QuietMembers)
		stillHere, shares, returned = stillHere+want.Activity.StillHere, shares+want.Activity.ResourceShares, returned+want.Nudges.Returned
		if t.Failed() {
			return
		}
		t.Run(q.From.Format("Jan 2 15:04")+" "+q.To.Sub(q.From).String()+" "+q.Channel, func(t *testing.T) {
			checkReport(t, got, want)
		})
	}
	if active == 0 || unanswered == 0 || quiet == 0 || stillHere == 0 || shares == 0 || returned == 0 {
		t.Errorf("the periods test little: %d active, %d unanswered, %d quiet, %d still here, %d resource shares, %d nudges returned in all",
			active, unanswered, quiet, stillHere, shares, returned)
	}
}

// addNudges stores n nudges to members of events, most of them sent at
// random times in [from, to), the others queued, failed or cancelled, and
// returns them as stored.
func addNudges(t testing.TB, db Store, r *rand.Rand, events []bot.Event, from, to time.Time, n int) []members.Nudge {
	t.Helper()
	var active []string
	for _, e := range events {
		if e.Kind.Activity() && !e.Retract && !slices.Contains(active, e.Member) {
			active = append(active, e.Member)
		}
	}
	var out []members.Nudge
	for i := range n {
		sent := from.Add(time.Duration(r.Int64N(int64(to.Sub(from))))).Truncate(time.Millisecond)
		nu := members.Nudge{Community: events[0].Community, Member: active[r.IntN(len(active))], Wording: i % 3,
			QueuedAt: sent.Add(-time.Hour), SendAt: sent, SentAt: sent, Status: members.NudgeSent}
		switch i % 7 {
		case 5:
			nu.Status = members.NudgeFailed // tried at sent, never delivered
		case 6:
			nu.Status, nu.SentAt = members.NudgeQueued, time.Time{}
		}
		id, err := db.AddNudge(context.Background(), nu)
		if err != nil {
			t.Fatalf("AddNudge: %v", err)
		}
		nu.ID = id
		out = append(out, nu)
	}
	return out
}

// reference holds a history as plain data and computes reports by reading
// the definitions literally. The simulator's members join at most once and
// leave at most once, and none is a bot, which keeps it short.
type reference struct {
	members map[string]*refMember
	names   map[string]string // channel names
	events  []bot.Event       // recorded and not retracted
	nudges  []members.Nudge
	// activity holds each member's activity events (reading them all for
	// every member and week would be slow under the race detector).
	activity map[string][]bot.Event
}

type refMember struct {
	id, name     string
	firstSeen    time.Time
	joined, left time.Time
	beforeHearth bool
}

func newReference(dirs []bot.Directory, events []bot.Event) *reference {
	ref := &reference{members: map[string]*refMember{}, names: map[string]string{}}
	for _, d := range dirs {
		for _, m := range d.Members {
			if m.IsBot {
				continue
			}
			ref.members[m.ID] = &refMember{id: m.ID, name: m.Name, firstSeen: d.At, beforeHearth: d.Complete}
		}
		for _, c := range d.Channels {
			ref.names[c.ID] = c.Name
		}
	}
	retracted := map[string]bool{}
	for _, e := range events {
		if e.Retract {
			retracted[e.Key] = true
		}
	}
	for _, e := range events {
		if e.Retract || retracted[e.Key] {
			continue
		}
		m := ref.members[e.Member]
		if m == nil {
			m = &refMember{id: e.Member, firstSeen: e.At}
			ref.members[e.Member] = m
		}
		if e.MemberName != "" {
			m.name = e.MemberName
		}
		if e.At.Before(m.firstSeen) {
			m.firstSeen = e.At
		}
		switch e.Kind {
		case bot.KindJoin:
			m.joined = e.At
		case bot.KindLeave:
			m.left = e.At
		}
		ref.events = append(ref.events, e)
	}
	ref.activity = map[string][]bot.Event{}
	for _, e := range ref.events {
		if e.Kind.Activity() {
			ref.activity[e.Member] = append(ref.activity[e.Member], e)
		}
	}
	return ref
}

func (m *refMember) joinTime() time.Time {
	if !m.joined.IsZero() {
		return m.joined
	}
	return m.firstSeen
}

func (m *refMember) asOf(to time.Time) bool {
	return (m.firstSeen.Before(to) || (!m.joined.IsZero() && m.joined.Before(to)) || m.beforeHearth) &&
		(m.left.IsZero() || !m.left.Before(to))
}

func (ref *reference) report(q bot.ReportQuery) bot.Report {
	in := func(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }
	rep := bot.Report{Community: q.Community, From: q.From, To: q.To,
		Channels: []bot.ChannelActivity{}, TopContributors: []bot.Contributor{}, QuietMembers: []bot.QuietMember{}, Unanswered: []bot.Unanswered{}}
	quietFrom := q.To.Add(-q.QuietAfter)
	type tally struct{ counts [8]int }
	per := map[string]*tally{}
	perChannel := map[string]*bot.ChannelActivity{}
	activeIn := map[string]map[string]bool{}
	recent := map[string]bool{}
	last := map[string]time.Time{}
	for _, e := range ref.events {
		k := slices.Index([]bot.EventKind{bot.KindMessage, bot.KindReply, bot.KindReaction, bot.KindCheckinAnswer, bot.KindStillHere, bot.KindResourceShare, bot.KindRSVP, bot.KindAttended}, e.Kind)
		if k < 0 {
			continue
		}
		if in(e.At, quietFrom, q.To) {
			recent[e.Member] = true
		}
		if e.At.Before(q.To) && e.At.After(last[e.Member]) {
			last[e.Member] = e.At
		}
		if !in(e.At, q.From, q.To) || (q.Channel != "" && e.Channel != q.Channel) {
			continue
		}
		if per[e.Member] == nil {
			per[e.Member] = &tally{}
		}
		per[e.Member].counts[k]++
		if e.Channel == "" {
			continue
		}
		c := perChannel[e.Channel]
		if c == nil {
			c = &bot.ChannelActivity{ID: e.Channel, Name: ref.names[e.Channel]}
			perChannel[e.Channel] = c
			activeIn[e.Channel] = map[string]bool{}
		}
		activeIn[e.Channel][e.Member] = true
		switch e.Kind {
		case bot.KindMessage:
			c.Messages++
		case bot.KindReply:
			c.Replies++
		case bot.KindReaction:
			c.Reactions++
		}
	}
	for id, tl := range per {
		rep.Activity.Messages += tl.counts[0]
		rep.Activity.Replies += tl.counts[1]
		rep.Activity.Reactions += tl.counts[2]
		rep.Activity.CheckinAnswers += tl.counts[3]
		rep.Activity.StillHere += tl.counts[4]
		rep.Activity.ResourceShares += tl.counts[5]
		rep.Activity.RSVPs += tl.counts[6]
		rep.Activity.Attendances += tl.counts[7]
		rep.TopContributors = append(rep.TopContributors, bot.Contributor{ID: id, Name: ref.members[id].name,
			Messages: tl.counts[0], Replies: tl.counts[1], Reactions: tl.counts[2]})
	}
	var quiet []*refMember
	for _, m := range ref.members {
		if !m.asOf(q.To) {
			continue
		}
		rep.Members.Total++
		if !m.beforeHearth && in(m.joinTime(), q.From, q.To) {
			rep.Members.New++
		}
		if (m.beforeHearth || !m.joinTime().After(quietFrom)) && !recent[m.id] {
			rep.Members.Quiet++
			quiet = append(quiet, m)
		}
		if tl := per[m.id]; tl != nil {
			rep.Members.Active++
			if tl.counts[0] > 0 {
				rep.Tiers.Creators++
			} else {
				rep.Tiers.Responders++
			}
		}
	}
	// Nudges: sent in the period, and returned: the member active in the 7
	// days after, wherever and whenever (after To too).
	for _, n := range ref.nudges {
		if n.Status != members.NudgeSent || !in(n.SentAt, q.From, q.To) {
			continue
		}
		rep.Nudges.Sent++
		for _, e := range ref.activity[n.Member] {
			if e.At.After(n.SentAt) && !e.At.After(n.SentAt.Add(7*day)) {
				rep.Nudges.Returned++
				break
			}
		}
	}
	if q.SummaryOnly {
		return bot.Report{Community: q.Community, From: q.From, To: q.To, Members: rep.Members, Activity: rep.Activity, Nudges: rep.Nudges,
			Channels: []bot.ChannelActivity{}, TopContributors: []bot.Contributor{}, QuietMembers: []bot.QuietMember{}, Unanswered: []bot.Unanswered{}}
	}
	rep.Tiers.Observers = rep.Members.Total - rep.Tiers.Creators - rep.Tiers.Responders
	for id, c := range perChannel {
		if c.Messages+c.Replies+c.Reactions == 0 {
			continue // only resource shares: not listed, see Report
		}
		c.ActiveMembers = len(activeIn[id])
		rep.Channels = append(rep.Channels, *c)
	}
	slices.SortFunc(rep.Channels, func(a, b bot.ChannelActivity) int {
		return cmp.Or(cmp.Compare(b.Messages+b.Replies, a.Messages+a.Replies), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(rep.TopContributors, func(a, b bot.Contributor) int {
		return cmp.Or(cmp.Compare(b.Messages+b.Replies, a.Messages+a.Replies), cmp.Compare(b.Reactions, a.Reactions), cmp.Compare(a.ID, b.ID))
	})
	rep.TopContributors = rep.TopContributors[:min(10, len(rep.TopContributors))]
	slices.SortFunc(quiet, func(a, b *refMember) int {
		la, lb := last[a.id], last[b.id]
		if la.IsZero() != lb.IsZero() {
			if la.IsZero() {
				return -1
			}
			return 1
		}
		return cmp.Or(la.Compare(lb), cmp.Compare(a.id, b.id))
	})
	for _, m := range quiet {
		qm := bot.QuietMember{ID: m.id, Name: m.name}
		if l := last[m.id]; !l.IsZero() {
			qm.LastActive = &l
		}
		rep.QuietMembers = append(rep.QuietMembers, qm)
	}
	// Unanswered: top-level messages of [From, To-24h) in the channel, with
	// no reply by someone else before To.
	answered := map[string]bool{}
	authors := map[string]bot.Event{}
	for _, e := range ref.events {
		if e.Kind == bot.KindMessage {
			authors[e.Channel+"\x00"+e.Message] = e
		}
	}
	for _, e := range ref.events {
		if e.Kind == bot.KindReply && e.At.Before(q.To) {
			if m, ok := authors[e.Channel+"\x00"+e.Parent]; ok && m.Member != e.Member {
				answered[e.Channel+"\x00"+e.Parent] = true
			}
		}
	}
	for _, e := range ref.events {
		if e.Kind != bot.KindMessage || !in(e.At, q.From, q.To.Add(-24*time.Hour)) || (q.Channel != "" && e.Channel != q.Channel) {
			continue
		}
		if !answered[e.Channel+"\x00"+e.Message] {
			rep.Unanswered = append(rep.Unanswered, bot.Unanswered{Channel: e.Channel, Message: e.Message, Author: e.Member, PostedAt: e.At.UTC()})
		}
	}
	slices.SortStableFunc(rep.Unanswered, func(a, b bot.Unanswered) int { return a.PostedAt.Compare(b.PostedAt) })
	return rep
}
