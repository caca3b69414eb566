package pilot

import (
	"context"

	"github.com/hearth-community/hearth/bot"
)

// Store is what the pilot needs from storage: its setting, and the figures
// that compare it with the time since launch.
type Store interface {
	bot.Reporter
	SetSetting(ctx context.Context, community string, key string, value string) error
}
