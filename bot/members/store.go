package members

import (
	"context"

	"github.com/hearth-community/hearth/bot"
)

// Store is what members needs from storage.
type Store interface {
	AddNudge(ctx context.Context, n bot.Nudge) (int64, error)
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	AllPrefs(ctx context.Context, community string) (map[string]bot.MemberPrefs, error)
	MemberActivity(ctx context.Context, community string, member string) (bot.MemberActivity, error)
	MemberNudges(ctx context.Context, community string, member string, limit int) ([]bot.Nudge, error)
	MemberWeeks(ctx context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error)
	Nudge(ctx context.Context, community string, id int64) (bot.Nudge, error)
	OpenRunsFor(ctx context.Context, community string, member string) ([]bot.CheckinRun, error)
	Prefs(ctx context.Context, community string, member string) (bot.MemberPrefs, error)
	PromptPosts(ctx context.Context, community string) ([]bot.PromptPost, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	SetPrefs(ctx context.Context, community string, member string, p bot.MemberPrefs) error
	SetSetting(ctx context.Context, community string, key string, value string) error
	Setting(ctx context.Context, community string, key string) (string, error)
	UpdateNudge(ctx context.Context, n bot.Nudge) error
}
