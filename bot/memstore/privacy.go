package memstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
)

// ExportMember returns what the store keeps about a member, as the SQLite
// store does, or bot.ErrNotFound.
func (s *Store) ExportMember(ctx context.Context, community, member string) (features.MemberData, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ExportMember", community, member); err != nil {
		return features.MemberData{}, err
	}
	c, ok := s.find(community)
	if !ok || c.members[member] == nil {
		return features.MemberData{}, fmt.Errorf("export member %s of %s: %w", member, community, bot.ErrNotFound)
	}
	m := c.members[member]
	d := features.MemberData{Community: community, Member: m.bot(), FirstSeen: tm(m.firstSeen), LastActive: tm(m.lastActive),
		Facilitator: c.facilitators[member] != nil, Counts: map[bot.EventKind]int{}, Events: []features.MemberEvent{},
		Answers: []checkins.MemberAnswer{}, Nudges: []members.Nudge{}, Resources: []library.Resource{}, Stories: []library.Story{},
		RSVPs: []meetings.RSVP{}, Intros: intros.MemberIntros{Groups: []intros.MemberIntroGroup{}}}
	var evs []*event
	for _, e := range c.evs {
		if e.member == member {
			evs = append(evs, e)
		}
	}
	slices.SortFunc(evs, func(a, b *event) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq)) })
	for _, e := range evs {
		d.Events = append(d.Events, features.MemberEvent{Kind: e.kind, Channel: e.channel, At: tm(e.at)})
		d.Counts[e.kind]++
	}
	for _, r := range s.sortedRuns(community) {
		if r.anonymous {
			continue
		}
		var qs []string
		for k := range r.answers {
			if k[0] == member {
				qs = append(qs, k[1])
			}
		}
		slices.Sort(qs)
		for _, q := range qs {
			d.Answers = append(d.Answers, checkins.MemberAnswer{Run: r.id, Survey: r.survey, Question: q, Value: r.answers[[2]string{member, q}]})
		}
	}
	for _, n := range s.nudgesWhere(func(n *nudge) bool { return n.community == community && n.member == member },
		func(a, b *nudge) int { return cmp.Or(cmp.Compare(a.queued, b.queued), cmp.Compare(a.id, b.id)) }) {
		d.Nudges = append(d.Nudges, n.bot())
	}
	if p := c.prefs[member]; p != nil {
		d.Prefs = *p
	}
	var rs []*resource
	for _, r := range s.resources {
		if r.community == community && r.member == member {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *resource) int { return cmp.Or(cmp.Compare(a.shared, b.shared), cmp.Compare(a.id, b.id)) })
	for _, r := range rs {
		d.Resources = append(d.Resources, s.resource(r))
	}
	var sts []*story
	for _, x := range s.stories {
		if x.community == community && x.member == member {
			sts = append(sts, x)
		}
	}
	slices.SortFunc(sts, func(a, b *story) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.id, b.id)) })
	for _, x := range sts {
		d.Stories = append(d.Stories, s.story(x))
	}
	for _, ev := range s.events {
		if x := ev.rsvps[member]; x != nil && ev.e.Community == community {
			d.RSVPs = append(d.RSVPs, meetings.RSVP{Event: ev.e.ID, Member: member, MemberName: m.name, Choice: x.choice, At: tm(x.at), AttendedAt: tm(x.attended)})
		}
	}
	slices.SortFunc(d.RSVPs, func(a, b meetings.RSVP) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Event, b.Event)) })
	if since, ok := c.optins[member]; ok {
		d.Intros.OptedInSince = tm(since)
	}
	for _, g := range s.groups {
		if g.community == community && slices.Contains(g.members, member) {
			r := s.rounds[g.round]
			d.Intros.Groups = append(d.Intros.Groups, intros.MemberIntroGroup{Round: r.id, MadeAt: tm(r.at), Answer: string(g.answers[member])})
		}
	}
	slices.SortFunc(d.Intros.Groups, func(a, b intros.MemberIntroGroup) int {
		return cmp.Or(a.MadeAt.Compare(b.MadeAt), cmp.Compare(a.Round, b.Round))
	})
	return d, nil
}

// sortedRuns returns a community's runs by id.
func (s *Store) sortedRuns(community string) []*run {
	var rs []*run
	for _, r := range s.runs {
		if r.community == community {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *run) int { return cmp.Compare(a.id, b.id) })
	return rs
}

// namesKey reports whether a ':'-separated field of key is id.
func namesKey(key, id string) bool { return slices.Contains(strings.Split(key, ":"), id) }

