package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

func TestDeck(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	if _, err := db.NextDeckPrompt(ctx, community); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("NextDeckPrompt of an empty deck: %v", err)
	}
	if deck, err := db.DeckPrompts(ctx, community); err != nil || deck == nil || len(deck) != 0 {
		t.Errorf("DeckPrompts of an empty deck = %#v, %v", deck, err)
	}
	ids, err := db.AddDeckPrompts(ctx, community, "U1", at(0, 9), "first?", "second?", "third?")
	if err != nil || !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Fatalf("AddDeckPrompts = %v, %v", ids, err)
	}
	more, err := db.AddDeckPrompts(ctx, community, "import", at(1, 0), "fourth?")
	if err != nil || !slices.Equal(more, []int64{4}) {
		t.Fatalf("AddDeckPrompts = %v, %v", more, err)
	}
	if none, err := db.AddDeckPrompts(ctx, community, "U1", at(1, 0)); err != nil || len(none) != 0 {
		t.Errorf("AddDeckPrompts of nothing = %v, %v", none, err)
	}
	// Another community's deck is its own.
	if _, err := db.AddDeckPrompts(ctx, "discord:G1", "U9", at(0, 0), "elsewhere?"); err != nil {
		t.Fatal(err)
	}
	prompt := func(id int64, text, by string, days int, posted int, last int) bot.Prompt {
		p := bot.Prompt{ID: id, Community: community, Text: text, AddedBy: by, AddedAt: at(days, 0), TimesPosted: posted}
		if days == 0 {
			p.AddedAt = at(0, 9)
		}
		if last >= 0 {
			p.LastPosted = at(last, 9)
		}
		return p
	}

	// Posts, as RunSchedule and `/hearth prompt now` record them.
	post := func(prompt int64, message string, days int) bot.PromptPost {
		return bot.PromptPost{Community: community, Channel: "C1", Message: message, Prompt: prompt, Schedule: 1, Text: "t", At: at(days, 9)}
	}
	steps := []struct {
		name  string
		posts []bot.PromptPost
		deck  []bot.Prompt // least used first
	}{
		{"nothing posted: oldest first", nil, []bot.Prompt{
			prompt(1, "first?", "U1", 0, 0, -1), prompt(2, "second?", "U1", 0, 0, -1),
			prompt(3, "third?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1)}},
		{"the first posted", []bot.PromptPost{post(1, "p1", 2)}, []bot.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(3, "third?", "U1", 0, 0, -1),
			prompt(4, "fourth?", "import", 1, 0, -1), prompt(1, "first?", "U1", 0, 1, 2)}},
		{"the third, and a text of a schedule's own", []bot.PromptPost{post(3, "p2", 3), post(0, "p3", 3)}, []bot.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1),
			prompt(1, "first?", "U1", 0, 1, 2), prompt(3, "third?", "U1", 0, 1, 3)}},
		{"a post recorded again counts once", []bot.PromptPost{post(3, "p2", 3)}, []bot.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1),
			prompt(1, "first?", "U1", 0, 1, 2), prompt(3, "third?", "U1", 0, 1, 3)}},
		{"another community's prompt id is not counted", []bot.PromptPost{post(5, "p4", 4)}, []bot.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1),
			prompt(1, "first?", "U1", 0, 1, 2), prompt(3, "third?", "U1", 0, 1, 3)}},
		{"the first twice", []bot.PromptPost{post(1, "p5", 5), post(2, "p6", 5), post(4, "p7", 6)}, []bot.Prompt{
			prompt(2, "second?", "U1", 0, 1, 5), prompt(3, "third?", "U1", 0, 1, 3),
			prompt(4, "fourth?", "import", 1, 1, 6), prompt(1, "first?", "U1", 0, 2, 5)}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			for _, p := range s.posts {
				if err := db.RecordPromptPost(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			deck, err := db.DeckPrompts(ctx, community)
			if err != nil || !reflect.DeepEqual(deck, s.deck) {
				t.Errorf("DeckPrompts =\n %+v, %v\nwant\n %+v", deck, err, s.deck)
			}
			next, err := db.NextDeckPrompt(ctx, community)
			if err != nil || !reflect.DeepEqual(next, s.deck[0]) {
				t.Errorf("NextDeckPrompt = %+v, %v; want %+v", next, err, s.deck[0])
			}
			for _, want := range s.deck {
				if got, err := db.DeckPrompt(ctx, community, want.ID); err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("DeckPrompt(%d) = %+v, %v; want %+v", want.ID, got, err, want)
				}
			}
		})
	}
	for _, tc := range []struct {
		community string
		id        int64
	}{{community, 5}, {community, 99}, {"discord:G1", 1}, {"slack:nobody", 1}} {
		if p, err := db.DeckPrompt(ctx, tc.community, tc.id); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("DeckPrompt(%s, %d) = %+v, %v; want ErrNotFound", tc.community, tc.id, p, err)
		}
	}
	if p, err := db.NextDeckPrompt(ctx, "discord:G1"); err != nil || p.Text != "elsewhere?" || p.TimesPosted != 0 {
		t.Errorf("the other community's deck: %+v, %v", p, err)
	}
}

