package checkins

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what checkins needs from storage.
type Store interface {
	ActiveMembers(ctx context.Context, community string) ([]bot.Member, error)
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	Answers(ctx context.Context, run int64) ([]bot.SurveyAnswer, error)
	ChannelMembers(ctx context.Context, community string, channel string, since time.Time) ([]bot.Member, error)
	CheckinRun(ctx context.Context, community string, id int64) (bot.CheckinRun, error)
	CheckinRuns(ctx context.Context, community string, q bot.RunQuery) ([]bot.CheckinRun, error)
	ClaimRecipient(ctx context.Context, run int64, member string) (bool, error)
	CloseRun(ctx context.Context, run int64, at time.Time) (bool, error)
	CreateRun(ctx context.Context, r bot.CheckinRun, recipients []string) (int64, error)
	MarkReminded(ctx context.Context, run int64, at time.Time) error
	Member(ctx context.Context, community string, id string) (bot.Member, error)
	OpenRunsFor(ctx context.Context, community string, member string) ([]bot.CheckinRun, error)
	Recipients(ctx context.Context, run int64) ([]bot.Recipient, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	RespondentAnswers(ctx context.Context, run int64, respondent string) (map[string]string, error)
	SaveAnswers(ctx context.Context, run int64, respondent string, answers map[string]string) error
	Schedule(ctx context.Context, community string, id int64) (bot.Schedule, error)
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	SetRecipient(ctx context.Context, run int64, r bot.Recipient) error
	Setting(ctx context.Context, community string, key string) (string, error)
	Surveys(ctx context.Context, community string) ([]bot.Survey, error)
}
