package intros

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what intros needs from storage.
type Store interface {
	IntroStore
	IntroReporter
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	AllPrefs(ctx context.Context, community string) (map[string]bot.MemberPrefs, error)
	Member(ctx context.Context, community string, id string) (bot.Member, error)
	MemberWeeks(ctx context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error)
	Prefs(ctx context.Context, community string, member string) (bot.MemberPrefs, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	SetPrefs(ctx context.Context, community string, member string, p bot.MemberPrefs) error
	Setting(ctx context.Context, community string, key string) (string, error)
}

// bot.IntroStore keeps intro opt-ins, rounds and answers.
type IntroStore interface {
	// SetIntroOptIn opts a member in (on) or out; opting in again moves
	// IntroOptIn.Since to at. A member not known yet gets a row.
	SetIntroOptIn(ctx context.Context, community, member string, on bool, at time.Time) error
	// IntroOptIns lists the members opted in, by member id.
	IntroOptIns(ctx context.Context, community string) ([]IntroOptIn, error)
	// AddIntroRound stores a round with its groups and returns it with
	// the ids filled in.
	AddIntroRound(ctx context.Context, r IntroRound) (IntroRound, error)
	// bot.IntroRound returns one round of a community with its groups, or ErrNotFound.
	IntroRound(ctx context.Context, community string, id int64) (IntroRound, error)
	// IntroRounds returns a community's latest rounds with their groups,
	// newest first, at most limit.
	IntroRounds(ctx context.Context, community string, limit int) ([]IntroRound, error)
	// MarkIntroFollowedUp records that a round's follow-up went out and
	// reports whether this call did (false: it had gone before).
	MarkIntroFollowedUp(ctx context.Context, community string, round int64, at time.Time) (bool, error)
	// AnswerIntro records a member's answer for a group; ErrNotFound when
	// the member is not in that group of that community.
	AnswerIntro(ctx context.Context, community string, group int64, member string, a IntroAnswer, at time.Time) error
	// bot.IntroCounts computes the report figures for [from, to).
	IntroCounts(ctx context.Context, community string, from, to time.Time) (bot.IntroCounts, error)
	// ActiveChannels returns, for each of members, the channels they were
	// active in at or after since (any order), for "what you have in common".
	ActiveChannels(ctx context.Context, community string, members []string, since time.Time) (map[string][]bot.Channel, error)
}

// bot.IntroReporter is implemented by report sources that count intros;
// BuildReport fills Report.Intros from it.
type IntroReporter interface {
	IntroCounts(ctx context.Context, community string, from, to time.Time) (bot.IntroCounts, error)
}
