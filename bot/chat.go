package bot

import (
	"context"
	"time"
)

// DestinationKind says where a post goes.
type DestinationKind int

// Where a post can go.
const (
	ToChannel   DestinationKind = iota // a top-level post in Channel
	ToThread                           // a reply in the thread of Thread in Channel
	ToDM                               // a direct message to Member
	ToEphemeral                        // visible only to Member, in Channel
)

// Destination addresses a post.
type Destination struct {
	Kind      DestinationKind
	Community string
	Channel   string
	Thread    string // platform id of the thread's top-level message
	Member    string // for ToDM and ToEphemeral
}

// Post is what the core says, in a neutral form each adapter renders: Slack
// as Block Kit, Discord as message components, the shell as text.
//
// Text uses a small markdown: **bold**, _italic_, `code`, and lines starting
// with "• " for lists. Adapters translate it to their platform's dialect.
type Post struct {
	Text    string
	Buttons []Button
	// Image is an optional attachment (a chart, a calendar file); adapters
	// that cannot upload files say where to find it instead.
	Image *File
	// Attachment is the whole of a long list the text shows the start of
	// (bot.List), as a document (Markdown or CSV). Adapters upload it beside
	// the post; the text already says it is there.
	Attachment *File
}

// Button is one choice on an interactive post. Pressing it sends an Action
// with ActionID and Value back to the core.
type Button struct {
	ActionID string
	Label    string
	Value    string
	Style    ButtonStyle
	// Row groups buttons: adapters that lay buttons out in rows start a new
	// row when Row changes (a Slack actions block, a Discord action row, a
	// shell line), so each question of a check-in keeps its own row.
	Row int
}

// ButtonStyle hints at a button's colour.
type ButtonStyle int

// Button styles.
const (
	StyleDefault ButtonStyle = iota
	StylePrimary
	StyleDanger
)

// File is a file to upload with a post.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// PostRef identifies a post the platform accepted.
type PostRef struct {
	Channel string
	ID      string
	At      time.Time
}

// Chat is what the core needs from a chat platform: to say something
// somewhere. Adapters implement it with a paced outbound queue that honours
// the platform's rate limits.
type Chat interface {
	Post(ctx context.Context, to Destination, p Post) (PostRef, error)
}

// Capabilities says what an adapter can render. The core degrades
// gracefully: numbered choices when there are no buttons, a DM when there
// are no ephemeral messages.
type Capabilities struct {
	Buttons   bool
	Ephemeral bool
	Forms     bool
	Files     bool
	// Concurrent is how many posts may be in flight at once when Hearth
	// fans out (a check-in DM to each member): the adapter's queue still
	// paces each conversation. 0 means one at a time, in order.
	Concurrent int
}

// Capable is implemented by adapters that can say what they support. An
// adapter that does not implement it is taken to support plain text only.
type Capable interface {
	Capabilities() Capabilities
}

// Form is a small dialog (a Slack modal, a Discord modal, a shell prompt)
// that collects text from a person. Submitting it sends an Action with
// ActionID = Form.ID and Values keyed by Field.ID.
type Form struct {
	ID      string
	Title   string
	Fields  []Field
	Submit  string // the submit button's label
	Context string // opaque state returned with the submission
}

// Field is one input of a Form.
type Field struct {
	ID          string
	Label       string
	Placeholder string
	Multiline   bool
	Optional    bool
	MaxLength   int
	// Value prefills the field (a member changing an answer sees it).
	Value string
}
