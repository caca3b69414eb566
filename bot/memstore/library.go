package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
)

type resource struct {
	id                 int64
	community, member  string
	channel, url, note string
	tags               []string
	search             string // url, note and tags folded: what a search reads
	shared             int64
}

type story struct {
	id                int64
	community, member string
	text              string
	consent           library.StoryConsent
	source            string
	run               int64
	at                int64
}

// maxWords bounds a resource search's words.
const maxWords = 10

// normalizeTags returns tags as the library keeps them: lower case, without
// the leading '#', split at spaces, sorted and distinct; never nil.
func normalizeTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		for _, f := range strings.Fields(t) {
			if f = strings.TrimLeft(fold(f), "#"); f != "" {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (s *Store) resource(r *resource) library.Resource {
	var name string
	if m := s.communities[r.community].members[r.member]; m != nil {
		name = m.name
	}
	return library.Resource{ID: r.id, Community: r.community, Member: r.member, MemberName: name, Channel: r.channel,
		URL: r.url, Tags: slices.Clone(r.tags), Note: r.note, SharedAt: tm(r.shared)}
}

// AddResource stores a resource and returns its id; ids are never reused.
// A URL the community's library has already returns the first one's id
// and an error that is bot.ErrDuplicate.
func (s *Store) AddResource(ctx context.Context, r library.Resource) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddResource", r); err != nil {
		return 0, err
	}
	switch {
	case r.Community == "" || r.Member == "":
		return 0, fmt.Errorf("add resource of %q to %q: no community or member", r.Member, r.Community)
	case strings.TrimSpace(r.URL) == "":
		return 0, fmt.Errorf("add resource of %s to %s: no URL", r.Member, r.Community)
	case r.SharedAt.IsZero():
		return 0, fmt.Errorf("add resource of %s to %s: no time", r.Member, r.Community)
	}
	c := s.communityRow(r.Community)
	for _, x := range s.resources {
		if x.community == r.Community && x.url == r.URL {
			return x.id, fmt.Errorf("resource %s of %s: %w", r.URL, r.Community, bot.ErrDuplicate)
		}
	}
	s.knownMember(c, r.Member, ms(r.SharedAt))
	tags := normalizeTags(r.Tags)
	row := &resource{id: s.nextID("resource"), community: r.Community, member: r.Member, channel: r.Channel, url: r.URL,
		note: r.Note, tags: tags, search: fold(r.URL) + "\n" + fold(r.Note) + "\n" + strings.Join(tags, " "), shared: ms(r.SharedAt)}
	s.resources[row.id] = row
	return row.id, nil
}

// Resource returns one resource of a community, or bot.ErrNotFound.
func (s *Store) Resource(ctx context.Context, community string, id int64) (library.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Resource", community, id); err != nil {
		return library.Resource{}, err
	}
	if r := s.resources[id]; r != nil && r.community == community {
		return s.resource(r), nil
	}
	return library.Resource{}, fmt.Errorf("resource %d of %s: %w", id, community, bot.ErrNotFound)
}

// Resources lists a community's resources meeting every condition of q,
// newest first (SharedAt, then id), at most q.Limit; more than 10 words is
// an error for the person who searched (bot.EArgument).
func (s *Store) Resources(ctx context.Context, community string, q library.ResourceQuery) ([]library.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Resources", community, q); err != nil {
		return nil, err
	}
	var tag string
	if q.Tag != "" {
		tags := normalizeTags([]string{q.Tag})
		if len(tags) != 1 {
			return []library.Resource{}, nil
		}
		tag = tags[0]
	}
	var words []string
	for _, w := range q.Words {
		if w = fold(strings.TrimSpace(w)); w != "" && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) > maxWords {
		return nil, bot.Errorf(bot.EArgument, "Please search with at most %d words.", maxWords)
	}
	var found []*resource
	for _, r := range s.resources {
		if r.community != community || tag != "" && !slices.Contains(r.tags, tag) ||
			!q.Since.IsZero() && r.shared < ms(q.Since) || !q.Until.IsZero() && r.shared >= ms(q.Until) {
			continue
		}
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(r.search, w)
		}
		if ok {
			found = append(found, r)
		}
	}
	slices.SortFunc(found, func(a, b *resource) int { return cmp.Or(cmp.Compare(b.shared, a.shared), cmp.Compare(b.id, a.id)) })
	if q.Limit > 0 && len(found) > q.Limit {
		found = found[:q.Limit]
	}
	out := []library.Resource{}
	for _, r := range found {
		out = append(out, s.resource(r))
	}
	return out, nil
}

