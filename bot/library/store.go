package library

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what library needs from storage.
type Store interface {
	AddResource(ctx context.Context, r bot.Resource) (int64, error)
	AddStory(ctx context.Context, s bot.Story) (int64, error)
	RemoveResource(ctx context.Context, community string, id int64) error
	Resource(ctx context.Context, community string, id int64) (bot.Resource, error)
	Resources(ctx context.Context, community string, q bot.ResourceQuery) ([]bot.Resource, error)
	SetStoryConsent(ctx context.Context, community string, member string, id int64, c bot.StoryConsent) error
	Stories(ctx context.Context, community string, since time.Time) ([]bot.Story, error)
}
