package bot

import (
	"strings"
	"time"
)

// EventKind is what kind of participation an event records.
type EventKind string

// The kinds of participation. Later features add their own.
const (
	KindMessage       EventKind = "message"        // a top-level message in a channel
	KindReply         EventKind = "reply"          // a message in a thread
	KindReaction      EventKind = "reaction"       // an emoji reaction to a message
	KindJoin          EventKind = "join"           // joined the community (no Channel) or a channel
	KindLeave         EventKind = "leave"          // left the community (no Channel) or a channel
	KindCheckinAnswer EventKind = "checkin_answer" // answered a check-in
	KindStillHere     EventKind = "still_here"     // answered a nudge with "I'm still here"
	KindResourceShare EventKind = "resource_share" // shared a resource into the library (/hearth share)
	KindRSVP          EventKind = "rsvp"           // answered an event's invitation (once per member and event, however often changed)
	KindAttended      EventKind = "attended"       // was at an event (once per member and event)
)

// Activity reports whether the kind counts as being active.
func (k EventKind) Activity() bool {
	switch k {
	case KindMessage, KindReply, KindReaction, KindCheckinAnswer, KindStillHere, KindResourceShare, KindRSVP, KindAttended:
		return true
	}
	return false
}

// Event is one piece of participation, as an adapter decoded it from the
// platform. It never carries message text, except Text for a DM to Hearth.
type Event struct {
	Kind      EventKind
	Community string // Community.ID
	// Channel is the platform channel id; "" for community-level events
	// (joining the workspace) and check-in answers.
	Channel     string
	ChannelName string // optional: keeps the channel's name fresh
	Member      string // platform user id of who did it
	MemberName  string // optional: keeps the member's name fresh
	IsBot       bool   // bots and webhooks are ignored
	// DM is true for direct messages to Hearth: they are routed to the core,
	// never counted as channel messages.
	DM bool
	// Text is a DM's text, set only for DMs to Hearth by adapters without
	// forms (the shell), where a DM answers a check-in's free-text question.
	// The core reads it as an answer; it is never recorded as an event.
	Text string
	// At is when it happened according to the platform, not when it arrived.
	At time.Time
	// Key identifies the thing on the platform (for example channel + message
	// ts): an event whose Key was recorded before is not recorded again.
	Key string
	// Message is the platform id of the message this event is about: the
	// message itself for messages and replies, the reacted-to message for
	// reactions.
	Message string
	// Parent is the platform id of the top-level message a reply answers.
	Parent string
	// Retract undoes the event recorded under Key: a deleted message, a
	// removed reaction. A retracted message or reply cannot come back with
	// the same Key (a late redelivery stays deleted); a reaction can.
	Retract bool
}

// Validate reports what is missing from e, as an internal error: an adapter
// that builds a bad event has a bug, a person did nothing wrong. It is the
// one definition of a valid event: the core checks it before recording, and
// a store refuses what it refuses.
func (e Event) Validate() error {
	var missing []string
	if e.Kind == "" {
		missing = append(missing, "kind")
	}
	if e.Community == "" {
		missing = append(missing, "community")
	}
	if e.Key == "" {
		missing = append(missing, "key")
	}
	// A retraction names what to undo by Key alone: platforms do not always
	// say who wrote a deleted message.
	if !e.Retract && e.Member == "" {
		missing = append(missing, "member")
	}
	if !e.Retract && e.At.IsZero() {
		missing = append(missing, "time")
	}
	if !e.Retract && e.Kind == KindReply && e.Parent == "" {
		missing = append(missing, "parent")
	}
	if len(missing) > 0 {
		return &invalidEventError{missing: missing}
	}
	return nil
}

type invalidEventError struct{ missing []string }

func (e *invalidEventError) Error() string {
	return "invalid event: missing " + strings.Join(e.missing, ", ")
}
