package checkins

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Checkins is the feature that runs check-in surveys: runs, answers,
// reminders and results.
type Checkins struct {
	core    *bot.Bot
	charter bot.ChartDrawer
	clock   bot.Clock
	loc     *time.Location
	log     *slog.Logger
	store   Store
}

var _ bot.Module = (*Checkins)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Checkins {
	return &Checkins{core: core, charter: core.Charts(), clock: core.Clock(), loc: core.Location(), log: core.Log(), store: store}
}

// Name names the feature.
func (b *Checkins) Name() string { return "checkins" }

// Commands are the check-in commands.
func (b *Checkins) Commands() []bot.CommandSpec { return bot.WithOrder(80, b.checkinCommands()) }

// Actions are the check-in's buttons and form.
func (b *Checkins) Actions() map[string]bot.ActionFunc {
	return map[string]bot.ActionFunc{ActionCheckinAnswer: b.actCheckinAnswer, ActionCheckinWrite: b.actCheckinWrite, FormCheckin: b.actCheckinForm}
}

// Jobs start scheduled runs, remind and close them. A reminder late by
// more than its grace is pointless (the job also checks the run is still
// open); a run always closes, however late: its results are owed.
func (b *Checkins) Jobs() []bot.Job {
	return []bot.Job{
		{Kind: ScheduleCheckin, Grace: 6 * time.Hour, Run: b.runScheduledCheckin,
			Describe: func(s bot.Schedule, where string) string {
				var p CheckinPayload
				_ = json.Unmarshal([]byte(s.Payload), &p)
				return "check-in " + p.Survey + where
			}},
		{Kind: ScheduleCheckinRemind, Grace: 6 * time.Hour,
			Run: func(ctx context.Context, s bot.Schedule, at time.Time) error {
				return b.remindRun(ctx, s.Community, bot.PayloadID(s), at)
			},
			Describe: func(s bot.Schedule, _ string) string { return "reminder of check-in #" + s.Payload }},
		{Kind: ScheduleCheckinClose, Grace: 400 * 24 * time.Hour,
			Run: func(ctx context.Context, s bot.Schedule, at time.Time) error {
				_, _, _, err := b.closeRun(ctx, s.Community, bot.PayloadID(s), at)
				if errors.Is(err, bot.ErrNotFound) {
					return nil
				}
				return err
			},
			Describe: func(s bot.Schedule, _ string) string { return "close of check-in #" + s.Payload }},
	}
}

var (
	_ bot.DMReader        = (*Checkins)(nil)
	_ bot.MemberForgetter = (*Checkins)(nil)
	_ bot.SurveyLauncher  = (*Checkins)(nil)
	_ bot.OpenCheckins    = (*Checkins)(nil)
)

// ReadDM takes a DM as the answer to the written question Hearth asked.
func (b *Checkins) ReadDM(ctx context.Context, e bot.Event) (string, error) {
	return b.answerByDM(ctx, e)
}

// ForgetMember blanks the member's answers to open anonymous runs.
func (b *Checkins) ForgetMember(ctx context.Context, community, member string) error {
	return b.forgetAnonymousAnswers(ctx, community, member)
}

// LaunchSurvey starts a run by DM to a list of members.
func (b *Checkins) LaunchSurvey(ctx context.Context, l bot.SurveyLaunch) (int64, int, int, error) {
	return b.launchSurvey(ctx, l)
}

// RunSummary says how a run went: reached, answered, and the mean of its
// first scale question, as Publishable shows it (nil for an anonymous run
// open or below its minimum).
func (b *Checkins) RunSummary(ctx context.Context, community string, id int64) (bot.RunSummary, error) {
	r, err := b.store.CheckinRun(ctx, community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.RunSummary{}, bot.Errorf(bot.ENotFound, "There is no check-in #%d.", id)
	} else if err != nil {
		return bot.RunSummary{}, err
	}
	res, err := RunResults(ctx, b.store, r)
	if err != nil {
		return bot.RunSummary{}, err
	}
	sum := bot.RunSummary{Delivered: res.Delivered, Respondents: res.Respondents}
	for _, q := range res.Questions {
		if q.Kind == QuestionScale {
			sum.Mean = q.Mean
			break
		}
	}
	return sum, nil
}

// OpenCheckinsFor lists the runs the member may still answer.
func (b *Checkins) OpenCheckinsFor(ctx context.Context, community, member string) ([]bot.OpenCheckin, error) {
	runs, err := b.store.OpenRunsFor(ctx, community, member)
	if err != nil {
		return nil, err
	}
	out := make([]bot.OpenCheckin, 0, len(runs))
	for _, r := range runs {
		out = append(out, bot.OpenCheckin{Title: bot.NameOr(r.Survey.Title, r.Survey.Name), ClosesAt: r.ClosesAt})
	}
	return out, nil
}

// questionIDs are the ids of a survey's questions.
func questionIDs(s Survey) []string {
	ids := make([]string, len(s.Questions))
	for i, q := range s.Questions {
		ids[i] = q.ID
	}
	return ids
}
