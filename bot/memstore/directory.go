package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// SaveDirectory upserts what an adapter learned, as the SQLite store does:
// names, bot flags, zones and admin flags are refreshed; a join time is
// set when known; a member marked Left has left as of d.At (unless known to
// have left already), one a complete directory lists has not; members seen
// for the first time are first seen at d.At, and on the community's first
// complete directory those without a join time were there before Hearth
// started. A member who turns out to be a bot (or stops being one) takes
// their activity out of (or into) the channels' day totals.
func (s *Store) SaveDirectory(ctx context.Context, d bot.Directory) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SaveDirectory", d); err != nil {
		return err
	}
	if d.Community.ID == "" {
		return errors.New("save directory: no community id")
	}
	if d.At.IsZero() {
		return fmt.Errorf("save directory of %s: no time", d.Community.ID)
	}
	for _, m := range d.Members {
		if m.ID == "" {
			return fmt.Errorf("save directory of %s: a member without id", d.Community.ID)
		}
	}
	c := s.communityRow(d.Community.ID)
	c.platform = string(d.Community.Platform)
	if c.platform == "" {
		c.platform = platformOf(d.Community.ID)
	}
	if d.Community.Name != "" {
		c.name = d.Community.Name
	}
	firstComplete := d.Complete && !c.synced
	if firstComplete {
		c.synced = true
	}
	at := ms(d.At)
	for _, ch := range d.Channels {
		s.channelRow(c, ch.ID, ch.Name)
	}
	wasBot := map[string]bool{}
	for ext, m := range c.members {
		wasBot[ext] = m.isBot
	}
	for _, dm := range d.Members {
		m, created := s.memberRow(c, dm.ID, at)
		if created {
			m.beforeHearth = firstComplete && dm.JoinedAt.IsZero()
			if dm.Left {
				m.leftAt = at
			}
		} else {
			switch {
			case dm.Left:
				if m.leftAt == null {
					m.leftAt = at
				}
			case d.Complete:
				m.leftAt = null
			}
		}
		if dm.Name != "" {
			m.name, m.nameFold = dm.Name, fold(dm.Name)
		}
		m.isBot, m.tz, m.admin = dm.IsBot, dm.TZ, dm.Admin
		if !dm.JoinedAt.IsZero() {
			m.joinedAt = ms(dm.JoinedAt)
		}
		if old, ok := wasBot[dm.ID]; ok && old != dm.IsBot {
			sign := int64(1)
			if dm.IsBot {
				sign = -1
			}
			c.shiftChannelDays(dm.ID, sign)
		}
	}
	return nil
}

// Member returns one member by platform id, or bot.ErrNotFound.
func (s *Store) Member(ctx context.Context, community, id string) (bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Member", community, id); err != nil {
		return bot.Member{}, err
	}
	if c, ok := s.find(community); ok {
		if m := c.members[id]; m != nil {
			return m.bot(), nil
		}
	}
	return bot.Member{}, fmt.Errorf("member %s of %s: %w", id, community, bot.ErrNotFound)
}

// maxFound is how many members FindMembers returns at most.
const maxFound = 10

// FindMembers returns up to 10 members whose name is name or starts with
// it, case-insensitively: exact matches first, then by name and id.
func (s *Store) FindMembers(ctx context.Context, community, name string) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("FindMembers", community, name); err != nil {
		return nil, err
	}
	want := fold(strings.TrimPrefix(strings.TrimSpace(name), "@"))
	found := []bot.Member{}
	c, ok := s.find(community)
	if want == "" || !ok {
		return found, nil
	}
	var ms []*member
	for _, m := range c.members {
		if m.nameFold >= want && m.nameFold < want+"\U0010FFFF" {
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(a, b *member) int {
		if (a.nameFold == want) != (b.nameFold == want) {
			if a.nameFold == want {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.nameFold, b.nameFold), cmp.Compare(a.ext, b.ext))
	})
	for _, m := range ms[:min(len(ms), maxFound)] {
		found = append(found, m.bot())
	}
	return found, nil
}

