package library

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// ImpactLibrary sums up the resources shared in the period.
type ImpactLibrary struct {
	Shared  int        `json:"shared"`
	Sharers int        `json:"sharers"`
	TopTags []TagCount `json:"top_tags"`
}

// TagCount is how many resources carry a tag.
type TagCount struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
}

// ImpactStory is a story shared with consent.
type ImpactStory struct {
	Teller string    `json:"teller,omitempty"` // "" when shared anonymously
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

func impactLibrary(rs []Resource) ImpactLibrary {
	lib := ImpactLibrary{Shared: len(rs), TopTags: []TagCount{}}
	sharers := map[string]bool{}
	tags := map[string]int{}
	for _, r := range rs {
		sharers[r.Member] = true
		for _, t := range r.Tags {
			tags[t]++
		}
	}
	lib.Sharers = len(sharers)
	for t, n := range tags {
		lib.TopTags = append(lib.TopTags, TagCount{Tag: t, Count: n})
	}
	slices.SortFunc(lib.TopTags, func(a, b TagCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Tag, b.Tag)
	})
	if len(lib.TopTags) > 5 {
		lib.TopTags = lib.TopTags[:5]
	}
	return lib
}

var (
	_ bot.DigestSectioner = (*Library)(nil)
	_ bot.ImpactSectioner = (*Library)(nil)
)

// DigestSection lists the resources shared in the week, newest first.
func (b *Library) DigestSection(ctx context.Context, q bot.DocumentQuery) (bot.Section, error) {
	rs, err := b.store.Resources(ctx, q.Community, ResourceQuery{Since: q.From, Until: q.To})
	if err != nil {
		return bot.Section{}, fmt.Errorf("digest resources: %w", err)
	}
	s := bot.Section{Key: "resources", Value: rs, Order: 20, Title: "New in the library"}
	for _, res := range rs[:min(10, len(rs))] {
		line := res.URL
		if res.Note != "" {
			line += " — " + bot.Clip(res.Note, 80)
		}
		s.Items = append(s.Items, fmt.Sprintf("%s (%s)", line, bot.NameOr(res.MemberName, res.Member)))
	}
	if len(rs) > 10 {
		s.Items = append(s.Items, fmt.Sprintf("and %d more (`/hearth resources`)", len(rs)-10))
	}
	return s, nil
}

// ImpactSections sum up the library and tell the stories members agreed to
// share; the teller is named only with their consent.
func (b *Library) ImpactSections(ctx context.Context, q bot.DocumentQuery) ([]bot.Section, error) {
	rs, err := b.store.Resources(ctx, q.Community, ResourceQuery{Since: q.From, Until: q.To})
	if err != nil {
		return nil, err
	}
	lib := impactLibrary(rs)
	all, err := b.store.Stories(ctx, q.Community, q.From)
	if err != nil {
		return nil, err
	}
	stories, private := []ImpactStory{}, 0
	for _, s := range all {
		switch {
		case !s.At.Before(q.To):
		case s.Consent == ConsentNamed:
			stories = append(stories, ImpactStory{Teller: bot.NameOr(s.MemberName, s.Member), Text: s.Text, At: s.At})
		case s.Consent == ConsentAnonymous:
			stories = append(stories, ImpactStory{Text: s.Text, At: s.At})
		default:
			private++
		}
	}
	loc := q.Location
	library := bot.Section{Key: "library", Value: lib, Order: 20, Markdown: func(map[string]string) string {
		var sb strings.Builder
		sb.WriteString("\n## Shared knowledge\n\n")
		if lib.Shared == 0 {
			sb.WriteString("No resources were shared in the period.\n")
			return sb.String()
		}
		fmt.Fprintf(&sb, "%s shared into the library by %s", bot.Plural(lib.Shared, "resource"), bot.Plural(lib.Sharers, "member"))
		if len(lib.TopTags) > 0 {
			var tags []string
			for _, t := range lib.TopTags {
				tags = append(tags, fmt.Sprintf("#%s (%d)", t.Tag, t.Count))
			}
			sb.WriteString("; most shared about " + strings.Join(tags, ", "))
		}
		sb.WriteString(".\n")
		return sb.String()
	}}
	told := bot.Section{Key: "stories", Value: stories, Order: 40, Markdown: func(map[string]string) string {
		var sb strings.Builder
		sb.WriteString("\n## Stories\n\n")
		if len(stories) == 0 {
			sb.WriteString("No stories were shared for this report.")
		}
		for _, st := range stories {
			teller := "a member"
			if st.Teller != "" {
				teller = st.Teller
			}
			fmt.Fprintf(&sb, "> %s\n>\n> — %s, %s\n\n", strings.ReplaceAll(strings.TrimSpace(st.Text), "\n", "\n> "), teller, st.At.In(loc).Format("January 2006"))
		}
		switch {
		case private == 1:
			sb.WriteString("\n_1 more story, kept for the facilitators only, is not shown._")
		case private > 1:
			fmt.Fprintf(&sb, "\n_%d more stories, kept for the facilitators only, are not shown._", private)
		}
		return sb.String()
	}}
	// Kept for facilitators only: counted, never shown.
	kept := bot.Section{Key: "private_stories", Value: private, Order: 41}
	return []bot.Section{library, told, kept}, nil
}
