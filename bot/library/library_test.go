package library_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/library"
)

var t0 = bottest.T0

const community = bottest.Community

// stories returns the community's stories, oldest first.
func stories(t *testing.T, r *bottest.Rig) []library.Story {
	t.Helper()
	st, err := r.Store.Stories(context.Background(), community, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestShareAndFindResources(t *testing.T) {
	r := bottest.New(t)
	reply := r.Says("alice", "share https://example.com/retro-guide #Retros #facilitation A clear guide to retros")
	if reply.Code != "" || reply.Private || !strings.Contains(reply.Text, "(#1): https://example.com/retro-guide #facilitation #retros\nA clear guide to retros") {
		t.Fatalf("share: %+v", reply)
	}
	if e, ok := r.KeptByKey()["share:1"]; !ok || e.Kind != bot.KindResourceShare || !e.Kind.Activity() || e.Member != "alice" {
		t.Fatalf("the share is not participation: %+v", r.Store.Kept())
	}
	r.Says("bob", "share https://example.org/pairing #pairing")
	if reply := r.Says("bob", "share https://example.com/retro-guide"); !strings.Contains(reply.Text, "in the library already: #1") {
		t.Fatalf("duplicate: %+v", reply)
	}
	for _, tc := range []struct{ search, want, not string }{
		{"", "#2 https://example.org/pairing", ""},
		{"#retros", "#1 https://example.com/retro-guide", "pairing"},
		{"clear guide", "#1", "pairing"},
		{"nothing-like-this", "Nothing in the library", ""},
	} {
		reply := r.Says("carol", "resources "+tc.search)
		if !strings.Contains(reply.Text, tc.want) || tc.not != "" && strings.Contains(reply.Text, tc.not) {
			t.Errorf("resources %q: %q", tc.search, reply.Text)
		}
	}
	for _, bad := range []string{"share ftp://example.com", "share not-a-link", "share https://x.org #" + strings.Repeat("a", 41)} {
		if reply := r.Says("alice", bad); reply.Code != bot.EArgument {
			t.Errorf("%q: %+v", bad, reply)
		}
	}
	if reply := r.Says("bob", "resource remove 1"); reply.Code != bot.EForbidden {
		t.Fatalf("bob removing alice's resource: %+v", reply)
	}
	if reply := r.Says("alice", "resource remove 1"); !strings.Contains(reply.Text, "Removed resource #1") {
		t.Fatalf("alice removing hers: %+v", reply)
	}
	if reply := r.CarolSays("resource remove 2"); !strings.Contains(reply.Text, "Removed resource #2") {
		t.Fatalf("a facilitator removing one: %+v", reply)
	}
}

func TestStoriesAskForConsent(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	reply := r.Says("alice", "story Pairing with a newcomer halved our review time.")
	if st := stories(t, r); len(reply.Buttons) != 3 || len(st) != 1 || st[0].Consent != library.ConsentPrivate {
		t.Fatalf("story: %+v %+v", reply, st)
	}
	named := reply.Buttons[2]
	if reply := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "bob", ActionID: named.ActionID, Value: named.Value}); reply.Code != bot.EForbidden {
		t.Fatalf("bob consenting for alice: %+v", reply)
	}
	r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "alice", ActionID: named.ActionID, Value: named.Value})
	if c := stories(t, r)[0].Consent; c != library.ConsentNamed {
		t.Fatalf("consent: %s", c)
	}
	if reply := r.Says("alice", "story"); reply.Code != bot.EArgument {
		t.Fatalf("story without text and without forms: %+v", reply)
	}
	r.Chat.Caps.Forms = true
	if reply := r.Says("alice", "story"); reply.Form == nil || reply.Form.ID != library.FormStory {
		t.Fatalf("story without text, with forms: %+v", reply)
	}
	if reply := r.CarolSays("stories"); !strings.Contains(reply.Text, "(shareable with name): Pairing with a newcomer") {
		t.Fatalf("stories: %q", reply.Text)
	}
}

// TestReflectionFeedsStories: a story told in a reflection check-in joins
// the library with the consent its answer gave. Alice answers as a member
// does, with the buttons of the check-in's DM and the form they open.
func TestReflectionFeedsStories(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.Chat.Caps.Forms = true
	r.CarolSays("checkin start reflection")
	dms := r.Chat.DMsTo("alice")
	if len(dms) != 1 {
		t.Fatalf("alice's DMs: %+v", dms)
	}
	button := func(match func(bot.Button) bool) bot.Button {
		t.Helper()
		for _, b := range dms[0].Buttons {
			if match(b) {
				return b
			}
		}
		t.Fatalf("no such button in %+v", dms[0].Buttons)
		return bot.Button{}
	}
	anonymously := button(func(b bot.Button) bool { return b.Value == "1:share:1" }) // "Yes, anonymously"
	r.Click("alice", anonymously.ActionID, anonymously.Value, t0)
	write := button(func(b bot.Button) bool { return b.Label == "Answer in writing" })
	form := r.Click("alice", write.ActionID, write.Value, t0).Form
	if form == nil {
		t.Fatal("no form to answer in writing")
	}
	submit := func(story string) {
		t.Helper()
		reply := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "alice", ActionID: form.ID, Context: form.Context,
			Values: map[string]string{"shift": "I ask for help sooner.", "story": story}, At: t0})
		if reply.Code != "" || len(reply.FieldErrors) > 0 {
			t.Fatalf("submit: %+v", reply)
		}
	}
	submit("Our first async retro worked.")
	st := stories(t, r)
	if len(st) != 1 || st[0].Text != "Our first async retro worked." || st[0].Consent != library.ConsentAnonymous || st[0].Run != 1 || st[0].Source != "checkin" {
		t.Fatalf("stories: %+v", st)
	}
	submit("Our first async retro worked well.")
	if st := stories(t, r); len(st) != 1 || st[0].Text != "Our first async retro worked well." {
		t.Fatalf("a changed answer should update its story: %+v", st)
	}
}
