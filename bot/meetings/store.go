package meetings

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what meetings needs from storage.
type Store interface {
	EventStore
	bot.DeliveryStore
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
}

// bot.EventStore keeps events and their RSVPs.
type EventStore interface {
	// AddEvent stores an event and returns its id.
	AddEvent(ctx context.Context, e CommunityEvent) (int64, error)
	// bot.CommunityEvent returns one event, or ErrNotFound.
	CommunityEvent(ctx context.Context, community string, id int64) (CommunityEvent, error)
	// CommunityEvents lists matching events by start, then id.
	CommunityEvents(ctx context.Context, community string, q EventQuery) ([]CommunityEvent, error)
	// UpdateEvent stores an event's Message, External, CancelledAt and
	// FeedbackRun, or returns ErrNotFound.
	UpdateEvent(ctx context.Context, e CommunityEvent) error
	// SetRSVP stores a member's choice: one row per member and event, the
	// latest choice counts, attendance is kept.
	SetRSVP(ctx context.Context, community string, r RSVP) error
	// MarkAttended marks a member there (adding a row with NoRSVP when they
	// never answered) and reports whether they were not marked before.
	MarkAttended(ctx context.Context, community string, event int64, member string, at time.Time) (bool, error)
	// RSVPs lists an event's RSVPs by time, then member.
	RSVPs(ctx context.Context, community string, event int64) ([]RSVP, error)
}
