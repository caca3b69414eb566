package bot

import (
	"context"
	"time"
)

// Handler is what adapters call. *Bot implements it; adapter tests use a
// hand-written fake.
type Handler interface {
	// HandleEvent records one piece of participation (or routes a DM). It
	// is idempotent on Event.Key.
	HandleEvent(ctx context.Context, e Event) error
	// HandleDirectory keeps members and channels fresh.
	HandleDirectory(ctx context.Context, d Directory) error
	// HandleCommand runs a /hearth command and returns the reply to show.
	// It never panics; errors become friendly replies.
	HandleCommand(ctx context.Context, c Command) Reply
	// HandleAction handles a button press or a form submission.
	HandleAction(ctx context.Context, a Action) Reply
}

// Command is a /hearth command as a member typed it (or as an adapter
// rebuilt it from typed options, for Discord).
type Command struct {
	Community   string
	Channel     string // where it was run; "" in a DM
	ChannelName string
	Member      string
	MemberName  string
	// Admin is true when the platform says the caller administers the
	// community (Slack owner/admin, Discord Manage Server).
	Admin bool
	// Text is everything after "/hearth", for example `report 30d #design`.
	Text string
	// At is when the platform says the command was sent (zero: the clock's now).
	At time.Time
	// Page is which page of a long list to show, from 0: a More button
	// (ActionPage) runs the same command again with the next page.
	Page int
}

// Action is a button press or a form submission.
type Action struct {
	Community  string
	Channel    string
	Member     string
	MemberName string
	Admin      bool
	ActionID   string
	Value      string
	// Values holds a submitted form's fields, keyed by Field.ID.
	Values map[string]string
	// Context is the submitted form's Form.Context.
	Context string
	// Post is the post whose button was pressed, if any.
	Post PostRef
	At   time.Time
}

// Reply is what the person who ran a command or pressed a button sees.
type Reply struct {
	Post
	// Private asks the adapter to show the reply only to the caller
	// (ephemeral) where the platform allows; reports name members, so they
	// are private.
	Private bool
	// Form, when set, asks the adapter to open this form for the caller.
	Form *Form
	// FieldErrors, in reply to a form submission, keeps the form open and
	// shows these messages beside the named fields.
	FieldErrors map[string]string
	// Code is the error code when the reply reports an error ("" otherwise).
	Code string
	// Err is the error behind a reply that apologises (Code EInternal),
	// for a caller who is the operator (an offline tool); adapters show
	// people the apology only.
	Err error `json:"-"`
}
