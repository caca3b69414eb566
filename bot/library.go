package bot

import (
	"context"
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

// ResourceStore keeps the community's library of shared resources.
type ResourceStore interface {
	// AddResource stores a resource and returns its id. Sharing the same
	// URL twice in a community returns the first one's id and
	// ErrDuplicate.
	AddResource(ctx context.Context, r Resource) (int64, error)
	// Resource returns one resource, or ErrNotFound.
	Resource(ctx context.Context, community string, id int64) (Resource, error)
	// Resources lists matching resources, newest first.
	Resources(ctx context.Context, community string, q ResourceQuery) ([]Resource, error)
	// RemoveResource deletes a resource, or returns ErrNotFound.
	RemoveResource(ctx context.Context, community string, id int64) error
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

// StoryStore keeps success stories.
type StoryStore interface {
	// AddStory stores a story and returns its id. A check-in story (Run
	// set) is kept once per run and member: adding it again replaces its
	// text and consent.
	AddStory(ctx context.Context, s Story) (int64, error)
	// SetStoryConsent changes a story's consent; ErrNotFound if it is not
	// the member's story in that community.
	SetStoryConsent(ctx context.Context, community, member string, id int64, c StoryConsent) error
	// Stories lists stories at or after since (zero: all), oldest first.
	Stories(ctx context.Context, community string, since time.Time) ([]Story, error)
}
