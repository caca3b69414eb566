package bot_test

import (
	"context"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/intros"
)

// introState is the fake store's intro opt-ins, rounds and member channels.
type introState struct {
	optins map[string]time.Time // member -> since
	rounds []intros.IntroRound  // by id - 1
	nextG  int64
	// active is what ActiveChannels returns, by member.
	active map[string][]bot.Channel
}

func (s *fakeStore) intro() *introState {
	if s.intros == nil {
		s.intros = &introState{optins: map[string]time.Time{}, active: map[string][]bot.Channel{}}
	}
	return s.intros
}

func (s *fakeStore) SetIntroOptIn(_ context.Context, _, member string, on bool, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if _, ok := s.members[member]; !ok {
		s.members[member] = bot.Member{ID: member}
	}
	if on {
		s.intro().optins[member] = at
	} else {
		delete(s.intro().optins, member)
	}
	return nil
}

func (s *fakeStore) IntroOptIns(context.Context, string) ([]intros.IntroOptIn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []intros.IntroOptIn
	for m, since := range s.intro().optins {
		out = append(out, intros.IntroOptIn{Member: m, Since: since})
	}
	slices.SortFunc(out, func(a, b intros.IntroOptIn) int {
		if a.Member < b.Member {
			return -1
		}
		return 1
	})
	return out, s.err
}

func cloneRound(r intros.IntroRound) intros.IntroRound {
	r.Groups = slices.Clone(r.Groups)
	for i, g := range r.Groups {
		g.Members = slices.Clone(g.Members)
		answers := map[string]intros.IntroAnswer{}
		for k, v := range g.Answers {
			answers[k] = v
		}
		g.Answers = answers
		r.Groups[i] = g
	}
	return r
}

func (s *fakeStore) AddIntroRound(_ context.Context, r intros.IntroRound) (intros.IntroRound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.intro()
	r = cloneRound(r)
	r.ID = int64(len(st.rounds) + 1)
	for i := range r.Groups {
		st.nextG++
		r.Groups[i].ID, r.Groups[i].Round = st.nextG, r.ID
	}
	st.rounds = append(st.rounds, r)
	return cloneRound(r), s.err
}

func (s *fakeStore) IntroRound(_ context.Context, _ string, id int64) (intros.IntroRound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || int(id) > len(s.intro().rounds) {
		return intros.IntroRound{}, bot.ErrNotFound
	}
	return cloneRound(s.intro().rounds[id-1]), nil
}

func (s *fakeStore) IntroRounds(_ context.Context, _ string, limit int) ([]intros.IntroRound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []intros.IntroRound
	for _, r := range slices.Backward(s.intro().rounds) {
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, cloneRound(r))
	}
	return out, s.err
}

func (s *fakeStore) MarkIntroFollowedUp(_ context.Context, _ string, round int64, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if round < 1 || int(round) > len(s.intro().rounds) {
		return false, bot.ErrNotFound
	}
	r := &s.intro().rounds[round-1]
	if !r.FollowedUpAt.IsZero() {
		return false, nil
	}
	r.FollowedUpAt = at
	return true, nil
}

func (s *fakeStore) AnswerIntro(_ context.Context, _ string, group int64, member string, a intros.IntroAnswer, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ri := range s.intro().rounds {
		for gi := range s.intro().rounds[ri].Groups {
			g := &s.intro().rounds[ri].Groups[gi]
			if g.ID != group || !slices.Contains(g.Members, member) {
				continue
			}
			if g.Answers == nil {
				g.Answers = map[string]intros.IntroAnswer{}
			}
			g.Answers[member] = a
			met := false
			for _, x := range g.Answers {
				met = met || x == intros.IntroMet
			}
			switch {
			case !met:
				g.MetAt = time.Time{}
			case g.MetAt.IsZero():
				g.MetAt = at
			}
			return nil
		}
	}
	return bot.ErrNotFound
}

func (s *fakeStore) IntroCounts(_ context.Context, _ string, from, to time.Time) (bot.IntroCounts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ic bot.IntroCounts
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }
	for _, r := range s.intro().rounds {
		for _, g := range r.Groups {
			if in(r.At) {
				ic.Made++
			}
			if in(g.MetAt) {
				ic.Met++
			}
		}
	}
	return ic, s.err
}

func (s *fakeStore) ActiveChannels(_ context.Context, _ string, members []string, _ time.Time) (map[string][]bot.Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]bot.Channel{}
	for _, m := range members {
		if chs, ok := s.intro().active[m]; ok {
			out[m] = chs
		}
	}
	return out, s.err
}
