package pilot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// PilotComparison compares the pilot with the time since launch, per week.
type PilotComparison struct {
	Pilot       PeriodFigures `json:"pilot"`
	SinceLaunch PeriodFigures `json:"since_launch"`
}

// PeriodFigures are one period's headline figures, and per week.
type PeriodFigures struct {
	From           time.Time `json:"from"`
	To             time.Time `json:"to"`
	Weeks          float64   `json:"weeks"`
	ActiveMembers  int       `json:"active_members"`
	Posts          int       `json:"posts"` // messages + replies
	PostsPerWeek   float64   `json:"posts_per_week"`
	CheckinAnswers int       `json:"checkin_answers"`
}

// ComparePilot computes the pilot's and the time since launch's figures.
func ComparePilot(ctx context.Context, r bot.Reporter, community string, p bot.Pilot, now time.Time) (PilotComparison, error) {
	figures := func(from, to time.Time) (PeriodFigures, error) {
		f := PeriodFigures{From: from, To: to, Weeks: to.Sub(from).Hours() / (24 * 7)}
		if !from.Before(to) {
			return f, nil
		}
		rep, err := r.Report(ctx, bot.ReportQuery{Community: community, From: from, To: to, SummaryOnly: true})
		if err != nil {
			return f, err
		}
		f.ActiveMembers, f.Posts, f.CheckinAnswers = rep.Members.Active, rep.Activity.Messages+rep.Activity.Replies, rep.Activity.CheckinAnswers
		if f.Weeks > 0 {
			f.PostsPerWeek = float64(f.Posts) / f.Weeks
		}
		return f, nil
	}
	var c PilotComparison
	var err error
	if c.Pilot, err = figures(p.StartedAt, p.LaunchedAt); err != nil {
		return c, err
	}
	c.SinceLaunch, err = figures(p.LaunchedAt, now)
	return c, err
}

var _ bot.ImpactSectioner = (*Pilots)(nil)

// ImpactSections compare the pilot with the time since launch, when the
// community was piloted and launched.
func (b *Pilots) ImpactSections(ctx context.Context, q bot.DocumentQuery) ([]bot.Section, error) {
	p, err := b.core.Pilot(ctx, q.Community)
	if err != nil || p.LaunchedAt.IsZero() {
		return nil, err
	}
	c, err := ComparePilot(ctx, b.store, q.Community, p, q.To)
	if err != nil {
		return nil, err
	}
	return []bot.Section{PilotSection(c, q.Location)}, nil
}

// PilotSection is the impact report's comparison of the pilot with the time
// since launch.
func PilotSection(c PilotComparison, loc *time.Location) bot.Section {
	return bot.Section{Key: "pilot", Value: &c, Order: 30, Markdown: func(map[string]string) string {
		var sb strings.Builder
		sb.WriteString("\n## Pilot and launch\n\n| period | weeks | active members | posts a week | check-in answers |\n| --- | ---: | ---: | ---: | ---: |\n")
		for _, row := range []struct {
			name string
			f    PeriodFigures
		}{{"pilot", c.Pilot}, {"since launch", c.SinceLaunch}} {
			fmt.Fprintf(&sb, "| %s (%s – %s) | %.1f | %d | %.1f | %d |\n", row.name, row.f.From.In(loc).Format("Jan 2, 2006"),
				row.f.To.Add(-time.Second).In(loc).Format("Jan 2, 2006"), row.f.Weeks, row.f.ActiveMembers, row.f.PostsPerWeek, row.f.CheckinAnswers)
		}
		return sb.String()
	}}
}
