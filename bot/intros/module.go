package intros

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Intros is the feature that introduces members: opt-ins, rounds of pairs
// and their follow-up.
type Intros struct {
	core  *bot.Bot
	loc   *time.Location
	log   *slog.Logger
	store Store
}

var _ bot.Module = (*Intros)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Intros {
	return &Intros{core: core, loc: core.Location(), log: core.Log(), store: store}
}

// Name names the feature.
func (b *Intros) Name() string { return "intros" }

// Commands are the intros commands.
func (b *Intros) Commands() []bot.CommandSpec { return bot.WithOrder(140, b.introCommands()) }

// Actions are the follow-up's answer buttons.
func (b *Intros) Actions() map[string]bot.ActionFunc {
	return map[string]bot.ActionFunc{ActionIntroAnswer: b.actIntroAnswer}
}

// Jobs make rounds on a schedule and follow them up. A round late by a few
// hours still connects people; its follow-up is owed however late.
func (b *Intros) Jobs() []bot.Job {
	return []bot.Job{
		{Kind: ScheduleIntros, Grace: 6 * time.Hour, Run: b.runScheduledIntros,
			Describe: func(bot.Schedule, string) string { return "intro rounds" }},
		{Kind: ScheduleIntrosFollowUp, Grace: 400 * 24 * time.Hour, OneShot: true,
			Run: func(ctx context.Context, s bot.Schedule, at time.Time) error {
				return b.followUpIntros(ctx, s.Community, bot.PayloadID(s), at)
			},
			Describe: func(s bot.Schedule, _ string) string { return "follow-up of intro round #" + s.Payload }},
	}
}

var _ bot.ReportFiller = (*Intros)(nil)

// FillReport counts the period's intros.
func (b *Intros) FillReport(ctx context.Context, q bot.ReportQuery, rep *bot.Report) (err error) {
	if rep.Intros, err = b.store.IntroCounts(ctx, q.Community, q.From, q.To); err != nil {
		return fmt.Errorf("intros %s: %w", q.Community, err)
	}
	return nil
}
