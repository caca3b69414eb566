package library

import (
	"context"
	"time"
)

// Store is what library needs from storage.
type Store interface {
	ResourceStore
	StoryStore
}

// bot.ResourceStore keeps the community's library of shared resources.
type ResourceStore interface {
	// AddResource stores a resource and returns its id. Sharing the same
	// URL twice in a community returns the first one's id and
	// ErrDuplicate.
	AddResource(ctx context.Context, r Resource) (int64, error)
	// bot.Resource returns one resource, or ErrNotFound.
	Resource(ctx context.Context, community string, id int64) (Resource, error)
	// Resources lists matching resources, newest first.
	Resources(ctx context.Context, community string, q ResourceQuery) ([]Resource, error)
	// RemoveResource deletes a resource, or returns ErrNotFound.
	RemoveResource(ctx context.Context, community string, id int64) error
}

// bot.StoryStore keeps success stories.
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
