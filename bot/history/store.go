package history

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what history imports need from the database; store.DB and the
// memstore implement it.
type Store interface {
	bot.Reporter
	Leases
	// RequestImport records a queued import of community's history since
	// since, asked by member by ("" offline) at at, and returns its id.
	RequestImport(ctx context.Context, community, by string, since, at time.Time) (int64, error)
	// Import returns one import, or bot.ErrNotFound.
	Import(ctx context.Context, id int64) (Import, error)
	// LatestImport returns the community's latest import, or bot.ErrNotFound.
	LatestImport(ctx context.Context, community string) (Import, error)
	// PendingImports lists the imports queued or running, in every
	// community, oldest first.
	PendingImports(ctx context.Context) ([]Import, error)
	// SaveImport saves an import's state: status, started, finished, the
	// flags, the last progress note and the error (not who asked, nor
	// since).
	SaveImport(ctx context.Context, imp Import) error
	// AddImportChannels lists the channels an import reads, in order;
	// channels listed before keep their progress.
	AddImportChannels(ctx context.Context, id int64, channels []bot.Channel) error
	// ImportChannels returns an import's channels with their progress, in
	// their order.
	ImportChannels(ctx context.Context, id int64) ([]ChannelProgress, error)
	// SaveImportPage moves a channel's cursor from from to to and adds
	// counts, and marks it read through when done. It reports false, and
	// changes nothing, when the channel's cursor is not from or it is done
	// already: another worker has moved on, and this one must stop.
	SaveImportPage(ctx context.Context, id int64, channel, from, to string, counts PageCounts, done bool) (bool, error)
	// Tombstoned returns which of members were forgotten in community
	// (bot.MemberTombstone).
	Tombstoned(ctx context.Context, community string, members []string) (map[string]bool, error)
	// HistorySince is when the community's record starts once a history
	// import is done: the earliest of the done imports' since and the first
	// recorded event. ok is false when no import is done.
	HistorySince(ctx context.Context, community string) (since time.Time, ok bool, err error)
}

// Leases is how the instances sharing a database elect the one that works
// on a community's import (store AcquireLease and ReleaseLease).
type Leases interface {
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Status is where an import stands.
type Status string

// The statuses of an import.
const (
	StatusQueued  Status = "queued"
	StatusRunning Status = "running"
	StatusDone    Status = "done"
	StatusFailed  Status = "failed"
)

// Pending reports whether a runner still has work on an import with s.
func (s Status) Pending() bool { return s == StatusQueued || s == StatusRunning }

// Import is one request to import a community's history.
type Import struct {
	ID          int64
	Community   string
	RequestedBy string // member id; "" offline or once forgotten
	Since       time.Time
	RequestedAt time.Time
	StartedAt   time.Time // zero until a runner starts it
	FinishedAt  time.Time // zero until done or failed
	Status      Status
	// ChannelsListed: the channels are in the store (AddImportChannels).
	ChannelsListed bool
	// JoinsDone: the members' joins are read (HistoryJoinsReader), or the
	// platform has none to give.
	JoinsDone bool
	// ProgressAt and ProgressChannels are when, and at how many channels
	// read through, the last progress DM went out (zero: none yet).
	ProgressAt       time.Time
	ProgressChannels int
	Error            string // why it failed, for the operator
}

// ChannelProgress is where one channel of an import stands.
type ChannelProgress struct {
	Channel  string
	Name     string
	Position int
	Cursor   string // the adapter's, after the last page recorded
	PageCounts
	Done bool
}

// PageCounts are what pages of history held.
type PageCounts struct {
	Events      int // recorded, or found recorded already
	SkippedBots int // events of bots
	SkippedGone int // events of forgotten members (tombstones)
}

// Add adds o to c.
func (c *PageCounts) Add(o PageCounts) {
	c.Events += o.Events
	c.SkippedBots += o.SkippedBots
	c.SkippedGone += o.SkippedGone
}
