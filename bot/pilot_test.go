package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
)

func TestPilotLimitsHearthUntilLaunch(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.AddChannels(bot.Channel{ID: "design", Name: "design"})
	if reply := r.CarolSays("pilot start #general @alice"); !strings.Contains(reply.Text, "Hearth acts only in #general, for Alice, Carol.") {
		t.Fatalf("start: %+v", reply)
	}
	if reply := r.CarolSays("pilot start"); reply.Code != bot.EConflict {
		t.Fatalf("a second start: %+v", reply)
	}
	ev := func(member, channel, key string) bot.Event {
		return bottest.Message(member, channel, key, r.Clock.Now())
	}
	for _, e := range []bot.Event{ev("alice", "general", "in"), ev("bob", "general", "not-a-pilot-member"), ev("alice", "design", "not-a-pilot-channel")} {
		if err := r.Bot.HandleEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if kept := r.KeptByKey(); len(kept) != 1 || kept["in"].Key != "in" {
		t.Fatalf("recorded during the pilot: %v", kept)
	}
	if reply := r.Says("bob", "resources"); reply.Code != bot.EForbidden || !strings.Contains(reply.Text, "piloted") {
		t.Fatalf("bob during the pilot: %+v", reply)
	}
	if reply := r.Says("bob", "privacy"); reply.Code != "" {
		t.Fatalf("privacy must work for everyone: %+v", reply)
	}
	if reply := r.CarolSays("checkin start pulse"); !strings.Contains(reply.Text, "sent 2/2") {
		t.Fatalf("a check-in during the pilot goes to its members only: %+v", reply)
	}
	if len(r.Chat.DMsTo("bob")) != 0 || len(r.Chat.DMsTo("alice")) != 1 {
		t.Fatal("the check-in reached outside the pilot")
	}
	r.Clock.Set(t0.Add(14 * 24 * time.Hour))
	if reply := r.Bot.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: "launch"}); !strings.Contains(reply.Text, "Launched!") {
		t.Fatalf("launch: %+v", reply)
	}
	if err := r.Bot.HandleEvent(ctx, ev("bob", "design", "after-launch")); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.KeptByKey()["after-launch"]; !ok {
		t.Fatal("after the launch Hearth still ignores bob in #design")
	}
	if reply := r.Says("bob", "resources"); reply.Code != "" {
		t.Fatalf("bob after the launch: %+v", reply)
	}
	if reply := r.CarolSays("pilot status"); !strings.Contains(reply.Text, "• Pilot (Nov 2 – Nov 16, 2.0 weeks)") || !strings.Contains(reply.Text, "• Since launch (Nov 16") {
		t.Fatalf("status after launch: %q", reply.Text)
	}
	if reply := r.CarolSays("launch"); !strings.Contains(reply.Text, "launched on Nov 16, 2026 already") {
		t.Fatalf("a second launch: %+v", reply)
	}
}

// TestChannelNamesFromCommands: a channel no event has named yet is shown
// by the name the command's reference carried, not its id.
func TestChannelNamesFromCommands(t *testing.T) {
	r := bottest.NewCommunity(t)
	reply := r.CarolSays("pilot start <#C9|design> @alice")
	if !strings.Contains(reply.Text, "Hearth acts only in #design, for") {
		t.Fatalf("pilot start: %q", reply.Text)
	}
	if ch, err := r.Store.Channel(context.Background(), community, "C9"); err != nil || ch.Name != "design" {
		t.Fatalf("the channel's name is not kept: %+v, %v", ch, err)
	}
}
