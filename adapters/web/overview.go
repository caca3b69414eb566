package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

type overviewView struct {
	Members, Activity, Levels, Nudges []figure
	Changes                           bot.LevelChanges
	Participation, LevelsOverTime     chart
	Funnel                            chart
	FunnelSteps                       []funnelStep
}

type funnelStep struct {
	Key, Label string
	Count      int
}

// chartMonths is how many calendar months the overview's charts show.
const chartMonths = 12

// overview: the report's headline figures with trends, participation and
// levels by month for a year, and the funnel.
//
// Cost: one full report (two store reports and two level counts), twelve
// store summaries and eleven level counts, the month ends before the
// period's; the last month's levels are the report's own.
func (s *Server) overview(ctx context.Context, r *http.Request, v *view) error {
	v.Title, v.template = "Overview", "overview"
	c, p := v.Session.Community, v.Period.Period
	rep, err := s.cfg.Source.Report(ctx, bot.ReportQuery{Community: c, From: p.From, To: p.To})
	if err != nil {
		return err
	}
	var prev bot.Summary
	if rep.Previous != nil {
		prev = *rep.Previous
	}
	has := rep.Previous != nil
	f := func(key, label string, now, before int) figure {
		return figure{Key: key, Label: label, Value: now, Previous: before, HasPrev: has}
	}
	ov := overviewView{Changes: rep.LevelChanges}
	ov.Members = []figure{
		f("members.total", "Members", rep.Members.Total, prev.Members.Total),
		f("members.active", "Active members", rep.Members.Active, prev.Members.Active),
		f("members.new", "New members", rep.Members.New, prev.Members.New),
		f("members.quiet", "Quiet members", rep.Members.Quiet, prev.Members.Quiet),
	}
	ov.Activity = []figure{
		f("activity.messages", "Messages", rep.Activity.Messages, prev.Activity.Messages),
		f("activity.replies", "Replies", rep.Activity.Replies, prev.Activity.Replies),
		f("activity.reactions", "Reactions", rep.Activity.Reactions, prev.Activity.Reactions),
		f("activity.checkin_answers", "Check-in answers", rep.Activity.CheckinAnswers, prev.Activity.CheckinAnswers),
		f("activity.resource_shares", "Resources shared", rep.Activity.ResourceShares, prev.Activity.ResourceShares),
		f("activity.attendances", "Event attendances", rep.Activity.Attendances, prev.Activity.Attendances),
	}
	ov.Levels = []figure{
		f("levels.leading", "Leading", rep.Levels.Leading, prev.Levels.Leading),
		f("levels.contributing", "Contributing", rep.Levels.Contributing, prev.Levels.Contributing),
		f("levels.participating", "Participating", rep.Levels.Participating, prev.Levels.Participating),
		f("levels.observing", "Observing", rep.Levels.Observing, prev.Levels.Observing),
	}
	ov.Nudges = []figure{
		f("nudges.sent", "Nudges sent", rep.Nudges.Sent, prev.Nudges.Sent),
		f("nudges.returned", "Came back after a nudge", rep.Nudges.Returned, prev.Nudges.Returned),
	}
	if ov.Participation, ov.LevelsOverTime, err = s.monthCharts(ctx, c, p.To, rep.Levels); err != nil {
		return err
	}
	l := rep.Levels
	all := l.Leading + l.Contributing + l.Participating + l.Observing
	ov.FunnelSteps = []funnelStep{
		{"funnel.observing", "Observing or more (all members)", all},
		{"funnel.participating", "Participating or more", l.Leading + l.Contributing + l.Participating},
		{"funnel.contributing", "Contributing or more", l.Leading + l.Contributing},
		{"funnel.leading", "Leading", l.Leading},
	}
	ov.Funnel = chart{ID: "chart-funnel", Title: "Funnel: members at each level or above",
		Desc:   fmt.Sprintf("As of %s: %d members, %d participating or more, %d contributing or more, %d leading.", v.Period.To, all, ov.FunnelSteps[1].Count, ov.FunnelSteps[2].Count, l.Leading),
		XLabel: "Level", YLabel: "Members", Series: []chartSeries{{Name: "Members"}}}
	for i, st := range ov.FunnelSteps {
		ov.Funnel.Categories = append(ov.Funnel.Categories, []string{"Observing+", "Participating+", "Contributing+", "Leading"}[i])
		ov.Funnel.Series[0].Values = append(ov.Funnel.Series[0].Values, float64(st.Count))
	}
	v.Content = ov
	return nil
}

