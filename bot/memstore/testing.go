package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

// What tests use beside bot.Store: seeding, failures on demand, and a look
// at what the store was given.

// FailWith makes every method return err from now on (nil: none).
func (s *Store) FailWith(err error) {
	if err == nil {
		s.Inject(nil)
		return
	}
	s.Inject(func(string) error { return err })
}

// Inject makes each method call f with its name ("Record", "ClaimFiring",
// …) first, and return f's error when it is not nil; nil f removes the
// hook. f runs with the store locked: it must not call the store.
func (s *Store) Inject(f func(method string) error) {
	if f == nil {
		s.InjectCall(nil)
		return
	}
	s.InjectCall(func(method string, _ ...any) error { return f(method) })
}

// InjectCall is Inject for a failure that depends on the call: f gets the
// method's name and its arguments after the context, in order, as passed
// (a variadic parameter as one slice: Record's []bot.Event), so a test can
// fail ClaimFiring for one schedule's firing only. nil f removes the hook.
// f runs with the store locked: it must not call the store, nor change
// what it is given.
func (s *Store) InjectCall(f func(method string, args ...any) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == nil {
		s.fault = nil
		return
	}
	s.fault = func(method string, args []any) error { return f(method, args...) }
}

// AddMembers seeds a community (created if needed) with members, as a
// complete directory read at the store's clock would: those without a join
// time were there before Hearth started.
func (s *Store) AddMembers(community string, members ...bot.Member) error {
	return s.SaveDirectory(context.Background(), bot.Directory{Community: bot.Community{ID: community},
		Members: members, Complete: true, At: s.clock.Now()})
}

// AddChannels seeds a community (created if needed) with channels.
func (s *Store) AddChannels(community string, channels ...bot.Channel) error {
	return s.SaveDirectory(context.Background(), bot.Directory{Community: bot.Community{ID: community},
		Channels: channels, At: s.clock.Now()})
}

// Events returns the events Record was given (not those from bots or DMs),
// retractions included, in order: what a test asserts was recorded.
func (s *Store) Events() []bot.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.recordings)
}

// Kept returns the events the store keeps now, in the order they were
// recorded: unlike Events, a redelivery shows once, and what was retracted,
// pruned or forgotten is gone. Each names its member and channel as their
// rows do now.
func (s *Store) Kept() []bot.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	type kept struct {
		seq int64
		e   bot.Event
	}
	var all []kept
	for _, c := range s.communities {
		for _, e := range c.evs {
			ev := bot.Event{Kind: e.kind, Community: c.id, Channel: e.channel, Member: e.member, At: tm(e.at),
				Key: e.key, Message: e.message, Parent: e.parent}
			if m := c.members[e.member]; m != nil {
				ev.MemberName = m.name
			}
			if ch := c.channels[e.channel]; ch != nil {
				ev.ChannelName = ch.name
			}
			all = append(all, kept{e.seq, ev})
		}
	}
	slices.SortFunc(all, func(a, b kept) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]bot.Event, len(all))
	for i, k := range all {
		out[i] = k.e
	}
	return out
}

// ReportQueries returns the queries Report was asked, in order.
func (s *Store) ReportQueries() []bot.ReportQuery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