func TestPromptPosts(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	if posts, err := db.PromptPosts(ctx, community); err != nil || posts == nil || len(posts) != 0 {
		t.Errorf("PromptPosts of nothing = %#v, %v", posts, err)
	}
	posts := []bot.PromptPost{
		{Community: community, Channel: "C2", Message: "200.1", Schedule: 4, Text: "Why?", At: at(2, 9)},
		{Community: community, Channel: "C1", Message: "100.1", Prompt: 0, Text: "What now?", At: at(1, 9)},
		{Community: community, Channel: "C1", Message: "300.1", Prompt: 7, Schedule: 2, Text: "Who?", At: at(3, 9)},
		{Community: "discord:G1", Channel: "111", Message: "222", Text: "Elsewhere", At: at(0, 0)},
	}
	for _, p := range posts {
		if err := db.RecordPromptPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []bot.PromptPost{
		{Channel: "C1", Message: "1", At: at(0, 0)},
		{Community: community, Message: "1", At: at(0, 0)},
		{Community: community, Channel: "C1", Message: "1"},
	} {
		if err := db.RecordPromptPost(ctx, bad); err == nil {
			t.Errorf("RecordPromptPost(%+v) gave no error", bad)
		}
	}
	// Oldest first; a redelivery changes nothing.
	if err := db.RecordPromptPost(ctx, posts[0]); err != nil {
		t.Fatal(err)
	}
	got, err := db.PromptPosts(ctx, community)
	want := []bot.PromptPost{posts[1], posts[0], posts[2]}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("PromptPosts =\n %+v, %v\nwant\n %+v", got, err, want)
	}
	// Recording a post in a channel creates no activity.
	rep := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0)})
	if rep.Activity != (bot.ActivityCounts{}) || len(rep.Channels) != 0 {
		t.Errorf("prompt posts show as activity: %+v %+v", rep.Activity, rep.Channels)
	}
}

func TestSettings(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name                string
		community, key, set string // set "-": only read
		want, wantElsewhere string // community's and discord:G1's value after
		wantOtherKey        string
	}{
		{"unset", community, bot.SettingDigestChannel, "-", "", "", ""},
		{"set", community, bot.SettingDigestChannel, "C9", "C9", "", ""},
		{"another community", "discord:G1", bot.SettingDigestChannel, "111", "C9", "111", ""},
		{"change", community, bot.SettingDigestChannel, "C8", "C8", "111", ""},
		{"another key", community, "other.key", "x", "C8", "111", "x"},
		{"remove", community, bot.SettingDigestChannel, "", "", "111", "x"},
		{"remove again", community, bot.SettingDigestChannel, "", "", "111", "x"},
		{"remove in an unknown community", "slack:nobody", bot.SettingDigestChannel, "", "", "111", "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.set != "-" {
				if err := db.SetSetting(ctx, tc.community, tc.key, tc.set); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range []struct{ community, key, want string }{
				{community, bot.SettingDigestChannel, tc.want},
				{"discord:G1", bot.SettingDigestChannel, tc.wantElsewhere},
				{community, "other.key", tc.wantOtherKey},
				{"slack:nobody", bot.SettingDigestChannel, ""},
			} {
				if got, err := db.Setting(ctx, c.community, c.key); err != nil || got != c.want {
					t.Errorf("Setting(%s, %s) = %q, %v; want %q", c.community, c.key, got, err, c.want)
				}
			}
		})
	}
	if err := db.SetSetting(ctx, community, "", "x"); err == nil {
		t.Error("a setting without key was set")
	}
}