// monthCharts are participation (active members, posts) by calendar
// month, in the community's zone, for the chartMonths months up to to (the
// last one cut at to), and levels as of each month's end. Months are
// summed as the impact report sums them (store summaries), and levels
// counted with members.LevelOf, their one definition; last are the levels
// as of to, already counted by the report.
func (s *Server) monthCharts(ctx context.Context, community string, to time.Time, last bot.LevelCounts) (participation, levels chart, err error) {
	loc := s.cfg.Source.Location()
	lt := to.In(loc)
	first := time.Date(lt.Year(), lt.Month()-chartMonths+1, 1, 0, 0, 0, 0, loc)
	participation = chart{ID: "chart-participation", Title: "Participation by month", XLabel: "Month", YLabel: "Count",
		Series: []chartSeries{{Name: "Active members"}, {Name: "Posts (messages and replies)"}}}
	levels = chart{ID: "chart-levels", Title: "Levels at the end of each month", XLabel: "Month", YLabel: "Members", Line: true,
		Series: []chartSeries{{Name: "Leading"}, {Name: "Contributing"}, {Name: "Participating"}, {Name: "Observing"}}}
	for start := first; start.Before(to); {
		end := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, loc)
		if end.After(to) {
			end = to
		}
		label := start.Format("Jan 2006")
		m, err := s.cfg.Source.StoreReport(ctx, bot.ReportQuery{Community: community, From: start, To: end, SummaryOnly: true})
		if err != nil {
			return chart{}, chart{}, fmt.Errorf("month %s: %w", label, err)
		}
		participation.Categories = append(participation.Categories, label)
		participation.Series[0].Values = append(participation.Series[0].Values, float64(m.Members.Active))
		participation.Series[1].Values = append(participation.Series[1].Values, float64(m.Activity.Messages+m.Activity.Replies))
		lc := last
		if end.Before(to) {
			if lc, err = s.levelsAsOf(ctx, community, end); err != nil {
				return chart{}, chart{}, err
			}
		}
		levels.Categories = append(levels.Categories, label)
		for i, n := range []int{lc.Leading, lc.Contributing, lc.Participating, lc.Observing} {
			levels.Series[i].Values = append(levels.Series[i].Values, float64(n))
		}
		start = end
	}
	if n := len(participation.Categories); n > 0 {
		a, p := participation.Series[0].Values, participation.Series[1].Values
		participation.Desc = fmt.Sprintf("%d months from %s to %s. Latest month: %s active members, %s posts.", n, participation.Categories[0], participation.Categories[n-1], tickLabel(a[n-1]), tickLabel(p[n-1]))
		levels.Desc = fmt.Sprintf("Members by participation level at the end of each month from %s to %s (the last as of the period's end). Latest: %d leading, %d contributing, %d participating, %d observing.",
			levels.Categories[0], levels.Categories[n-1], last.Leading, last.Contributing, last.Participating, last.Observing)
	}
	return participation, levels, nil
}

// levelsAsOf counts the members as of at by level, as reports do.
func (s *Server) levelsAsOf(ctx context.Context, community string, at time.Time) (bot.LevelCounts, error) {
	ms, err := s.cfg.Source.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: at, Weeks: members.LevelWeeks, AsOfEnd: true, CountsOnly: true})
	if err != nil {
		return bot.LevelCounts{}, fmt.Errorf("levels at %s: %w", at, err)
	}
	var c bot.LevelCounts
	for _, m := range ms {
		switch members.LevelOf(m.Weeks) {
		case members.LevelLeading:
			c.Leading++
		case members.LevelContributing:
			c.Contributing++
		case members.LevelParticipating:
			c.Participating++
		default:
			c.Observing++
		}
	}
	return c, nil
}
