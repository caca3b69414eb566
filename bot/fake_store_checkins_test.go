package bot_test

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

// checkinState is the fake store's check-in part.
type checkinState struct {
	runs       []checkins.CheckinRun
	recipients map[int64][]checkins.Recipient
	answers    map[int64]map[[2]string]string // run -> (respondent, question) -> value
}

func (s *fakeStore) ci() *checkinState {
	if s.checkins == nil {
		s.checkins = &checkinState{recipients: map[int64][]checkins.Recipient{}, answers: map[int64]map[[2]string]string{}}
	}
	return s.checkins
}

func (s *fakeStore) CreateRun(_ context.Context, r checkins.CheckinRun, recipients []string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return 0, s.err
	}
	c := s.ci()
	r.ID = int64(len(c.runs) + 1)
	c.runs = append(c.runs, r)
	for _, m := range recipients {
		c.recipients[r.ID] = append(c.recipients[r.ID], checkins.Recipient{Member: m, Status: checkins.RecipientPending})
	}
	return r.ID, nil
}

func (s *fakeStore) CheckinRun(_ context.Context, community string, id int64) (checkins.CheckinRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.ci()
	if id < 1 || int(id) > len(c.runs) || c.runs[id-1].Community != community {
		return checkins.CheckinRun{}, bot.ErrNotFound
	}
	return c.runs[id-1], nil
}

func (s *fakeStore) CheckinRuns(_ context.Context, community string, q checkins.RunQuery) ([]checkins.CheckinRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []checkins.CheckinRun
	c := s.ci()
	for i := len(c.runs) - 1; i >= 0; i-- {
		r := c.runs[i]
		switch {
		case r.Community != community, q.Survey != "" && r.Survey.Name != q.Survey,
			q.Open && !r.ClosedAt.IsZero(), q.Closed && r.ClosedAt.IsZero():
			continue
		}
		out = append(out, r)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (s *fakeStore) OpenRunsFor(_ context.Context, community, member string) ([]checkins.CheckinRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []checkins.CheckinRun
	c := s.ci()
	for i := len(c.runs) - 1; i >= 0; i-- {
		r := c.runs[i]
		if r.Community != community || !r.ClosedAt.IsZero() {
			continue
		}
		if slices.ContainsFunc(c.recipients[r.ID], func(x checkins.Recipient) bool { return x.Member == member }) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *fakeStore) Recipients(_ context.Context, run int64) ([]checkins.Recipient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.ci().recipients[run])
	for i := range out {
		out[i].Name = s.memberName(out[i].Member)
	}
	return out, nil
}

// memberName finds a member's name; callers hold mu.
func (s *fakeStore) memberName(id string) string { return s.members[id].Name }

func (s *fakeStore) SetRecipient(_ context.Context, run int64, r checkins.Recipient) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.ci()
	for i, x := range c.recipients[run] {
		if x.Member == r.Member {
			c.recipients[run][i].Status, c.recipients[run][i].SentAt, c.recipients[run][i].Awaiting = r.Status, r.SentAt, r.Awaiting
			return nil
		}
	}
	r.Name = ""
	c.recipients[run] = append(c.recipients[run], r)
	return nil
}

func (s *fakeStore) ClaimRecipient(_ context.Context, run int64, member string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.ci()
	for i, x := range c.recipients[run] {
		if x.Member == member && x.Status == checkins.RecipientPending {
			c.recipients[run][i].Status = checkins.RecipientSending
			return true, nil
		}
	}
	return false, nil
}

func (s *fakeStore) SaveAnswers(_ context.Context, run int64, respondent string, answers map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	c := s.ci()
	if c.answers[run] == nil {
		c.answers[run] = map[[2]string]string{}
	}
	for q, v := range answers {
		if v == "" {
			delete(c.answers[run], [2]string{respondent, q})
		} else {
			c.answers[run][[2]string{respondent, q}] = v
		}
	}
	return nil
}

func (s *fakeStore) Answers(_ context.Context, run int64) ([]checkins.SurveyAnswer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []checkins.SurveyAnswer
	for k, v := range s.ci().answers[run] {
		out = append(out, checkins.SurveyAnswer{Respondent: k[0], Question: k[1], Value: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Respondent != out[j].Respondent {
			return out[i].Respondent < out[j].Respondent
		}
		return out[i].Question < out[j].Question
	})
	return out, nil
}

func (s *fakeStore) MarkReminded(_ context.Context, run int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ci().runs[run-1].RemindedAt = at
	return nil
}

func (s *fakeStore) CloseRun(_ context.Context, run int64, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := &s.ci().runs[run-1]
	if !r.ClosedAt.IsZero() {
		return false, nil
	}
	r.ClosedAt, r.Salt = at, nil
	return true, nil
}

func (s *fakeStore) ActiveMembers(_ context.Context, community string) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Member
	for _, m := range s.members {
		if !m.Left {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (s *fakeStore) ChannelMembers(_ context.Context, community, channel string, since time.Time) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var out []bot.Member
	for _, e := range s.events {
		if e.Community == community && e.Channel == channel && !e.At.Before(since) && !seen[e.Member] {
			seen[e.Member] = true
			m := s.members[e.Member]
			if m.ID == "" {
				m = bot.Member{ID: e.Member, Name: e.MemberName}
			}
			if !m.IsBot && !m.Left {
				out = append(out, m)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (s *fakeStore) RespondentAnswers(_ context.Context, run int64, respondent string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range s.ci().answers[run] {
		if k[0] == respondent {
			out[k[1]] = v
		}
	}
	return out, nil
}
