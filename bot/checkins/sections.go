package checkins

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// CheckinDigest is one check-in run in the digest.
type CheckinDigest struct {
	Title    string         `json:"title"`
	Results  SurveyResults  `json:"results"`
	Previous *SurveyResults `json:"previous,omitempty"`
}

// checkinDigestLine sums up a run: who answered, and each scale's mean,
// with the change against the survey's previous run.
func checkinDigestLine(c CheckinDigest, loc *time.Location) string {
	r := c.Results
	if c.Previous != nil && !Comparable(r, *c.Previous) {
		c.Previous = nil
	}
	state := "closed " + r.ClosedAt.In(loc).Format("Jan 2")
	if r.ClosedAt.IsZero() {
		state = "open until " + r.ClosesAt.In(loc).Format("Jan 2 15:04")
	}
	line := fmt.Sprintf("%s #%d (%s): %d of %d answered (%.0f%%)", c.Title, r.Run, state, r.Respondents, r.Delivered, 100*r.ResponseRate)
	if c.Previous != nil {
		line += bot.PointsTrend(100*r.ResponseRate, 100*c.Previous.ResponseRate, "%")
	}
	if r.Withheld != "" {
		if r.ClosedAt.IsZero() {
			return line + " · anonymous: results at the close"
		}
		return line + fmt.Sprintf(" · results withheld (anonymous, fewer than %d answered)", r.MinRespondents)
	}
	for i, q := range r.Questions {
		if q.Kind != QuestionScale || q.Mean == nil {
			continue
		}
		line += fmt.Sprintf(" · %s mean %.1f", bot.Clip(q.Prompt, 40), *q.Mean)
		if c.Previous != nil && i < len(c.Previous.Questions) && c.Previous.Questions[i].ID == q.ID && c.Previous.Questions[i].Mean != nil {
			line += bot.PointsTrend(*q.Mean, *c.Previous.Questions[i].Mean, "")
		}
	}
	return line
}

// ImpactCheckin sums up one survey's runs closed in the period.
type ImpactCheckin struct {
	Survey string `json:"survey"`
	Title  string `json:"title"`
	Runs   int    `json:"runs"`
	// Withheld counts the anonymous runs whose answers too few gave to
	// show (Publishable): their response rates count, their answers don't.
	Withheld     int     `json:"withheld,omitempty"`
	ResponseRate float64 `json:"response_rate"` // mean over the runs
	// Scale is the survey's first scale question, with its mean at the
	// first and the last run of the period (absent without one).
	Scale     string           `json:"scale,omitempty"`
	FirstMean *float64         `json:"first_mean,omitempty"`
	LastMean  *float64         `json:"last_mean,omitempty"`
	Trend     []bot.TrendPoint `json:"trend,omitempty"`
}

func impactCheckins(ctx context.Context, src CheckinReader, community string, from, to time.Time, loc *time.Location) ([]ImpactCheckin, error) {
	runs, err := src.CheckinRuns(ctx, community, RunQuery{Closed: true})
	if err != nil {
		return nil, err
	}
	slices.Reverse(runs) // oldest first
	bySurvey := map[string]*ImpactCheckin{}
	var order []string
	for _, r := range runs {
		if r.ClosedAt.Before(from) || !r.ClosedAt.Before(to) {
			continue
		}
		res, err := RunResults(ctx, src, r)
		if err != nil {
			return nil, err
		}
		c := bySurvey[r.Survey.Name]
		if c == nil {
			c = &ImpactCheckin{Survey: r.Survey.Name, Title: bot.NameOr(r.Survey.Title, r.Survey.Name)}
			bySurvey[r.Survey.Name] = c
			order = append(order, r.Survey.Name)
		}
		c.Runs++
		c.ResponseRate += res.ResponseRate
		if res.Withheld != "" {
			c.Withheld++
			continue
		}
		for _, q := range res.Questions {
			if q.Kind != QuestionScale || q.Mean == nil || (c.Scale != "" && c.Scale != q.Prompt) {
				continue
			}
			c.Scale = q.Prompt
			mean := *q.Mean
			if c.FirstMean == nil {
				c.FirstMean = &mean
			}
			c.LastMean = &mean
			c.Trend = append(c.Trend, bot.TrendPoint{At: r.OpenedAt, Label: fmt.Sprintf("#%d %s", r.ID, r.OpenedAt.In(loc).Format("Jan 2")), Value: mean})
			break
		}
	}
	out := []ImpactCheckin{}
	for _, name := range order {
		c := bySurvey[name]
		c.ResponseRate /= float64(c.Runs)
		out = append(out, *c)
	}
	return out, nil
}

