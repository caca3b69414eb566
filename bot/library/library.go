package library

import (
	"time"
)

// Resource is a link a member shared into the community's library.
type Resource struct {
	ID         int64     `json:"id"`
	Community  string    `json:"community"`
	Member     string    `json:"member"`      // who shared it
	MemberName string    `json:"member_name"` // filled in by the store on reads
	Channel    string    `json:"channel,omitempty"`
	URL        string    `json:"url"`
	Tags       []string  `json:"tags"` // lower case, without '#', sorted, distinct
	Note       string    `json:"note,omitempty"`
	SharedAt   time.Time `json:"shared_at"`
}

// ResourceQuery selects resources. All set conditions must hold.
type ResourceQuery struct {
	Tag   string    // has this tag
	Words []string  // every word appears (case-insensitive) in the URL, the note or the tags
	Since time.Time // shared at or after (zero: any time)
	Until time.Time // shared before (zero: any time)
	Limit int       // 0: all
}

// StoryConsent is how far a member lets a success story travel.
type StoryConsent string

// Consent levels.
const (
	ConsentPrivate   StoryConsent = "private"   // facilitators only
	ConsentAnonymous StoryConsent = "anonymous" // shareable without the name
	ConsentNamed     StoryConsent = "named"     // shareable with the name
)

// Story is a success story or a reflection on a shift in practice.
type Story struct {
	ID         int64        `json:"id"`
	Community  string       `json:"community"`
	Member     string       `json:"member"`
	MemberName string       `json:"member_name"` // filled in by the store on reads
	Text       string       `json:"text"`
	Consent    StoryConsent `json:"consent"`
	// Source is "command" (/hearth story) or "checkin" (a reflection run's
	// answer, Run set).
	Source string    `json:"source"`
	Run    int64     `json:"run,omitempty"`
	At     time.Time `json:"at"`
}