// Holding lists the places where the store keeps any of needles, named
// after the SQLite store's columns they mirror ("members.name",
// "events.key", …): the store suite's forget-me scan (storetest.Scanner).
func (s *Store) Holding(ctx context.Context, needles ...string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []string
	check := func(place string, values ...string) {
		for _, v := range values {
			for _, n := range needles {
				if strings.Contains(v, n) && !slices.Contains(hits, place) {
					hits = append(hits, place)
				}
			}
		}
	}
	for _, c := range s.communities {
		check("communities.ext_id", c.id)
		check("communities.name", c.name)
		for _, m := range c.members {
			check("members.ext_id", m.ext)
			check("members.name", m.name)
			check("members.name_fold", m.nameFold)
			check("members.tz", m.tz)
		}
		for _, ch := range c.channels {
			check("channels.ext_id", ch.ext)
			check("channels.name", ch.name)
		}
		for _, e := range c.evs {
			check("events.key", e.key)
			check("events.member_id", e.member)
			check("events.message", e.message)
			check("events.parent", e.parent)
		}
		for key := range c.tombstones {
			check("tombstones.key", key)
		}
		for k := range c.memberChannelDays {
			check("member_channel_days.member_id", k.member)
		}
		for ext, f := range c.facilitators {
			check("facilitators.member_ext", ext)
			check("facilitators.added_by", f.addedBy)
		}
		for k, v := range c.settings {
			check("settings.value", k, v)
		}
		for _, def := range c.surveys {
			check("surveys.definition", string(def))
		}
		for m := range c.optins {
			check("intro_optins.member_id", m)
		}
		for m := range c.prefs {
			check("member_prefs.member_id", m)
		}
	}
	if s.hist != nil {
		for _, imp := range s.hist.imports {
			check("history_imports.requested_by", imp.RequestedBy)
		}
		for key := range s.hist.tombstones {
			check("member_tombstones.member_hash", key[1])
		}
	}
	for _, sc := range s.schedules {
		check("schedules.created_by", sc.CreatedBy)
		check("schedules.payload", sc.Payload)
	}
	for _, r := range s.runs {
		check("checkin_runs.started_by", r.startedBy)
		check("checkin_runs.definition", string(r.definition))
		for _, x := range r.recipients {
			check("checkin_recipients.member_id", x.member)
		}
		for k, v := range r.answers {
			check("checkin_answers.respondent", k[0])
			check("checkin_answers.value", v)
		}
	}
	for _, n := range s.nudges {
		check("nudges.member_id", n.member)
		check("nudges.approved_by", n.approvedBy)
	}
	for _, r := range s.resources {
		check("resources.member_id", r.member)
		check("resources.note", r.note)
		check("resources.search", r.search)
		check("resources.url", r.url)
	}
	for _, x := range s.stories {
		check("stories.member_id", x.member)
		check("stories.text", x.text)
	}
	for _, ev := range s.events {
		check("community_events.created_by", ev.e.CreatedBy)
		check("community_events.title", ev.e.Title)
		for m := range ev.rsvps {
			check("event_rsvps.member_id", m)
		}
	}
	for _, r := range s.rounds {
		check("intro_rounds.created_by", r.createdBy)
	}
	for _, g := range s.groups {
		check("intro_members.member_id", g.members...)
	}
	for _, p := range s.deck {
		check("deck_prompts.added_by", p.addedBy)
		check("deck_prompts.text", p.text)
	}
	for _, p := range s.posts {
		check("prompt_posts.text", p.text)
	}
	return hits, nil
}

// Orphans lists the rows kept about a member who has no member row.
func (s *Store) Orphans(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	orphan := func(c *community, table, member string) {
		if c == nil || c.members[member] == nil {
			out = append(out, fmt.Sprintf("%s: %s", table, member))
		}
	}
	for _, c := range s.communities {
		for _, e := range c.evs {
			orphan(c, "events", e.member)
		}
		for k := range c.memberChannelDays {
			orphan(c, "member_channel_days", k.member)
		}
		for m := range c.prefs {
			orphan(c, "member_prefs", m)
		}
		for m := range c.optins {
			orphan(c, "intro_optins", m)
		}
		for k := range c.deliveries {
			orphan(c, "deliveries", k.member)
		}
	}
	for _, r := range s.runs {
		for _, x := range r.recipients {
			orphan(s.communities[r.community], "checkin_recipients", x.member)
		}
	}
	for _, n := range s.nudges {
		orphan(s.communities[n.community], "nudges", n.member)
	}
	for _, r := range s.resources {
		orphan(s.communities[r.community], "resources", r.member)
	}
	for _, x := range s.stories {
		orphan(s.communities[x.community], "stories", x.member)
	}
	for _, ev := range s.events {
		for m := range ev.rsvps {
			orphan(s.communities[ev.e.Community], "event_rsvps", m)
		}
	}
	for _, g := range s.groups {
		for _, m := range g.members {
			orphan(s.communities[g.community], "intro_members", m)
		}
	}
	return out, nil
}

// Rollups returns the day totals as sorted rows of text, by table:
// "member_channel_days", "member_days" (their sums by member and day) and
// "channel_days".
func (s *Store) Rollups(ctx context.Context) (map[string][]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for _, c := range s.communities {
		mcd, md, cd := c.rollupRows()
		out["member_channel_days"] = append(out["member_channel_days"], mcd...)
		out["member_days"] = append(out["member_days"], md...)
		out["channel_days"] = append(out["channel_days"], cd...)
	}
	for _, rows := range out {
		slices.Sort(rows)
	}
	return out, nil
}
