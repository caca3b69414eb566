package meetings

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Events (issue 8): meetings and webinars a facilitator announces, with
// RSVPs, reminders, an .ics file, attendance and a feedback check-in.

// Schedule kinds of events.
const (
	// ScheduleEvent is a recurring event: its spec names each occurrence's
	// start, Payload is an EventSeries as JSON. Each firing (an
	// occurrence's start) creates and announces the next occurrence, so
	// members always see the next one a period ahead.
	ScheduleEvent bot.ScheduleKind = "event"
	// ScheduleEventRemind, ScheduleEventEnd and ScheduleEventFeedback are
	// one-shot ("once" specs), Payload the event's id: a reminder to those
	// going (24 h and 1 h before), the "Did you make it?" DMs at the end,
	// and the event-feedback check-in two hours after it.
	ScheduleEventRemind   bot.ScheduleKind = "event-remind"
	ScheduleEventEnd      bot.ScheduleKind = "event-end"
	ScheduleEventFeedback bot.ScheduleKind = "event-feedback"
)

// Event timing.
const (
	DefaultEventDuration = time.Hour
	MinEventDuration     = 5 * time.Minute
	MaxEventDuration     = 24 * time.Hour
	// FeedbackAfter is how long after an event ends its feedback check-in
	// goes out, to those who said "I was there" by then (or, when nobody
	// did, to those who were going).
	FeedbackAfter = 2 * time.Hour
	// FeedbackSurvey is the built-in survey an event's feedback runs.
	FeedbackSurvey = "event-feedback"
	MaxEventTitle  = 200
)

// EventReminders are how long before an event's start its reminders go to
// those going. A reminder whose time has passed when the event is created
// is not scheduled.
var EventReminders = []time.Duration{24 * time.Hour, time.Hour}

// CommunityEvent is a meeting or webinar of the community. (Event is a
// piece of participation; this is the thing people attend.)
type CommunityEvent struct {
	ID        int64     `json:"id"`
	Community string    `json:"community"`
	Title     string    `json:"title"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Link      string    `json:"link,omitempty"` // the meeting link, https
	Channel   string    `json:"channel"`        // where it was announced (channel id)
	// Series is the recurring schedule (ScheduleEvent) that created it; 0
	// for a one-off.
	Series    int64     `json:"series,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// CancelledAt is zero unless it was cancelled.
	CancelledAt time.Time `json:"cancelled_at,omitzero"`
	// Message is the platform id of the announcement post.
	Message string `json:"message,omitempty"`
	// External is the platform's own event id (a Discord guild scheduled
	// event), when an EventPublisher published it.
	External string `json:"external,omitempty"`
	// FeedbackRun is the event-feedback check-in run sent after it.
	FeedbackRun int64 `json:"feedback_run,omitempty"`
}

// Cancelled reports whether the event was cancelled.
func (e CommunityEvent) Cancelled() bool { return !e.CancelledAt.IsZero() }

// RSVPChoice is a member's answer to an event's invitation.
type RSVPChoice string

// RSVP choices. NoRSVP is an attendance row of a member who never
// answered (a facilitator marked them there).
const (
	RSVPGoing    RSVPChoice = "going"
	RSVPMaybe    RSVPChoice = "maybe"
	RSVPNotGoing RSVPChoice = "not_going"
	NoRSVP       RSVPChoice = ""
)

// RSVP is one member's answer to one event, and whether they were there.
type RSVP struct {
	Event      int64      `json:"event"`
	Member     string     `json:"member"`
	MemberName string     `json:"member_name"` // filled in by the store on reads
	Choice     RSVPChoice `json:"choice"`
	At         time.Time  `json:"at"`                   // of the latest choice
	AttendedAt time.Time  `json:"attended_at,omitzero"` // zero: not (yet) marked there
}

// EventQuery selects a community's events. Set conditions must all hold.
type EventQuery struct {
	EndFrom   time.Time // ends at or after (zero: any)
	EndBefore time.Time // ends before (zero: any)
	// Cancelled includes cancelled events.
	Cancelled bool
	Limit     int // 0: all
}

// EventSeries is a recurring event's payload: what each occurrence is.
type EventSeries struct {
	Title   string `json:"title"`
	Minutes int    `json:"minutes"`
	Link    string `json:"link,omitempty"`
}

// EventPublisher is implemented by chats that also publish an event on the
// platform's own calendar (Discord's guild scheduled events). The core
// checks for it with a type assertion; a failure is logged and the event
// stands.
type EventPublisher interface {
	// PublishEvent creates the platform's event and returns its id.
	PublishEvent(ctx context.Context, community string, e CommunityEvent) (string, error)
	// CancelEvent removes the platform's event id.
	CancelEvent(ctx context.Context, community, id string) error
}
