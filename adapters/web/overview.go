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

// The overview's charts show a year as chartSteps steps of
// members.LevelWeeks weeks each, ending at the period's end: the levels'
// own window, so every step's levels are read from one MemberWeeks call.
const chartSteps = 13

// overview: the report's headline figures with trends, participation and
// levels over a year, and the funnel.
//
// Cost: the report's summary with trends and levels (two store summaries
// and two level counts), one activity series of chartSteps steps, and one
// MemberWeeks read of the year's weeks.
func (s *Server) overview(ctx context.Context, r *http.Request, v *view) error {
	v.Title, v.template = "Overview", "overview"
	c, p := v.Session.Community, v.Period.Period
	// The charts are read beside the summary: neither needs the other, and
	// each is several queries that wait on the database.
	type charts struct {
		participation, levels chart
		err                   error
	}
	done := make(chan charts, 1)
	go func() {
		var ch charts
		ch.participation, ch.levels, ch.err = s.yearCharts(ctx, c, p.To)
		done <- ch
	}()
	rep, err := s.cfg.Source.Summary(ctx, bot.ReportQuery{Community: c, From: p.From, To: p.To})
	ch := <-done // always received: the goroutine ends before the handler does
	if err != nil {
		return err
	}
	if ch.err != nil {
		return ch.err
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
	ov.Participation, ov.LevelsOverTime = ch.participation, ch.levels
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

// yearCharts are participation (active members, posts) and levels over
// the chartSteps steps of members.LevelWeeks weeks up to to.
//
// Participation is the report's (a summary per step, read as one series).
// Levels at each step's end are counted as reports count them, from one
// read of everyone's weeks: a member's level at the end of step k is
// members.LevelOf of their weeks in that step, the level window. The
// members at that instant are those the report counts in members.total:
// the series gives that number; those at a level above observing had
// activity in the step, so were known by its end (first seen is a
// member's earliest event), and are those not left by then (the read
// includes the members who left during the year, with when); the rest of
// members.total are observing.
func (s *Server) yearCharts(ctx context.Context, community string, to time.Time) (participation, levels chart, err error) {
	loc := s.cfg.Source.Location()
	step := members.LevelWeeks * 7 * 24 * time.Hour
	bounds := make([]time.Time, chartSteps+1)
	for i := range bounds {
		bounds[i] = to.Add(-time.Duration(chartSteps-i) * step)
	}
	participation = chart{ID: "chart-participation", Title: fmt.Sprintf("Participation every %d weeks", members.LevelWeeks), XLabel: "Weeks to", YLabel: "Count",
		Series: []chartSeries{{Name: "Active members"}, {Name: "Posts (messages and replies)"}}}
	levels = chart{ID: "chart-levels", Title: fmt.Sprintf("Levels every %d weeks", members.LevelWeeks), XLabel: "As of", YLabel: "Members", Line: true,
		Series: []chartSeries{{Name: "Leading"}, {Name: "Contributing"}, {Name: "Participating"}, {Name: "Observing"}}}
	// Everyone's weeks are read beside the series: levelsAt needs both.
	type read struct {
		ms  []bot.MemberWeeks
		err error
	}
	done := make(chan read, 1)
	go func() {
		var r read
		r.ms, r.err = s.cfg.Source.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: to, Weeks: chartSteps * members.LevelWeeks,
			AsOfEnd: true, LeftSince: bounds[1], CountsOnly: true})
		done <- r
	}()
	steps, err := s.cfg.Source.ActivitySeries(ctx, bot.ActivitySeriesQuery{Community: community, Bounds: bounds})
	weeks := <-done // always received: the goroutine ends before this function does
	if err != nil {
		return chart{}, chart{}, fmt.Errorf("participation: %w", err)
	}
	if weeks.err != nil {
		return chart{}, chart{}, fmt.Errorf("levels: %w", weeks.err)
	}
	counts := levelsAt(weeks.ms, bounds[1:], steps)
	for i, st := range steps {
		label := st.To.Add(-time.Nanosecond).In(loc).Format("Jan 2")
		participation.Categories = append(participation.Categories, label)
		participation.Series[0].Values = append(participation.Series[0].Values, float64(st.Members.Active))
		participation.Series[1].Values = append(participation.Series[1].Values, float64(st.Activity.Messages+st.Activity.Replies))
		levels.Categories = append(levels.Categories, label)
		lc := counts[i]
		for j, n := range []int{lc.Leading, lc.Contributing, lc.Participating, lc.Observing} {
			levels.Series[j].Values = append(levels.Series[j].Values, float64(n))
		}
	}
	first, last := bounds[0].In(loc).Format("Jan 2, 2006"), to.Add(-time.Nanosecond).In(loc).Format("Jan 2, 2006")
	a, p, l := steps[len(steps)-1], participation.Series[1].Values, counts[len(counts)-1]
	participation.Desc = fmt.Sprintf("%d steps of %d weeks from %s to %s. Latest: %d active members, %s posts.", chartSteps, members.LevelWeeks, first, last, a.Members.Active, tickLabel(p[len(p)-1]))
	levels.Desc = fmt.Sprintf("Members by participation level at the end of each %d-week step from %s to %s. Latest: %d leading, %d contributing, %d participating, %d observing.",
		members.LevelWeeks, first, last, l.Leading, l.Contributing, l.Participating, l.Observing)
	return participation, levels, nil
}

// levelsAt counts the members by level as of each of ends, which are
// members.LevelWeeks weeks apart, the last the latest, from ms: the weeks
// up to the last end of the members as of it and of those who left since
// ends[0] (MemberWeeksQuery.LeftSince). totals[i] is the report's
// members.total as of ends[i] (its Members.Total). See yearCharts.
func levelsAt(ms []bot.MemberWeeks, ends []time.Time, totals []bot.ActivityBucket) []bot.LevelCounts {
	out := make([]bot.LevelCounts, len(ends))
	for _, m := range ms {
		for i, end := range ends {
			if !m.LeftAt.IsZero() && m.LeftAt.Before(end) {
				continue // left by then
			}
			if l := members.LevelOf(m.Weeks[i*members.LevelWeeks : (i+1)*members.LevelWeeks]); l != members.LevelObserving {
				l.AddTo(&out[i])
			}
		}
	}
	for i := range out {
		out[i].Observing = totals[i].Members.Total - out[i].Leading - out[i].Contributing - out[i].Participating
	}
	return out
}
