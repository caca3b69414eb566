package reporting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// ImpactSource is what the impact report reads itself; the features' parts
// come from their modules.
type ImpactSource interface {
	bot.ReportSource
}

// Impact is the report for sponsors (step 6 of the practice guide):
// participation over time, levels, and the features' parts: check-in
// trends, the library, the stories members agreed to share, the pilot.
type Impact struct {
	Community string    `json:"community"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	// Report is the whole period's participation report (trends against the
	// period of equal length before it).
	Report bot.Report    `json:"report"`
	Months []ImpactMonth `json:"months"`
	// LevelsAtStart are the levels as of From; Report.Levels as of To.
	LevelsAtStart bot.LevelCounts `json:"levels_at_start"`
	// Sections are the features' parts, in order; each is a key of the
	// JSON ("checkins", "library", "stories", "private_stories", "pilot").
	Sections []bot.Section `json:"-"`
}

// MarshalJSON writes the impact report's own fields, then each section's.
func (im Impact) MarshalJSON() ([]byte, error) {
	type own Impact
	return withSections(own(im), im.Sections)
}

// Section returns the part under key, if there is one.
func (im Impact) Section(key string) (bot.Section, bool) { return findSection(im.Sections, key) }

// ImpactMonth is one calendar month (in the community zone) of the period.
type ImpactMonth struct {
	Start         time.Time `json:"start"`
	ActiveMembers int       `json:"active_members"`
	Posts         int       `json:"posts"` // messages + replies
	NewMembers    int       `json:"new_members"`
}

// BuildImpact computes the impact report for [from, to), with the parts of
// the modules that have one (and their report parts).
func BuildImpact(ctx context.Context, src ImpactSource, community string, from, to time.Time, loc *time.Location, quietAfter time.Duration, mods ...bot.Module) (Impact, error) {
	return buildImpact(ctx, src, community, from, to, loc, quietAfter, bot.BuildReport, mods...)
}

// BuildImpactSummary is BuildImpact on the report's summary
// (bot.BuildSummary): Report has no lists and no tiers, and everything
// FormatImpact writes.
func BuildImpactSummary(ctx context.Context, src ImpactSource, community string, from, to time.Time, loc *time.Location, quietAfter time.Duration, mods ...bot.Module) (Impact, error) {
	return buildImpact(ctx, src, community, from, to, loc, quietAfter, bot.BuildSummary, mods...)
}

func buildImpact(ctx context.Context, src ImpactSource, community string, from, to time.Time, loc *time.Location, quietAfter time.Duration,
	build func(context.Context, bot.ReportSource, bot.ReportQuery, ...bot.ReportFiller) (bot.Report, error), mods ...bot.Module) (Impact, error) {
	if loc == nil {
		loc = time.UTC
	}
	if _, err := bot.NewPeriod(from, to); err != nil {
		return Impact{}, err
	}
	rep, err := build(ctx, src, bot.ReportQuery{Community: community, From: from, To: to, QuietAfter: quietAfter}, fillers(mods)...)
	if err != nil {
		return Impact{}, err
	}
	im := Impact{Community: community, From: from, To: to, Report: rep, Months: []ImpactMonth{}}
	if rep.Previous != nil {
		im.LevelsAtStart = rep.Previous.Levels
	}
	// The months at once: the store's series when it has one, else a
	// summary report per month, which is its definition.
	months, err := bot.Series(ctx, src, bot.ActivitySeriesQuery{Community: community, Bounds: bot.MonthBounds(from, to, loc)})
	if err != nil {
		return Impact{}, fmt.Errorf("impact months: %w", err)
	}
	for _, m := range months {
		im.Months = append(im.Months, ImpactMonth{Start: m.From, ActiveMembers: m.Members.Active, Posts: m.Activity.Messages + m.Activity.Replies, NewMembers: m.Members.New})
	}
	q := bot.DocumentQuery{Community: community, From: from, To: to, Location: loc}
	for _, m := range mods {
		if is, ok := m.(bot.ImpactSectioner); ok {
			ss, err := is.ImpactSections(ctx, q)
			if err != nil {
				return Impact{}, fmt.Errorf("impact: %s: %w", m.Name(), err)
			}
			im.Sections = append(im.Sections, ss...)
		}
	}
	sortSections(im.Sections)
	return im, nil
}

// ImpactView says how to render the impact report.
type ImpactView struct {
	Location *time.Location
	// Charts maps chart names ("participation", "checkin-SURVEY") to the
	// image files written beside the report; a chart not in it is left out.
	Charts map[string]string
}

// FormatImpact renders the impact report as Markdown, for a summary report
// to sponsors.
func FormatImpact(im Impact, v ImpactView) string {
	loc := v.Location
	if loc == nil {
		loc = time.UTC
	}
	var sb strings.Builder
	r := im.Report
	fmt.Fprintf(&sb, "# Community impact · %s – %s\n\n", im.From.In(loc).Format("Jan 2, 2006"), im.To.Add(-time.Second).In(loc).Format("Jan 2, 2006"))
	fmt.Fprintf(&sb, "**%d members**, %d of them active in the period (%d new). %s, %s and %s; %s.\n",
		r.Members.Total, r.Members.Active, r.Members.New, bot.Plural(r.Activity.Messages, "message"), bot.Plural(r.Activity.Replies, "reply"),
		bot.Plural(r.Activity.Reactions, "reaction"), bot.Plural(r.Activity.CheckinAnswers, "check-in answer"))
	sb.WriteString("\n## Participation over time\n\n| month | active members | posts | new members |\n| --- | ---: | ---: | ---: |\n")
	for _, m := range im.Months {
		fmt.Fprintf(&sb, "| %s | %d | %d | %d |\n", m.Start.In(loc).Format("Jan 2006"), m.ActiveMembers, m.Posts, m.NewMembers)
	}
	if f := v.Charts["participation"]; f != "" {
		fmt.Fprintf(&sb, "\n![Participation over time](%s)\n", f)
	}
	l, s := r.Levels, im.LevelsAtStart
	sb.WriteString("\n## How members take part\n\nParticipation levels over the last four weeks of the period, against the four weeks before it started:\n\n| level | at the start | at the end |\n| --- | ---: | ---: |\n")
	for _, row := range []struct {
		name       string
		start, end int
	}{{"leading", s.Leading, l.Leading}, {"contributing", s.Contributing, l.Contributing}, {"participating", s.Participating, l.Participating}, {"observing", s.Observing, l.Observing}} {
		fmt.Fprintf(&sb, "| %s | %d | %d |\n", row.name, row.start, row.end)
	}
	fmt.Fprintf(&sb, "\n%s moved up a level and %s moved down.\n", bot.Plural(r.LevelChanges.Up, "member"), bot.Plural(r.LevelChanges.Down, "member"))
	for _, sec := range sortedSections(im.Sections) {
		if sec.Markdown != nil {
			sb.WriteString(sec.Markdown(v.Charts))
		}
	}
	return strings.TrimRight(sb.String(), "\n") + "\n"
}
