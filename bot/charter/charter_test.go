package charter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/charter"
)

var t0 = bottest.T0

const community = bottest.Community

func TestCharter(t *testing.T) {
	r := bottest.New(t)
	if reply := r.Says("alice", "charter"); !strings.Contains(reply.Text, "no charter yet") || strings.Contains(reply.Text, "charter set") {
		t.Fatalf("empty charter to a member: %+v", reply)
	}
	if reply := r.Says("alice", "charter set purpose Take over"); reply.Code != bot.EForbidden {
		t.Fatalf("a member writing the charter: %+v", reply)
	}
	if reply := r.CarolSays("charter set purpose"); reply.Code != bot.EArgument {
		t.Fatalf("set without text: %+v", reply)
	}
	r.CarolSays("charter set purpose New team leads learn from each other.")
	r.CarolSays("charter set audience Team leads in their first two years")
	reply := r.Says("alice", "charter")
	if reply.Text != "**Our charter**\n**Purpose**: New team leads learn from each other.\n**Audience**: Team leads in their first two years" {
		t.Fatalf("charter: %q", reply.Text)
	}
	r.CarolSays("charter set audience -")
	if reply := r.Says("alice", "charter"); strings.Contains(reply.Text, "Audience") {
		t.Fatalf("cleared part still shown: %q", reply.Text)
	}
}

func TestWelcomeGoesOnceToNewMembers(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	r.CarolSays("charter set purpose We learn from each other.")
	r.CarolSays("welcome set Hello {name}, glad you're here.")
	join := bot.Event{Kind: bot.KindJoin, Community: community, Member: "nina", MemberName: "Nina", At: r.Clock.Now(), Key: "join:nina"}
	r.AddMembers(bot.Member{ID: "nina", Name: "Nina"})
	for range 2 { // a redelivered join
		if err := r.Bot.HandleEvent(ctx, join); err != nil {
			t.Fatal(err)
		}
	}
	welcomes := r.Schedules(charter.ScheduleWelcome)
	if len(welcomes) == 0 || welcomes[0].Payload != "nina" {
		t.Fatalf("schedules: %+v", r.Schedules())
	}
	for _, w := range welcomes {
		if err := r.Bot.RunSchedule(ctx, w, r.Clock.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	dms := r.Chat.DMsTo("nina")
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "Hello Nina, glad you're here.") || !strings.Contains(dms[0].Text, "**Purpose**: We learn from each other.") {
		t.Fatalf("welcome DMs: %+v", dms)
	}
	if p, _ := r.Store.Prefs(ctx, community, "nina"); p.WelcomedAt.IsZero() {
		t.Fatal("the welcome is not remembered")
	}
	// A later join (she left and came back) gets no second welcome.
	join.Key, join.At = "join:nina:2", r.Clock.Now().Add(time.Hour)
	if err := r.Bot.HandleEvent(ctx, join); err != nil {
		t.Fatal(err)
	}
	if left := r.Schedules(); len(left) != 0 {
		t.Fatalf("a second welcome was queued (the first one's schedule is removed once spent): %+v", left)
	}
	r.CarolSays("welcome off")
	r.AddMembers(bot.Member{ID: "omar", Name: "Omar"})
	if err := r.Bot.HandleEvent(ctx, bot.Event{Kind: bot.KindJoin, Community: community, Member: "omar", At: r.Clock.Now(), Key: "join:omar"}); err != nil {
		t.Fatal(err)
	}
	if len(r.Schedules()) != 0 {
		t.Fatal("a welcome was queued while the welcome is off")
	}
}

// TestWelcomesInOneBatch: a rejoin by a welcomed member does not keep the
// newcomer after it in the same batch from their welcome.
func TestWelcomesInOneBatch(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	if err := r.Store.SetPrefs(ctx, community, "old", bot.MemberPrefs{WelcomedAt: t0}); err != nil {
		t.Fatal(err)
	}
	join := func(m string) bot.Event {
		return bot.Event{Kind: bot.KindJoin, Community: community, Member: m, At: r.Clock.Now(), Key: "join:" + m}
	}
	if err := r.Bot.HandleEvents(ctx, join("old"), join("new")); err != nil {
		t.Fatal(err)
	}
	if welcomes := r.Schedules(); len(welcomes) != 1 || welcomes[0].Payload != "new" {
		t.Fatalf("welcomes queued: %+v", welcomes)
	}
}
