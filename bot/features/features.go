// Package features lists Hearth's features, for cmd/hearth and for tests
// that need the whole command table: each feature is one line here.
package features

import (
	"context"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/charter"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/dashboard"
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
	dashboard.Store
	// ExportMember returns what is kept about a member, or bot.ErrNotFound.
	ExportMember(ctx context.Context, community, member string) (MemberData, error)
}

// Options configure the features that need more than the core and the
// store; cmd/hearth fills them from the environment. The zero value is a
// Hearth without them (the dashboard has no address to link to).
type Options struct {
	Dashboard dashboard.Config
}

// All returns every feature, built on core and store, in the order their
// parts appear where order matters (the digest, the impact report).
func All(core *bot.Bot, store Store) []bot.Module { return AllWith(core, store, Options{}) }

// AllWith is All configured by opts.
func AllWith(core *bot.Bot, store Store, opts Options) []bot.Module {
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
		dashboard.New(core, store, opts.Dashboard),
	}
}

// Register builds every feature and registers it with core.
func Register(core *bot.Bot, store Store) error { return RegisterWith(core, store, Options{}) }

// RegisterWith is Register configured by opts. The dashboard's sign-in,
// which the web pages use, is then bot.Find[*dashboard.Module](core).
func RegisterWith(core *bot.Bot, store Store, opts Options) error {
	return core.Register(AllWith(core, store, opts)...)
}

// Commands is the whole /hearth command table without a running core: for
// the Discord schema and tests. Its Run funcs must not be called.
func Commands() []bot.CommandSpec {
	return bot.CommandTable(&reporting.Reporting{}, &prompts.Prompts{}, &checkins.Checkins{}, &members.Members{},
		&charter.Charter{}, &library.Library{}, &meetings.Meetings{}, &intros.Intros{}, &pilot.Pilots{}, &dashboard.Module{})
}
