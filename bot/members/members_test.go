package members_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/members"
)

var t0 = bottest.T0

const community = bottest.Community

// nudgeCommunity are the members of newNudgeBot's community: all joined
// the day before Hearth started but nina, who joined 3 days before now.
var nudgeCommunity = func() []bot.Member {
	long, now := t0.Add(-24*time.Hour), t0.Add(20*24*time.Hour)
	return []bot.Member{
		{ID: "alice", Name: "Alice", JoinedAt: long}, {ID: "bob", Name: "Bob", JoinedAt: long},
		{ID: "carol", Name: "Carol", JoinedAt: long}, {ID: "robot", Name: "Robot", IsBot: true, JoinedAt: long},
		{ID: "nina", Name: "Nina", JoinedAt: now.Add(-3 * 24 * time.Hour)}, {ID: "oscar", Name: "Oscar", JoinedAt: long},
		{ID: "pat", Name: "Pat", JoinedAt: long},
	}
}()

// newNudgeBot is a community 20 days in: alice posted on day 1 and not
// since; bob is active; carol facilitates (and is quiet); robot is a bot;
// nina joined 3 days ago; oscar opted out; pat's DMs are closed. It
// returns the rig and now.
func newNudgeBot(t *testing.T) (*bottest.Rig, time.Time) {
	t.Helper()
	r := bottest.New(t)
	now := t0.Add(20 * 24 * time.Hour) // Sunday Nov 22, 09:00 UTC
	r.AddMembers(nudgeCommunity...)
	// alice, carol, oscar and pat took part on day 1 and not since; bob
	// an hour ago.
	for _, m := range []string{"alice", "carol", "oscar", "pat"} {
		r.Record(bottest.Message(m, "general", m+"-1", t0))
	}
	r.Record(bottest.Message("bob", "general", "bob-1", now.Add(-time.Hour)))
	if err := r.Store.SetPrefs(context.Background(), community, "oscar", bot.MemberPrefs{NudgesOff: true}); err != nil {
		t.Fatal(err)
	}
	r.Chat.Unreachable = map[string]bool{"pat": true}
	r.Clock.Set(now)
	return r, now
}

// prefs returns a member's preferences as the store keeps them.
func prefs(t *testing.T, r *bottest.Rig, member string) bot.MemberPrefs {
	t.Helper()
	p, err := r.Store.Prefs(context.Background(), community, member)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNudgeRunInvitesOnlyQuietMembersOnce(t *testing.T) {
	ctx := context.Background()
	r, _ := newNudgeBot(t)
	chat := r.Chat
	if reply := r.CarolSays("nudge settings mode=auto"); !strings.Contains(reply.Text, "mode=auto") {
		t.Fatalf("settings: %+v", reply)
	}
	reply := r.CarolSays("nudge run")
	if !strings.Contains(reply.Text, "Nudged Alice; could not reach Pat (DMs closed)") ||
		!strings.Contains(reply.Text, "Left out: 1 facilitator, 1 new, 1 opted out") {
		t.Fatalf("first run: %q", reply.Text)
	}
	dms := chat.DMsTo("alice")
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "Hi Alice") || len(dms[0].Buttons) != 3 || dms[0].Buttons[0].Label != "I'm still here" {
		t.Fatalf("alice's nudge: %+v", dms)
	}
	for _, m := range []string{"bob", "carol", "robot", "nina", "oscar"} {
		if len(chat.DMsTo(m)) != 0 {
			t.Errorf("%s was nudged", m)
		}
	}
	if pr := prefs(t, r, "pat"); pr.UnreachableSince.IsZero() {
		t.Error("pat's closed DMs are not remembered")
	}
	reply = r.CarolSays("nudge run")
	if !strings.Contains(reply.Text, "Nobody to nudge") || !strings.Contains(reply.Text, "1 nudged recently") || !strings.Contains(reply.Text, "1 unreachable by DM") {
		t.Fatalf("second run: %q", reply.Text)
	}
	if len(chat.DMsTo("alice")) != 1 {
		t.Fatal("the second run nudged alice again")
	}

	// "I'm still here" is participation.
	nudge := dms[0].Buttons[0]
	here := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "alice", MemberName: "Alice", ActionID: nudge.ActionID, Value: nudge.Value, At: t0.Add(20*24*time.Hour + time.Hour)})
	if here.Code != "" || !strings.Contains(here.Text, "Lovely") {
		t.Fatalf("still here: %+v", here)
	}
	if e, ok := r.KeptByKey()["still_here:1"]; !ok || e.Kind != bot.KindStillHere || e.Member != "alice" || !e.Kind.Activity() {
		t.Fatalf("events: %+v", r.Store.Kept())
	}
	if n, err := r.Store.Nudge(ctx, community, 1); err != nil || n.Member != "alice" || n.Response != members.NudgeHere {
		t.Errorf("nudge: %+v, %v", n, err)
	}
	if reply := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "bob", ActionID: nudge.ActionID, Value: nudge.Value}); reply.Code != bot.EForbidden {
		t.Errorf("bob answering alice's nudge: %+v", reply)
	}
}

