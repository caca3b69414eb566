package reporting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Digest is what a facilitator with two minutes needs: the week's report
// with trends, newcomers who have not posted, and eight weeks of rhythm.
type Digest struct {
	Report    bot.Report      `json:"report"`
	Newcomers []bot.Newcomer  `json:"newcomers_not_posted"`
	Weeks     []bot.WeekPoint `json:"weeks"`
	// Checkins are the check-ins that closed in the week or are still
	// open, newest first (when the source keeps check-ins).
	Checkins []CheckinDigest `json:"checkins"`
	// Resources are the resources shared in the week, newest first.
	Resources []bot.Resource `json:"resources"`
}

// CheckinDigest is one check-in run in the digest.
type CheckinDigest struct {
	Title    string             `json:"title"`
	Results  bot.SurveyResults  `json:"results"`
	Previous *bot.SurveyResults `json:"previous,omitempty"`
}

// Digest windows.
const (
	DigestPeriod    = 7 * 24 * time.Hour
	DigestWeeks     = 8
	NewcomerHorizon = 28 * 24 * time.Hour // newcomers who joined this recently and have not posted
	NewcomerGrace   = 7 * 24 * time.Hour  // …and joined at least this long ago
)

// BuildDigest computes the digest for the week ending at. Its report is
// exactly BuildReport for [at-7d, at), so the digest and `hearth report`
// agree on every number.
// DigestSource is what the digest reads.
type DigestSource interface {
	bot.ReportSource
	bot.CheckinReader
	Resources(ctx context.Context, community string, q bot.ResourceQuery) ([]bot.Resource, error)
}

// BuildDigest computes the digest for the week ending at; fillers add the
// features' parts to its report.
func BuildDigest(ctx context.Context, src DigestSource, community string, at time.Time, quietAfter time.Duration, fillers ...bot.ReportFiller) (Digest, error) {
	rep, err := bot.BuildReport(ctx, src, bot.ReportQuery{Community: community, From: at.Add(-DigestPeriod), To: at, QuietAfter: quietAfter}, fillers...)
	if err != nil {
		return Digest{}, err
	}
	d := Digest{Report: rep, Newcomers: []bot.Newcomer{}}
	all, err := src.Newcomers(ctx, community, at.Add(-NewcomerHorizon), at)
	if err != nil {
		return Digest{}, fmt.Errorf("newcomers: %w", err)
	}
	for _, n := range all {
		// A week is a fair time to say hello; those who have not are the
		// ones a facilitator's personal word helps.
		if n.Posts == 0 && !n.JoinedAt.After(at.Add(-NewcomerGrace)) {
			d.Newcomers = append(d.Newcomers, n)
		}
	}
	for i := DigestWeeks; i > 0; i-- {
		from := at.Add(-time.Duration(i) * DigestPeriod)
		w, err := src.Report(ctx, bot.ReportQuery{Community: community, From: from, To: from.Add(DigestPeriod), QuietAfter: quietAfter, SummaryOnly: true})
		if err != nil {
			return Digest{}, fmt.Errorf("digest week of %s: %w", from.Format(time.DateOnly), err)
		}
		d.Weeks = append(d.Weeks, bot.WeekPoint{Start: from, ActiveMembers: w.Members.Active, Posts: w.Activity.Messages + w.Activity.Replies})
	}
	if d.Resources, err = src.Resources(ctx, community, bot.ResourceQuery{Since: at.Add(-DigestPeriod), Until: at}); err != nil {
		return Digest{}, fmt.Errorf("digest resources: %w", err)
	}
	d.Checkins = []CheckinDigest{}
	runs, err := src.CheckinRuns(ctx, community, bot.RunQuery{Limit: 50})
	if err != nil {
		return Digest{}, fmt.Errorf("digest check-ins: %w", err)
	}
	for _, r := range runs {
		if !r.ClosedAt.IsZero() && (r.ClosedAt.Before(at.Add(-DigestPeriod)) || !r.ClosedAt.Before(at)) || r.OpenedAt.After(at) {
			continue
		}
		res, prev, err := bot.RunResultsWithPrevious(ctx, src, r)
		if err != nil {
			return Digest{}, fmt.Errorf("digest check-in %d: %w", r.ID, err)
		}
		d.Checkins = append(d.Checkins, CheckinDigest{Title: bot.NameOr(r.Survey.Title, r.Survey.Name), Results: res, Previous: prev})
	}

	return d, nil
}

