package memstore

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/intros"
)

type round struct {
	id         int64
	community  string
	seed       int64
	at         int64
	createdBy  string
	followedUp int64
	groups     []int64
}

// group is a pair or trio: its members in order, with their answers.
type group struct {
	id, round int64
	community string
	members   []string
	answers   map[string]intros.IntroAnswer
	metAt     int64
}

// SetIntroOptIn opts a member in to intros (on) or out; opting in again
// moves the time to at. A member not known yet gets a row.
func (s *Store) SetIntroOptIn(ctx context.Context, community, member string, on bool, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SetIntroOptIn", community, member, on, at); err != nil {
		return err
	}
	if community == "" || member == "" {
		return fmt.Errorf("intro opt-in of %q in %q: no community or member", member, community)
	}
	c := s.communityRow(community)
	s.knownMember(c, member, ms(at))
	if on {
		c.optins[member] = ms(at)
	} else {
		delete(c.optins, member)
	}
	return nil
}

// IntroOptIns lists the members opted in to intros, by member id.
func (s *Store) IntroOptIns(ctx context.Context, community string) ([]intros.IntroOptIn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("IntroOptIns", community); err != nil {
		return nil, err
	}
	out := []intros.IntroOptIn{}
	if c, ok := s.find(community); ok {
		for _, m := range slices.Sorted(maps.Keys(c.optins)) {
			out = append(out, intros.IntroOptIn{Member: m, Since: tm(c.optins[m])})
		}
	}
	return out, nil
}

// AddIntroRound stores a round and its groups and returns it with the ids
// filled in; ids are never reused. Members not known yet get a row.
func (s *Store) AddIntroRound(ctx context.Context, r intros.IntroRound) (intros.IntroRound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddIntroRound", r); err != nil {
		return intros.IntroRound{}, err
	}
	if r.Community == "" || r.At.IsZero() {
		return intros.IntroRound{}, fmt.Errorf("add intro round of %q: no community or time", r.Community)
	}
	c := s.communityRow(r.Community)
	row := &round{id: s.nextID("round"), community: r.Community, seed: r.Seed, at: ms(r.At), createdBy: r.CreatedBy, followedUp: null}
	out := r
	out.ID, out.Groups = row.id, slices.Clone(r.Groups)
	for i, g := range out.Groups {
		gr := &group{id: s.nextID("group"), round: row.id, community: r.Community, members: slices.Clone(g.Members),
			answers: map[string]intros.IntroAnswer{}, metAt: null}
		for _, m := range gr.members {
			s.knownMember(c, m, row.at)
		}
		s.groups[gr.id] = gr
		row.groups = append(row.groups, gr.id)
		g.ID, g.Round, g.Answers, g.MetAt, g.Members = gr.id, row.id, map[string]intros.IntroAnswer{}, time.Time{}, slices.Clone(g.Members)
		out.Groups[i] = g
	}
	s.rounds[row.id] = row
	return out, nil
}

func (s *Store) round(r *round) intros.IntroRound {
	out := intros.IntroRound{ID: r.id, Community: r.community, Seed: r.seed, At: tm(r.at), CreatedBy: r.createdBy,
		FollowedUpAt: tm(r.followedUp), Groups: []intros.IntroGroup{}}
	for _, id := range r.groups {
		g := s.groups[id]
		out.Groups = append(out.Groups, intros.IntroGroup{ID: g.id, Round: g.round, Members: slices.Clone(g.members),
			Answers: maps.Clone(g.answers), MetAt: tm(g.metAt)})
	}
	return out
}

// IntroRound returns one round of a community with its groups, or
// bot.ErrNotFound.
func (s *Store) IntroRound(ctx context.Context, community string, id int64) (intros.IntroRound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("IntroRound", community, id); err != nil {
		return intros.IntroRound{}, err
	}
	if r := s.rounds[id]; r != nil && r.community == community {
		return s.round(r), nil
	}
	return intros.IntroRound{}, fmt.Errorf("intro round %d of %s: %w", id, community, bot.ErrNotFound)
}

