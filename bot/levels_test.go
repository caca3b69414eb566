package bot_test

import (
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

func TestLevelOf(t *testing.T) {
	w := func(m, r, re, a int) bot.WeekCounts {
		return bot.WeekCounts{Messages: m, Replies: r, Reactions: re, Answers: a}
	}
	for _, tc := range []struct {
		name  string
		weeks []bot.WeekCounts
		want  members.Level
	}{
		{"nothing", nil, members.LevelObserving},
		{"empty weeks", []bot.WeekCounts{{}, {}, {}, {}}, members.LevelObserving},
		{"reactions only", []bot.WeekCounts{w(0, 0, 3, 0)}, members.LevelParticipating},
		{"check-in answers only", []bot.WeekCounts{w(0, 0, 0, 1)}, members.LevelParticipating},
		{"one reply", []bot.WeekCounts{w(0, 1, 0, 0)}, members.LevelContributing},
		{"leading: 3 weeks, 2 messages, 2 replies", []bot.WeekCounts{w(1, 0, 0, 0), w(1, 1, 0, 0), {}, w(0, 1, 0, 0)}, members.LevelLeading},
		{"busy but in 2 weeks only", []bot.WeekCounts{w(5, 5, 0, 0), w(5, 5, 0, 0), {}, {}}, members.LevelContributing},
		{"regular but never replies", []bot.WeekCounts{w(1, 0, 0, 0), w(1, 0, 0, 0), w(1, 0, 0, 0), w(1, 0, 0, 0)}, members.LevelContributing},
		{"only the last 4 weeks count", []bot.WeekCounts{w(9, 9, 0, 0), w(9, 9, 0, 0), w(9, 9, 0, 0), {}, {}, {}, {}}, members.LevelObserving},
	} {
		if got := members.LevelOf(tc.weeks); got != tc.want {
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
		if got := members.Drifting(tc.weeks); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
