// Package history is the feature that imports a community's past activity
// from the platform (issue 18): `/hearth history import 90d` records an
// import in the database, and the Runner, one per `hearth run` (or the
// offline `hearth history import`), reads it channel by channel through
// the Chat's bot.HistoryReader, as the same metadata live events carry.
package history

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// History is the feature: its commands, its part of reports and of
// /hearth privacy. The work itself is the Runner's.
type History struct {
	core  *bot.Bot
	loc   *time.Location
	log   *slog.Logger
	store Store
}

var (
	_ bot.Module       = (*History)(nil)
	_ bot.ReportFiller = (*History)(nil)
	_ bot.PrivacyNoter = (*History)(nil)
)

// New returns the feature, speaking through core and keeping imports in
// store. Register it with core.Register.
func New(core *bot.Bot, store Store) *History {
	return &History{core: core, loc: core.Location(), log: core.Log(), store: store}
}

// Name names the feature.
func (h *History) Name() string { return "history" }

// Commands are the history commands.
func (h *History) Commands() []bot.CommandSpec { return bot.WithOrder(150, h.historyCommands()) }

// FillReport says from when the community's record starts, once a history
// import is done (Report.HistorySince).
func (h *History) FillReport(ctx context.Context, q bot.ReportQuery, rep *bot.Report) error {
	since, ok, err := h.store.HistorySince(ctx, q.Community)
	if err != nil || !ok {
		return err
	}
	rep.HistorySince = &since
	return nil
}

// PrivacyNote says, for /hearth privacy, that history was imported and
// from when.
func (h *History) PrivacyNote(ctx context.Context, community string) (string, error) {
	since, ok, err := h.store.HistorySince(ctx, community)
	if err != nil || !ok {
		return "", err
	}
	return fmt.Sprintf("History was imported: Hearth's record of this community starts %s. The import read the same metadata as live events (never text), skipped bots, and skipped members who had asked Hearth to forget them.",
		since.In(h.loc).Format("Jan 2, 2006")), nil
}