var (
	_ bot.DigestSectioner = (*Checkins)(nil)
	_ bot.ImpactSectioner = (*Checkins)(nil)
)

// DigestSection lists the check-ins that closed in the week or are still
// open, newest first, with their results against the run before.
func (b *Checkins) DigestSection(ctx context.Context, q bot.DocumentQuery) (bot.Section, error) {
	digests := []CheckinDigest{}
	runs, err := b.store.CheckinRuns(ctx, q.Community, RunQuery{Limit: 50})
	if err != nil {
		return bot.Section{}, fmt.Errorf("digest check-ins: %w", err)
	}
	for _, r := range runs {
		if !r.ClosedAt.IsZero() && (r.ClosedAt.Before(q.From) || !r.ClosedAt.Before(q.To)) || r.OpenedAt.After(q.To) {
			continue
		}
		res, prev, err := RunResultsWithPrevious(ctx, b.store, r)
		if err != nil {
			return bot.Section{}, fmt.Errorf("digest check-in %d: %w", r.ID, err)
		}
		digests = append(digests, CheckinDigest{Title: bot.NameOr(r.Survey.Title, r.Survey.Name), Results: res, Previous: prev})
	}
	s := bot.Section{Key: "checkins", Value: digests, Order: 10, Title: "Check-ins"}
	for _, c := range digests {
		s.Items = append(s.Items, checkinDigestLine(c, q.Location))
	}
	return s, nil
}

// ImpactSections sums up each survey's runs closed in the period, with the
// trend of its first scale question.
func (b *Checkins) ImpactSections(ctx context.Context, q bot.DocumentQuery) ([]bot.Section, error) {
	cs, err := impactCheckins(ctx, b.store, q.Community, q.From, q.To, q.Location)
	if err != nil {
		return nil, err
	}
	s := bot.Section{Key: "checkins", Value: cs, Order: 10}
	for _, c := range cs {
		if len(c.Trend) >= 2 {
			s.Charts = append(s.Charts, bot.SectionChart{Name: "checkin-" + c.Survey, Title: c.Title + ": " + c.Scale, Unit: "mean", Points: c.Trend})
		}
	}
	s.Markdown = func(charts map[string]string) string {
		if len(cs) == 0 {
			return ""
		}
		var sb strings.Builder
		sb.WriteString("\n## Check-ins\n\n")
		for _, c := range cs {
			fmt.Fprintf(&sb, "- **%s**: %s, %.0f%% answered on average", c.Title, bot.Plural(c.Runs, "run"), 100*c.ResponseRate)
			if c.FirstMean != nil {
				fmt.Fprintf(&sb, "; %q went from %.1f to %.1f", c.Scale, *c.FirstMean, *c.LastMean)
			}
			if c.Withheld > 0 {
				fmt.Fprintf(&sb, " (answers withheld for %s of them: anonymous, too few answered)", strconv.Itoa(c.Withheld))
			}
			sb.WriteString(".\n")
			if f := charts["checkin-"+c.Survey]; f != "" {
				fmt.Fprintf(&sb, "\n  ![%s](%s)\n", c.Title, f)
			}
		}
		return sb.String()
	}
	return []bot.Section{s}, nil
}
