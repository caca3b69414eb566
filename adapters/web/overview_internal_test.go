package web

import (
	"context"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/simulate"
)

// TestYearChartsAreTheReports checks the overview's charts, read at once,
// against their definitions at every step on a simulated year with joins
// and leaves: participation is the step's summary report, levels those a
// report counts as of the step's end (members.LevelOf over the members as
// of then, fillLevels' reading).
func TestYearChartsAreTheReports(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	to := bottest.T0.Add(400*24*time.Hour + 7*time.Hour + 13*time.Minute)
	r.Clock.Set(to)
	c := bot.Community{ID: "shell:sim", Platform: bot.Shell, Name: "Sim"}
	if _, err := simulate.Run(ctx, r.Bot, simulate.Options{Community: c, Members: 120, Days: 420, Events: 12000, Seed: 9, End: to, Batch: 500}); err != nil {
		t.Fatal(err)
	}
	s := New(Config{Source: NewSource(r.Bot, r.Store), Clock: r.Clock})
	part, lv, err := s.yearCharts(ctx, c.ID, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(part.Categories) != chartSteps || len(lv.Categories) != chartSteps {
		t.Fatalf("%d and %d steps, want %d", len(part.Categories), len(lv.Categories), chartSteps)
	}
	step := members.LevelWeeks * 7 * 24 * time.Hour
	now, err := r.Store.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: c.ID, End: to, Weeks: 0, AsOfEnd: true, CountsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	still := map[string]bool{}
	for _, m := range now {
		still[m.Member.ID] = true
	}
	var leftSince, levelled int
	for i := range chartSteps {
		end := to.Add(-time.Duration(chartSteps-1-i) * step)
		rep, err := r.Store.Report(ctx, bot.ReportQuery{Community: c.ID, From: end.Add(-step), To: end, SummaryOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]float64{part.Series[0].Values[i], part.Series[1].Values[i]}; got != [2]float64{float64(rep.Members.Active), float64(rep.Activity.Messages + rep.Activity.Replies)} {
			t.Errorf("step %d to %s: participation %v, the report says %d active, %d posts", i, end, got, rep.Members.Active, rep.Activity.Messages+rep.Activity.Replies)
		}
		ms, err := r.Store.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: c.ID, End: end, Weeks: members.LevelWeeks, AsOfEnd: true, CountsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var want bot.LevelCounts
		for _, m := range ms {
			l := members.LevelOf(m.Weeks)
			l.AddTo(&want)
			if !still[m.Member.ID] && l != members.LevelObserving {
				leftSince++ // counted at the step, gone by the end
			}
		}
		got := bot.LevelCounts{Leading: int(lv.Series[0].Values[i]), Contributing: int(lv.Series[1].Values[i]), Participating: int(lv.Series[2].Values[i]), Observing: int(lv.Series[3].Values[i])}
		if got != want {
			t.Errorf("step %d as of %s: levels %+v, want %+v", i, end, got, want)
		}
		levelled += want.Leading + want.Contributing + want.Participating
	}
	if levelled == 0 || leftSince == 0 {
		t.Errorf("the history tests little: %d members at a level above observing, %d of them left before the end", levelled, leftSince)
	}
}
