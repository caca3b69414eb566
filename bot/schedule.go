package bot

import (
	"context"
	"time"
)

// ScheduleKind says what a schedule does when it falls due.
type ScheduleKind string

// OnceSpec is the spec of a schedule that falls due once, at t:
// "once 2026-12-01T09:00:00Z". SpecParser implementations read it.
func OnceSpec(t time.Time) string { return "once " + t.UTC().Format(time.RFC3339) }

// Schedule is a rhythm a facilitator set: what to do, when, and where.
type Schedule struct {
	ID        int64
	Community string
	Kind      ScheduleKind
	Spec      string // as typed: "every monday at 9:00", "0 9 * * MON", "@weekly"
	TZ        string // IANA zone the spec is read in; "" means the community's
	Channel   string // where posts go (channel id)
	// Payload is kind-specific: a prompt's text, or "deck" for the prompt deck.
	Payload   string
	Paused    bool
	CreatedBy string
	CreatedAt time.Time
}

// Firing is one (schedule, intended time) that was claimed: run, skipped
// because it was missed beyond the grace window, or failed.
type Firing struct {
	Schedule int64
	At       time.Time // the intended time
	Status   FiringStatus
	// Missed counts the intended times a skip stands for (a long outage
	// skips many firings of a frequent schedule; one row records them).
	Missed int
	RanAt  time.Time
	Error  string // for failed firings: the internal error, for the operator
}

// FiringStatus is what became of a claimed firing.
type FiringStatus string

// Firing statuses.
const (
	Fired   FiringStatus = "fired"
	Skipped FiringStatus = "skipped"
	Failed  FiringStatus = "failed"
)

// ScheduleStore keeps schedules and their firings. Claiming a firing is the
// exactly-once guarantee: (schedule, intended time) is unique, so two
// processes, or one process restarted, never run the same firing twice.
type ScheduleStore interface {
	AddSchedule(ctx context.Context, s Schedule) (int64, error)
	// Schedule returns one schedule of a community, or ErrNotFound.
	Schedule(ctx context.Context, community string, id int64) (Schedule, error)
	// Schedules lists a community's schedules; community "" lists all.
	Schedules(ctx context.Context, community string) ([]Schedule, error)
	SetSchedulePaused(ctx context.Context, community string, id int64, paused bool) error
	// RemoveSchedule deletes a schedule and its firings, or returns ErrNotFound.
	RemoveSchedule(ctx context.Context, community string, id int64) error
	// ClaimFiring records f and reports whether this call claimed it; false
	// means the firing was claimed before and must not run again.
	ClaimFiring(ctx context.Context, f Firing) (bool, error)
	// FinishFiring updates a claimed firing's status and error.
	FinishFiring(ctx context.Context, f Firing) error
	// LastFiring returns the schedule's latest claimed firing, or ErrNotFound.
	LastFiring(ctx context.Context, schedule int64) (Firing, error)
	// LastFirings returns, in one read, the intended time of every
	// schedule's latest claimed firing, by schedule id; schedules never
	// fired are absent. The runner's pass reads it once, so several
	// instances polling one database cost two queries a pass each, not one
	// per schedule.
	LastFirings(ctx context.Context) (map[int64]time.Time, error)
	// RecentFirings returns up to n of the schedule's latest firings, newest first.
	RecentFirings(ctx context.Context, schedule int64, n int) ([]Firing, error)
}

// Spec is a parsed schedule specification.
type Spec interface {
	// Next returns the first time strictly after t that the spec names, or
	// the zero time if there is none.
	Next(t time.Time) time.Time
}

// SpecParser reads schedule specifications. The schedules package
// implements it (cron syntax through robfig/cron, plus the phrases
// facilitators type); a bad spec is an *Error whose message has examples.
type SpecParser interface {
	ParseSpec(spec string, loc *time.Location) (Spec, error)
}

// JobRunner runs a schedule's work when it falls due. *Bot implements it.
type JobRunner interface {
	RunSchedule(ctx context.Context, s Schedule, at time.Time) error
}
