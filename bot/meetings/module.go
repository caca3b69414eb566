package meetings

import (
	"context"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Meetings is the feature that runs events: announcements, RSVPs,
// reminders, attendance and feedback.
type Meetings struct {
	core  *bot.Bot
	clock bot.Clock
	loc   *time.Location
	log   *slog.Logger
	store Store
}

var _ bot.Module = (*Meetings)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Meetings {
	return &Meetings{core: core, clock: core.Clock(), loc: core.Location(), log: core.Log(), store: store}
}

// Name names the feature.
func (b *Meetings) Name() string { return "meetings" }

// Commands are the event commands.
func (b *Meetings) Commands() []bot.CommandSpec { return bot.WithOrder(130, b.eventCommands()) }

// Actions are the event's RSVP and attendance buttons.
func (b *Meetings) Actions() map[string]bot.ActionFunc {
	return map[string]bot.ActionFunc{ActionEventRSVP: b.actEventRSVP, ActionEventAttended: b.actEventAttended}
}

// Jobs announce, remind, end and follow up events. A late series firing
// still announces the next occurrence; a reminder is also skipped once the
// event has started.
func (b *Meetings) Jobs() []bot.Job {
	return []bot.Job{
		{Kind: ScheduleEvent, Grace: 400 * 24 * time.Hour, Run: b.runEventSchedule},
		{Kind: ScheduleEventRemind, Grace: 2 * time.Hour, Run: b.runEventSchedule},
		{Kind: ScheduleEventEnd, Grace: 24 * time.Hour, Run: b.runEventSchedule},
		{Kind: ScheduleEventFeedback, Grace: 24 * time.Hour, Run: b.runEventSchedule},
	}
}

var _ bot.ReportFiller = (*Meetings)(nil)

// FillReport lists the events held in the period.
func (b *Meetings) FillReport(ctx context.Context, q bot.ReportQuery, rep *bot.Report) error {
	return b.fillEvents(ctx, rep, q.Channel)
}
