package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
)

var promptTests = []test{
	{name: "Deck", run: testDeck},
	{name: "PromptPosts", run: testPromptPosts},
	{name: "IsPromptPost", run: testIsPromptPost},
	{name: "Settings", run: testSettings},
	{name: "ReportPrompts", run: testReportPrompts},
	{name: "PromptRepliesAreNotActivity", run: testPromptRepliesAreNotActivity},
}

func testDeck(t *testing.T, db Store) {
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
	prompt := func(id int64, text, by string, days int, posted int, last int) prompts.Prompt {
		p := prompts.Prompt{ID: id, Community: community, Text: text, AddedBy: by, AddedAt: at(days, 0), TimesPosted: posted}
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
		deck  []prompts.Prompt // least used first
	}{
		{"nothing posted: oldest first", nil, []prompts.Prompt{
			prompt(1, "first?", "U1", 0, 0, -1), prompt(2, "second?", "U1", 0, 0, -1),
			prompt(3, "third?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1)}},
		{"the first posted", []bot.PromptPost{post(1, "p1", 2)}, []prompts.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(3, "third?", "U1", 0, 0, -1),
			prompt(4, "fourth?", "import", 1, 0, -1), prompt(1, "first?", "U1", 0, 1, 2)}},
		{"the third, and a text of a schedule's own", []bot.PromptPost{post(3, "p2", 3), post(0, "p3", 3)}, []prompts.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1),
			prompt(1, "first?", "U1", 0, 1, 2), prompt(3, "third?", "U1", 0, 1, 3)}},
		{"a post recorded again counts once", []bot.PromptPost{post(3, "p2", 3)}, []prompts.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1),
			prompt(1, "first?", "U1", 0, 1, 2), prompt(3, "third?", "U1", 0, 1, 3)}},
		{"another community's prompt id is not counted", []bot.PromptPost{post(5, "p4", 4)}, []prompts.Prompt{
			prompt(2, "second?", "U1", 0, 0, -1), prompt(4, "fourth?", "import", 1, 0, -1),
			prompt(1, "first?", "U1", 0, 1, 2), prompt(3, "third?", "U1", 0, 1, 3)}},
		{"the first twice", []bot.PromptPost{post(1, "p5", 5), post(2, "p6", 5), post(4, "p7", 6)}, []prompts.Prompt{
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

func testPromptPosts(t *testing.T, db Store) {
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

func testSettings(t *testing.T, db Store) {
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

// promptReply is what the core records beside a reply in a prompt's thread.
func promptReply(e bot.Event) bot.Event {
	e.Kind, e.Key = bot.KindPromptReply, "prompt:"+e.Key
	return e
}

func testReportPrompts(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-20, 0),
		Members:  []bot.Member{{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}, {ID: "UC", Name: "Cy"}, {ID: "UX", Name: "xbot", IsBot: true}},
		Channels: []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "help"}}})
	post := func(channel, message, text string, when float64) bot.PromptPost {
		return bot.PromptPost{Community: community, Channel: channel, Message: message, Text: text, Schedule: 1, At: at(0, when)}
	}
	for _, p := range []bot.PromptPost{
		post("C1", "p0", "Before?", -24),
		post("C1", "p1", "What did you try?", 33),
		post("C2", "p2", "Nobody answers?", 81),
		post("C1", "p4", "Same time?", 81),
		post("C1", "p3", "After?", 192),
	} {
		if err := db.RecordPromptPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Replies and reactions, each reply with its prompt reply, as the core
	// records them.
	var events []bot.Event
	for _, r := range []bot.Event{
		reply("UA", "C1", "r1", "p1", at(1, 10)),
		reply("UA", "C1", "r2", "p1", at(1, 11)),
		reply("UB", "C1", "r3", "p1", at(2, 0)),
		reply("UX", "C1", "r4", "p1", at(2, 1)), // a bot
		reply("UC", "C1", "r5", "p1", at(7, 1)), // after the period
		reply("UC", "C1", "r6", "p4", at(4, 0)),
		reply("UC", "C1", "r7", "p0", at(1, 0)), // to a prompt of an earlier period
	} {
		events = append(events, r, promptReply(r))
	}
	events = append(events,
		reply("UB", "C2", "r8", "p1", at(2, 0)), // a message p1 of another channel
		msg("UA", "C1", "m1", at(1, 12)),
		reply("UB", "C1", "r9", "m1", at(1, 13)), // another thread
		react("UA", "C1", "p1", "heart", at(1, 12)),
		react("UB", "C1", "p1", "heart", at(1, 13)),
		react("UX", "C1", "p1", "robot", at(1, 14)), // a bot
		react("UC", "C1", "p1", "tada", at(8, 0)),   // after the period
		react("UC", "C2", "p1", "eyes", at(1, 0)),   // another channel's p1
		react("UC", "C1", "m1", "eyes", at(1, 0)),   // another message
	)
	record(t, db, events...)

	p1 := bot.PromptActivity{Channel: "C1", Message: "p1", Text: "What did you try?", PostedAt: at(0, 33), Replies: 3, Responders: 2, Reactions: 2}
	p2 := bot.PromptActivity{Channel: "C2", Message: "p2", Text: "Nobody answers?", PostedAt: at(0, 81)}
	p4 := bot.PromptActivity{Channel: "C1", Message: "p4", Text: "Same time?", PostedAt: at(0, 81), Replies: 1, Responders: 1}
	p1Later := p1
	p1Later.Replies, p1Later.Responders, p1Later.Reactions = 4, 3, 3
	for _, tc := range []struct {
		name string
		q    bot.ReportQuery
		want []bot.PromptActivity
	}{
		{"the week: by time posted, then message", period, []bot.PromptActivity{p1, p2, p4}},
		{"one channel", bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), Channel: "C1"}, []bot.PromptActivity{p1, p4}},
		{"the other channel", bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), Channel: "C2"}, []bot.PromptActivity{p2}},
		{"a channel never seen", bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), Channel: "C404"}, []bot.PromptActivity{}},
		{"replies and reactions up to the end", bot.ReportQuery{Community: community, From: at(0, 0), To: at(9, 0)},
			[]bot.PromptActivity{p1Later, p2, p4, {Channel: "C1", Message: "p3", Text: "After?", PostedAt: at(0, 192)}}},
		{"posted at the start, not at the end; replies before the end", bot.ReportQuery{Community: community, From: at(0, 33), To: at(0, 34.5)}, []bot.PromptActivity{
			{Channel: "C1", Message: "p1", Text: "What did you try?", PostedAt: at(0, 33), Replies: 1, Responders: 1}}},
		{"a period ending at a post", bot.ReportQuery{Community: community, From: at(0, 33), To: at(0, 81)}, []bot.PromptActivity{p1}},
		{"summary only", bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), SummaryOnly: true}, []bot.PromptActivity{}},
		{"no prompts", bot.ReportQuery{Community: community, From: at(20, 0), To: at(27, 0)}, []bot.PromptActivity{}},
		{"unknown community", bot.ReportQuery{Community: "slack:nobody", From: at(0, 0), To: at(7, 0)}, []bot.PromptActivity{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := report(t, db, tc.q).Prompts
			if got == nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("prompts =\n %#v\nwant\n %#v", got, tc.want)
			}
		})
	}
	// The prompt replies counted no reply twice.
	// r1 r2 r3 r6 r7 r8 r9 (UX's r4 is a bot's, r5 after the period); the
	// reactions to p1 by UA and UB, and UC's two of +1d.
	rep := report(t, db, period)
	if want := (bot.ActivityCounts{Messages: 1, Replies: 7, Reactions: 4}); rep.Activity != want {
		t.Errorf("activity %+v, want %+v", rep.Activity, want)
	}
	// The digest shows them.
	d, err := reporting.BuildDigest(ctx, db, community, at(7, 0), 0, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Report.Prompts, []bot.PromptActivity{p1, p2, p4}) {
		t.Errorf("digest prompts %+v", d.Report.Prompts)
	}
}