// Channel returns one channel by platform id, or bot.ErrNotFound.
func (s *Store) Channel(ctx context.Context, community, id string) (bot.Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Channel", community, id); err != nil {
		return bot.Channel{}, err
	}
	if c, ok := s.find(community); ok {
		if ch := c.channels[id]; ch != nil {
			return bot.Channel{ID: ch.ext, Name: ch.name}, nil
		}
	}
	return bot.Channel{}, fmt.Errorf("channel %s of %s: %w", id, community, bot.ErrNotFound)
}

// FindChannel returns the channel called name (with or without '#'),
// case-insensitively (the first by id of several), or bot.ErrNotFound.
func (s *Store) FindChannel(ctx context.Context, community, name string) (bot.Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("FindChannel", community, name); err != nil {
		return bot.Channel{}, err
	}
	want := fold(strings.TrimPrefix(strings.TrimSpace(name), "#"))
	var found *channel
	if c, ok := s.find(community); ok && want != "" {
		for _, ch := range c.channels {
			if ch.fld == want && (found == nil || ch.ext < found.ext) {
				found = ch
			}
		}
	}
	if found == nil {
		return bot.Channel{}, fmt.Errorf("channel #%s of %s: %w", name, community, bot.ErrNotFound)
	}
	return bot.Channel{ID: found.ext, Name: found.name}, nil
}

// Communities lists the communities, by id.
func (s *Store) Communities(ctx context.Context) ([]bot.Community, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Communities"); err != nil {
		return nil, err
	}
	all := []bot.Community{}
	for _, c := range s.communities {
		all = append(all, bot.Community{ID: c.id, Platform: bot.Platform(c.platform), Name: c.name})
	}
	slices.SortFunc(all, func(a, b bot.Community) int { return cmp.Compare(a.ID, b.ID) })
	return all, nil
}

// AddFacilitator makes member a facilitator of community. Adding one again
// keeps who added them first, and when.
func (s *Store) AddFacilitator(ctx context.Context, community, member, addedBy string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddFacilitator", community, member, addedBy, at); err != nil {
		return err
	}
	c := s.communityRow(community)
	if c.facilitators[member] == nil {
		c.facilitators[member] = &facilitator{addedBy: addedBy, addedAt: ms(at)}
	}
	return nil
}

// RemoveFacilitator removes a stored facilitator, or returns bot.ErrNotFound.
func (s *Store) RemoveFacilitator(ctx context.Context, community, member string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RemoveFacilitator", community, member); err != nil {
		return err
	}
	c, ok := s.find(community)
	if !ok || c.facilitators[member] == nil {
		return fmt.Errorf("facilitator %s of %s: %w", member, community, bot.ErrNotFound)
	}
	delete(c.facilitators, member)
	return nil
}

// Facilitators lists the stored facilitators of community, by name then
// id. A facilitator without a member row has only an ID.
func (s *Store) Facilitators(ctx context.Context, community string) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Facilitators", community); err != nil {
		return nil, err
	}
	all := []bot.Member{}
	c, ok := s.find(community)
	if !ok {
		return all, nil
	}
	folds := map[string]string{}
	for ext := range c.facilitators {
		m := bot.Member{ID: ext}
		if row := c.members[ext]; row != nil {
			m = row.bot()
			folds[ext] = row.nameFold
		}
		all = append(all, m)
	}
	slices.SortFunc(all, func(a, b bot.Member) int {
		return cmp.Or(cmp.Compare(folds[a.ID], folds[b.ID]), cmp.Compare(a.ID, b.ID))
	})
	return all, nil
}

// IsFacilitator reports whether member is a stored facilitator of community.
func (s *Store) IsFacilitator(ctx context.Context, community, member string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("IsFacilitator", community, member); err != nil {
		return false, err
	}
	c, ok := s.find(community)
	return ok && c.facilitators[member] != nil, nil
}
