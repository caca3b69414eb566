package bot_test

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
)

// libraryState is the fake store's resources and stories.
type libraryState struct {
	resources []library.Resource // removed ones have ID 0
	stories   []library.Story
}

func (s *fakeStore) lib() *libraryState {
	if s.library == nil {
		s.library = &libraryState{}
	}
	return s.library
}

func (s *fakeStore) AddResource(_ context.Context, r library.Resource) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.lib().resources {
		if x.ID != 0 && x.Community == r.Community && x.URL == r.URL {
			return x.ID, bot.ErrDuplicate
		}
	}
	r.ID = int64(len(s.lib().resources) + 1)
	s.lib().resources = append(s.lib().resources, r)
	return r.ID, nil
}

func (s *fakeStore) Resource(_ context.Context, community string, id int64) (library.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || int(id) > len(s.lib().resources) || s.lib().resources[id-1].ID == 0 || s.lib().resources[id-1].Community != community {
		return library.Resource{}, bot.ErrNotFound
	}
	r := s.lib().resources[id-1]
	r.MemberName = s.members[r.Member].Name
	return r, nil
}

func (s *fakeStore) Resources(_ context.Context, community string, q library.ResourceQuery) ([]library.Resource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []library.Resource
	for _, r := range slices.Backward(s.lib().resources) {
		if r.ID == 0 || r.Community != community || q.Tag != "" && !slices.Contains(r.Tags, q.Tag) ||
			!q.Since.IsZero() && r.SharedAt.Before(q.Since) || !q.Until.IsZero() && !r.SharedAt.Before(q.Until) {
			continue
		}
		hay := strings.ToLower(r.URL + " " + r.Note + " " + strings.Join(r.Tags, " "))
		match := true
		for _, w := range q.Words {
			match = match && strings.Contains(hay, strings.ToLower(w))
		}
		if !match {
			continue
		}
		r.MemberName = s.members[r.Member].Name
		out = append(out, r)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func (s *fakeStore) RemoveResource(_ context.Context, community string, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || int(id) > len(s.lib().resources) || s.lib().resources[id-1].ID == 0 || s.lib().resources[id-1].Community != community {
		return bot.ErrNotFound
	}
	s.lib().resources[id-1].ID = 0
	return nil
}

func (s *fakeStore) AddStory(_ context.Context, st library.Story) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.lib().stories {
		if st.Run != 0 && x.Run == st.Run && x.Member == st.Member {
			s.lib().stories[i].Text, s.lib().stories[i].Consent = st.Text, st.Consent
			return x.ID, nil
		}
	}
	st.ID = int64(len(s.lib().stories) + 1)
	s.lib().stories = append(s.lib().stories, st)
	return st.ID, nil
}

func (s *fakeStore) SetStoryConsent(_ context.Context, community, member string, id int64, c library.StoryConsent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.lib().stories {
		if x.ID == id && x.Community == community && x.Member == member {
			s.lib().stories[i].Consent = c
			return nil
		}
	}
	return bot.ErrNotFound
}

func (s *fakeStore) Stories(_ context.Context, community string, since time.Time) ([]library.Story, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []library.Story
	for _, x := range s.lib().stories {
		if x.Community == community && !x.At.Before(since) {
			x.MemberName = s.members[x.Member].Name
			out = append(out, x)
		}
	}
	return out, nil
}
