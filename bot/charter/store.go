package charter

import (
	"context"

	"github.com/hearth-community/hearth/bot"
)

// Store is what charter needs from storage.
type Store interface {
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	Member(ctx context.Context, community string, id string) (bot.Member, error)
	Prefs(ctx context.Context, community string, member string) (bot.MemberPrefs, error)
	PromptPosts(ctx context.Context, community string) ([]bot.PromptPost, error)
	SetPrefs(ctx context.Context, community string, member string, p bot.MemberPrefs) error
	SetSetting(ctx context.Context, community string, key string, value string) error
	Setting(ctx context.Context, community string, key string) (string, error)
}
