package bot_test

import (
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
