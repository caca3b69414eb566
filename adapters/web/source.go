package web

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/reporting"
)

// Source is what the pages read. Every figure comes from an existing
// definition: the report (bot.Report), levels (members.LevelOf over
// MemberWeeks), check-in results (checkins.RunResults), the impact report
// (reporting.BuildImpact) and the features' impact sections; the pages
// only arrange them.
type Source interface {
	// Report is the full report with trends and the features' parts
	// (*bot.Bot.Report).
	Report(ctx context.Context, q bot.ReportQuery) (bot.Report, error)
	// Summary is Report for q.SummaryOnly: the same members, activity and
	// nudges, with trends and every feature's part (levels and their
	// changes, events, intros), without the lists (channels, contributors,
	// quiet members, unanswered threads, prompts) and tiers: what the
	// overview, events and intros pages show, without the lists that make
	// most of a long period's report (a year's unanswered threads alone).
	Summary(ctx context.Context, q bot.ReportQuery) (bot.Report, error)
	// StoreReport is the store's report alone: its figures and lists,
	// without Previous and the features' parts (levels): what a page that
	// needs only the lists, or a month's summary, reads at half the cost.
	StoreReport(ctx context.Context, q bot.ReportQuery) (bot.Report, error)
	MemberWeeks(ctx context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error)
	// ActivitySeries is the store's SummaryOnly figures for consecutive
	// periods at once (the charts over months and weeks).
	ActivitySeries(ctx context.Context, q bot.ActivitySeriesQuery) ([]bot.ActivityBucket, error)
	MemberActivity(ctx context.Context, community, member string) (bot.MemberActivity, error)
	MemberNudges(ctx context.Context, community, member string, limit int) ([]members.Nudge, error)
	SentNudges(ctx context.Context, community string) (map[string]int, error)
	// Prefs are a member's nudge preferences.
	Prefs(ctx context.Context, community, member string) (bot.MemberPrefs, error)
	// Newcomers are the members a report counts as new in [from, to).
	Newcomers(ctx context.Context, community string, from, to time.Time) ([]bot.Newcomer, error)
	// ChannelMembers are the members with activity in channel since then.
	ChannelMembers(ctx context.Context, community, channel string, since time.Time) ([]bot.Member, error)
	checkins.CheckinReader
	// Resources are the library's resources matching q.
	Resources(ctx context.Context, community string, q library.ResourceQuery) ([]library.Resource, error)
	// Impact is the sponsors' report for [from, to).
	Impact(ctx context.Context, community string, from, to time.Time) (reporting.Impact, error)
	// Sections are the features' impact sections for [from, to)
	// ("library", "stories", ...), consent applied as in the impact report.
	Sections(ctx context.Context, community string, from, to time.Time) ([]bot.Section, error)
	// Permalink links to a message on the platform; "" when it cannot.
	Permalink(community, channel, message string) string
	Location() *time.Location
	QuietAfter() time.Duration
}

// SourceStore is what BotSource reads from the store beside the core.
type SourceStore interface {
	reporting.ImpactSource
	bot.MemberWeeksSource
	bot.ActivitySeriesSource
	MemberNudges(ctx context.Context, community, member string, limit int) ([]members.Nudge, error)
	SentNudges(ctx context.Context, community string) (map[string]int, error)
	Prefs(ctx context.Context, community, member string) (bot.MemberPrefs, error)
	ChannelMembers(ctx context.Context, community, channel string, since time.Time) ([]bot.Member, error)
	checkins.CheckinReader
	Resources(ctx context.Context, community string, q library.ResourceQuery) ([]library.Resource, error)
}

// BotSource is the Source of a running core: cmd builds it with NewSource
// from the core and its store, as `hearth report` and `hearth impact` do.
type BotSource struct {
	SourceStore
	core *bot.Bot
}

var _ Source = (*BotSource)(nil)

// NewSource returns the pages' source on core and its store.
func NewSource(core *bot.Bot, store SourceStore) *BotSource {
	return &BotSource{SourceStore: store, core: core}
}

// Report is the core's report, with every feature's part.
func (s *BotSource) Report(ctx context.Context, q bot.ReportQuery) (bot.Report, error) {
	return s.core.Report(ctx, q)
}

// Summary is bot.BuildSummary with the core's fillers and quiet threshold.
func (s *BotSource) Summary(ctx context.Context, q bot.ReportQuery) (bot.Report, error) {
	if q.QuietAfter <= 0 {
		q.QuietAfter = s.core.QuietAfter()
	}
	return bot.BuildSummary(ctx, s.SourceStore, q, s.core.ReportFillers()...)
}

// StoreReport is the store's report with the core's quiet threshold.
func (s *BotSource) StoreReport(ctx context.Context, q bot.ReportQuery) (bot.Report, error) {
	if q.QuietAfter <= 0 {
		q.QuietAfter = s.core.QuietAfter()
	}
	if _, err := bot.NewPeriod(q.From, q.To); err != nil {
		return bot.Report{}, err
	}
	return s.SourceStore.Report(ctx, q)
}

// Impact builds the impact report as `hearth impact` does, on the report's
// summary: the page shows what FormatImpact writes, which reads no list of
// the full report.
func (s *BotSource) Impact(ctx context.Context, community string, from, to time.Time) (reporting.Impact, error) {
	return reporting.BuildImpactSummary(ctx, s.SourceStore, community, from, to, s.core.Location(), s.core.QuietAfter(), s.core.Modules()...)
}

// Sections are the registered modules' impact sections, as BuildImpact
// gathers them.
func (s *BotSource) Sections(ctx context.Context, community string, from, to time.Time) ([]bot.Section, error) {
	q := bot.DocumentQuery{Community: community, From: from, To: to, Location: s.Location()}
	var out []bot.Section
	for _, m := range s.core.Modules() {
		if is, ok := m.(bot.ImpactSectioner); ok {
			ss, err := is.ImpactSections(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("sections: %s: %w", m.Name(), err)
			}
			out = append(out, ss...)
		}
	}
	return out, nil
}

// Permalink asks the community's platform, if it links to messages.
func (s *BotSource) Permalink(community, channel, message string) string {
	if pl := s.core.Permalinker(community); pl != nil {
		return pl.Permalink(community, channel, message)
	}
	return ""
}

// Location is the community time zone (UTC when unset).
func (s *BotSource) Location() *time.Location {
	if l := s.core.Location(); l != nil {
		return l
	}
	return time.UTC
}

// QuietAfter is the core's quiet threshold.
func (s *BotSource) QuietAfter() time.Duration { return s.core.QuietAfter() }
