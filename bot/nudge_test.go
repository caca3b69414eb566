package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func TestLevelOf(t *testing.T) {
	w := func(m, r, re, a int) bot.WeekCounts {
		return bot.WeekCounts{Messages: m, Replies: r, Reactions: re, Answers: a}
	}
	for _, tc := range []struct {
		name  string
		weeks []bot.WeekCounts
		want  bot.Level
	}{
		{"nothing", nil, bot.LevelObserving},
		{"empty weeks", []bot.WeekCounts{{}, {}, {}, {}}, bot.LevelObserving},
		{"reactions only", []bot.WeekCounts{w(0, 0, 3, 0)}, bot.LevelParticipating},
		{"check-in answers only", []bot.WeekCounts{w(0, 0, 0, 1)}, bot.LevelParticipating},
		{"one reply", []bot.WeekCounts{w(0, 1, 0, 0)}, bot.LevelContributing},
		{"leading: 3 weeks, 2 messages, 2 replies", []bot.WeekCounts{w(1, 0, 0, 0), w(1, 1, 0, 0), {}, w(0, 1, 0, 0)}, bot.LevelLeading},
		{"busy but in 2 weeks only", []bot.WeekCounts{w(5, 5, 0, 0), w(5, 5, 0, 0), {}, {}}, bot.LevelContributing},
		{"regular but never replies", []bot.WeekCounts{w(1, 0, 0, 0), w(1, 0, 0, 0), w(1, 0, 0, 0), w(1, 0, 0, 0)}, bot.LevelContributing},
		{"only the last 4 weeks count", []bot.WeekCounts{w(9, 9, 0, 0), w(9, 9, 0, 0), w(9, 9, 0, 0), {}, {}, {}, {}}, bot.LevelObserving},
	} {
		if got := bot.LevelOf(tc.weeks); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestDrifting(t *testing.T) {
	on := bot.WeekCounts{Reactions: 1}
	for _, tc := range []struct {
		name  string
		weeks []bot.WeekCounts
		want  bool
	}{
		{"active most weeks, silent the last two", []bot.WeekCounts{on, on, {}, on, on, on, {}, {}}, true},
		{"active last week", []bot.WeekCounts{on, on, on, on, on, on, {}, on}, false},
		{"active half the weeks before only", []bot.WeekCounts{on, on, on, {}, {}, {}, {}, {}}, false},
		{"too short a history", []bot.WeekCounts{on, {}, {}}, false},
	} {
		if got := bot.Drifting(tc.weeks); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// newNudgeBot is a community 20 days in: alice posted on day 1 and not
// since; bob is active; carol facilitates (and is quiet); robot is a bot;
// nina joined 3 days ago; oscar opted out; pat's DMs are closed.
func newNudgeBot(t *testing.T) (*bot.Bot, *fakeStore, *fakeChat, time.Time) {
	t.Helper()
	b, s, chat, clock := newSchedulingBot(t)
	now := t0.Add(20 * 24 * time.Hour) // Sunday Nov 22, 09:00 UTC
	clock.Set(now)
	long := t0.Add(-24 * time.Hour)
	for _, m := range []bot.Member{
		{ID: "alice", Name: "Alice", JoinedAt: long}, {ID: "bob", Name: "Bob", JoinedAt: long},
		{ID: "carol", Name: "Carol", JoinedAt: long}, {ID: "robot", Name: "Robot", IsBot: true, JoinedAt: long},
		{ID: "nina", Name: "Nina", JoinedAt: now.Add(-3 * 24 * time.Hour)}, {ID: "oscar", Name: "Oscar", JoinedAt: long},
		{ID: "pat", Name: "Pat", JoinedAt: long},
	} {
		s.members[m.ID] = m
	}
	ns := s.ns()
	for _, m := range []string{"alice", "carol", "oscar", "pat"} {
		ns.last[m] = t0
	}
	ns.last["bob"] = now.Add(-time.Hour)
	ns.weeks["bob"] = []bot.WeekCounts{{Messages: 1}}
	ns.prefs["oscar"] = bot.MemberPrefs{NudgesOff: true}
	chat.unreachable = map[string]bool{"pat": true}
	return b, s, chat, now
}

func TestNudgeRunInvitesOnlyQuietMembersOnce(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newNudgeBot(t)
	if r := carolSays(b, "nudge settings mode=auto"); !strings.Contains(r.Text, "mode=auto") {
		t.Fatalf("settings: %+v", r)
	}
	r := carolSays(b, "nudge run")
	if !strings.Contains(r.Text, "Nudged Alice; could not reach Pat (DMs closed)") ||
		!strings.Contains(r.Text, "Left out: 1 facilitator, 1 new, 1 opted out") {
		t.Fatalf("first run: %q", r.Text)
	}
	dms := chat.dmsTo("alice")
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "Hi Alice") || len(dms[0].Buttons) != 3 || dms[0].Buttons[0].Label != "I'm still here" {
		t.Fatalf("alice's nudge: %+v", dms)
	}
	for _, m := range []string{"bob", "carol", "robot", "nina", "oscar"} {
		if len(chat.dmsTo(m)) != 0 {
			t.Errorf("%s was nudged", m)
		}
	}
	if pr := s.ns().prefs["pat"]; pr.UnreachableSince.IsZero() {
		t.Error("pat's closed DMs are not remembered")
	}
	r = carolSays(b, "nudge run")
	if !strings.Contains(r.Text, "Nobody to nudge") || !strings.Contains(r.Text, "1 nudged recently") || !strings.Contains(r.Text, "1 unreachable by DM") {
		t.Fatalf("second run: %q", r.Text)
	}
	if len(chat.dmsTo("alice")) != 1 {
		t.Fatal("the second run nudged alice again")
	}

	// "I'm still here" is participation.
	nudge := dms[0].Buttons[0]
	reply := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", MemberName: "Alice", ActionID: nudge.ActionID, Value: nudge.Value, At: t0.Add(20*24*time.Hour + time.Hour)})
	if reply.Code != "" || !strings.Contains(reply.Text, "Lovely") {
		t.Fatalf("still here: %+v", reply)
	}
	if e, ok := s.events["still_here:1"]; !ok || e.Kind != bot.KindStillHere || e.Member != "alice" || !e.Kind.Activity() {
		t.Fatalf("events: %+v", s.events)
	}
	if n := s.ns().nudges[0]; n.Response != bot.NudgeHere {
		t.Errorf("nudge: %+v", n)
	}
	if r := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "bob", ActionID: nudge.ActionID, Value: nudge.Value}); r.Code != bot.EForbidden {
		t.Errorf("bob answering alice's nudge: %+v", r)
	}
}

func TestNudgesWaitForTheEndOfQuietHours(t *testing.T) {
	ctx := context.Background()
	b, s, chat, now := newNudgeBot(t)
	alice := s.members["alice"]
	alice.TZ = "Asia/Tokyo" // 09:00 UTC is 18:00 in Tokyo: fine; make quiet hours 17-8 to catch it
	s.members["alice"] = alice
	carolSays(b, "nudge settings mode=auto quiet=17-8")
	r := carolSays(b, "nudge run")
	if !strings.Contains(r.Text, "Alice (Mon Nov 23 08:00 JST) after their quiet hours end") {
		t.Fatalf("run: %q", r.Text)
	}
	if len(chat.dmsTo("alice")) != 0 {
		t.Fatal("alice was nudged in her quiet hours")
	}
	var send bot.Schedule
	for _, sc := range s.schedules {
		if sc.Kind == bot.ScheduleNudgeSend {
			send = sc
		}
	}
	if send.Spec != "once 2026-11-22T23:00:00Z" || send.Payload != "1" {
		t.Fatalf("send schedule: %+v", send)
	}
	if err := b.RunSchedule(ctx, send, now.Add(14*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if dms := chat.dmsTo("alice"); len(dms) != 1 {
		t.Fatalf("alice after her quiet hours: %d DMs", len(dms))
	}
	if err := b.RunSchedule(ctx, send, now.Add(14*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if dms := chat.dmsTo("alice"); len(dms) != 1 {
		t.Fatal("a nudge went twice")
	}
}

func TestNudgeReviewModeNeedsApproval(t *testing.T) {
	ctx := context.Background()
	b, _, chat, now := newNudgeBot(t)
	r := carolSays(b, "nudge run")
	if !strings.Contains(r.Text, "Nudges to approve") || !strings.Contains(r.Text, "• Alice: last active Nov 2 (observing)") || len(r.Buttons) != 1 {
		t.Fatalf("review: %+v", r)
	}
	if len(chat.dmsTo("alice")) != 0 {
		t.Fatal("review mode sent a nudge unapproved")
	}
	if r := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "bob", ActionID: r.Buttons[0].ActionID, At: now}); r.Code != bot.EForbidden {
		t.Fatalf("a member approving: %+v", r)
	}
	a := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "carol", ActionID: r.Buttons[0].ActionID, At: now})
	if !strings.Contains(a.Text, "Nudged Alice") || len(chat.dmsTo("alice")) != 1 {
		t.Fatalf("approve: %+v", a)
	}
}

func TestNudgesStopAfterUnansweredOnes(t *testing.T) {
	b, s, chat, now := newNudgeBot(t)
	carolSays(b, "nudge settings mode=auto max=2 cooldown=1d")
	for i := range 4 {
		at := now.Add(time.Duration(i) * 2 * 24 * time.Hour)
		b.HandleCommand(context.Background(), bot.Command{Community: "shell:local", Channel: "general", Member: "carol", Text: "nudge run", At: at})
	}
	if got := len(chat.dmsTo("alice")); got != 2 {
		t.Fatalf("alice got %d nudges; want 2, then none while she does not answer", got)
	}
	_ = s
}

func TestNudgeAnswersPauseAndStop(t *testing.T) {
	ctx := context.Background()
	b, s, chat, now := newNudgeBot(t)
	carolSays(b, "nudge settings mode=auto")
	carolSays(b, "nudge run")
	btn := chat.dmsTo("alice")[0].Buttons
	r := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: btn[1].ActionID, Value: btn[1].Value, At: now})
	if !strings.Contains(r.Text, "no nudges until Dec 22") || !s.ns().prefs["alice"].PausedUntil.Equal(now.Add(30*24*time.Hour)) {
		t.Fatalf("pause: %+v %+v", r, s.ns().prefs["alice"])
	}
	b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: btn[2].ActionID, Value: btn[2].Value, At: now})
	if !s.ns().prefs["alice"].NudgesOff {
		t.Fatal("no more nudges is not kept")
	}
	r = b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "alice", Text: "nudges on"})
	if !strings.Contains(r.Text, "Nudges are on") || s.ns().prefs["alice"].NudgesOff || !s.ns().prefs["alice"].PausedUntil.IsZero() {
		t.Fatalf("nudges on: %+v %+v", r, s.ns().prefs["alice"])
	}
}

