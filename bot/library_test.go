package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/charter"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/library"
)

func memberSays(b *bot.Bot, member, text string) bot.Reply {
	return b.HandleCommand(context.Background(), bot.Command{Community: "shell:local", Channel: "general", ChannelName: "general", Member: member, MemberName: member, Text: text})
}

func TestCharter(t *testing.T) {
	b, _, _, _ := newSchedulingBot(t)
	if r := memberSays(b, "alice", "charter"); !strings.Contains(r.Text, "no charter yet") || strings.Contains(r.Text, "charter set") {
		t.Fatalf("empty charter to a member: %+v", r)
	}
	if r := memberSays(b, "alice", "charter set purpose Take over"); r.Code != bot.EForbidden {
		t.Fatalf("a member writing the charter: %+v", r)
	}
	if r := carolSays(b, "charter set purpose"); r.Code != bot.EArgument {
		t.Fatalf("set without text: %+v", r)
	}
	carolSays(b, "charter set purpose New team leads learn from each other.")
	carolSays(b, "charter set audience Team leads in their first two years")
	r := memberSays(b, "alice", "charter")
	if r.Text != "**Our charter**\n**Purpose**: New team leads learn from each other.\n**Audience**: Team leads in their first two years" {
		t.Fatalf("charter: %q", r.Text)
	}
	carolSays(b, "charter set audience -")
	if r := memberSays(b, "alice", "charter"); strings.Contains(r.Text, "Audience") {
		t.Fatalf("cleared part still shown: %q", r.Text)
	}
}

func TestWelcomeGoesOnceToNewMembers(t *testing.T) {
	ctx := context.Background()
	b, s, chat, clock := newSchedulingBot(t)
	carolSays(b, "charter set purpose We learn from each other.")
	carolSays(b, "welcome set Hello {name}, glad you're here.")
	join := bot.Event{Kind: bot.KindJoin, Community: "shell:local", Member: "nina", MemberName: "Nina", At: clock.Now(), Key: "join:nina"}
	s.members["nina"] = bot.Member{ID: "nina", Name: "Nina"}
	for range 2 { // a redelivered join
		if err := b.HandleEvent(ctx, join); err != nil {
			t.Fatal(err)
		}
	}
	var welcomes []bot.Schedule
	for _, sc := range s.schedules {
		if sc.Kind == charter.ScheduleWelcome {
			welcomes = append(welcomes, sc)
		}
	}
	if len(welcomes) == 0 || welcomes[0].Payload != "nina" {
		t.Fatalf("schedules: %+v", s.schedules)
	}
	for _, w := range welcomes {
		if err := b.RunSchedule(ctx, w, clock.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	dms := chat.dmsTo("nina")
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "Hello Nina, glad you're here.") || !strings.Contains(dms[0].Text, "**Purpose**: We learn from each other.") {
		t.Fatalf("welcome DMs: %+v", dms)
	}
	if s.ns().prefs["nina"].WelcomedAt.IsZero() {
		t.Fatal("the welcome is not remembered")
	}
	// A later join (she left and came back) gets no second welcome.
	join.Key, join.At = "join:nina:2", clock.Now().Add(time.Hour)
	if err := b.HandleEvent(ctx, join); err != nil {
		t.Fatal(err)
	}
	if len(s.schedules) != 0 {
		t.Fatalf("a second welcome was queued (the first one's schedule is removed once spent): %+v", s.schedules)
	}
	carolSays(b, "welcome off")
	s.members["omar"] = bot.Member{ID: "omar", Name: "Omar"}
	if err := b.HandleEvent(ctx, bot.Event{Kind: bot.KindJoin, Community: "shell:local", Member: "omar", At: clock.Now(), Key: "join:omar"}); err != nil {
		t.Fatal(err)
	}
	if len(s.schedules) != 0 {
		t.Fatal("a welcome was queued while the welcome is off")
	}
}

func TestShareAndFindResources(t *testing.T) {
	b, s, _, _ := newSchedulingBot(t)
	r := memberSays(b, "alice", "share https://example.com/retro-guide #Retros #facilitation A clear guide to retros")
	if r.Code != "" || r.Private || !strings.Contains(r.Text, "(#1): https://example.com/retro-guide #facilitation #retros\nA clear guide to retros") {
		t.Fatalf("share: %+v", r)
	}
	if e, ok := s.events["share:1"]; !ok || e.Kind != bot.KindResourceShare || !e.Kind.Activity() || e.Member != "alice" {
		t.Fatalf("the share is not participation: %+v", s.events)
	}
	memberSays(b, "bob", "share https://example.org/pairing #pairing")
	if r := memberSays(b, "bob", "share https://example.com/retro-guide"); !strings.Contains(r.Text, "in the library already: #1") {
		t.Fatalf("duplicate: %+v", r)
	}
	for _, tc := range []struct{ search, want, not string }{
		{"", "#2 https://example.org/pairing", ""},
		{"#retros", "#1 https://example.com/retro-guide", "pairing"},
		{"clear guide", "#1", "pairing"},
		{"nothing-like-this", "Nothing in the library", ""},
	} {
		r := memberSays(b, "carol", "resources "+tc.search)
		if !strings.Contains(r.Text, tc.want) || tc.not != "" && strings.Contains(r.Text, tc.not) {
			t.Errorf("resources %q: %q", tc.search, r.Text)
		}
	}
	for _, bad := range []string{"share ftp://example.com", "share not-a-link", "share https://x.org #" + strings.Repeat("a", 41)} {
		if r := memberSays(b, "alice", bad); r.Code != bot.EArgument {
			t.Errorf("%q: %+v", bad, r)
		}
	}
	if r := memberSays(b, "bob", "resource remove 1"); r.Code != bot.EForbidden {
		t.Fatalf("bob removing alice's resource: %+v", r)
	}
	if r := memberSays(b, "alice", "resource remove 1"); !strings.Contains(r.Text, "Removed resource #1") {
		t.Fatalf("alice removing hers: %+v", r)
	}
	if r := carolSays(b, "resource remove 2"); !strings.Contains(r.Text, "Removed resource #2") {
		t.Fatalf("a facilitator removing one: %+v", r)
	}
}

func TestStoriesAskForConsent(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newSchedulingBot(t)
	r := memberSays(b, "alice", "story Pairing with a newcomer halved our review time.")
	if len(r.Buttons) != 3 || s.lib().stories[0].Consent != library.ConsentPrivate {
		t.Fatalf("story: %+v %+v", r, s.lib().stories)
	}
	named := r.Buttons[2]
	if r := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "bob", ActionID: named.ActionID, Value: named.Value}); r.Code != bot.EForbidden {
		t.Fatalf("bob consenting for alice: %+v", r)
	}
	b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: named.ActionID, Value: named.Value})
	if c := s.lib().stories[0].Consent; c != library.ConsentNamed {
		t.Fatalf("consent: %s", c)
	}
	if r := memberSays(b, "alice", "story"); r.Code != bot.EArgument {
		t.Fatalf("story without text and without forms: %+v", r)
	}
	chat.caps.Forms = true
	if r := memberSays(b, "alice", "story"); r.Form == nil || r.Form.ID != library.FormStory {
		t.Fatalf("story without text, with forms: %+v", r)
	}
	if r := carolSays(b, "stories"); !strings.Contains(r.Text, "(shareable with name): Pairing with a newcomer") {
		t.Fatalf("stories: %q", r.Text)
	}
}