func TestNudgesWaitForTheEndOfQuietHours(t *testing.T) {
	ctx := context.Background()
	r, now := newNudgeBot(t)
	chat := r.Chat
	alice := nudgeCommunity[0]
	alice.TZ = "Asia/Tokyo" // 09:00 UTC is 18:00 in Tokyo: fine; make quiet hours 17-8 to catch it
	r.AddMembers(alice)
	r.CarolSays("nudge settings mode=auto quiet=17-8")
	reply := r.CarolSays("nudge run")
	if !strings.Contains(reply.Text, "Alice (Mon Nov 23 08:00 JST) after their quiet hours end") {
		t.Fatalf("run: %q", reply.Text)
	}
	if len(chat.DMsTo("alice")) != 0 {
		t.Fatal("alice was nudged in her quiet hours")
	}
	var send bot.Schedule
	for _, sc := range r.Schedules(members.ScheduleNudgeSend) {
		send = sc
	}
	if send.Spec != "once 2026-11-22T23:00:00Z" || send.Payload != "1" {
		t.Fatalf("send schedule: %+v", send)
	}
	if err := r.Bot.RunSchedule(ctx, send, now.Add(14*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if dms := chat.DMsTo("alice"); len(dms) != 1 {
		t.Fatalf("alice after her quiet hours: %d DMs", len(dms))
	}
	if err := r.Bot.RunSchedule(ctx, send, now.Add(14*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if dms := chat.DMsTo("alice"); len(dms) != 1 {
		t.Fatal("a nudge went twice")
	}
}

func TestNudgeReviewModeNeedsApproval(t *testing.T) {
	ctx := context.Background()
	r, now := newNudgeBot(t)
	chat := r.Chat
	reply := r.CarolSays("nudge run")
	if !strings.Contains(reply.Text, "Nudges to approve") || !strings.Contains(reply.Text, "• Alice: last active Nov 2 (contributing)") || len(reply.Buttons) != 1 {
		t.Fatalf("review: %+v", reply)
	}
	if len(chat.DMsTo("alice")) != 0 {
		t.Fatal("review mode sent a nudge unapproved")
	}
	if reply := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "bob", ActionID: reply.Buttons[0].ActionID, At: now}); reply.Code != bot.EForbidden {
		t.Fatalf("a member approving: %+v", reply)
	}
	a := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "carol", ActionID: reply.Buttons[0].ActionID, At: now})
	if !strings.Contains(a.Text, "Nudged Alice") || len(chat.DMsTo("alice")) != 1 {
		t.Fatalf("approve: %+v", a)
	}
}

func TestNudgesStopAfterUnansweredOnes(t *testing.T) {
	r, now := newNudgeBot(t)
	chat := r.Chat
	r.CarolSays("nudge settings mode=auto max=2 cooldown=1d")
	for i := range 4 {
		at := now.Add(time.Duration(i) * 2 * 24 * time.Hour)
		r.Bot.HandleCommand(context.Background(), bot.Command{Community: community, Channel: "general", Member: "carol", Text: "nudge run", At: at})
	}
	if got := len(chat.DMsTo("alice")); got != 2 {
		t.Fatalf("alice got %d nudges; want 2, then none while she does not answer", got)
	}
}

func TestNudgeAnswersPauseAndStop(t *testing.T) {
	ctx := context.Background()
	r, now := newNudgeBot(t)
	chat := r.Chat
	r.CarolSays("nudge settings mode=auto")
	r.CarolSays("nudge run")
	btn := chat.DMsTo("alice")[0].Buttons
	reply := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "alice", ActionID: btn[1].ActionID, Value: btn[1].Value, At: now})
	if p := prefs(t, r, "alice"); !strings.Contains(reply.Text, "no nudges until Dec 22") || !p.PausedUntil.Equal(now.Add(30*24*time.Hour)) {
		t.Fatalf("pause: %+v %+v", reply, p)
	}
	r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "alice", ActionID: btn[2].ActionID, Value: btn[2].Value, At: now})
	if !prefs(t, r, "alice").NudgesOff {
		t.Fatal("no more nudges is not kept")
	}
	reply = r.Bot.HandleCommand(ctx, bot.Command{Community: community, Member: "alice", Text: "nudges on"})
	if p := prefs(t, r, "alice"); !strings.Contains(reply.Text, "Nudges are on") || p.NudgesOff || !p.PausedUntil.IsZero() {
		t.Fatalf("nudges on: %+v %+v", reply, p)
	}
}