func TestQuietCommand(t *testing.T) {
	b, s, _, now := newNudgeBot(t)
	on := bot.WeekCounts{Messages: 1}
	s.members["dave"] = bot.Member{ID: "dave", Name: "Dave", JoinedAt: t0.Add(-90 * 24 * time.Hour)}
	s.ns().weeks["dave"] = []bot.WeekCounts{on, on, on, on, {}, on, {}, {}}
	s.ns().last["dave"] = now.Add(-15 * 24 * time.Hour)
	r := carolSays(b, "quiet")
	for _, want := range []string{
		"Quiet for 14 days or more** (5)", "• Alice: last active Nov 2 (observing)",
		"Drifting away** (active most weeks, silent the last two) (1)\n• Dave: last active Nov 7",
		"Newcomers who have not taken part yet** (1)\n• Nina, joined Nov 19",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("quiet lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "Robot") || strings.Contains(r.Text, "Bob") {
		t.Errorf("quiet lists a bot or an active member:\n%s", r.Text)
	}
	if r := carolSays(b, "quiet 30"); !strings.Contains(r.Text, "Quiet for 30 days or more** (0)") {
		t.Errorf("quiet 30:\n%s", r.Text)
	}
}

func TestForgetMeNeedsConfirmation(t *testing.T) {
	ctx := context.Background()
	b, s, _, now := newNudgeBot(t)
	s.events["m1"] = bot.Event{Kind: bot.KindMessage, Community: "shell:local", Member: "alice", At: t0, Key: "m1"}
	r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "alice", Text: "forget me", At: now})
	if len(r.Buttons) != 1 || r.Buttons[0].Style != bot.StyleDanger || len(s.ns().forgot) != 0 {
		t.Fatalf("forget me erased before confirming: %+v", r)
	}
	if r := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "bob", ActionID: r.Buttons[0].ActionID, Value: r.Buttons[0].Value}); r.Code != bot.EForbidden || len(s.ns().forgot) != 0 {
		t.Fatalf("bob pressing alice's button: %+v", r)
	}
	done := b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: r.Buttons[0].ActionID, Value: r.Buttons[0].Value})
	if !strings.Contains(done.Text, "erased") || strings.Join(s.ns().forgot, ",") != "alice" || len(s.events) != 0 {
		t.Fatalf("confirm: %+v, forgot %v, events %v", done, s.ns().forgot, s.events)
	}
}

func TestReportLevels(t *testing.T) {
	b, s, _, _ := newNudgeBot(t)
	lead := []bot.WeekCounts{{Messages: 1, Replies: 1}, {Messages: 1}, {Replies: 1}, {}}
	s.ns().weeks["bob"] = append(lead, lead...) // leading now and a month before
	s.ns().weeks["alice"] = []bot.WeekCounts{{Reactions: 1}, {}, {}, {}, {}, {}, {}, {}}
	r := carolSays(b, "report 7d")
	if !strings.Contains(r.Text, "**Levels** (last 4 weeks) 1 leading") {
		t.Fatalf("report:\n%s", r.Text)
	}
	_ = s
}
