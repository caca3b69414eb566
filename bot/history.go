package bot

import (
	"context"
	"time"
)

// HistoryReader is the optional capability of a Chat that can read a
// community's past activity from the platform (Slack's conversations.history,
// Discord's channel messages), as the same metadata live events carry: no
// text, and the same Keys, so that history and live events that overlap are
// recorded once and a message deleted before the import is simply absent.
// The core finds it by type assertion on the community's Chat.
type HistoryReader interface {
	// HistoryChannels lists the channels whose history Hearth can read
	// (Slack: the channels it is a member of; Discord: the text, news and
	// forum channels it can see), in a stable order.
	HistoryChannels(ctx context.Context, community string) ([]Channel, error)
	// ReadHistory reads one channel's activity at or after q.Since:
	// top-level messages, thread and forum replies, reactions (at the time
	// of the message they are on when the platform gives no time of their
	// own) and channel joins where the platform keeps them. Events from bots
	// are returned with IsBot set, as live.
	//
	// It resumes after q.Cursor ("" starts at the beginning) and calls page
	// once per platform page with that page's events and the cursor that
	// resumes right after them; the caller records the events, then stores
	// the cursor, so a crash between the two only reads a page again. An
	// error from page stops the read and is returned. ReadHistory returns
	// nil once the channel is read through. It paces itself within the
	// platform's rate limits and waits out a 429's Retry-After (through
	// the adapter's clock); ctx ends it early.
	ReadHistory(ctx context.Context, q HistoryQuery, page HistoryPageFunc) error
}

// HistoryPageFunc takes one page of a channel's history; cursor resumes
// the read right after the page.
type HistoryPageFunc func(ctx context.Context, events []Event, cursor string) error

// HistoryQuery selects what ReadHistory reads.
type HistoryQuery struct {
	Community string
	Channel   string
	Since     time.Time
	// Cursor is the adapter's own opaque position, as a previous page
	// returned it; "" for the beginning.
	Cursor string
}

// HistoryJoinsReader is the optional capability of a Chat that can say
// when current members joined the community (Discord's member joined_at,
// with the members intent). Its events are KindJoin events without a
// Channel, keyed as the live join of that member at that time.
type HistoryJoinsReader interface {
	HistoryJoins(ctx context.Context, community string, since time.Time) ([]Event, error)
}
