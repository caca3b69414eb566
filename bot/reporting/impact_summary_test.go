package reporting_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/bot/simulate"
)

// TestImpactSummaryWritesTheSameDocument: the impact report built on the
// report's summary has the full one's figures, months and sections, and
// FormatImpact writes the same document from it; and bot.BuildSummary
// gives the full report's summary figures, trends and features' parts.
func TestImpactSummaryWritesTheSameDocument(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	to := t0.Add(100*24*time.Hour + 5*time.Hour)
	r.Clock.Set(to)
	c := bot.Community{ID: "shell:sim", Platform: bot.Shell, Name: "Sim"}
	if _, err := simulate.Run(ctx, r.Bot, simulate.Options{Community: c, Members: 60, Days: 100, Events: 4000, Seed: 4, End: to, Batch: 500}); err != nil {
		t.Fatal(err)
	}
	from := to.Add(-75 * 24 * time.Hour)
	full, err := reporting.BuildImpact(ctx, r.Store, c.ID, from, to, time.UTC, 0, r.Bot.Modules()...)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := reporting.BuildImpactSummary(ctx, r.Store, c.ID, from, to, time.UTC, 0, r.Bot.Modules()...)
	if err != nil {
		t.Fatal(err)
	}
	v := reporting.ImpactView{Location: time.UTC}
	if a, b := reporting.FormatImpact(full, v), reporting.FormatImpact(sum, v); a != b {
		t.Errorf("the documents differ:\n--- full\n%s\n--- summary\n%s", a, b)
	}
	f, s := full.Report, sum.Report
	if f.Members != s.Members || f.Activity != s.Activity || f.Levels != s.Levels || f.LevelChanges != s.LevelChanges ||
		f.Nudges != s.Nudges || f.Intros != s.Intros || *f.Previous != *s.Previous || len(f.Events) != len(s.Events) {
		t.Errorf("summary %+v\nfull %+v", s, f)
	}
	if f.Members.Active == 0 || f.Levels.Contributing == 0 || len(f.Unanswered) == 0 || len(s.Unanswered) != 0 || len(s.Channels) != 0 {
		t.Errorf("the history tests little, or the summary read lists: %+v", s)
	}
}
