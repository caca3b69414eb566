package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func TestPilotLimitsHearthUntilLaunch(t *testing.T) {
	ctx := context.Background()
	b, s, chat, clock := newCheckinBot(t)
	s.channels["design"] = bot.Channel{ID: "design", Name: "design"}
	if r := carolSays(b, "pilot start #general @alice"); !strings.Contains(r.Text, "Hearth acts only in #general, for Alice, Carol.") {
		t.Fatalf("start: %+v", r)
	}
	if r := carolSays(b, "pilot start"); r.Code != bot.EConflict {
		t.Fatalf("a second start: %+v", r)
	}
	ev := func(member, channel, key string) bot.Event {
		return bot.Event{Kind: bot.KindMessage, Community: "shell:local", Channel: channel, Member: member, At: clock.Now(), Key: key, Message: key}
	}
	for _, e := range []bot.Event{ev("alice", "general", "in"), ev("bob", "general", "not-a-pilot-member"), ev("alice", "design", "not-a-pilot-channel")} {
		if err := b.HandleEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := s.events["in"]; !ok || len(s.events) != 1 {
		t.Fatalf("recorded during the pilot: %v", s.events)
	}
	if r := memberSays(b, "bob", "resources"); r.Code != bot.EForbidden || !strings.Contains(r.Text, "piloted") {
		t.Fatalf("bob during the pilot: %+v", r)
	}
	if r := memberSays(b, "bob", "privacy"); r.Code != "" {
		t.Fatalf("privacy must work for everyone: %+v", r)
	}
	if r := carolSays(b, "checkin start pulse"); !strings.Contains(r.Text, "sent 2/2") {
		t.Fatalf("a check-in during the pilot goes to its members only: %+v", r)
	}
	if len(chat.dmsTo("bob")) != 0 || len(chat.dmsTo("alice")) != 1 {
		t.Fatal("the check-in reached outside the pilot")
	}
	clock.Set(t0.Add(14 * 24 * time.Hour))
	if r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "carol", Text: "launch"}); !strings.Contains(r.Text, "Launched!") {
		t.Fatalf("launch: %+v", r)
	}
	if err := b.HandleEvent(ctx, ev("bob", "design", "after-launch")); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.events["after-launch"]; !ok {
		t.Fatal("after the launch Hearth still ignores bob in #design")
	}
	if r := memberSays(b, "bob", "resources"); r.Code != "" {
		t.Fatalf("bob after the launch: %+v", r)
	}
	if r := carolSays(b, "pilot status"); !strings.Contains(r.Text, "• Pilot (Nov 2 – Nov 16, 2.0 weeks)") || !strings.Contains(r.Text, "• Since launch (Nov 16") {
		t.Fatalf("status after launch: %q", r.Text)
	}
	if r := carolSays(b, "launch"); !strings.Contains(r.Text, "launched on Nov 16, 2026 already") {
		t.Fatalf("a second launch: %+v", r)
	}
}

// TestChannelNamesFromCommands: a channel no event has named yet is shown
// by the name the command's reference carried, not its id.
func TestChannelNamesFromCommands(t *testing.T) {
	b, s, _, _ := newCheckinBot(t)
	r := carolSays(b, "pilot start <#C9|design> @alice")
	if !strings.Contains(r.Text, "Hearth acts only in #design, for") {
		t.Fatalf("pilot start: %q", r.Text)
	}
	if ch := s.channels["C9"]; ch.Name != "design" {
		t.Fatalf("the channel's name is not kept: %+v", s.channels)
	}
}
