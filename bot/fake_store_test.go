package bot_test

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/prompts"
)

// fakeStore is a hand-written in-memory bot.Store for the core's unit tests.
// The real store has its own tests; the end-to-end ones in cmd/hearth use it.
type fakeStore struct {
	mu           sync.Mutex
	events       map[string]bot.Event
	members      map[string]bot.Member
	channels     map[string]bot.Channel
	facilitators map[string]bool
	report       bot.Report // returned for a period
	previous     bot.Report // returned for a SummaryOnly query
	err          error      // returned by every method when set
	queries      []bot.ReportQuery
	schedules    []bot.Schedule
	deck         []prompts.Prompt
	promptPosts  []bot.PromptPost
	settings     map[string]string
	surveys      []checkins.Survey
	checkins     *checkinState
	nudgeState   *nudgeState
	library      *libraryState
	evs          *eventState
	intros       *introState
}

var _ bot.Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	return &fakeStore{events: map[string]bot.Event{}, members: map[string]bot.Member{},
		channels: map[string]bot.Channel{}, facilitators: map[string]bool{}}
}

func (s *fakeStore) Record(_ context.Context, events ...bot.Event) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	n := 0
	for _, e := range events {
		if _, ok := s.events[e.Key]; ok {
			continue
		}
		s.events[e.Key] = e
		if _, ok := s.members[e.Member]; !ok {
			s.members[e.Member] = bot.Member{ID: e.Member, Name: e.MemberName}
		}
		n++
	}
	return n, nil
}

func (s *fakeStore) SaveDirectory(_ context.Context, d bot.Directory) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range d.Members {
		s.members[m.ID] = m
	}
	for _, c := range d.Channels {
		s.channels[c.ID] = c
	}
	return s.err
}

func (s *fakeStore) Member(_ context.Context, _, id string) (bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return bot.Member{}, s.err
	}
	m, ok := s.members[id]
	if !ok {
		return bot.Member{}, bot.ErrNotFound
	}
	return m, nil
}

func (s *fakeStore) FindMembers(_ context.Context, _, name string) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Member
	for _, m := range s.members {
		if strings.EqualFold(m.Name, name) {
			out = append(out, m)
		}
	}
	return out, s.err
}

func (s *fakeStore) Channel(_ context.Context, _, id string) (bot.Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return bot.Channel{}, bot.ErrNotFound
	}
	return c, nil
}

func (s *fakeStore) FindChannel(_ context.Context, _, name string) (bot.Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.channels {
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
	}
	return bot.Channel{}, bot.ErrNotFound
}

func (s *fakeStore) Communities(context.Context) ([]bot.Community, error) { return nil, s.err }

func (s *fakeStore) AddFacilitator(_ context.Context, _, member, _ string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.facilitators[member] = true
	return s.err
}

func (s *fakeStore) RemoveFacilitator(_ context.Context, _, member string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.facilitators[member] {
		return bot.ErrNotFound
	}
	delete(s.facilitators, member)
	return s.err
}

func (s *fakeStore) Facilitators(_ context.Context, _ string) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Member
	for id := range s.facilitators {
		out = append(out, s.members[id])
	}
	return out, s.err
}

func (s *fakeStore) IsFacilitator(_ context.Context, _, member string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.facilitators[member], s.err
}

func (s *fakeStore) Report(_ context.Context, q bot.ReportQuery) (bot.Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries = append(s.queries, q)
	if q.SummaryOnly {
		return s.previous, s.err
	}
	return s.report, s.err
}

func (s *fakeStore) MemberActivity(_ context.Context, _, member string) (bot.MemberActivity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.members[member]
	if !ok {
		return bot.MemberActivity{}, bot.ErrNotFound
	}
	counts := map[bot.EventKind]int{}
	for _, e := range s.events {
		if e.Member == member {
			counts[e.Kind]++
		}
	}
	return bot.MemberActivity{Member: m, Counts: counts}, s.err
}
