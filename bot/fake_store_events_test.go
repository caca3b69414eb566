package bot_test

import (
	"context"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
)

// eventState is the fake store's events and RSVPs.
type eventState struct {
	events []meetings.CommunityEvent // ids are index + 1
	rsvps  []meetings.RSVP
}

func (s *fakeStore) ev() *eventState {
	if s.evs == nil {
		s.evs = &eventState{}
	}
	return s.evs
}

func (s *fakeStore) AddEvent(_ context.Context, e meetings.CommunityEvent) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	e.ID = int64(len(s.ev().events) + 1)
	s.ev().events = append(s.ev().events, e)
	return e.ID, nil
}

func (s *fakeStore) CommunityEvent(_ context.Context, community string, id int64) (meetings.CommunityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return meetings.CommunityEvent{}, s.err
	}
	if id < 1 || int(id) > len(s.ev().events) || s.ev().events[id-1].Community != community {
		return meetings.CommunityEvent{}, bot.ErrNotFound
	}
	return s.ev().events[id-1], nil
}

func (s *fakeStore) CommunityEvents(_ context.Context, community string, q meetings.EventQuery) ([]meetings.CommunityEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []meetings.CommunityEvent
	for _, e := range s.ev().events {
		if e.Community != community || (!q.Cancelled && e.Cancelled()) ||
			(!q.EndFrom.IsZero() && e.End.Before(q.EndFrom)) || (!q.EndBefore.IsZero() && !e.End.Before(q.EndBefore)) {
			continue
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b meetings.CommunityEvent) int { return a.Start.Compare(b.Start) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, s.err
}

func (s *fakeStore) UpdateEvent(_ context.Context, e meetings.CommunityEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.ID < 1 || int(e.ID) > len(s.ev().events) {
		return bot.ErrNotFound
	}
	old := &s.ev().events[e.ID-1]
	old.Message, old.External, old.CancelledAt, old.FeedbackRun = e.Message, e.External, e.CancelledAt, e.FeedbackRun
	return s.err
}

func (s *fakeStore) rsvp(event int64, member string) *meetings.RSVP {
	for i, r := range s.ev().rsvps {
		if r.Event == event && r.Member == member {
			return &s.ev().rsvps[i]
		}
	}
	s.ev().rsvps = append(s.ev().rsvps, meetings.RSVP{Event: event, Member: member})
	return &s.ev().rsvps[len(s.ev().rsvps)-1]
}

func (s *fakeStore) SetRSVP(_ context.Context, _ string, r meetings.RSVP) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	x := s.rsvp(r.Event, r.Member)
	x.Choice, x.At = r.Choice, r.At
	return nil
}

func (s *fakeStore) MarkAttended(_ context.Context, _ string, event int64, member string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false, s.err
	}
	x := s.rsvp(event, member)
	if !x.AttendedAt.IsZero() {
		return false, nil
	}
	if x.At.IsZero() {
		x.At = at
	}
	x.AttendedAt = at
	return true, nil
}

func (s *fakeStore) RSVPs(_ context.Context, _ string, event int64) ([]meetings.RSVP, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []meetings.RSVP
	for _, r := range s.ev().rsvps {
		if r.Event == event {
			r.MemberName = s.members[r.Member].Name
			out = append(out, r)
		}
	}
	return out, s.err
}
