package members

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Members is the feature that looks after members: who went quiet, levels,
// nudges, and what members see and erase of their own data.
type Members struct {
	core       *bot.Bot
	loc        *time.Location
	log        *slog.Logger
	quietAfter time.Duration
	store      Store
}

var _ bot.Module = (*Members)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Members {
	return &Members{core: core, loc: core.Location(), log: core.Log(), quietAfter: core.QuietAfter(), store: store}
}

// Name names the feature.
func (b *Members) Name() string { return "members" }

// Commands are /hearth me and the commands about quiet members, nudges and
// members' data.
func (b *Members) Commands() []bot.CommandSpec {
	me := bot.CommandSpec{Path: []string{"me"}, Summary: "What Hearth has recorded about your participation", Run: b.cmdMe, Order: 30}
	return append([]bot.CommandSpec{me}, bot.WithOrder(90, b.memberCommands())...)
}

// Actions are the nudge's buttons and forget me's confirmation.
func (b *Members) Actions() map[string]bot.ActionFunc {
	return map[string]bot.ActionFunc{ActionNudgeHere: b.actNudgeHere, ActionNudgePause: b.actNudgePause, ActionNudgeStop: b.actNudgeStop,
		ActionNudgeApprove: b.actNudgeApprove, ActionForgetConfirm: b.actForgetConfirm}
}

// Jobs apply the nudge policy on a rhythm and send a nudge queued until
// the member's quiet hours end.
func (b *Members) Jobs() []bot.Job {
	return []bot.Job{
		{Kind: ScheduleNudge, Grace: 6 * time.Hour, Run: b.runScheduledNudges,
			Describe: func(bot.Schedule, string) string { return "nudges for quiet members" }},
		{Kind: ScheduleNudgeSend, Grace: nudgeSendGrace, OneShot: true,
			Run: func(ctx context.Context, s bot.Schedule, at time.Time) error {
				_, err := b.sendNudge(ctx, s.Community, bot.PayloadID(s), at)
				if errors.Is(err, bot.ErrNotFound) {
					return nil
				}
				return err
			},
			Describe: func(s bot.Schedule, _ string) string {
				return "nudge #" + s.Payload + " to send (after quiet hours, or again after a send cut short)"
			}},
	}
}
