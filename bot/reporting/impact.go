package reporting

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// ImpactSource is what the impact report reads: every record Hearth keeps.
type ImpactSource interface {
	bot.ReportSource
	bot.MemberWeeksSource
	bot.CheckinReader
	Resources(ctx context.Context, community string, q bot.ResourceQuery) ([]bot.Resource, error)
	Stories(ctx context.Context, community string, since time.Time) ([]bot.Story, error)
	Setting(ctx context.Context, community, key string) (string, error)
}

// Impact is the report for sponsors (step 6 of the practice guide):
// participation over time, levels, check-in trends, the library and the
// stories members agreed to share.
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
	Checkins      []ImpactCheckin `json:"checkins"`
	Library       ImpactLibrary   `json:"library"`
	// Stories are those whose tellers agreed to share them; the teller is
	// named only with their consent.
	Stories        []ImpactStory `json:"stories"`
	PrivateStories int           `json:"private_stories"` // kept for facilitators only: counted, never shown
	// Pilot compares the pilot with the time since launch, when the
	// community was piloted and launched.
	Pilot *bot.PilotComparison `json:"pilot,omitempty"`
}

// ImpactMonth is one calendar month (in the community zone) of the period.
type ImpactMonth struct {
	Start         time.Time `json:"start"`
	ActiveMembers int       `json:"active_members"`
	Posts         int       `json:"posts"` // messages + replies
	NewMembers    int       `json:"new_members"`
}

// ImpactCheckin sums up one survey's runs closed in the period.
type ImpactCheckin struct {
	Survey       string  `json:"survey"`
	Title        string  `json:"title"`
	Runs         int     `json:"runs"`
	ResponseRate float64 `json:"response_rate"` // mean over the runs
	// Scale is the survey's first scale question, with its mean at the
	// first and the last run of the period (absent without one).
	Scale     string           `json:"scale,omitempty"`
	FirstMean *float64         `json:"first_mean,omitempty"`
	LastMean  *float64         `json:"last_mean,omitempty"`
	Trend     []bot.TrendPoint `json:"trend,omitempty"`
}

// ImpactLibrary sums up the resources shared in the period.
type ImpactLibrary struct {
	Shared  int        `json:"shared"`
	Sharers int        `json:"sharers"`
	TopTags []TagCount `json:"top_tags"`
}

// TagCount is how many resources carry a tag.
type TagCount struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
}

