package bot

import (
	"strings"
	"sync/atomic"
	"time"
)

// Metrics counts what the core did, in this process. The fields only grow,
// but for the history gauges.
// Tests read them; operators read the Observer's metrics at /metrics.
type Metrics struct {
	EventsRecorded  atomic.Int64 // events newly recorded or retracted
	EventsDuplicate atomic.Int64 // redelivered events recorded before
	EventsIgnored   atomic.Int64 // bot posts and DMs not counted
	Commands        atomic.Int64 // /hearth commands handled
	Actions         atomic.Int64 // buttons and forms handled
	CommandErrors   atomic.Int64 // commands refused or not understood
	Errors          atomic.Int64 // internal errors

	// HistoryEvents counts the events history imports newly recorded
	// (RecordHistory); HistoryChannelsDone and HistoryChannelsTotal are
	// gauges: the channels read through, and listed, of the imports this
	// process is working on now.
	HistoryEvents        atomic.Int64
	HistoryChannelsDone  atomic.Int64
	HistoryChannelsTotal atomic.Int64
}

// Metrics returns the live counters.
func (b *Bot) Metrics() *Metrics { return &b.metrics }

// Observer is told what Hearth does, for an operator's metrics: the core,
// the adapters and the scheduler call it; cmd/hearth implements it with
// Prometheus. Calls come from many goroutines and hot paths: an
// implementation must be safe for concurrent use and cheap.
//
// Every argument comes from a small fixed set (platforms, event and
// schedule kinds, the command table, the API methods Hearth calls, the
// outcomes below), never from what members type, so that label values stay
// bounded. The counts are this process's own: with several instances on one
// database, the metrics backend sums them.
type Observer interface {
	// Event is one incoming event and what became of it: OutcomeRecorded,
	// OutcomeDuplicate, OutcomeIgnored (bots, DMs, outside the pilot) or
	// OutcomeFailed.
	Event(p Platform, kind EventKind, outcome string)
	// Command is one /hearth command: its name from the command table
	// (CommandUnknown when it did not parse), how long the core took and
	// OutcomeOK, OutcomeRefused (not understood, forbidden, bad arguments)
	// or OutcomeFailed (an internal error).
	Command(name string, outcome string, took time.Duration)
	// Action is one button press or form submission, by its registered
	// action id (CommandUnknown for one no module registered).
	Action(id string, outcome string)
	// InternalError is an error for the operator, not for a person, in
	// source: "event", "command", "action", "directory" or "schedule".
	InternalError(source string)
	// APICall is one HTTP request to a platform's API: method is the API
	// method (Slack's "chat.postMessage") or the HTTP method and route with
	// ids collapsed (Discord's "POST /channels/{id}/messages"); outcome is
	// OutcomeOK, OutcomeRateLimited (a 429) or OutcomeFailed.
	APICall(p Platform, method, outcome string)
	// Posted is one post the core asked an adapter for, by destination:
	// OutcomeOK, OutcomeUnreachable (a member whose DMs are closed) or
	// OutcomeFailed.
	Posted(p Platform, to DestinationKind, outcome string)
	// Queue is the number of posts waiting in the platform's outbound
	// queue, reported whenever it changes.
	Queue(p Platform, depth int)
	// Firing is what the scheduler did with n intended times of a
	// schedule of kind: OutcomeFired, OutcomeFailed (the job returned an
	// error) or OutcomeSkipped (missed beyond grace, or caught up).
	Firing(kind ScheduleKind, outcome string, n int)
}

// Outcomes an Observer is told.
const (
	OutcomeOK          = "ok"
	OutcomeRecorded    = "recorded"
	OutcomeDuplicate   = "duplicate"
	OutcomeIgnored     = "ignored"
	OutcomeRefused     = "refused"
	OutcomeFailed      = "failed"
	OutcomeRateLimited = "rate_limited"
	OutcomeUnreachable = "unreachable"
	OutcomeFired       = "fired"
	OutcomeSkipped     = "skipped"
)

