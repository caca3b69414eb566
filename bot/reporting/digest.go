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
	// Sections are the features' parts, in order; each is a key of the
	// JSON ("checkins", "resources").
	Sections []bot.Section `json:"-"`
}

// MarshalJSON writes the digest's own fields, then each section's.
func (d Digest) MarshalJSON() ([]byte, error) {
	type own Digest
	return withSections(own(d), d.Sections)
}

// Section returns the part under key, if there is one.
func (d Digest) Section(key string) (bot.Section, bool) { return findSection(d.Sections, key) }

// Digest windows.
const (
	DigestPeriod    = 7 * 24 * time.Hour
	DigestWeeks     = 8
	NewcomerHorizon = 28 * 24 * time.Hour // newcomers who joined this recently and have not posted
	NewcomerGrace   = 7 * 24 * time.Hour  // …and joined at least this long ago
)

// BuildDigest computes the digest for the week ending at, with the parts of
// the modules that have one. Its report is exactly BuildReport for
// [at-7d, at) with the modules' parts, so the digest and `hearth report`
// agree on every number.
func BuildDigest(ctx context.Context, src bot.ReportSource, community string, at time.Time, quietAfter time.Duration, loc *time.Location, mods ...bot.Module) (Digest, error) {
	if loc == nil {
		loc = time.UTC
	}
	rep, err := bot.BuildReport(ctx, src, bot.ReportQuery{Community: community, From: at.Add(-DigestPeriod), To: at, QuietAfter: quietAfter}, fillers(mods)...)
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
	q := bot.DocumentQuery{Community: community, From: at.Add(-DigestPeriod), To: at, Location: loc}
	for _, m := range mods {
		if ds, ok := m.(bot.DigestSectioner); ok {
			sec, err := ds.DigestSection(ctx, q)
			if err != nil {
				return Digest{}, fmt.Errorf("digest: %s: %w", m.Name(), err)
			}
			d.Sections = append(d.Sections, sec)
		}
	}
	sortSections(d.Sections)
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

// digestQuietCommand is where the digest sends readers for the quiet
// members and newcomers it leaves out: the facilitators' paged list with
// its file.
const digestQuietCommand = "`/hearth quiet`"

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
	if line := introsLine(r.Intros); line != "" {
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
			item(fmt.Sprintf("and %d more (%s lists them all)", len(d.Newcomers)-10, digestQuietCommand))
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
			item(fmt.Sprintf("and %d more (%s lists them all)", len(r.QuietMembers)-10, digestQuietCommand))
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
			item(fmt.Sprintf("and %d more (`hearth report --format json` has them all)", len(r.Unanswered)-10))
		}
	}
	for _, sec := range sortedSections(d.Sections) {
		if len(sec.Items) == 0 {
			continue
		}
		heading(sec.Title)
		for _, line := range sec.Items {
			item(line)
		}
	}
	if len(r.Events) > 0 {
		heading("Events")
		for _, e := range r.Events {
			item(eventLine(e, loc))
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
