package library

import (
	"context"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Library is the feature that keeps the community's resources and members'
// success stories.
type Library struct {
	core  *bot.Bot
	loc   *time.Location
	log   *slog.Logger
	store Store
}

var _ bot.Module = (*Library)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Library {
	return &Library{core: core, loc: core.Location(), log: core.Log(), store: store}
}

// Name names the feature.
func (b *Library) Name() string { return "library" }

// Commands are the library and story commands.
func (b *Library) Commands() []bot.CommandSpec { return bot.WithOrder(110, b.libraryCommands()) }

// Actions are the story's consent buttons and form.
func (b *Library) Actions() map[string]bot.ActionFunc {
	return map[string]bot.ActionFunc{ActionStoryConsent: b.actStoryConsent, FormStory: b.actStoryForm}
}

var _ bot.AnswerListener = (*Library)(nil)

// CheckinAnswered keeps a reflection's story.
func (b *Library) CheckinAnswered(ctx context.Context, a bot.CheckinAnswers) error {
	return b.storyFromReflection(ctx, a)
}