// CommandUnknown names a command or action that is not in the table.
const CommandUnknown = "unknown"

// NopObserver observes nothing: the default.
type NopObserver struct{}

var _ Observer = NopObserver{}

func (NopObserver) Event(Platform, EventKind, string)        {}
func (NopObserver) Command(string, string, time.Duration)    {}
func (NopObserver) Action(string, string)                    {}
func (NopObserver) InternalError(string)                     {}
func (NopObserver) APICall(Platform, string, string)         {}
func (NopObserver) Posted(Platform, DestinationKind, string) {}
func (NopObserver) Queue(Platform, int)                      {}
func (NopObserver) Firing(ScheduleKind, string, int)         {}

// Observe makes o the observer of the core and of everything holding
// b.Observer(). Call it before adapters start (it is safe at any time, but
// what happened before is not replayed). nil restores the default.
func (b *Bot) Observe(o Observer) {
	if o == nil {
		o = NopObserver{}
	}
	b.observer.current.Store(&o)
}

// Observer returns the core's observer, for adapters and the scheduler. It
// forwards to whatever Observe set last, so it may be handed out before
// Observe is called.
func (b *Bot) Observer() Observer { return &b.observer }

// liveObserver forwards to the observer Observe set.
type liveObserver struct {
	current atomic.Pointer[Observer]
}

var _ Observer = (*liveObserver)(nil)

func (l *liveObserver) get() Observer {
	if o := l.current.Load(); o != nil {
		return *o
	}
	return NopObserver{}
}

func (l *liveObserver) Event(p Platform, k EventKind, outcome string) { l.get().Event(p, k, outcome) }
func (l *liveObserver) Command(name, outcome string, took time.Duration) {
	l.get().Command(name, outcome, took)
}
func (l *liveObserver) Action(id, outcome string)   { l.get().Action(id, outcome) }
func (l *liveObserver) InternalError(source string) { l.get().InternalError(source) }
func (l *liveObserver) APICall(p Platform, method, outcome string) {
	l.get().APICall(p, method, outcome)
}
func (l *liveObserver) Posted(p Platform, to DestinationKind, outcome string) {
	l.get().Posted(p, to, outcome)
}
func (l *liveObserver) Queue(p Platform, depth int) { l.get().Queue(p, depth) }
func (l *liveObserver) Firing(kind ScheduleKind, outcome string, n int) {
	l.get().Firing(kind, outcome, n)
}

// PostOutcome is the Observer outcome of a post's error.
func PostOutcome(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case ErrorCode(err) == EUnreachable:
		return OutcomeUnreachable
	}
	return OutcomeFailed
}

// String names a destination kind for metrics and logs.
func (k DestinationKind) String() string {
	switch k {
	case ToChannel:
		return "channel"
	case ToThread:
		return "thread"
	case ToDM:
		return "dm"
	case ToEphemeral:
		return "ephemeral"
	}
	return "unknown"
}

// observeEvent tells the observer what became of e, its platform and kind
// as bounded labels.
func (b *Bot) observeEvent(e Event, outcome string) {
	kind := e.Kind
	if !kind.Activity() && kind != KindJoin && kind != KindLeave {
		kind = "other" // an adapter's bug: Validate refuses it, the label stays bounded
	}
	b.observer.Event(platformOf(e.Community), kind, outcome)
}

// platformOf is the platform of a community id ("slack:T0123"), one of
// the known ones or "other", so that a label stays bounded.
func platformOf(community string) Platform {
	p, _, _ := strings.Cut(community, ":")
	switch Platform(p) {
	case Shell, Slack, Discord:
		return Platform(p)
	}
	return "other"
}

// APIOutcome is the Observer outcome of an HTTP call to a platform: the
// transport's error, or the answer's status.
func APIOutcome(status int, err error) string {
	switch {
	case err != nil:
		return OutcomeFailed
	case status == 429:
		return OutcomeRateLimited
	case status >= 400:
		return OutcomeFailed
	}
	return OutcomeOK
}
