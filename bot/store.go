package bot

import (
	"context"
	"time"
)

// Store is what the kernel needs from storage: participation, the
// directory, facilitators, reports, schedules, settings, the prompts Hearth
// posted, and members' data. Each feature declares its own store interface
// beside it; store.DB implements them all (bot/features.Store is the sum).
// Every SQL dialect detail stays behind them, so another database can slot
// in without touching the core.
type Store interface {
	Recorder
	DirectoryStore
	FacilitatorStore
	Reporter
	MemberWeeksSource
	ScheduleStore
	SettingsStore
	PromptPostStore
	PrivacyStore
}

// Recorder records participation.
type Recorder interface {
	// Record stores events, ignoring any whose Key was recorded before, and
	// applies retractions. It creates the community, member and channel rows
	// the events mention. It returns how many events were newly recorded or
	// retracted. Events from bots must not be passed in.
	Record(ctx context.Context, events ...Event) (int, error)
}

// DirectoryStore keeps communities, members and channels.
type DirectoryStore interface {
	// SaveDirectory upserts what an adapter learned about members and channels.
	SaveDirectory(ctx context.Context, d Directory) error
	// Member returns one member by platform id, or ErrNotFound.
	Member(ctx context.Context, community, id string) (Member, error)
	// FindMembers returns members whose name matches name (case-insensitive,
	// exact first), for resolving "@name" in commands.
	FindMembers(ctx context.Context, community, name string) ([]Member, error)
	// Channel returns one channel by platform id, or ErrNotFound.
	Channel(ctx context.Context, community, id string) (Channel, error)
	// FindChannel returns the channel with that name (without '#'), or ErrNotFound.
	FindChannel(ctx context.Context, community, name string) (Channel, error)
	// Communities lists the communities in the database.
	Communities(ctx context.Context) ([]Community, error)
}

// FacilitatorStore keeps the facilitators added from chat. Facilitators from
// configuration and platform admins are not stored.
type FacilitatorStore interface {
	AddFacilitator(ctx context.Context, community, member, addedBy string, at time.Time) error
	// RemoveFacilitator returns ErrNotFound if member was not a stored facilitator.
	RemoveFacilitator(ctx context.Context, community, member string) error
	Facilitators(ctx context.Context, community string) ([]Member, error)
	IsFacilitator(ctx context.Context, community, member string) (bool, error)
}

// Reporter computes reports with aggregate queries.
type Reporter interface {
	// Report computes every figure of a report except Previous, which the
	// core fills with a second call for the period before.
	Report(ctx context.Context, q ReportQuery) (Report, error)
	// MemberActivity summarises one member's recorded participation.
	MemberActivity(ctx context.Context, community, member string) (MemberActivity, error)
	// Newcomers lists members who joined (or were first seen) in [from, to),
	// with how many messages and replies they posted before to, oldest first.
	Newcomers(ctx context.Context, community string, from, to time.Time) ([]Newcomer, error)
}

// Newcomer is a member who joined recently.
type Newcomer struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	JoinedAt time.Time `json:"joined_at"`
	Posts    int       `json:"posts"` // messages and replies so far
}

// ReportQuery selects what a report covers.
type ReportQuery struct {
	Community string
	From, To  time.Time // [From, To)
	// Channel, when set, restricts activity figures (active members,
	// activity, tiers, channels, contributors, unanswered) to that channel id.
	// Member counts (total, new, quiet) stay community-wide.
	Channel string
	// QuietAfter is how long without activity makes a member quiet (default 14 days).
	QuietAfter time.Duration
	// SummaryOnly asks for Members and Activity only (used for Previous and
	// the digest's weekly chart).
	SummaryOnly bool
}

// MemberActivity is what Hearth keeps about one member.
type MemberActivity struct {
	Member     Member
	FirstSeen  time.Time
	LastActive time.Time // zero if never active
	Counts     map[EventKind]int
}
