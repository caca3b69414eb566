package simulate

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Sink is where a simulated history goes: *bot.Bot implements it, so the
// history takes the same recording path live events take.
type Sink interface {
	HandleDirectory(ctx context.Context, d bot.Directory) error
	HandleEvents(ctx context.Context, events ...bot.Event) error
}

// Options shapes a simulated history. The zero value is usable: every field
// has a default.
type Options struct {
	// Community is the community the history happens in (default
	// "shell:local", the shell's community, so `hearth shell` and
	// `hearth report` show it).
	Community bot.Community
	// Members is how many people take part over the whole history, those who
	// join during it included (default 200).
	Members int
	// Days is how long the history lasts (default 90).
	Days int
	// Events is how many events Run hands to the sink, joins, leaves and
	// retractions included (default Members*Days/2). Run hits it to within a
	// few events per thousand.
	Events int
	// Seed makes the history: the same Options give the same events.
	Seed uint64
	// End is when the history ends (exclusive); it starts Days before.
	// The zero value means DefaultEnd, so a run is deterministic by default;
	// the CLI passes the clock's now so reports of the last days show it.
	End time.Time
	// Location is the community time zone: activity follows its working
	// hours and weekdays (default UTC).
	Location *time.Location
	// Batch is how many events each HandleEvents call carries (default
	// 4,000). The simulator is one caller waiting on each call, so the
	// store's writer cannot group its calls as it groups live events: the
	// batch is the transaction. At 500 a transaction's fixed cost (the
	// rollups' and indexes' pages it dirties, the WAL commit) dominated and
	// recording fell to 16,000 events/s; 4,000 keeps it near 30,000 at a
	// million events, well under the writer's 20,000-event cap.
	Batch int
}

// DefaultEnd is when a history ends if Options.End is zero.
var DefaultEnd = time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)

// Defaults of Options.
const (
	DefaultMembers = 200
	DefaultDays    = 90
	DefaultBatch   = 4000
)

func (o Options) withDefaults() Options {
	if o.Community.ID == "" {
		o.Community = bot.Community{ID: bot.CommunityID(bot.Shell, "local"), Platform: bot.Shell, Name: "Simulated community"}
	}
	if o.Members <= 0 {
		o.Members = DefaultMembers
	}
	if o.Days <= 0 {
		o.Days = DefaultDays
	}
	if o.Events <= 0 {
		o.Events = max(1, o.Members*o.Days/2)
	}
	if o.End.IsZero() {
		o.End = DefaultEnd
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	return o
}

// Stats says what a run handed to the sink.
type Stats struct {
	Start, End time.Time // the history covers [Start, End)
	Members    int       // people in the history, joiners included (not the bot)
	Channels   int
	// Events is every event handed to the sink; the kinds below add up to it.
	Events      int
	Messages    int // top-level messages, later-deleted ones included
	Replies     int // thread replies, later-deleted ones included
	Reactions   int // reactions, later-removed ones included
	Joins       int // members joining the community
	Leaves      int // members leaving it
	Retractions int // deleted messages and replies
	Batches     int // HandleEvents calls
}
