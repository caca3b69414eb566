package pilot

import (
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Pilots is the feature that starts a community's pilot (a few channels and
// members first, step 2 of the practice guide), widens it, compares it with
// the time since launch, and launches. The kernel keeps the gate itself
// (bot.Pilot): every feature asks it.
type Pilots struct {
	core  *bot.Bot
	loc   *time.Location
	log   *slog.Logger
	store Store
}

var _ bot.Module = (*Pilots)(nil)

// New returns the feature, speaking through core and keeping the pilot in
// store. Register it with core.Register.
func New(core *bot.Bot, store Store) *Pilots {
	return &Pilots{core: core, loc: core.Location(), log: core.Log(), store: store}
}

// Name names the feature.
func (b *Pilots) Name() string { return "pilot" }

// Commands are the pilot commands.
func (b *Pilots) Commands() []bot.CommandSpec { return bot.WithOrder(120, b.pilotCommands()) }