// ImpactStory is a story shared with consent.
type ImpactStory struct {
	Teller string    `json:"teller,omitempty"` // "" when shared anonymously
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// BuildImpact computes the impact report for [from, to).
func BuildImpact(ctx context.Context, src ImpactSource, community string, from, to time.Time, loc *time.Location, quietAfter time.Duration, fillers ...bot.ReportFiller) (Impact, error) {
	if loc == nil {
		loc = time.UTC
	}
	if !from.Before(to) {
		return Impact{}, bot.Errorf(bot.EArgument, "The period must end after it starts.")
	}
	rep, err := bot.BuildReport(ctx, src, bot.ReportQuery{Community: community, From: from, To: to, QuietAfter: quietAfter}, fillers...)
	if err != nil {
		return Impact{}, err
	}
	im := Impact{Community: community, From: from, To: to, Report: rep, Months: []ImpactMonth{}, Checkins: []ImpactCheckin{}, Stories: []ImpactStory{}}
	if rep.Previous != nil {
		im.LevelsAtStart = rep.Previous.Levels
	}
	for start := from; start.Before(to); {
		local := start.In(loc)
		end := time.Date(local.Year(), local.Month()+1, 1, 0, 0, 0, 0, loc)
		if end.After(to) {
			end = to
		}
		m, err := src.Report(ctx, bot.ReportQuery{Community: community, From: start, To: end, QuietAfter: quietAfter, SummaryOnly: true})
		if err != nil {
			return Impact{}, fmt.Errorf("impact month %s: %w", local.Format("2006-01"), err)
		}
		im.Months = append(im.Months, ImpactMonth{Start: start, ActiveMembers: m.Members.Active, Posts: m.Activity.Messages + m.Activity.Replies, NewMembers: m.Members.New})
		start = end
	}
	if im.Checkins, err = impactCheckins(ctx, src, community, from, to, loc); err != nil {
		return Impact{}, err
	}
	rs, err := src.Resources(ctx, community, bot.ResourceQuery{Since: from, Until: to})
	if err != nil {
		return Impact{}, err
	}
	im.Library = impactLibrary(rs)
	stories, err := src.Stories(ctx, community, from)
	if err != nil {
		return Impact{}, err
	}
	for _, s := range stories {
		switch {
		case !s.At.Before(to):
		case s.Consent == bot.ConsentNamed:
			im.Stories = append(im.Stories, ImpactStory{Teller: bot.NameOr(s.MemberName, s.Member), Text: s.Text, At: s.At})
		case s.Consent == bot.ConsentAnonymous:
			im.Stories = append(im.Stories, ImpactStory{Text: s.Text, At: s.At})
		default:
			im.PrivateStories++
		}
	}
	if raw, err := src.Setting(ctx, community, bot.SettingPilot); err != nil {
		return Impact{}, err
	} else if raw != "" {
		var p bot.Pilot
		if json.Unmarshal([]byte(raw), &p) == nil && !p.LaunchedAt.IsZero() {
			cmp, err := bot.ComparePilot(ctx, src, community, p, to)
			if err != nil {
				return Impact{}, err
			}
			im.Pilot = &cmp
		}
	}
	return im, nil
}

func impactCheckins(ctx context.Context, src bot.CheckinReader, community string, from, to time.Time, loc *time.Location) ([]ImpactCheckin, error) {
	runs, err := src.CheckinRuns(ctx, community, bot.RunQuery{Closed: true})
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
		res, err := bot.RunResults(ctx, src, r)
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
		for _, q := range res.Questions {
			if q.Kind != bot.QuestionScale || q.Mean == nil || (c.Scale != "" && c.Scale != q.Prompt) {
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

func impactLibrary(rs []bot.Resource) ImpactLibrary {
	lib := ImpactLibrary{Shared: len(rs), TopTags: []TagCount{}}
	sharers := map[string]bool{}
	tags := map[string]int{}
	for _, r := range rs {
		sharers[r.Member] = true
		for _, t := range r.Tags {
			tags[t]++
		}
	}
	lib.Sharers = len(sharers)
	for t, n := range tags {
		lib.TopTags = append(lib.TopTags, TagCount{Tag: t, Count: n})
	}
	slices.SortFunc(lib.TopTags, func(a, b TagCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Tag, b.Tag)
	})
	if len(lib.TopTags) > 5 {
		lib.TopTags = lib.TopTags[:5]
	}
	return lib
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
	if len(im.Checkins) > 0 {
		sb.WriteString("\n## Check-ins\n\n")
		for _, c := range im.Checkins {
			fmt.Fprintf(&sb, "- **%s**: %s, %.0f%% answered on average", c.Title, bot.Plural(c.Runs, "run"), 100*c.ResponseRate)
			if c.FirstMean != nil {
				fmt.Fprintf(&sb, "; %q went from %.1f to %.1f", c.Scale, *c.FirstMean, *c.LastMean)
			}
			sb.WriteString(".\n")
			if f := v.Charts["checkin-"+c.Survey]; f != "" {
				fmt.Fprintf(&sb, "\n  ![%s](%s)\n", c.Title, f)
			}
		}
	}
	sb.WriteString("\n## Shared knowledge\n\n")
	if im.Library.Shared == 0 {
		sb.WriteString("No resources were shared in the period.\n")
	} else {
		fmt.Fprintf(&sb, "%s shared into the library by %s", bot.Plural(im.Library.Shared, "resource"), bot.Plural(im.Library.Sharers, "member"))
		if len(im.Library.TopTags) > 0 {
			var tags []string
			for _, t := range im.Library.TopTags {
				tags = append(tags, fmt.Sprintf("#%s (%d)", t.Tag, t.Count))
			}
			sb.WriteString("; most shared about " + strings.Join(tags, ", "))
		}
		sb.WriteString(".\n")
	}
	if c := im.Pilot; c != nil {
		sb.WriteString("\n## Pilot and launch\n\n| period | weeks | active members | posts a week | check-in answers |\n| --- | ---: | ---: | ---: | ---: |\n")
		for _, row := range []struct {
			name string
			f    bot.PeriodFigures
		}{{"pilot", c.Pilot}, {"since launch", c.SinceLaunch}} {
			fmt.Fprintf(&sb, "| %s (%s – %s) | %.1f | %d | %.1f | %d |\n", row.name, row.f.From.In(loc).Format("Jan 2, 2006"),
				row.f.To.Add(-time.Second).In(loc).Format("Jan 2, 2006"), row.f.Weeks, row.f.ActiveMembers, row.f.PostsPerWeek, row.f.CheckinAnswers)
		}
	}
	sb.WriteString("\n## Stories\n\n")
	if len(im.Stories) == 0 {
		sb.WriteString("No stories were shared for this report.")
	}
	for _, st := range im.Stories {
		teller := "a member"
		if st.Teller != "" {
			teller = st.Teller
		}
		fmt.Fprintf(&sb, "> %s\n>\n> — %s, %s\n\n", strings.ReplaceAll(strings.TrimSpace(st.Text), "\n", "\n> "), teller, st.At.In(loc).Format("January 2006"))
	}
	switch {
	case im.PrivateStories == 1:
		sb.WriteString("\n_1 more story, kept for the facilitators only, is not shown._")
	case im.PrivateStories > 1:
		fmt.Fprintf(&sb, "\n_%d more stories, kept for the facilitators only, are not shown._", im.PrivateStories)
	}
	return strings.TrimRight(sb.String(), "\n") + "\n"
}
