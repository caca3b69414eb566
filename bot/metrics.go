package bot

import "sync/atomic"

// Metrics counts what the core did, for /metrics. The fields only grow.
type Metrics struct {
	EventsRecorded  atomic.Int64 // events newly recorded or retracted
	EventsDuplicate atomic.Int64 // redelivered events recorded before
	EventsIgnored   atomic.Int64 // bot posts and DMs not counted
	Commands        atomic.Int64 // /hearth commands handled
	Actions         atomic.Int64 // buttons and forms handled
	CommandErrors   atomic.Int64 // commands refused or not understood
	Errors          atomic.Int64 // internal errors
}

// Metrics returns the live counters.
func (b *Bot) Metrics() *Metrics { return &b.metrics }