// DigestView says how to present a digest.
type DigestView struct {
	Location *time.Location
	Links    bot.Permalinker // nil: no links
	// Markdown renders headings and lists for a document (hearth digest
	// --format markdown) rather than for chat.
	Markdown bool
}

// FormatDigest renders the digest for chat (or as a Markdown document).
func FormatDigest(d Digest, v DigestView) string {
	loc := v.Location
	if loc == nil {
		loc = time.UTC
	}
	r := d.Report
	var prev bot.Summary
	if r.Previous != nil {
		prev = *r.Previous
	}
	var sb strings.Builder
	heading := func(s string) {
		if v.Markdown {
			sb.WriteString("\n## " + s + "\n\n")
		} else {
			sb.WriteString("**" + s + "**\n")
		}
	}
	title := "Weekly digest · " + r.From.In(loc).Format("Jan 2") + " – " + r.To.Add(-time.Second).In(loc).Format("Jan 2, 2006")
	if v.Markdown {
		sb.WriteString("# " + title + "\n\n")
	} else {
		sb.WriteString("**" + title + "**\n")
	}
	m, pm := r.Members, prev.Members
	fmt.Fprintf(&sb, "Members %d%s · active %d%s · new %d%s · quiet %d%s\n",
		m.Total, bot.Trend(m.Total, pm.Total), m.Active, bot.Trend(m.Active, pm.Active), m.New, bot.Trend(m.New, pm.New), m.Quiet, bot.Trend(m.Quiet, pm.Quiet))
	a, pa := r.Activity, prev.Activity
	fmt.Fprintf(&sb, "Activity %s%s · %s%s · %s%s · %s%s\n",
		bot.Plural(a.Messages, "message"), bot.Trend(a.Messages, pa.Messages), bot.Plural(a.Replies, "reply"), bot.Trend(a.Replies, pa.Replies),
		bot.Plural(a.Reactions, "reaction"), bot.Trend(a.Reactions, pa.Reactions), bot.Plural(a.CheckinAnswers, "check-in answer"), bot.Trend(a.CheckinAnswers, pa.CheckinAnswers))
	if extra := extraActivity(a, pa); extra != "" {
		sb.WriteString(extra + "\n")
	}
	if line := bot.IntrosLine(r.Intros); line != "" {
		sb.WriteString(line + "\n")
	}
	item := func(s string) { sb.WriteString("• " + s + "\n") }
	if v.Markdown {
		item = func(s string) { sb.WriteString("- " + s + "\n") }
	}
	var thank []bot.Contributor // those whose posts and reactions others saw
	for _, c := range r.TopContributors {
		if c.Messages+c.Replies+c.Reactions > 0 && len(thank) < 5 {
			thank = append(thank, c)
		}
	}
	if len(thank) > 0 {
		heading("Say thank you to")
		for _, c := range thank {
			item(fmt.Sprintf("%s: %s, %s", bot.NameOr(c.Name, c.ID), bot.Plural(c.Messages+c.Replies, "post"), bot.Plural(c.Reactions, "reaction")))
		}
	}
	if len(d.Newcomers) > 0 {
		heading("Newcomers with no post in their first week")
		for _, n := range d.Newcomers[:min(10, len(d.Newcomers))] {
			item(fmt.Sprintf("%s, joined %s", bot.NameOr(n.Name, n.ID), n.JoinedAt.In(loc).Format("Jan 2")))
		}
		if len(d.Newcomers) > 10 {
			item(fmt.Sprintf("and %d more", len(d.Newcomers)-10))
		}
	}
	if len(r.QuietMembers) > 0 {
		heading("Gone quiet")
		for _, q := range r.QuietMembers[:min(10, len(r.QuietMembers))] {
			last := "never active"
			if q.LastActive != nil {
				last = "last active " + q.LastActive.In(loc).Format("Jan 2")
			}
			item(bot.NameOr(q.Name, q.ID) + ", " + last)
		}
		if len(r.QuietMembers) > 10 {
			item(fmt.Sprintf("and %d more", len(r.QuietMembers)-10))
		}
	}
	if len(r.Unanswered) > 0 {
		heading("Waiting for a reply")
		for _, u := range r.Unanswered[:min(10, len(r.Unanswered))] {
			line := fmt.Sprintf("#%s: %s's message of %s", bot.NameOr(u.ChannelName, u.Channel), bot.NameOr(u.AuthorName, u.Author), u.PostedAt.In(loc).Format("Jan 2 15:04"))
			if v.Links != nil {
				if link := v.Links.Permalink(r.Community, u.Channel, u.Message); link != "" {
					line += " " + link
				}
			}
			item(line)
		}
		if len(r.Unanswered) > 10 {
			item(fmt.Sprintf("and %d more", len(r.Unanswered)-10))
		}
	}
	if len(d.Checkins) > 0 {
		heading("Check-ins")
		for _, c := range d.Checkins {
			item(checkinDigestLine(c, loc))
		}
	}
	if len(d.Resources) > 0 {
		heading("New in the library")
		for _, res := range d.Resources[:min(10, len(d.Resources))] {
			line := res.URL
			if res.Note != "" {
				line += " — " + bot.Clip(res.Note, 80)
			}
			item(fmt.Sprintf("%s (%s)", line, bot.NameOr(res.MemberName, res.Member)))
		}
		if len(d.Resources) > 10 {
			item(fmt.Sprintf("and %d more (`/hearth resources`)", len(d.Resources)-10))
		}
	}
	if len(r.Events) > 0 {
		heading("Events")
		for _, e := range r.Events {
			item(bot.EventLine(e, loc))
		}
	}
	if len(r.Prompts) > 0 {
		heading("Prompts")
		for _, p := range r.Prompts {
			item(fmt.Sprintf("%q (%s): %s from %s, %s", bot.Clip(p.Text, 60), p.PostedAt.In(loc).Format("Jan 2"),
				bot.Plural(p.Replies, "reply"), bot.Plural(p.Responders, "member"), bot.Plural(p.Reactions, "reaction")))
		}
	}
	return strings.TrimRight(sb.String(), "\n")
}

