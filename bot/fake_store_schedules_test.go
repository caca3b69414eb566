package bot_test

import (
	"context"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/prompts"
)

// The fake's schedules, prompts and settings: enough for the core's unit
// tests; the real store and the scheduler have their own.

func (s *fakeStore) AddSchedule(_ context.Context, sc bot.Schedule) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc.ID = int64(len(s.schedules) + 1)
	s.schedules = append(s.schedules, sc)
	return sc.ID, s.err
}

func (s *fakeStore) Schedule(_ context.Context, _ string, id int64) (bot.Schedule, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sc := range s.schedules {
		if sc.ID == id {
			return sc, nil
		}
	}
	return bot.Schedule{}, bot.ErrNotFound
}

func (s *fakeStore) Schedules(context.Context, string) ([]bot.Schedule, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.schedules), s.err
}

func (s *fakeStore) SetSchedulePaused(_ context.Context, _ string, id int64, paused bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.schedules {
		if s.schedules[i].ID == id {
			s.schedules[i].Paused = paused
			return nil
		}
	}
	return bot.ErrNotFound
}

func (s *fakeStore) RemoveSchedule(_ context.Context, _ string, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.schedules {
		if s.schedules[i].ID == id {
			s.schedules = slices.Delete(s.schedules, i, i+1)
			return nil
		}
	}
	return bot.ErrNotFound
}

func (s *fakeStore) ClaimFiring(context.Context, bot.Firing) (bool, error) { return true, s.err }
func (s *fakeStore) FinishFiring(context.Context, bot.Firing) error        { return s.err }
func (s *fakeStore) LastFiring(context.Context, int64) (bot.Firing, error) {
	return bot.Firing{}, bot.ErrNotFound
}
func (s *fakeStore) RecentFirings(context.Context, int64, int) ([]bot.Firing, error) {
	return nil, s.err
}

func (s *fakeStore) AddDeckPrompts(_ context.Context, community, addedBy string, at time.Time, texts ...string) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for _, t := range texts {
		p := prompts.Prompt{ID: int64(len(s.deck) + 1), Community: community, Text: t, AddedBy: addedBy, AddedAt: at}
		s.deck = append(s.deck, p)
		ids = append(ids, p.ID)
	}
	return ids, s.err
}

func (s *fakeStore) DeckPrompts(context.Context, string) ([]prompts.Prompt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deck), s.err
}

func (s *fakeStore) DeckPrompt(_ context.Context, _ string, id int64) (prompts.Prompt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.deck {
		if p.ID == id {
			return p, nil
		}
	}
	return prompts.Prompt{}, bot.ErrNotFound
}

func (s *fakeStore) NextDeckPrompt(context.Context, string) (prompts.Prompt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.deck) == 0 {
		return prompts.Prompt{}, bot.ErrNotFound
	}
	best := s.deck[0]
	for _, p := range s.deck {
		if p.TimesPosted < best.TimesPosted {
			best = p
		}
	}
	return best, nil
}

func (s *fakeStore) RecordPromptPost(_ context.Context, p bot.PromptPost) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.promptPosts = append(s.promptPosts, p)
	for i := range s.deck {
		if s.deck[i].ID == p.Prompt {
			s.deck[i].TimesPosted++
			s.deck[i].LastPosted = p.At
		}
	}
	return s.err
}

func (s *fakeStore) PromptPosts(context.Context, string) ([]bot.PromptPost, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.promptPosts), s.err
}

func (s *fakeStore) IsPromptPost(_ context.Context, _, channel, message string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.promptPosts {
		if p.Channel == channel && p.Message == message {
			return true, s.err
		}
	}
	return false, s.err
}

func (s *fakeStore) Setting(_ context.Context, _, key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings[key], s.err
}

func (s *fakeStore) SetSetting(_ context.Context, _, key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settings == nil {
		s.settings = map[string]string{}
	}
	s.settings[key] = value
	return s.err
}

func (s *fakeStore) Newcomers(context.Context, string, time.Time, time.Time) ([]bot.Newcomer, error) {
	return nil, s.err
}

func (s *fakeStore) SaveSurvey(_ context.Context, _ string, sv checkins.Survey, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.surveys {
		if s.surveys[i].Name == sv.Name {
			s.surveys[i] = sv
			return s.err
		}
	}
	s.surveys = append(s.surveys, sv)
	return s.err
}

func (s *fakeStore) Surveys(context.Context, string) ([]checkins.Survey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.surveys), s.err
}