// TestPromptRepliesAreNotActivity records replies in a prompt's thread
// through the core, which adds a prompt reply beside each: the reports count
// each reply once and no one twice, MemberActivity counts the prompt replies
// under their own kind, and retracting the reply retracts both for good.
func testPromptRepliesAreNotActivity(t *testing.T, db Store) {
	ctx := context.Background()
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(at(7, 0))})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RecordPromptPost(ctx, bot.PromptPost{Community: community, Channel: "C1", Message: "p1", Text: "Why?", At: at(0, 9)}); err != nil {
		t.Fatal(err)
	}
	handle := func(t *testing.T, events ...bot.Event) {
		t.Helper()
		if err := core.HandleEvents(ctx, events...); err != nil {
			t.Fatal(err)
		}
	}
	handle(t, msg("UA", "C1", "m1", at(1, 0)), react("UC", "C1", "m1", "eyes", at(1, 1)))
	week := bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0)}
	base := report(t, db, week)

	ub := reply("UB", "C1", "r1", "p1", at(1, 2))  // a new responder
	ua := reply("UA", "C1", "r2", "p1", at(1, 20)) // already active
	elsewhere := reply("UB", "C1", "r3", "m1", at(2, 0))
	steps := []struct {
		name            string
		events          []bot.Event
		replies, active int                   // change from base
		counts          map[bot.EventKind]int // UB's
		prompt          bot.PromptActivity    // p1's figures
		direct          bool                  // through the store, not the core
	}{
		{"a new responder", []bot.Event{ub}, 1, 1,
			map[bot.EventKind]int{bot.KindReply: 1, bot.KindPromptReply: 1}, bot.PromptActivity{Replies: 1, Responders: 1}, false},
		{"redelivered", []bot.Event{ub}, 1, 1,
			map[bot.EventKind]int{bot.KindReply: 1, bot.KindPromptReply: 1}, bot.PromptActivity{Replies: 1, Responders: 1}, false},
		{"an active member", []bot.Event{ua}, 2, 1,
			map[bot.EventKind]int{bot.KindReply: 1, bot.KindPromptReply: 1}, bot.PromptActivity{Replies: 2, Responders: 2}, false},
		{"not in a prompt's thread", []bot.Event{elsewhere}, 3, 1,
			map[bot.EventKind]int{bot.KindReply: 2, bot.KindPromptReply: 1}, bot.PromptActivity{Replies: 2, Responders: 2}, false},
		{"retracted", []bot.Event{retract(ub, at(2, 1))}, 2, 1,
			map[bot.EventKind]int{bot.KindReply: 1}, bot.PromptActivity{Replies: 1, Responders: 1}, false},
		{"redelivered after the retraction", []bot.Event{ub, promptReply(ub)}, 2, 1,
			map[bot.EventKind]int{bot.KindReply: 1}, bot.PromptActivity{Replies: 1, Responders: 1}, true},
		{"the other retracted too", []bot.Event{retract(elsewhere, at(2, 2)), retract(ua, at(2, 2))}, 0, 0,
			map[bot.EventKind]int{}, bot.PromptActivity{}, false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.direct {
				record(t, db, s.events...)
			} else {
				handle(t, s.events...)
			}
			rep := report(t, db, week)
			if d := rep.Activity.Replies - base.Activity.Replies; d != s.replies {
				t.Errorf("activity.replies changed by %d, want %d", d, s.replies)
			}
			if d := rep.Members.Active - base.Members.Active; d != s.active {
				t.Errorf("members.active changed by %d, want %d", d, s.active)
			}
			want := base.Activity
			want.Replies += s.replies
			if rep.Activity != want {
				t.Errorf("activity %+v, want %+v", rep.Activity, want)
			}
			sum := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), SummaryOnly: true})
			if sum.Activity != rep.Activity || sum.Members != rep.Members {
				t.Errorf("summary %+v %+v, full %+v %+v", sum.Members, sum.Activity, rep.Members, rep.Activity)
			}
			// Partial days come from the events, not the rollups.
			edge := report(t, db, bot.ReportQuery{Community: community, From: at(1, 1.5), To: at(2, 3)})
			if edge.Activity.Replies != s.replies {
				t.Errorf("the edges count %d replies, want %d", edge.Activity.Replies, s.replies)
			}
			var c1 bot.ChannelActivity
			for _, c := range rep.Channels {
				if c.ID == "C1" {
					c1 = c
				}
			}
			if c1.Replies != s.replies {
				t.Errorf("#C1 counts %d replies, want %d", c1.Replies, s.replies)
			}
			a, err := db.MemberActivity(ctx, community, "UB")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Counts, s.counts) {
				t.Errorf("UB's counts %v, want %v", a.Counts, s.counts)
			}
			if len(rep.Prompts) != 1 {
				t.Fatalf("prompts %+v", rep.Prompts)
			}
			got := rep.Prompts[0]
			if got.Replies != s.prompt.Replies || got.Responders != s.prompt.Responders {
				t.Errorf("p1: %d replies from %d, want %d from %d", got.Replies, got.Responders, s.prompt.Replies, s.prompt.Responders)
			}
		})
	}
	// Directly: a reply and its prompt reply are two events, retracted as two.
	r := reply("UD", "C1", "r9", "p1", at(3, 0))
	if n := record(t, db, r, promptReply(r)); n != 2 {
		t.Errorf("Record = %d, want 2", n)
	}
	if n := record(t, db, retract(r, at(3, 1)), retract(promptReply(r), at(3, 1))); n != 2 {
		t.Errorf("Record of the retractions = %d, want 2", n)
	}
	if rep := report(t, db, week); rep.Activity != base.Activity || rep.Members.Active != base.Members.Active {
		t.Errorf("after everything was retracted: %+v %+v, want %+v %+v", rep.Members, rep.Activity, base.Members, base.Activity)
	}
}

// TestIsPromptPost: a prompt is recognised by community, channel and
// message together, as soon as it is recorded, by any handle on the store.
func testIsPromptPost(t *testing.T, db Store) {
	ctx := context.Background()
	if err := db.RecordPromptPost(ctx, bot.PromptPost{Community: community, Channel: "C1", Message: "1700.1", Text: "Why?", At: at(0, 9)}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		community, channel, message string
		want                        bool
	}{
		{community, "C1", "1700.1", true},
		{community, "C2", "1700.1", false},
		{community, "C1", "1700.2", false},
		{community, "C1", "", false},
		{"slack:T2", "C1", "1700.1", false},
		{community, "C9", "1700.1", false}, // a channel Hearth has never seen
	} {
		if got, err := db.IsPromptPost(ctx, tt.community, tt.channel, tt.message); err != nil || got != tt.want {
			t.Errorf("IsPromptPost(%s, %s, %q) = %v, %v; want %v", tt.community, tt.channel, tt.message, got, err, tt.want)
		}
	}
}
