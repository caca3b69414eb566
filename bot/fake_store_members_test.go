package bot_test

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/members"
)

// nudgeState is the fake store's nudge and privacy part.
type nudgeState struct {
	nudges []members.Nudge
	prefs  map[string]bot.MemberPrefs
	weeks  map[string][]bot.WeekCounts // member -> weeks, set by tests; oldest first
	last   map[string]time.Time        // member -> last active, set by tests
	forgot []string
	pruned time.Time
}

func (s *fakeStore) ns() *nudgeState {
	if s.nudgeState == nil {
		s.nudgeState = &nudgeState{prefs: map[string]bot.MemberPrefs{}, weeks: map[string][]bot.WeekCounts{}, last: map[string]time.Time{}}
	}
	return s.nudgeState
}

// MemberWeeks returns the weeks a test set, aligned to the end of the
// window (missing weeks are empty).
func (s *fakeStore) MemberWeeks(_ context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	var out []bot.MemberWeeks
	for _, m := range s.members {
		if q.Member != "" && m.ID != q.Member || q.Member == "" && (m.Left || m.IsBot) {
			continue
		}
		mw := bot.MemberWeeks{Member: m, FirstSeen: m.JoinedAt, LastActive: s.ns().last[m.ID], Weeks: make([]bot.WeekCounts, q.Weeks)}
		set := s.ns().weeks[m.ID]
		for i := range min(len(set), q.Weeks) {
			mw.Weeks[q.Weeks-1-i] = set[len(set)-1-i]
		}
		out = append(out, mw)
	}
	if q.Member != "" && len(out) == 0 {
		return nil, bot.ErrNotFound
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Member.Name < out[j].Member.Name })
	return out, nil
}

func (s *fakeStore) AddNudge(_ context.Context, n members.Nudge) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n.ID = int64(len(s.ns().nudges) + 1)
	s.ns().nudges = append(s.ns().nudges, n)
	return n.ID, nil
}

func (s *fakeStore) Nudge(_ context.Context, community string, id int64) (members.Nudge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || int(id) > len(s.ns().nudges) || s.ns().nudges[id-1].Community != community {
		return members.Nudge{}, bot.ErrNotFound
	}
	return s.ns().nudges[id-1], nil
}

func (s *fakeStore) UpdateNudge(_ context.Context, n members.Nudge) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n.ID < 1 || int(n.ID) > len(s.ns().nudges) {
		return bot.ErrNotFound
	}
	p := &s.ns().nudges[n.ID-1]
	p.Status, p.SentAt, p.Response, p.RespondedAt, p.ApprovedBy = n.Status, n.SentAt, n.Response, n.RespondedAt, n.ApprovedBy
	return nil
}

func (s *fakeStore) MemberNudges(_ context.Context, community, member string, limit int) ([]members.Nudge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []members.Nudge
	for _, n := range slices.Backward(s.ns().nudges) {
		if n.Community == community && n.Member == member {
			out = append(out, n)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *fakeStore) QueuedNudges(_ context.Context, community string) ([]members.Nudge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []members.Nudge
	for _, n := range s.ns().nudges {
		if n.Community == community && n.Status == members.NudgeQueued {
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].SendAt.Before(out[j].SendAt) })
	return out, nil
}

func (s *fakeStore) Prefs(_ context.Context, _, member string) (bot.MemberPrefs, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ns().prefs[member], nil
}

func (s *fakeStore) SetPrefs(_ context.Context, _, member string, p bot.MemberPrefs) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ns().prefs[member] = p
	return nil
}

func (s *fakeStore) AllPrefs(_ context.Context, _ string) (map[string]bot.MemberPrefs, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bot.MemberPrefs{}
	for k, v := range s.ns().prefs {
		out[k] = v
	}
	return out, nil
}

func (s *fakeStore) ExportMember(_ context.Context, community, member string) (features.MemberData, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.members[member]
	if !ok {
		return features.MemberData{}, bot.ErrNotFound
	}
	d := features.MemberData{Community: community, Member: m, Counts: map[bot.EventKind]int{}, Prefs: s.ns().prefs[member]}
	for _, e := range s.events {
		if e.Member == member {
			d.Counts[e.Kind]++
			d.Events = append(d.Events, features.MemberEvent{Kind: e.Kind, Channel: e.Channel, At: e.At})
		}
	}
	return d, nil
}

func (s *fakeStore) ForgetMember(_ context.Context, _, member string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.members[member]; !ok {
		return bot.ErrNotFound
	}
	delete(s.members, member)
	for k, e := range s.events {
		if e.Member == member {
			delete(s.events, k)
		}
	}
	delete(s.ns().prefs, member)
	s.ns().forgot = append(s.ns().forgot, member)
	return nil
}

func (s *fakeStore) PruneEvents(_ context.Context, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, e := range s.events {
		if e.At.Before(before) {
			delete(s.events, k)
			n++
		}
	}
	s.ns().pruned = before
	return n, nil
}
