package prompts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/prompts"
)

var t0 = bottest.T0

const community = bottest.Community

func TestPromptScheduleAndPromptReplies(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	chat := r.Chat
	reply := r.CarolSays(`prompt add "every 24 hours" "What did you try this week?"`)
	if reply.Code != "" || !strings.Contains(reply.Text, "Prompt schedule #1") || !strings.Contains(reply.Text, "First one: Tue Nov 3 09:00") {
		t.Fatalf("prompt add: %+v", reply)
	}
	sc := r.Schedules()[0]
	if sc.Kind != prompts.SchedulePrompt || sc.Channel != "general" || sc.Payload != "What did you try this week?" || sc.CreatedBy != "carol" {
		t.Fatalf("stored schedule: %+v", sc)
	}
	if err := r.Bot.RunSchedule(ctx, sc, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	sent := chat.Posts()
	if len(sent) != 1 || !strings.Contains(sent[0].Post.Text, "What did you try this week?") || sent[0].To.Channel != "general" {
		t.Fatalf("posts: %+v", sent)
	}
	prompt := sent[0].Ref.ID
	if posts, err := r.Store.PromptPosts(ctx, community); err != nil || len(posts) != 1 || posts[0].Message != prompt || posts[0].Schedule != 1 {
		t.Fatalf("prompt posts: %+v, %v", posts, err)
	}
	inThread := bot.Event{Kind: bot.KindReply, Community: community, Channel: "general", Member: "alice", At: t0, Key: "r1", Message: "r1", Parent: prompt}
	other := bot.Event{Kind: bot.KindReply, Community: community, Channel: "general", Member: "bob", At: t0, Key: "r2", Message: "r2", Parent: "not-a-prompt"}
	elsewhere := bot.Event{Kind: bot.KindReply, Community: community, Channel: "design", Member: "bob", At: t0, Key: "r3", Message: "r3", Parent: prompt}
	if err := r.Bot.HandleEvents(ctx, inThread, other, elsewhere); err != nil {
		t.Fatal(err)
	}
	kept := r.KeptByKey()
	if e, ok := kept["prompt:r1"]; !ok || e.Kind != bot.KindPromptReply || e.Member != "alice" {
		t.Errorf("no prompt reply for a reply in the prompt's thread: %+v", r.Store.Kept())
	}
	if _, ok := kept["prompt:r2"]; ok {
		t.Error("a reply to another message counted as a prompt reply")
	}
	if _, ok := kept["prompt:r3"]; ok {
		t.Error("a reply in another channel with the same message id counted as a prompt reply")
	}
}

func TestDeckSchedule(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	chat := r.Chat
	reply := r.CarolSays(`prompt deck schedule "every 168 hours" #general`)
	if reply.Code != "" || !strings.Contains(reply.Text, "starter deck") {
		t.Fatalf("deck schedule: %+v", reply)
	}
	if deck, err := r.Store.DeckPrompts(ctx, community); err != nil || len(deck) != len(prompts.StarterDeck) {
		t.Fatalf("deck has %d prompts (%v), want the starter deck's %d", len(deck), err, len(prompts.StarterDeck))
	}
	for i := 0; i < 3; i++ {
		if err := r.Bot.RunSchedule(ctx, r.Schedules()[0], t0.Add(time.Duration(i+1)*168*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for _, p := range chat.Posts() {
		seen[p.Post.Text] = true
	}
	if len(chat.Posts()) != 3 || len(seen) != 3 {
		t.Errorf("three deck runs posted %d prompts, %d different", len(chat.Posts()), len(seen))
	}
	reply = r.CarolSays(`prompt deck add "What surprised you?"`)
	if !strings.Contains(reply.Text, "Added prompt #13") {
		t.Errorf("deck add: %+v", reply)
	}
	reply = r.CarolSays("prompt deck list")
	if !strings.Contains(reply.Text, "#1 What did you try in your practice this week") || !strings.Contains(reply.Text, "posted 1 time") {
		t.Errorf("deck list:\n%s", reply.Text)
	}
	reply = r.CarolSays("prompt now 13")
	if reply.Code != "" || len(chat.Posts()) != 4 || !strings.Contains(chat.Posts()[3].Post.Text, "What surprised you?") {
		t.Errorf("prompt now 13: %+v", reply)
	}
	if reply = r.CarolSays("prompt now 99"); reply.Code != bot.ENotFound {
		t.Errorf("prompt now 99: %+v", reply)
	}
}