func TestQuietCommand(t *testing.T) {
	r, now := newNudgeBot(t)
	// dave posted in weeks 1 to 4 and 6 of the last 8, last 15 days ago.
	r.AddMembers(bot.Member{ID: "dave", Name: "Dave", JoinedAt: t0.Add(-90 * 24 * time.Hour)})
	week := func(i int) time.Time { return now.Add(-time.Duration(8-i) * 7 * 24 * time.Hour) } // week i of 8 starts
	for i := range 4 {
		r.Record(bottest.Message("dave", "general", fmt.Sprintf("dave-%d", i), week(i).Add(24*time.Hour)))
	}
	r.Record(bottest.Message("dave", "general", "dave-5", now.Add(-15*24*time.Hour)))
	reply := r.CarolSays("quiet")
	for _, want := range []string{
		"Quiet for 14 days or more** (5)", "• Alice: last active Nov 2 (contributing)",
		"Drifting away** (active most weeks, silent the last two) (1)\n• Dave: last active Nov 7",
		"Newcomers who have not taken part yet** (1)\n• Nina, joined Nov 19",
	} {
		if !strings.Contains(reply.Text, want) {
			t.Errorf("quiet lacks %q:\n%s", want, reply.Text)
		}
	}
	if strings.Contains(reply.Text, "Robot") || strings.Contains(reply.Text, "Bob") {
		t.Errorf("quiet lists a bot or an active member:\n%s", reply.Text)
	}
	if reply := r.CarolSays("quiet 30"); !strings.Contains(reply.Text, "Quiet for 30 days or more** (0)") {
		t.Errorf("quiet 30:\n%s", reply.Text)
	}
}

func TestForgetMeNeedsConfirmation(t *testing.T) {
	ctx := context.Background()
	r, now := newNudgeBot(t)
	// forgotten lists who of alice and bob the store no longer knows, and
	// the events of theirs it keeps.
	forgotten := func() (gone []string, kept []bot.Event) {
		for _, m := range []string{"alice", "bob"} {
			if _, err := r.Store.Member(ctx, community, m); errors.Is(err, bot.ErrNotFound) {
				gone = append(gone, m)
			}
		}
		for _, e := range r.Store.Kept() {
			if e.Member == "alice" {
				kept = append(kept, e)
			}
		}
		return gone, kept
	}
	reply := r.Bot.HandleCommand(ctx, bot.Command{Community: community, Member: "alice", Text: "forget me", At: now})
	if gone, _ := forgotten(); len(reply.Buttons) != 1 || reply.Buttons[0].Style != bot.StyleDanger || len(gone) != 0 {
		t.Fatalf("forget me erased before confirming: %+v", reply)
	}
	if reply := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "bob", ActionID: reply.Buttons[0].ActionID, Value: reply.Buttons[0].Value}); reply.Code != bot.EForbidden {
		t.Fatalf("bob pressing alice's button: %+v", reply)
	}
	if gone, _ := forgotten(); len(gone) != 0 {
		t.Fatalf("bob pressing alice's button erased %v", gone)
	}
	done := r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "alice", ActionID: reply.Buttons[0].ActionID, Value: reply.Buttons[0].Value})
	if gone, kept := forgotten(); !strings.Contains(done.Text, "erased") || strings.Join(gone, ",") != "alice" || len(kept) != 0 {
		t.Fatalf("confirm: %+v, forgot %v, alice's events kept %v", done, gone, kept)
	}
}

func TestMe(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	reply := r.Says("bob", "me")
	if !strings.Contains(reply.Text, "nothing about you yet") {
		t.Errorf("me before any activity: %q", reply.Text)
	}
	r.Bot.HandleEvent(ctx, bottest.Message("bob", "general", "m1", t0))
	r.Bot.HandleEvent(ctx, bot.Event{Kind: bot.KindReaction, Community: community, Channel: "general", Member: "bob", At: t0, Key: "r1", Message: "m1"})
	reply = r.Says("bob", "me")
	if !strings.Contains(reply.Text, "1 message, 0 replies, 1 reaction") || !reply.Private {
		t.Errorf("me: %+v", reply)
	}
}