// checkinDigestLine sums up a run: who answered, and each scale's mean,
// with the change against the survey's previous run.
func checkinDigestLine(c CheckinDigest, loc *time.Location) string {
	r := c.Results
	state := "closed " + r.ClosedAt.In(loc).Format("Jan 2")
	if r.ClosedAt.IsZero() {
		state = "open until " + r.ClosesAt.In(loc).Format("Jan 2 15:04")
	}
	line := fmt.Sprintf("%s #%d (%s): %d of %d answered (%.0f%%)", c.Title, r.Run, state, r.Respondents, r.Delivered, 100*r.ResponseRate)
	if c.Previous != nil {
		line += bot.PointsTrend(100*r.ResponseRate, 100*c.Previous.ResponseRate, "%")
	}
	for i, q := range r.Questions {
		if q.Kind != bot.QuestionScale || q.Mean == nil {
			continue
		}
		line += fmt.Sprintf(" · %s mean %.1f", bot.Clip(q.Prompt, 40), *q.Mean)
		if c.Previous != nil && i < len(c.Previous.Questions) && c.Previous.Questions[i].ID == q.ID && c.Previous.Questions[i].Mean != nil {
			line += bot.PointsTrend(*q.Mean, *c.Previous.Questions[i].Mean, "")
		}
	}
	return line
}

// extraActivity is the line for the quieter kinds of activity, when any.
func extraActivity(a, pa bot.ActivityCounts) string {
	var parts []string
	if a.ResourceShares+pa.ResourceShares > 0 {
		parts = append(parts, bot.Plural(a.ResourceShares, "shared resource")+bot.Trend(a.ResourceShares, pa.ResourceShares))
	}
	if a.RSVPs+pa.RSVPs+a.Attendances+pa.Attendances > 0 {
		parts = append(parts, bot.Plural(a.RSVPs, "RSVP")+bot.Trend(a.RSVPs, pa.RSVPs), bot.Plural(a.Attendances, "event attendance")+bot.Trend(a.Attendances, pa.Attendances))
	}
	if a.StillHere+pa.StillHere > 0 {
		parts = append(parts, fmt.Sprintf("%d \"I'm still here\"%s", a.StillHere, bot.Trend(a.StillHere, pa.StillHere)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Also " + strings.Join(parts, " · ")
}