// ForgetMember erases a member as the SQLite store does (see its doc
// comment): their events and member days (the channels' day totals keep
// what they counted), the tombstones whose key names them, their answers
// to attributed check-ins, recipient rows, nudges, preferences, resources,
// stories, RSVPs, intro opt-in and places in groups, facilitator row and
// member row; their id is blanked where another row names them as author
// or approver, and taken out of surveys' member lists. Messages they
// answered are answered again from the replies left. bot.ErrNotFound for
// a member without a row; a tombstone (a hash) is kept for the history
// import either way.
func (s *Store) ForgetMember(ctx context.Context, community, member string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ForgetMember", community, member); err != nil {
		return err
	}
	if member == "" {
		return fmt.Errorf("forget a member of %s: no member", community)
	}
	c, ok := s.find(community)
	if ok {
		s.history().tombstone(community, member) // for a member never recorded too
	}
	if !ok || c.members[member] == nil {
		return fmt.Errorf("member %s of %s: %w", member, community, bot.ErrNotFound)
	}
	s.history().unname(community, member)
	type thread struct{ parent, channel string }
	var threads []thread
	for _, e := range c.evs {
		if e.member != member {
			continue
		}
		if e.kind == bot.KindReply {
			threads = append(threads, thread{e.parent, e.channel})
		}
		c.deleteEvent(e)
	}
	for k := range c.memberChannelDays {
		if k.member == member {
			delete(c.memberChannelDays, k)
		}
	}
	for key := range c.tombstones {
		if namesKey(key, member) {
			delete(c.tombstones, key)
		}
	}
	for _, r := range s.runs {
		if r.community != community {
			continue
		}
		for k := range r.answers {
			if k[0] == member {
				delete(r.answers, k)
			}
		}
		r.recipients = slices.DeleteFunc(r.recipients, func(x *recipient) bool { return x.member == member })
		if r.startedBy == member {
			r.startedBy = ""
		}
		r.definition = unlist(r.definition, member)
	}
	for k := range c.deliveries {
		if k.member == member {
			delete(c.deliveries, k)
		}
	}
	for id, n := range s.nudges {
		if n.community == community && n.member == member {
			delete(s.nudges, id)
		} else if n.community == community && n.approvedBy == member {
			n.approvedBy = ""
		}
	}
	delete(c.prefs, member)
	for id, r := range s.resources {
		if r.community == community && r.member == member {
			delete(s.resources, id)
		}
	}
	for id, x := range s.stories {
		if x.community == community && x.member == member {
			delete(s.stories, id)
		}
	}
	for _, ev := range s.events {
		if ev.e.Community == community {
			delete(ev.rsvps, member)
			if ev.e.CreatedBy == member {
				ev.e.CreatedBy = ""
			}
		}
	}
	delete(c.optins, member)
	for _, g := range s.groups {
		if g.community == community {
			g.members = slices.DeleteFunc(g.members, func(m string) bool { return m == member })
			if len(g.members) == 0 {
				g.members = nil
			}
			delete(g.answers, member)
		}
	}
	for _, r := range s.rounds {
		if r.community == community && r.createdBy == member {
			r.createdBy = ""
		}
	}
	delete(c.facilitators, member)
	for _, f := range c.facilitators {
		if f.addedBy == member {
			f.addedBy = ""
		}
	}
	for _, sc := range s.schedules {
		if sc.Community == community && sc.CreatedBy == member {
			sc.CreatedBy = ""
		}
	}
	for _, p := range s.deck {
		if p.community == community && p.addedBy == member {
			p.addedBy = ""
		}
	}
	for name, def := range c.surveys {
		c.surveys[name] = unlist(def, member)
	}
	for _, t := range threads {
		c.reanswer(t.parent, t.channel)
	}
	delete(c.members, member)
	return nil
}

// unlist takes member out of a survey definition's member list.
func unlist(def []byte, member string) []byte {
	var sv checkins.Survey
	if json.Unmarshal(def, &sv) != nil || !slices.Contains(sv.Settings.Members, member) {
		return def
	}
	sv.Settings.Members = slices.DeleteFunc(slices.Clone(sv.Settings.Members), func(m string) bool { return m == member })
	out, err := json.Marshal(sv)
	if err != nil {
		return def
	}
	return out
}

// PruneEvents deletes the events that happened before before, in every
// community, and returns how many. Day totals, members' latest activity
// and tombstones stay.
func (s *Store) PruneEvents(ctx context.Context, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("PruneEvents", before); err != nil {
		return 0, err
	}
	if before.IsZero() {
		return 0, fmt.Errorf("prune events: no time")
	}
	n := 0
	for _, c := range s.communities {
		for k, at := range c.deliveries {
			if at < ms(before) {
				delete(c.deliveries, k)
			}
		}
		for _, e := range c.evs {
			if e.at < ms(before) {
				c.deleteEvent(e)
				n++
			}
		}
	}
	return n, nil
}
