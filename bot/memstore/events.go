package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
)

// cevent is a community event (a meeting), with its RSVPs by member.
type cevent struct {
	e     meetings.CommunityEvent // times to the millisecond, UTC
	rsvps map[string]*rsvp
}

type rsvp struct {
	choice       meetings.RSVPChoice
	at, attended int64
}

// msTime is a time to the millisecond, as the store keeps it.
func msTime(t time.Time) time.Time { return tm(opt(t)) }

// AddEvent stores an event and returns its id; ids are never reused.
func (s *Store) AddEvent(ctx context.Context, e meetings.CommunityEvent) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddEvent", e); err != nil {
		return 0, err
	}
	switch {
	case e.Community == "" || strings.TrimSpace(e.Title) == "":
		return 0, fmt.Errorf("add event %q to %q: no community or title", e.Title, e.Community)
	case e.Start.IsZero() || e.End.Before(e.Start) || e.CreatedAt.IsZero():
		return 0, fmt.Errorf("add event %q to %s: bad times %s to %s, created %s", e.Title, e.Community, e.Start, e.End, e.CreatedAt)
	}
	s.communityRow(e.Community)
	e.ID = s.nextID("event")
	e.Start, e.End, e.CreatedAt, e.CancelledAt = msTime(e.Start), msTime(e.End), msTime(e.CreatedAt), msTime(e.CancelledAt)
	s.events[e.ID] = &cevent{e: e, rsvps: map[string]*rsvp{}}
	return e.ID, nil
}

// CommunityEvent returns one event of a community, or bot.ErrNotFound.
func (s *Store) CommunityEvent(ctx context.Context, community string, id int64) (meetings.CommunityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("CommunityEvent", community, id); err != nil {
		return meetings.CommunityEvent{}, err
	}
	if ev := s.events[id]; ev != nil && ev.e.Community == community {
		return ev.e, nil
	}
	return meetings.CommunityEvent{}, fmt.Errorf("event %d of %s: %w", id, community, bot.ErrNotFound)
}

// CommunityEvents lists a community's events meeting q, by start, then id.
func (s *Store) CommunityEvents(ctx context.Context, community string, q meetings.EventQuery) ([]meetings.CommunityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("CommunityEvents", community, q); err != nil {
		return nil, err
	}
	out := []meetings.CommunityEvent{}
	for _, ev := range s.events {
		e := ev.e
		if e.Community == community && (q.EndFrom.IsZero() || ms(e.End) >= ms(q.EndFrom)) &&
			(q.EndBefore.IsZero() || ms(e.End) < ms(q.EndBefore)) && (q.Cancelled || e.CancelledAt.IsZero()) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b meetings.CommunityEvent) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// UpdateEvent stores an event's message, external id, cancellation and
// feedback run, or returns bot.ErrNotFound.
func (s *Store) UpdateEvent(ctx context.Context, e meetings.CommunityEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("UpdateEvent", e); err != nil {
		return err
	}
	ev := s.events[e.ID]
	if ev == nil || ev.e.Community != e.Community {
		return fmt.Errorf("update event %d of %s: %w", e.ID, e.Community, bot.ErrNotFound)
	}
	ev.e.Message, ev.e.External, ev.e.CancelledAt, ev.e.FeedbackRun = e.Message, e.External, msTime(e.CancelledAt), e.FeedbackRun
	return nil
}

// eventOf finds an event of the community and makes the member's row (a
// member not known yet is first seen at at).
func (s *Store) eventOf(community string, id int64, member string, at int64) (*cevent, error) {
	c := s.communityRow(community)
	ev := s.events[id]
	if ev == nil || ev.e.Community != community {
		return nil, fmt.Errorf("event %d of %s: %w", id, community, bot.ErrNotFound)
	}
	s.knownMember(c, member, at)
	return ev, nil
}

// SetRSVP stores a member's latest choice for an event; attendance is
// kept. bot.ErrNotFound for an unknown event.
func (s *Store) SetRSVP(ctx context.Context, community string, r meetings.RSVP) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SetRSVP", community, r); err != nil {
		return err
	}
	switch {
	case community == "" || r.Member == "" || r.At.IsZero():
		return fmt.Errorf("RSVP of %q in %q: no community, member or time", r.Member, community)
	case r.Choice != meetings.RSVPGoing && r.Choice != meetings.RSVPMaybe && r.Choice != meetings.RSVPNotGoing:
		return fmt.Errorf("RSVP of %s in %s: unknown choice %q", r.Member, community, r.Choice)
	}
	ev, err := s.eventOf(community, r.Event, r.Member, ms(r.At))
	if err != nil {
		return err
	}
	x := ev.rsvps[r.Member]
	if x == nil {
		x = &rsvp{attended: null}
		ev.rsvps[r.Member] = x
	}
	x.choice, x.at = r.Choice, ms(r.At)
	return nil
}

// MarkAttended marks a member at an event and reports whether they were
// not marked before.
func (s *Store) MarkAttended(ctx context.Context, community string, event int64, member string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("MarkAttended", community, event, member, at); err != nil {
		return false, err
	}
	if community == "" || member == "" || at.IsZero() {
		return false, fmt.Errorf("attendance of %q in %q: no community, member or time", member, community)
	}
	ev, err := s.eventOf(community, event, member, ms(at))
	if err != nil {
		return false, err
	}
	x := ev.rsvps[member]
	if x == nil {
		ev.rsvps[member] = &rsvp{choice: meetings.NoRSVP, at: ms(at), attended: ms(at)}
		return true, nil
	}
	if x.attended != null {
		return false, nil
	}
	x.attended = ms(at)
	return true, nil
}

// rsvpList is an event's RSVPs by time, then member id.
func (s *Store) rsvpList(ev *cevent) []meetings.RSVP {
	c := s.communities[ev.e.Community]
	out := []meetings.RSVP{}
	for member, x := range ev.rsvps {
		var name string
		if m := c.members[member]; m != nil {
			name = m.name
		}
		out = append(out, meetings.RSVP{Event: ev.e.ID, Member: member, MemberName: name, Choice: x.choice, At: tm(x.at), AttendedAt: tm(x.attended)})
	}
	slices.SortFunc(out, func(a, b meetings.RSVP) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Member, b.Member)) })
	return out
}

// RSVPs lists an event's RSVPs by time, then member id.
func (s *Store) RSVPs(ctx context.Context, community string, event int64) ([]meetings.RSVP, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RSVPs", community, event); err != nil {
		return nil, err
	}
	if ev := s.events[event]; ev != nil && ev.e.Community == community {
		return s.rsvpList(ev), nil
	}
	return []meetings.RSVP{}, nil
}
