// Package features lists Hearth's features, for cmd/hearth and for tests
// that need the whole command table: each feature is one line here.
package features

import (
	"context"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/charter"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/history"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/pilot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
)

// Store is what the kernel and every feature together need from storage;
// store.DB implements it. A store missing one method does not compile.
type Store interface {
	bot.Store
	reporting.Store
	members.Store
	checkins.Store
	meetings.Store
	intros.Store
	library.Store
	prompts.Store
	charter.Store
	pilot.Store
	history.Store
	// ExportMember returns what is kept about a member, or bot.ErrNotFound.
	ExportMember(ctx context.Context, community, member string) (MemberData, error)
}

// All returns every feature, built on core and store, in the order their
// parts appear where order matters (the digest, the impact report).
func All(core *bot.Bot, store Store) []bot.Module {
	return []bot.Module{
		reporting.New(core, store),
		prompts.New(core, store),
		checkins.New(core, store),
		members.New(core, store),
		charter.New(core, store),
		library.New(core, store),
		meetings.New(core, store),
		intros.New(core, store),
		pilot.New(core, store),
		history.New(core, store),
	}
}

// Register builds every feature and registers it with core.
func Register(core *bot.Bot, store Store) error { return core.Register(All(core, store)...) }

// Commands is the whole /hearth command table without a running core: for
// the Discord schema and tests. Its Run funcs must not be called.
func Commands() []bot.CommandSpec {
	return bot.CommandTable(&reporting.Reporting{}, &prompts.Prompts{}, &checkins.Checkins{}, &members.Members{},
		&charter.Charter{}, &library.Library{}, &meetings.Meetings{}, &intros.Intros{}, &pilot.Pilots{}, &history.History{})
}
