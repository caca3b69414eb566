package memstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/prompts"
)

type prompt struct {
	id              int64
	community, text string
	addedBy         string
	addedAt         int64
	timesPosted     int
	lastPosted      int64
}

type promptPost struct {
	id                          int64
	community, channel, message string
	prompt, schedule            int64
	text                        string
	at                          int64
}

func (p *prompt) bot() prompts.Prompt {
	return prompts.Prompt{ID: p.id, Community: p.community, Text: p.text, AddedBy: p.addedBy, AddedAt: tm(p.addedAt),
		TimesPosted: p.timesPosted, LastPosted: tm(p.lastPosted)}
}

// AddDeckPrompts adds texts to a community's deck, in order, and returns
// their ids.
func (s *Store) AddDeckPrompts(ctx context.Context, community, addedBy string, at time.Time, texts ...string) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddDeckPrompts", community, addedBy, at, texts); err != nil {
		return nil, err
	}
	if community == "" {
		return nil, errors.New("add deck prompts: no community")
	}
	ids := []int64{}
	if len(texts) == 0 {
		return ids, nil
	}
	s.communityRow(community)
	for _, text := range texts {
		p := &prompt{id: s.nextID("prompt"), community: community, text: text, addedBy: addedBy, addedAt: opt(at), lastPosted: null}
		s.deck[p.id] = p
		ids = append(ids, p.id)
	}
	return ids, nil
}

// deckOf is a community's deck, least used first: fewest times posted,
// then oldest.
func (s *Store) deckOf(community string) []*prompt {
	var deck []*prompt
	for _, p := range s.deck {
		if p.community == community {
			deck = append(deck, p)
		}
	}
	slices.SortFunc(deck, func(a, b *prompt) int {
		return cmp.Or(cmp.Compare(a.timesPosted, b.timesPosted), cmp.Compare(a.id, b.id))
	})
	return deck
}

// DeckPrompts returns a community's deck, least used first.
func (s *Store) DeckPrompts(ctx context.Context, community string) ([]prompts.Prompt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("DeckPrompts", community); err != nil {
		return nil, err
	}
	out := []prompts.Prompt{}
	for _, p := range s.deckOf(community) {
		out = append(out, p.bot())
	}
	return out, nil
}

// DeckPrompt returns one prompt of a community's deck, or bot.ErrNotFound.
func (s *Store) DeckPrompt(ctx context.Context, community string, id int64) (prompts.Prompt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("DeckPrompt", community, id); err != nil {
		return prompts.Prompt{}, err
	}
	if p := s.deck[id]; p != nil && p.community == community {
		return p.bot(), nil
	}
	return prompts.Prompt{}, fmt.Errorf("deck prompt %d of %s: %w", id, community, bot.ErrNotFound)
}

// NextDeckPrompt returns the deck prompt posted least often (the oldest
// among those), or bot.ErrNotFound for an empty deck.
func (s *Store) NextDeckPrompt(ctx context.Context, community string) (prompts.Prompt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("NextDeckPrompt", community); err != nil {
		return prompts.Prompt{}, err
	}
	if deck := s.deckOf(community); len(deck) > 0 {
		return deck[0].bot(), nil
	}
	return prompts.Prompt{}, fmt.Errorf("next deck prompt of %s: %w", community, bot.ErrNotFound)
}

// RecordPromptPost remembers a prompt Hearth posted and counts it against
// its deck prompt; a post recorded before (same channel and message id,
// when it has one) is not recorded or counted again.
func (s *Store) RecordPromptPost(ctx context.Context, p bot.PromptPost) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RecordPromptPost", p); err != nil {
		return err
	}
	switch {
	case p.Community == "":
		return errors.New("record prompt post: no community")
	case p.Channel == "":
		return fmt.Errorf("record prompt post of %s: no channel", p.Community)
	case p.At.IsZero():
		return fmt.Errorf("record prompt post of %s: no time", p.Community)
	}
	c := s.communityRow(p.Community)
	s.channelRow(c, p.Channel, "")
	for _, x := range s.posts {
		if p.Message != "" && x.community == p.Community && x.channel == p.Channel && x.message == p.Message {
			return nil
		}
	}
	at := ms(p.At)
	s.posts = append(s.posts, &promptPost{id: s.nextID("post"), community: p.Community, channel: p.Channel, message: p.Message,
		prompt: max(p.Prompt, 0), schedule: max(p.Schedule, 0), text: p.Text, at: at})
	if d := s.deck[p.Prompt]; p.Prompt > 0 && d != nil && d.community == p.Community {
		d.timesPosted++
		if d.lastPosted == null || at > d.lastPosted {
			d.lastPosted = at
		}
	}
	return nil
}

// PromptPosts returns every prompt posted in the community, oldest first.
func (s *Store) PromptPosts(ctx context.Context, community string) ([]bot.PromptPost, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("PromptPosts", community); err != nil {
		return nil, err
	}
	var posts []*promptPost
	for _, p := range s.posts {
		if p.community == community {
			posts = append(posts, p)
		}
	}
	slices.SortStableFunc(posts, func(a, b *promptPost) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.id, b.id)) })
	all := []bot.PromptPost{}
	for _, p := range posts {
		all = append(all, bot.PromptPost{Community: community, Channel: p.channel, Message: p.message, Prompt: p.prompt,
			Schedule: p.schedule, Text: p.text, At: tm(p.at)})
	}
	return all, nil
}

// IsPromptPost reports whether a prompt was posted as message in channel.
func (s *Store) IsPromptPost(ctx context.Context, community, channel, message string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("IsPromptPost", community, channel, message); err != nil {
		return false, err
	}
	for _, p := range s.posts {
		if p.community == community && p.channel == channel && p.message == message && message != "" {
			return true, nil
		}
	}
	return false, nil
}

// SaveSurvey stores (or replaces) a community's survey by name.
func (s *Store) SaveSurvey(ctx context.Context, community string, sv checkins.Survey, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SaveSurvey", community, sv, at); err != nil {
		return err
	}
	def, err := json.Marshal(sv)
	if err != nil {
		return fmt.Errorf("save survey %s: %w", sv.Name, err)
	}
	s.communityRow(community).surveys[sv.Name] = def
	return nil
}

// Surveys returns a community's stored surveys by name (nil when none).
func (s *Store) Surveys(ctx context.Context, community string) ([]checkins.Survey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Surveys", community); err != nil {
		return nil, err
	}
	var out []checkins.Survey
	if c, ok := s.find(community); ok {
		for _, name := range slices.Sorted(maps.Keys(c.surveys)) {
			var sv checkins.Survey
			if err := json.Unmarshal(c.surveys[name], &sv); err != nil {
				return nil, fmt.Errorf("surveys of %s: a stored survey does not read: %w", community, err)
			}
			out = append(out, sv)
		}
	}
	return out, nil
}
