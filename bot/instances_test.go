package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
)

// TestPromptRepliesSeeOtherInstancesPrompts: a prompt another Hearth on the
// same database posted (written to the store behind this core's back)
// makes replies in its thread prompt replies at once, one reply at a time
// and in a batch large enough to read the community's prompts once.
func TestPromptRepliesSeeOtherInstancesPrompts(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	at := bottest.T0
	r.Record(bottest.Message("alice", "general", "m1", at), bottest.Message("bob", "general", "m2", at))
	if err := r.Store.RecordPromptPost(ctx, bot.PromptPost{Community: bottest.Community, Channel: "general", Message: "m1", Text: "Why?", At: at}); err != nil {
		t.Fatal(err)
	}
	reply := func(member, key, parent string, n int) bot.Event {
		return bot.Event{Kind: bot.KindReply, Community: bottest.Community, Channel: "general", Member: member,
			At: at.Add(time.Duration(n) * time.Minute), Key: key, Message: key, Parent: parent}
	}
	if err := r.Bot.HandleEvent(ctx, reply("carol", "one", "m1", 1)); err != nil {
		t.Fatal(err)
	}
	var batch []bot.Event
	for i := range 10 {
		batch = append(batch, reply("dave", fmt.Sprintf("b%d", i), "m1", 2+i))
	}
	batch = append(batch, reply("dave", "other", "m2", 20))
	// The batch reads the pilot and the prompts once, not once an event.
	calls := map[string]int{}
	r.Store.Inject(func(method string) error { calls[method]++; return nil })
	if err := r.Bot.HandleEvents(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	r.Store.Inject(nil)
	if calls["IsPromptPost"] != 0 || calls["PromptPosts"] != 1 || calls["Setting"] != 1 {
		t.Errorf("a batch of 11 replies asked the store %v; want the prompts and the pilot once", calls)
	}
	kept := r.KeptByKey()
	for _, key := range []string{"one", "b0", "b9"} {
		if e, ok := kept["prompt:"+key]; !ok || e.Kind != bot.KindPromptReply {
			t.Errorf("reply %s in the prompt's thread is no prompt reply: %+v", key, e)
		}
	}
	if _, ok := kept["prompt:other"]; ok {
		t.Error("a reply to another message counted as a prompt reply")
	}
	// Retracting the reply retracts its prompt reply.
	if err := r.Bot.HandleEvent(ctx, bot.Event{Kind: bot.KindReply, Community: bottest.Community, Channel: "general", Key: "one", Retract: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.KeptByKey()["prompt:one"]; ok {
		t.Error("the prompt reply outlived its reply")
	}
}

// TestPilotSeenFromOtherInstances: a pilot another Hearth on the same
// database started, then launched, holds here at once: the core keeps no
// copy of it.
func TestPilotSeenFromOtherInstances(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	set := func(p bot.Pilot) {
		raw, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Store.SetSetting(ctx, bottest.Community, bot.SettingPilot, string(raw)); err != nil {
			t.Fatal(err)
		}
	}
	msg := func(key string) bot.Event { return bottest.Message("bob", "general", key, bottest.T0) }
	set(bot.Pilot{Members: []string{"alice"}, StartedAt: bottest.T0})
	if err := r.Bot.HandleEvent(ctx, msg("during")); err != nil {
		t.Fatal(err)
	}
	set(bot.Pilot{Members: []string{"alice"}, StartedAt: bottest.T0, LaunchedAt: bottest.T0.Add(time.Hour)})
	if err := r.Bot.HandleEvent(ctx, msg("after")); err != nil {
		t.Fatal(err)
	}
	kept := r.KeptByKey()
	if _, ok := kept["during"]; ok {
		t.Error("bob's message during the pilot, outside it, was recorded")
	}
	if _, ok := kept["after"]; !ok {
		t.Error("bob's message after the launch was not recorded")
	}
}
