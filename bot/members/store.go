package members

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what members needs from storage.
type Store interface {
	NudgeStore
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	AllPrefs(ctx context.Context, community string) (map[string]bot.MemberPrefs, error)
	MemberActivity(ctx context.Context, community string, member string) (bot.MemberActivity, error)
	MemberWeeks(ctx context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error)
	Prefs(ctx context.Context, community string, member string) (bot.MemberPrefs, error)
	PromptPosts(ctx context.Context, community string) ([]bot.PromptPost, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	SetPrefs(ctx context.Context, community string, member string, p bot.MemberPrefs) error
	SetSetting(ctx context.Context, community string, key string, value string) error
	Setting(ctx context.Context, community string, key string) (string, error)
}

// bot.NudgeStore keeps nudges and members' nudge preferences.
type NudgeStore interface {
	// AddNudge stores a nudge and returns its id.
	AddNudge(ctx context.Context, n Nudge) (int64, error)
	// bot.Nudge returns one nudge of a community, or ErrNotFound.
	Nudge(ctx context.Context, community string, id int64) (Nudge, error)
	// UpdateNudge sets a nudge's Status, SentAt, Response, RespondedAt and
	// ApprovedBy.
	UpdateNudge(ctx context.Context, n Nudge) error
	// MemberNudges lists a member's nudges, newest first (by QueuedAt, then
	// id), at most limit (0: all).
	MemberNudges(ctx context.Context, community, member string, limit int) ([]Nudge, error)
	// SentNudges counts each member's nudges sent (NudgeSent), by member
	// id, in one read: the dashboard's members table shows it for every
	// member. Members never nudged are absent.
	SentNudges(ctx context.Context, community string) (map[string]int, error)
	// QueuedNudges lists a community's queued nudges, and those being
	// sent (NudgeSending), by SendAt.
	QueuedNudges(ctx context.Context, community string) ([]Nudge, error)
	// ClaimNudge moves a nudge from queued to sending, at now, and reports
	// whether this call did: of any number of callers (in any number of
	// processes) exactly one gets true. A nudge sending since
	// NudgeClaimStale before now or earlier is granted again. Another
	// status, an unknown id or another community's gets false.
	ClaimNudge(ctx context.Context, community string, id int64, now time.Time) (bool, error)
}
