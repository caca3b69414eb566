package checkins

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what checkins needs from storage.
type Store interface {
	CheckinStore
	bot.DeliveryStore
	SurveyStore
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	Member(ctx context.Context, community string, id string) (bot.Member, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedule(ctx context.Context, community string, id int64) (bot.Schedule, error)
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	Setting(ctx context.Context, community string, key string) (string, error)
}

// bot.CheckinStore keeps check-in runs, their recipients and answers.
//
// Answers are keyed by respondent: the member id for attributed runs, an
// opaque token for anonymous ones (the core derives it from the run's Salt).
type CheckinStore interface {
	// CreateRun stores a run with its recipients, all RecipientPending,
	// and returns the run's id.
	CreateRun(ctx context.Context, r CheckinRun, recipients []string) (int64, error)
	// bot.CheckinRun returns one run of a community, or ErrNotFound.
	CheckinRun(ctx context.Context, community string, id int64) (CheckinRun, error)
	// CheckinRuns lists a community's runs matching q, newest first.
	CheckinRuns(ctx context.Context, community string, q RunQuery) ([]CheckinRun, error)
	// OpenRunsFor lists the runs not closed yet that list member as a
	// recipient, newest first.
	OpenRunsFor(ctx context.Context, community, member string) ([]CheckinRun, error)
	// Recipients lists a run's recipients in the order they were added.
	Recipients(ctx context.Context, run int64) ([]Recipient, error)
	// SetRecipient adds r to a run's recipients or updates its Status,
	// SentAt and Awaiting.
	SetRecipient(ctx context.Context, run int64, r Recipient) error
	// ClaimRecipient moves a recipient from pending to sending and reports
	// whether this call did: only the claimer sends, so nobody gets a
	// check-in twice.
	ClaimRecipient(ctx context.Context, run int64, member string) (bool, error)
	// SaveAnswers sets a respondent's answers to the questions named in
	// answers, in one transaction; an empty value removes that answer.
	SaveAnswers(ctx context.Context, run int64, respondent string, answers map[string]string) error
	// Answers returns a run's answers ordered by respondent, then question id.
	Answers(ctx context.Context, run int64) ([]SurveyAnswer, error)
	// RespondentAnswers returns one respondent's answers to a run, by
	// question id (empty when none): what a click reads, without the run's
	// other answers.
	RespondentAnswers(ctx context.Context, run int64, respondent string) (map[string]string, error)
	// MarkReminded records when a run's reminder went out.
	MarkReminded(ctx context.Context, run int64, at time.Time) error
	// CloseRun closes a run at at and forgets its salt. It reports false
	// when the run was closed already.
	CloseRun(ctx context.Context, run int64, at time.Time) (bool, error)
	// ActiveMembers lists a community's members who have not left, bots
	// included (IsBot set), ordered by name.
	ActiveMembers(ctx context.Context, community string) ([]bot.Member, error)
	// ChannelMembers lists the members (not left, not bots) with activity
	// in channel at or after since, ordered by name.
	ChannelMembers(ctx context.Context, community, channel string, since time.Time) ([]bot.Member, error)
}

// bot.SurveyStore keeps the surveys a community imported; the templates are
// built in.
type SurveyStore interface {
	// SaveSurvey stores or replaces a survey by name.
	SaveSurvey(ctx context.Context, community string, s Survey, at time.Time) error
	// Surveys returns the community's stored surveys, by name.
	Surveys(ctx context.Context, community string) ([]Survey, error)
}