func TestReflectionFeedsStories(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newCheckinBot(t)
	chat.caps.Forms = true
	carolSays(b, "checkin start reflection")
	click(b, "alice", checkins.ActionCheckinAnswer, "1:share:1", t0) // "Yes, anonymously"
	b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: checkins.FormCheckin, Context: "1",
		Values: map[string]string{"shift": "I ask for help sooner.", "story": "Our first async retro worked."}, At: t0})
	st := s.lib().stories
	if len(st) != 1 || st[0].Text != "Our first async retro worked." || st[0].Consent != library.ConsentAnonymous || st[0].Run != 1 || st[0].Source != "checkin" {
		t.Fatalf("stories: %+v", st)
	}
	b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: checkins.FormCheckin, Context: "1",
		Values: map[string]string{"shift": "I ask for help sooner.", "story": "Our first async retro worked well."}, At: t0})
	if st := s.lib().stories; len(st) != 1 || st[0].Text != "Our first async retro worked well." {
		t.Fatalf("a changed answer should update its story: %+v", st)
	}
}

// TestWelcomesInOneBatch: a rejoin by a welcomed member does not keep the
// newcomer after it in the same batch from their welcome.
func TestWelcomesInOneBatch(t *testing.T) {
	ctx := context.Background()
	b, s, _, clock := newSchedulingBot(t)
	s.ns().prefs["old"] = bot.MemberPrefs{WelcomedAt: t0}
	join := func(m string) bot.Event {
		return bot.Event{Kind: bot.KindJoin, Community: "shell:local", Member: m, At: clock.Now(), Key: "join:" + m}
	}
	if err := b.HandleEvents(ctx, join("old"), join("new")); err != nil {
		t.Fatal(err)
	}
	if len(s.schedules) != 1 || s.schedules[0].Payload != "new" {
		t.Fatalf("welcomes queued: %+v", s.schedules)
	}
}
