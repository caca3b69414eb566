package prompts

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Prompts is the feature that posts discussion prompts and keeps the deck.
type Prompts struct {
	core  *bot.Bot
	loc   *time.Location
	store Store
}

var _ bot.Module = (*Prompts)(nil)

// New returns the feature, speaking through core and keeping its records
// in store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Prompts {
	return &Prompts{core: core, loc: core.Location(), store: store}
}

// Name names the feature.
func (b *Prompts) Name() string { return "prompts" }

// Commands are the prompt commands.
func (b *Prompts) Commands() []bot.CommandSpec { return bot.WithOrder(60, b.promptCommands()) }

// Jobs post scheduled prompts.
func (b *Prompts) Jobs() []bot.Job {
	return []bot.Job{{Kind: SchedulePrompt, Grace: 2 * time.Hour,
		Run: func(ctx context.Context, s bot.Schedule, at time.Time) error {
			_, err := b.postPrompt(ctx, s.Community, s.Channel, s.Payload, s.ID, at)
			return err
		},
		Describe: func(s bot.Schedule, where string) string {
			if s.Payload == PayloadDeck {
				return "deck prompt" + where
			}
			return fmt.Sprintf("prompt %q%s", bot.Clip(s.Payload, 40), where)
		}}}
}
