package charter

import (
	"context"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Charter is the feature that keeps the community's charter and welcomes
// newcomers.
type Charter struct {
	core  *bot.Bot
	clock bot.Clock
	log   *slog.Logger
	store Store
}

var _ bot.Module = (*Charter)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Charter {
	return &Charter{core: core, clock: core.Clock(), log: core.Log(), store: store}
}

// Name names the feature.
func (b *Charter) Name() string { return "charter" }

// Commands are the charter and welcome commands.
func (b *Charter) Commands() []bot.CommandSpec { return bot.WithOrder(100, b.charterCommands()) }

// Jobs send a newcomer's welcome.
func (b *Charter) Jobs() []bot.Job {
	return []bot.Job{{Kind: ScheduleWelcome, Grace: 24 * time.Hour, OneShot: true,
		Run: func(ctx context.Context, s bot.Schedule, at time.Time) error {
			return b.sendWelcome(ctx, s.Community, s.Payload, at)
		},
		Describe: func(bot.Schedule, string) string { return "welcome of a new member" }}}
}

var _ bot.Recorded = (*Charter)(nil)

// Recorded schedules the welcome of members who just joined.
func (b *Charter) Recorded(ctx context.Context, events []bot.Event) error {
	return b.scheduleWelcomes(ctx, events)
}