// RemoveResource deletes a resource of a community, or returns
// bot.ErrNotFound. Its URL can then be shared again, under a new id.
func (s *Store) RemoveResource(ctx context.Context, community string, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RemoveResource", community, id); err != nil {
		return err
	}
	if r := s.resources[id]; r == nil || r.community != community {
		return fmt.Errorf("resource %d of %s: %w", id, community, bot.ErrNotFound)
	}
	delete(s.resources, id)
	return nil
}

// checkConsent returns c, bot.ConsentPrivate for "", or an error for a
// consent that is not one of bot's.
func checkConsent(c library.StoryConsent) (library.StoryConsent, error) {
	switch c {
	case "":
		return library.ConsentPrivate, nil
	case library.ConsentPrivate, library.ConsentAnonymous, library.ConsentNamed:
		return c, nil
	}
	return "", fmt.Errorf("unknown consent %q", c)
}

// AddStory stores a story and returns its id; ids are never reused. A
// check-in story (Run set) is kept once per run and member: adding it
// again replaces its text and consent, and keeps its id, source and time.
func (s *Store) AddStory(ctx context.Context, st library.Story) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddStory", st); err != nil {
		return 0, err
	}
	switch {
	case st.Community == "" || st.Member == "":
		return 0, fmt.Errorf("add story of %q to %q: no community or member", st.Member, st.Community)
	case strings.TrimSpace(st.Text) == "":
		return 0, fmt.Errorf("add story of %s to %s: no text", st.Member, st.Community)
	case st.At.IsZero():
		return 0, fmt.Errorf("add story of %s to %s: no time", st.Member, st.Community)
	}
	consent, err := checkConsent(st.Consent)
	if err != nil {
		return 0, fmt.Errorf("add story of %s to %s: %w", st.Member, st.Community, err)
	}
	if st.Source == "" {
		st.Source = "command"
		if st.Run != 0 {
			st.Source = "checkin"
		}
	}
	s.knownMember(s.communityRow(st.Community), st.Member, ms(st.At))
	if st.Run != 0 {
		for _, x := range s.stories {
			if x.community == st.Community && x.run == st.Run && x.member == st.Member {
				x.text, x.consent = st.Text, consent
				return x.id, nil
			}
		}
	}
	row := &story{id: s.nextID("story"), community: st.Community, member: st.Member, text: st.Text, consent: consent,
		source: st.Source, run: st.Run, at: ms(st.At)}
	s.stories[row.id] = row
	return row.id, nil
}

// SetStoryConsent changes the consent of one of a member's stories;
// bot.ErrNotFound if it is not theirs in that community.
func (s *Store) SetStoryConsent(ctx context.Context, community, member string, id int64, c library.StoryConsent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SetStoryConsent", community, member, id, c); err != nil {
		return err
	}
	if c == "" {
		return fmt.Errorf("set consent of story %d of %s: no consent", id, community)
	}
	if _, err := checkConsent(c); err != nil {
		return fmt.Errorf("set consent of story %d of %s: %w", id, community, err)
	}
	x := s.stories[id]
	if x == nil || x.community != community || x.member != member {
		return fmt.Errorf("story %d of %s by %s: %w", id, community, member, bot.ErrNotFound)
	}
	x.consent = c
	return nil
}

func (s *Store) story(x *story) library.Story {
	var name string
	if m := s.communities[x.community].members[x.member]; m != nil {
		name = m.name
	}
	return library.Story{ID: x.id, Community: x.community, Member: x.member, MemberName: name, Text: x.text,
		Consent: x.consent, Source: x.source, Run: x.run, At: tm(x.at)}
}

// Stories lists a community's stories at or after since (zero: all), of
// every consent, oldest first (time, then id).
func (s *Store) Stories(ctx context.Context, community string, since time.Time) ([]library.Story, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Stories", community, since); err != nil {
		return nil, err
	}
	var found []*story
	for _, x := range s.stories {
		if x.community == community && (since.IsZero() || x.at >= ms(since)) {
			found = append(found, x)
		}
	}
	slices.SortFunc(found, func(a, b *story) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.id, b.id)) })
	out := []library.Story{}
	for _, x := range found {
		out = append(out, s.story(x))
	}
	return out, nil
}
