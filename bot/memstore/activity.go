package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// MemberActivity summarises what is recorded about one member: when first
// seen, their latest activity, and how many events of each kind are
// recorded; bot.ErrNotFound for a member the store does not know.
func (s *Store) MemberActivity(ctx context.Context, community, member string) (bot.MemberActivity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("MemberActivity", community, member); err != nil {
		return bot.MemberActivity{}, err
	}
	c, ok := s.find(community)
	if !ok || c.members[member] == nil {
		return bot.MemberActivity{}, fmt.Errorf("member %s of %s: %w", member, community, bot.ErrNotFound)
	}
	m := c.members[member]
	a := bot.MemberActivity{Member: m.bot(), FirstSeen: tm(m.firstSeen), LastActive: tm(m.lastActive), Counts: map[bot.EventKind]int{}}
	for _, e := range c.evs {
		if e.member == member {
			a.Counts[e.kind]++
		}
	}
	return a, nil
}

// Newcomers lists the human members as of to who joined in [from, to) by
// the definition of a report's members.new, with their messages and
// replies before to: oldest join first, then by id.
func (s *Store) Newcomers(ctx context.Context, community string, from, to time.Time) ([]bot.Newcomer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Newcomers", community, from, to); err != nil {
		return nil, err
	}
	out := []bot.Newcomer{}
	c, ok := s.find(community)
	if !from.Before(to) || !ok {
		return out, nil
	}
	r := &reportRun{c: c, from: ms(from), to: ms(to)}
	for _, m := range c.members {
		if m.isBot || !r.asOf(m) || !isNew(m, r.from, r.to) {
			continue
		}
		n := bot.Newcomer{ID: m.ext, Name: m.name, JoinedAt: tm(joinTime(m))}
		for _, e := range c.evs {
			if e.member == m.ext && e.at < r.to && (e.kind == bot.KindMessage || e.kind == bot.KindReply) {
				n.Posts++
			}
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b bot.Newcomer) int { return cmp.Or(a.JoinedAt.Compare(b.JoinedAt), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}
