package reporting

import (
	"context"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Reporting is the feature that builds reports, the weekly digest and the
// impact report.
type Reporting struct {
	core       *bot.Bot
	charter    bot.ChartDrawer
	loc        *time.Location
	log        *slog.Logger
	quietAfter time.Duration
	store      Store
}

var _ bot.Module = (*Reporting)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Reporting {
	return &Reporting{core: core, charter: core.Charts(), loc: core.Location(), log: core.Log(), quietAfter: core.QuietAfter(), store: store}
}

// Name names the feature.
func (b *Reporting) Name() string { return "reporting" }

// Commands are the report and digest commands.
func (b *Reporting) Commands() []bot.CommandSpec {
	period := bot.Arg{Name: "period", Kind: bot.ArgPeriod, Help: "how far back: 7d, 30d, 90d or YYYY-MM-DD..YYYY-MM-DD", Choices: []string{"7d", "30d", "90d"}}
	channel := bot.Arg{Name: "channel", Kind: bot.ArgChannel, Help: "only this channel"}
	report := bot.CommandSpec{Path: []string{"report"}, Summary: "Participation report for a period and optionally one channel",
		Args: []bot.Arg{period, channel}, Facilitator: true, Run: b.cmdReport, Order: 20}
	return append([]bot.CommandSpec{report}, bot.WithOrder(70, b.digestCommands())...)
}

// Actions are the report's period buttons.
func (b *Reporting) Actions() map[string]bot.ActionFunc {
	return map[string]bot.ActionFunc{ActionReport: b.actReport}
}

// Jobs post the weekly digest.
func (b *Reporting) Jobs() []bot.Job {
	return []bot.Job{{Kind: ScheduleDigest, Grace: 24 * time.Hour,
		Run: func(ctx context.Context, s bot.Schedule, at time.Time) error {
			return b.postDigest(ctx, s.Community, at)
		},
		Describe: func(bot.Schedule, string) string { return "weekly digest" }}}
}
