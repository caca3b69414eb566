package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/dashboard"
)

var _ dashboard.Store = (*Store)(nil)

// dashLink and dashSession are the dashboard's sign-in links and sessions,
// as the SQLite store keeps them: times in unix ms (null: none), under the
// hash of their token or secret.
type dashLink struct {
	community, member        string
	created, expires, usedAt int64
}

type dashSession struct {
	community, member       string
	started, expires, ended int64
}

// SaveDashboardLink keeps a new link under hash (the community gets a row).
func (s *Store) SaveDashboardLink(ctx context.Context, hash string, l dashboard.Link) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SaveDashboardLink", hash, l); err != nil {
		return err
	}
	if hash == "" || l.Community == "" {
		return fmt.Errorf("save dashboard link: no hash or community")
	}
	if s.dashLinks == nil {
		s.dashLinks = map[string]*dashLink{}
	}
	if _, dup := s.dashLinks[hash]; dup {
		return fmt.Errorf("save dashboard link: %w", bot.ErrDuplicate)
	}
	s.communityRow(l.Community)
	s.dashLinks[hash] = &dashLink{community: l.Community, member: l.Member, created: ms(l.Created), expires: ms(l.Expires), usedAt: null}
	return nil
}

// ConsumeDashboardLink marks the link used when it is unused and not
// expired by now; the mutex makes exactly one caller win.
func (s *Store) ConsumeDashboardLink(ctx context.Context, hash string, now time.Time) (dashboard.Link, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ConsumeDashboardLink", hash, now); err != nil {
		return dashboard.Link{}, false, err
	}
	l := s.dashLinks[hash]
	if l == nil {
		return dashboard.Link{}, false, fmt.Errorf("dashboard link: %w", bot.ErrNotFound)
	}
	ok := l.usedAt == null && l.expires > ms(now)
	if ok {
		l.usedAt = ms(now)
	}
	return dashboard.Link{Community: l.community, Member: l.member, Created: tm(l.created), Expires: tm(l.expires), Used: tm(l.usedAt)}, ok, nil
}

// SaveDashboardSession keeps a new session under hash.
func (s *Store) SaveDashboardSession(ctx context.Context, hash string, r dashboard.SessionRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SaveDashboardSession", hash, r); err != nil {
		return err
	}
	if hash == "" || r.Community == "" {
		return fmt.Errorf("save dashboard session: no hash or community")
	}
	if s.dashSessions == nil {
		s.dashSessions = map[string]*dashSession{}
	}
	if _, dup := s.dashSessions[hash]; dup {
		return fmt.Errorf("save dashboard session: %w", bot.ErrDuplicate)
	}
	s.communityRow(r.Community)
	s.dashSessions[hash] = &dashSession{community: r.Community, member: r.Member, started: ms(r.Started), expires: ms(r.Expires), ended: opt(r.Ended)}
	return nil
}

// DashboardSession returns the session under hash, or bot.ErrNotFound.
func (s *Store) DashboardSession(ctx context.Context, hash string) (dashboard.SessionRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("DashboardSession", hash); err != nil {
		return dashboard.SessionRecord{}, err
	}
	x := s.dashSessions[hash]
	if x == nil {
		return dashboard.SessionRecord{}, fmt.Errorf("dashboard session: %w", bot.ErrNotFound)
	}
	return dashboard.SessionRecord{Community: x.community, Member: x.member, Started: tm(x.started), Expires: tm(x.expires), Ended: tm(x.ended)}, nil
}

// EndDashboardSession ends the session under hash, if it has not ended.
func (s *Store) EndDashboardSession(ctx context.Context, hash string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("EndDashboardSession", hash, at); err != nil {
		return err
	}
	if x := s.dashSessions[hash]; x != nil && x.ended == null {
		x.ended = ms(at)
	}
	return nil
}

// EndDashboardSessions ends a member's sessions in a community not ended
// yet, and returns how many.
func (s *Store) EndDashboardSessions(ctx context.Context, community, member string, at time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("EndDashboardSessions", community, member, at); err != nil {
		return 0, err
	}
	n := 0
	for _, x := range s.dashSessions {
		if x.community == community && x.member == member && x.ended == null {
			x.ended = ms(at)
			n++
		}
	}
	return n, nil
}

// PurgeDashboard deletes the links and sessions expired, or ended, before
// before, and returns how many.
func (s *Store) PurgeDashboard(ctx context.Context, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("PurgeDashboard", before); err != nil {
		return 0, err
	}
	n, b := 0, ms(before)
	for h, l := range s.dashLinks {
		if l.expires < b {
			delete(s.dashLinks, h)
			n++
		}
	}
	for h, x := range s.dashSessions {
		if x.expires < b || (x.ended != null && x.ended < b) {
			delete(s.dashSessions, h)
			n++
		}
	}
	return n, nil
}

// forgetDashboard deletes a member's links and sessions (ForgetMember).
// The caller holds the mutex.
func (s *Store) forgetDashboard(community, member string) {
	for h, l := range s.dashLinks {
		if l.community == community && l.member == member {
			delete(s.dashLinks, h)
		}
	}
	for h, x := range s.dashSessions {
		if x.community == community && x.member == member {
			delete(s.dashSessions, h)
		}
	}
}

// holdingDashboard is Holding's look at the links and sessions, as the
// SQLite store's columns.
func (s *Store) holdingDashboard(check func(place string, values ...string)) {
	for h, l := range s.dashLinks {
		check("dashboard_links.token_hash", h)
		check("dashboard_links.member_ext", l.member)
	}
	for h, x := range s.dashSessions {
		check("dashboard_sessions.secret_hash", h)
		check("dashboard_sessions.member_ext", x.member)
	}
}
