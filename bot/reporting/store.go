package reporting

import (
	"context"

	"github.com/hearth-community/hearth/bot"
)

// Store is what reporting needs from storage.
type Store interface {
	ImpactSource

	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	SetSetting(ctx context.Context, community string, key string, value string) error
	Setting(ctx context.Context, community string, key string) (string, error)
}
