package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// AddSchedule stores a schedule and returns its id; ids are never reused.
func (s *Store) AddSchedule(ctx context.Context, sc bot.Schedule) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddSchedule", sc); err != nil {
		return 0, err
	}
	if sc.Community == "" {
		return 0, errors.New("add schedule: no community")
	}
	if sc.Kind == "" {
		return 0, fmt.Errorf("add schedule of %s: no kind", sc.Community)
	}
	s.communityRow(sc.Community)
	sc.ID, sc.CreatedAt = s.nextID("schedule"), msTime(sc.CreatedAt)
	s.schedules[sc.ID] = &sc
	return sc.ID, nil
}

// Schedule returns one schedule of a community, or bot.ErrNotFound.
func (s *Store) Schedule(ctx context.Context, community string, id int64) (bot.Schedule, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Schedule", community, id); err != nil {
		return bot.Schedule{}, err
	}
	if sc := s.schedules[id]; sc != nil && sc.Community == community {
		return *sc, nil
	}
	return bot.Schedule{}, fmt.Errorf("schedule %d of %s: %w", id, community, bot.ErrNotFound)
}

// Schedules lists a community's schedules, or every community's when
// community is "", in id order.
func (s *Store) Schedules(ctx context.Context, community string) ([]bot.Schedule, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Schedules", community); err != nil {
		return nil, err
	}
	all := []bot.Schedule{}
	for _, sc := range s.schedules {
		if community == "" || sc.Community == community {
			all = append(all, *sc)
		}
	}
	slices.SortFunc(all, func(a, b bot.Schedule) int { return cmp.Compare(a.ID, b.ID) })
	return all, nil
}

// SetSchedulePaused pauses or resumes a schedule, or returns bot.ErrNotFound.
func (s *Store) SetSchedulePaused(ctx context.Context, community string, id int64, paused bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SetSchedulePaused", community, id, paused); err != nil {
		return err
	}
	sc := s.schedules[id]
	if sc == nil || sc.Community != community {
		return fmt.Errorf("schedule %d of %s: %w", id, community, bot.ErrNotFound)
	}
	sc.Paused = paused
	return nil
}

// RemoveSchedule deletes a schedule and its firings, or returns
// bot.ErrNotFound.
func (s *Store) RemoveSchedule(ctx context.Context, community string, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RemoveSchedule", community, id); err != nil {
		return err
	}
	if sc := s.schedules[id]; sc == nil || sc.Community != community {
		return fmt.Errorf("schedule %d of %s: %w", id, community, bot.ErrNotFound)
	}
	delete(s.schedules, id)
	delete(s.firings, id)
	return nil
}

// ClaimFiring records f and reports whether this call claimed it: of any
// number of callers, exactly one gets true for a (schedule, intended time).
// A firing of a schedule that no longer exists is not claimed.
func (s *Store) ClaimFiring(ctx context.Context, f bot.Firing) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ClaimFiring", f); err != nil {
		return false, err
	}
	if f.At.IsZero() {
		return false, fmt.Errorf("claim firing of schedule %d: no intended time", f.Schedule)
	}
	if s.schedules[f.Schedule] == nil {
		return false, nil
	}
	for _, g := range s.firings[f.Schedule] {
		if ms(g.At) == ms(f.At) {
			return false, nil
		}
	}
	f.At, f.RanAt = msTime(f.At), msTime(f.RanAt)
	s.firings[f.Schedule] = append(s.firings[f.Schedule], f)
	return true, nil
}

// FinishFiring updates a claimed firing's status and error, and its run
// time when f has one; bot.ErrNotFound for a firing never claimed.
func (s *Store) FinishFiring(ctx context.Context, f bot.Firing) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("FinishFiring", f); err != nil {
		return err
	}
	for i, g := range s.firings[f.Schedule] {
		if ms(g.At) == ms(f.At) {
			g.Status, g.Error = f.Status, f.Error
			if !f.RanAt.IsZero() {
				g.RanAt = msTime(f.RanAt)
			}
			s.firings[f.Schedule][i] = g
			return nil
		}
	}
	return fmt.Errorf("firing of schedule %d at %s: %w", f.Schedule, f.At, bot.ErrNotFound)
}

// recent returns a schedule's firings, latest intended time first.
func (s *Store) recent(schedule int64) []bot.Firing {
	fs := slices.Clone(s.firings[schedule])
	slices.SortFunc(fs, func(a, b bot.Firing) int { return b.At.Compare(a.At) })
	return fs
}

// LastFiring returns the schedule's firing with the latest intended time,
// or bot.ErrNotFound.
func (s *Store) LastFiring(ctx context.Context, schedule int64) (bot.Firing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("LastFiring", schedule); err != nil {
		return bot.Firing{}, err
	}
	if fs := s.recent(schedule); len(fs) > 0 {
		return fs[0], nil
	}
	return bot.Firing{}, fmt.Errorf("last firing of schedule %d: %w", schedule, bot.ErrNotFound)
}

// LastFirings returns the intended time of each schedule's latest firing.
func (s *Store) LastFirings(ctx context.Context) (map[int64]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("LastFirings"); err != nil {
		return nil, err
	}
	out := map[int64]time.Time{}
	for id := range s.firings {
		if fs := s.recent(id); len(fs) > 0 {
			out[id] = fs[0].At
		}
	}
	return out, nil
}

// RecentFirings returns up to n of the schedule's firings, latest first.
func (s *Store) RecentFirings(ctx context.Context, schedule int64, n int) ([]bot.Firing, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RecentFirings", schedule, n); err != nil {
		return nil, err
	}
	out := []bot.Firing{}
	fs := s.recent(schedule)
	return append(out, fs[:max(0, min(n, len(fs)))]...), nil
}

// Setting returns a community's setting, or "" when it is not set.
func (s *Store) Setting(ctx context.Context, community, key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Setting", community, key); err != nil {
		return "", err
	}
	if c, ok := s.find(community); ok {
		return c.settings[key], nil
	}
	return "", nil
}

// SetSetting sets a community's setting; "" removes it.
func (s *Store) SetSetting(ctx context.Context, community, key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SetSetting", community, key, value); err != nil {
		return err
	}
	if community == "" || key == "" {
		return fmt.Errorf("set setting %q of %q: no community or key", key, community)
	}
	if value == "" {
		if c, ok := s.find(community); ok {
			delete(c.settings, key)
		}
		return nil
	}
	s.communityRow(community).settings[key] = value
	return nil
}
