package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

type nudge struct {
	id                     int64
	community, member      string
	wording                int
	queued, sendAt, sentAt int64
	status                 members.NudgeStatus
	response               members.NudgeResponse
	respondedAt            int64
	approvedBy             string
	claimedAt              int64 // when ClaimNudge last granted it
}

func (n *nudge) bot() members.Nudge {
	return members.Nudge{ID: n.id, Community: n.community, Member: n.member, Wording: n.wording, QueuedAt: tm(n.queued),
		SendAt: tm(n.sendAt), SentAt: tm(n.sentAt), Status: n.status, Response: n.response, RespondedAt: tm(n.respondedAt),
		ApprovedBy: n.approvedBy}
}

// AddNudge stores a nudge and returns its id; ids are never reused. An
// empty Status is queued, a zero SendAt is QueuedAt. A member not known yet
// gets a row, there before Hearth started, first seen at QueuedAt.
func (s *Store) AddNudge(ctx context.Context, n members.Nudge) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddNudge", n); err != nil {
		return 0, err
	}
	switch {
	case n.Community == "" || n.Member == "":
		return 0, fmt.Errorf("add nudge of %q to %q: no community or member", n.Community, n.Member)
	case n.QueuedAt.IsZero():
		return 0, fmt.Errorf("add nudge of %s to %s: no queue time", n.Community, n.Member)
	}
	if n.Status == "" {
		n.Status = members.NudgeQueued
	}
	if n.SendAt.IsZero() {
		n.SendAt = n.QueuedAt
	}
	s.knownMember(s.communityRow(n.Community), n.Member, ms(n.QueuedAt))
	row := &nudge{id: s.nextID("nudge"), community: n.Community, member: n.Member, wording: n.Wording, queued: ms(n.QueuedAt),
		sendAt: ms(n.SendAt), sentAt: opt(n.SentAt), status: n.Status, response: n.Response, respondedAt: opt(n.RespondedAt),
		approvedBy: n.ApprovedBy}
	s.nudges[row.id] = row
	return row.id, nil
}

// Nudge returns one nudge of a community, or bot.ErrNotFound.
func (s *Store) Nudge(ctx context.Context, community string, id int64) (members.Nudge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Nudge", community, id); err != nil {
		return members.Nudge{}, err
	}
	if n := s.nudges[id]; n != nil && n.community == community {
		return n.bot(), nil
	}
	return members.Nudge{}, fmt.Errorf("nudge %d of %s: %w", id, community, bot.ErrNotFound)
}

// UpdateNudge sets a nudge's Status, SentAt, Response, RespondedAt and
// ApprovedBy; bot.ErrNotFound for an id unknown in n.Community.
func (s *Store) UpdateNudge(ctx context.Context, n members.Nudge) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("UpdateNudge", n); err != nil {
		return err
	}
	if n.Community == "" || n.Status == "" {
		return fmt.Errorf("update nudge %d of %q: no community or status", n.ID, n.Community)
	}
	row := s.nudges[n.ID]
	if row == nil || row.community != n.Community {
		return fmt.Errorf("nudge %d of %s: %w", n.ID, n.Community, bot.ErrNotFound)
	}
	row.status, row.sentAt, row.response, row.respondedAt, row.approvedBy = n.Status, opt(n.SentAt), n.Response, opt(n.RespondedAt), n.ApprovedBy
	return nil
}

// nudgesWhere returns the nudges keep selects, ordered by compare.
func (s *Store) nudgesWhere(keep func(*nudge) bool, compare func(a, b *nudge) int) []*nudge {
	var out []*nudge
	for _, n := range s.nudges {
		if keep(n) {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, compare)
	return out
}

// MemberNudges lists a member's nudges, newest first (queue time, then
// id), at most limit (0: all).
func (s *Store) MemberNudges(ctx context.Context, community, member string, limit int) ([]members.Nudge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("MemberNudges", community, member, limit); err != nil {
		return nil, err
	}
	ns := s.nudgesWhere(func(n *nudge) bool { return n.community == community && n.member == member },
		func(a, b *nudge) int { return cmp.Or(cmp.Compare(b.queued, a.queued), cmp.Compare(b.id, a.id)) })
	if limit > 0 && len(ns) > limit {
		ns = ns[:limit]
	}
	out := []members.Nudge{}
	for _, n := range ns {
		out = append(out, n.bot())
	}
	return out, nil
}

// SentNudges counts each member's sent nudges, by member id.
func (s *Store) SentNudges(ctx context.Context, community string) (map[string]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SentNudges", community); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, n := range s.nudges {
		if n.community == community && n.status == members.NudgeSent {
			out[n.member]++
		}
	}
	return out, nil
}

// QueuedNudges lists a community's queued nudges and those being sent, by
// send time, then id.
func (s *Store) QueuedNudges(ctx context.Context, community string) ([]members.Nudge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("QueuedNudges", community); err != nil {
		return nil, err
	}
	out := []members.Nudge{}
	for _, n := range s.nudgesWhere(func(n *nudge) bool {
		return n.community == community && (n.status == members.NudgeQueued || n.status == members.NudgeSending)
	},
		func(a, b *nudge) int { return cmp.Or(cmp.Compare(a.sendAt, b.sendAt), cmp.Compare(a.id, b.id)) }) {
		out = append(out, n.bot())
	}
	return out, nil
}

// ClaimNudge moves a nudge from queued to sending at now and reports
// whether this call did: of any number of callers exactly one gets true. A
// claim members.NudgeClaimStale old is granted again.
func (s *Store) ClaimNudge(ctx context.Context, community string, id int64, now time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ClaimNudge", community, id, now); err != nil {
		return false, err
	}
	n := s.nudges[id]
	if n == nil || n.community != community {
		return false, nil
	}
	at := ms(now)
	if n.status == members.NudgeQueued || n.status == members.NudgeSending && n.claimedAt <= at-members.NudgeClaimStale.Milliseconds() {
		n.status, n.claimedAt = members.NudgeSending, at
		return true, nil
	}
	return false, nil
}

// Prefs returns a member's preferences: the zero value when none are kept.
func (s *Store) Prefs(ctx context.Context, community, member string) (bot.MemberPrefs, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Prefs", community, member); err != nil {
		return bot.MemberPrefs{}, err
	}
	if c, ok := s.find(community); ok && c.prefs[member] != nil {
		return *c.prefs[member], nil
	}
	return bot.MemberPrefs{}, nil
}

// SetPrefs stores a member's preferences, every field. A member not known
// yet gets a row, there before Hearth started, first seen at the latest
// time the community knows.
func (s *Store) SetPrefs(ctx context.Context, community, member string, p bot.MemberPrefs) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SetPrefs", community, member, p); err != nil {
		return err
	}
	if community == "" || member == "" {
		return fmt.Errorf("set preferences of %q in %q: no community or member", member, community)
	}
	c := s.communityRow(community)
	s.knownMember(c, member, null)
	p = bot.MemberPrefs{NudgesOff: p.NudgesOff, PausedUntil: tm(opt(p.PausedUntil)),
		UnreachableSince: tm(opt(p.UnreachableSince)), WelcomedAt: tm(opt(p.WelcomedAt))}
	c.prefs[member] = &p
	return nil
}

// AllPrefs returns the preferences kept for a community's members, by id.
func (s *Store) AllPrefs(ctx context.Context, community string) (map[string]bot.MemberPrefs, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AllPrefs", community); err != nil {
		return nil, err
	}
	out := map[string]bot.MemberPrefs{}
	if c, ok := s.find(community); ok {
		for m, p := range c.prefs {
			out[m] = *p
		}
	}
	return out, nil
}