// IntroRounds returns a community's latest rounds, newest first (time,
// then id), at most limit (0: all).
func (s *Store) IntroRounds(ctx context.Context, community string, limit int) ([]intros.IntroRound, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("IntroRounds", community, limit); err != nil {
		return nil, err
	}
	var rs []*round
	for _, r := range s.rounds {
		if r.community == community {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *round) int { return cmp.Or(cmp.Compare(b.at, a.at), cmp.Compare(b.id, a.id)) })
	if limit > 0 && len(rs) > limit {
		rs = rs[:limit]
	}
	out := []intros.IntroRound{}
	for _, r := range rs {
		out = append(out, s.round(r))
	}
	return out, nil
}

// MarkIntroFollowedUp records that a round's follow-up went out and
// reports whether this call did. bot.ErrNotFound for an unknown round.
func (s *Store) MarkIntroFollowedUp(ctx context.Context, community string, id int64, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("MarkIntroFollowedUp", community, id, at); err != nil {
		return false, err
	}
	r := s.rounds[id]
	if r == nil || r.community != community {
		return false, fmt.Errorf("intro round %d of %s: %w", id, community, bot.ErrNotFound)
	}
	if r.followedUp != null {
		return false, nil
	}
	r.followedUp = ms(at)
	return true, nil
}

// AnswerIntro records a member's answer for a group. The group's MetAt is
// the time of its first "We met" while any answer is "met".
func (s *Store) AnswerIntro(ctx context.Context, community string, id int64, member string, a intros.IntroAnswer, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AnswerIntro", community, id, member, a, at); err != nil {
		return err
	}
	if a != intros.IntroMet && a != intros.IntroNotYet {
		return fmt.Errorf("answer intro %d: unknown answer %q", id, a)
	}
	g := s.groups[id]
	if g == nil || g.community != community || !slices.Contains(g.members, member) {
		return fmt.Errorf("intro %d of %s for %s: %w", id, community, member, bot.ErrNotFound)
	}
	g.answers[member] = a
	met := false
	for _, x := range g.answers {
		met = met || x == intros.IntroMet
	}
	switch {
	case !met:
		g.metAt = null
	case g.metAt == null:
		g.metAt = ms(at)
	}
	return nil
}

// IntroCounts counts the groups formed in [from, to) and those whose first
// "We met" came in it.
func (s *Store) IntroCounts(ctx context.Context, community string, from, to time.Time) (bot.IntroCounts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("IntroCounts", community, from, to); err != nil {
		return bot.IntroCounts{}, err
	}
	var ic bot.IntroCounts
	for _, g := range s.groups {
		if g.community != community {
			continue
		}
		if at := s.rounds[g.round].at; at >= ms(from) && at < ms(to) {
			ic.Made++
		}
		if g.metAt != null && g.metAt >= ms(from) && g.metAt < ms(to) {
			ic.Met++
		}
	}
	return ic, nil
}

// ActiveChannels returns, for each of members who took part in a channel
// on or after since's day, those channels (from the day totals), by name
// then id.
func (s *Store) ActiveChannels(ctx context.Context, community string, members []string, since time.Time) (map[string][]bot.Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ActiveChannels", community, members, since); err != nil {
		return nil, err
	}
	out := map[string][]bot.Channel{}
	c, ok := s.find(community)
	if !ok {
		return out, nil
	}
	seen := map[[2]string]bool{}
	for k := range c.memberChannelDays {
		if k.channel == "" || k.day < dayOf(ms(since)) || !slices.Contains(members, k.member) || seen[[2]string{k.member, k.channel}] {
			continue
		}
		seen[[2]string{k.member, k.channel}] = true
		ch := c.channels[k.channel]
		out[k.member] = append(out[k.member], bot.Channel{ID: ch.ext, Name: ch.name})
	}
	for _, chs := range out {
		slices.SortFunc(chs, func(a, b bot.Channel) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	}
	return out, nil
}
