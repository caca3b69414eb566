package intros

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what intros needs from storage.
type Store interface {
	IntroCounts(ctx context.Context, community string, from, to time.Time) (bot.IntroCounts, error)
	ActiveChannels(ctx context.Context, community string, members []string, since time.Time) (map[string][]bot.Channel, error)
	AddIntroRound(ctx context.Context, r bot.IntroRound) (bot.IntroRound, error)
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	AllPrefs(ctx context.Context, community string) (map[string]bot.MemberPrefs, error)
	AnswerIntro(ctx context.Context, community string, group int64, member string, a bot.IntroAnswer, at time.Time) error
	IntroOptIns(ctx context.Context, community string) ([]bot.IntroOptIn, error)
	IntroRound(ctx context.Context, community string, id int64) (bot.IntroRound, error)
	IntroRounds(ctx context.Context, community string, limit int) ([]bot.IntroRound, error)
	MarkIntroFollowedUp(ctx context.Context, community string, round int64, at time.Time) (bool, error)
	Member(ctx context.Context, community string, id string) (bot.Member, error)
	MemberWeeks(ctx context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error)
	Prefs(ctx context.Context, community string, member string) (bot.MemberPrefs, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	SetIntroOptIn(ctx context.Context, community string, member string, on bool, at time.Time) error
	SetPrefs(ctx context.Context, community string, member string, p bot.MemberPrefs) error
	Setting(ctx context.Context, community string, key string) (string, error)
}
