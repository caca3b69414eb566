package reporting

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// ReportView says how to present a report to a person.
type ReportView struct {
	Location *time.Location
	Channel  bot.Channel // the channel the report is restricted to, if any
	Label    string      // e.g. "last 7 days"; "" shows the dates only
	// ListLimit caps each list in chat (0: 10); the JSON and CSV have all.
	ListLimit int
}

// PeriodRange names the window [from, to) as people read it. Whole days
// (both ends at midnight in loc) show the first and the last included day,
// "Nov 1 – Nov 28, 2026", since the end is exclusive. A rolling window
// ending now starts and ends within days, so it shows the hours too, "Oct 27
// 09:00 – Nov 3 09:00, 2026": its dates alone would name one day more than
// its length.
func PeriodRange(from, to time.Time, loc *time.Location) string {
	f, t := from.In(loc), to.In(loc)
	if isMidnight(f) && isMidnight(t) {
		return f.Format("Jan 2") + " – " + t.AddDate(0, 0, -1).Format("Jan 2, 2006")
	}
	return f.Format("Jan 2 15:04") + " – " + t.Format("Jan 2 15:04, 2006")
}

func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// FormatReport renders a report for chat, with trend arrows against the
// previous period.
func FormatReport(r bot.Report, v ReportView) string {
	loc := v.Location
	if loc == nil {
		loc = time.UTC
	}
	limit := v.ListLimit
	if limit <= 0 {
		limit = 10
	}
	var prev bot.Summary
	if r.Previous != nil {
		prev = *r.Previous
	}
	var sb strings.Builder
	sb.WriteString("**Participation report**")
	if v.Channel.ID != "" || v.Channel.Name != "" {
		sb.WriteString(" · #" + bot.ChannelLabel(v.Channel.ID, v.Channel.Name))
	}
	sb.WriteString(" · ")
	if v.Label != "" {
		sb.WriteString(v.Label + " (")
	}
	sb.WriteString(PeriodRange(r.From, r.To, loc))
	if v.Label != "" {
		sb.WriteString(")")
	}
	sb.WriteString("\n")
	if r.HistorySince != nil {
		fmt.Fprintf(&sb, "Hearth's record starts %s (history imported)\n", r.HistorySince.In(loc).Format(time.DateOnly))
	}
	m, pm := r.Members, prev.Members
	fmt.Fprintf(&sb, "**Members** %d%s · active %d%s · new %d%s · quiet %d%s\n",
		m.Total, bot.Trend(m.Total, pm.Total), m.Active, bot.Trend(m.Active, pm.Active),
		m.New, bot.Trend(m.New, pm.New), m.Quiet, bot.Trend(m.Quiet, pm.Quiet))
	a, pa := r.Activity, prev.Activity
	fmt.Fprintf(&sb, "**Activity** %s%s · %s%s · %s%s · %s%s\n",
		bot.Plural(a.Messages, "message"), bot.Trend(a.Messages, pa.Messages),
		bot.Plural(a.Replies, "reply"), bot.Trend(a.Replies, pa.Replies),
		bot.Plural(a.Reactions, "reaction"), bot.Trend(a.Reactions, pa.Reactions),
		bot.Plural(a.CheckinAnswers, "check-in answer"), bot.Trend(a.CheckinAnswers, pa.CheckinAnswers))
	if extra := extraActivity(a, pa); extra != "" {
		sb.WriteString(extra + "\n")
	}
	fmt.Fprintf(&sb, "**Who takes part** %s · %s · %s\n",
		bot.Plural(r.Tiers.Creators, "creator"), bot.Plural(r.Tiers.Responders, "responder"), bot.Plural(r.Tiers.Observers, "observer"))
	l, pl := r.Levels, prev.Levels
	if l != (bot.LevelCounts{}) {
		fmt.Fprintf(&sb, "**Levels** (last 4 weeks) %d leading%s · %d contributing%s · %d participating%s · %d observing%s · %d moved up, %d down\n",
			l.Leading, bot.Trend(l.Leading, pl.Leading), l.Contributing, bot.Trend(l.Contributing, pl.Contributing),
			l.Participating, bot.Trend(l.Participating, pl.Participating), l.Observing, bot.Trend(l.Observing, pl.Observing),
			r.LevelChanges.Up, r.LevelChanges.Down)
	}
	if r.Nudges.Sent > 0 || prev.Nudges.Sent > 0 {
		fmt.Fprintf(&sb, "**Nudges** %d sent%s · %d came back within a week%s\n",
			r.Nudges.Sent, bot.Trend(r.Nudges.Sent, prev.Nudges.Sent), r.Nudges.Returned, bot.Trend(r.Nudges.Returned, prev.Nudges.Returned))
	}
	formatEvents(&sb, r.Events, loc, limit)
	if line := introsLine(r.Intros); line != "" {
		sb.WriteString("**Intros** " + strings.TrimPrefix(line, "Intros: ") + "\n")
	}
	if len(r.Channels) > 0 {
		sb.WriteString("**Channels**\n")
		for _, c := range r.Channels[:min(limit, len(r.Channels))] {
			fmt.Fprintf(&sb, "• #%s: %s, %s, %s, %d active\n", bot.ChannelLabel(c.ID, c.Name),
				bot.Plural(c.Messages, "message"), bot.Plural(c.Replies, "reply"), bot.Plural(c.Reactions, "reaction"), c.ActiveMembers)
		}
		bot.More(&sb, len(r.Channels), limit)
	}
	if len(r.TopContributors) > 0 {
		sb.WriteString("**Top contributors**\n")
		for _, c := range r.TopContributors[:min(limit, len(r.TopContributors))] {
			fmt.Fprintf(&sb, "• %s: %s, %s, %s\n", bot.NameOr(c.Name, c.ID),
				bot.Plural(c.Messages, "message"), bot.Plural(c.Replies, "reply"), bot.Plural(c.Reactions, "reaction"))
		}
	}
	if len(r.QuietMembers) > 0 {
		sb.WriteString("**Gone quiet**\n")
		for _, q := range r.QuietMembers[:min(limit, len(r.QuietMembers))] {
			last := "never active"
			if q.LastActive != nil {
				last = "last active " + q.LastActive.In(loc).Format("Jan 2")
			}
			fmt.Fprintf(&sb, "• %s: %s\n", bot.NameOr(q.Name, q.ID), last)
		}
		bot.More(&sb, len(r.QuietMembers), limit)
	}
	if len(r.Unanswered) > 0 {
		sb.WriteString("**Waiting for a reply**\n")
		for _, u := range r.Unanswered[:min(limit, len(r.Unanswered))] {
			fmt.Fprintf(&sb, "• #%s: %s's message of %s\n", bot.NameOr(u.ChannelName, u.Channel), bot.NameOr(u.AuthorName, u.Author), u.PostedAt.In(loc).Format("Jan 2 15:04"))
		}
		bot.More(&sb, len(r.Unanswered), limit)
	}
	return strings.TrimRight(sb.String(), "\n")
}

// WriteReportCSV writes the report as one long table (section, id, name,
// field, value, previous), which spreadsheets pivot without guessing.
func WriteReportCSV(w io.Writer, r bot.Report) error {
	cw := bot.NewCSVWriter(w)
	var prev bot.Summary
	if r.Previous != nil {
		prev = *r.Previous
	}
	rows := [][]string{{"section", "id", "name", "field", "value", "previous"}}
	add := func(section, id, name, field string, value string, previous string) {
		rows = append(rows, []string{section, id, name, field, value, previous})
	}
	num := strconv.Itoa
	add("period", "", r.Community, "from", r.From.Format(time.RFC3339), "")
	add("period", "", r.Community, "to", r.To.Format(time.RFC3339), "")
	for _, f := range []struct {
		name      string
		now, then int
	}{
		{"total", r.Members.Total, prev.Members.Total}, {"active", r.Members.Active, prev.Members.Active},
		{"new", r.Members.New, prev.Members.New}, {"quiet", r.Members.Quiet, prev.Members.Quiet},
	} {
		add("members", "", "", f.name, num(f.now), num(f.then))
	}
	for _, f := range []struct {
		name      string
		now, then int
	}{
		{"messages", r.Activity.Messages, prev.Activity.Messages}, {"replies", r.Activity.Replies, prev.Activity.Replies},
		{"reactions", r.Activity.Reactions, prev.Activity.Reactions}, {"checkin_answers", r.Activity.CheckinAnswers, prev.Activity.CheckinAnswers},
		{"still_here", r.Activity.StillHere, prev.Activity.StillHere}, {"resource_shares", r.Activity.ResourceShares, prev.Activity.ResourceShares},
		{"rsvps", r.Activity.RSVPs, prev.Activity.RSVPs}, {"attendances", r.Activity.Attendances, prev.Activity.Attendances},
	} {
		add("activity", "", "", f.name, num(f.now), num(f.then))
	}
	for _, f := range []struct {
		name      string
		now, then int
	}{
		{"leading", r.Levels.Leading, prev.Levels.Leading}, {"contributing", r.Levels.Contributing, prev.Levels.Contributing},
		{"participating", r.Levels.Participating, prev.Levels.Participating}, {"observing", r.Levels.Observing, prev.Levels.Observing},
	} {
		add("levels", "", "", f.name, num(f.now), num(f.then))
	}
	add("level_changes", "", "", "up", num(r.LevelChanges.Up), "")
	add("level_changes", "", "", "down", num(r.LevelChanges.Down), "")
	add("nudges", "", "", "sent", num(r.Nudges.Sent), num(prev.Nudges.Sent))
	add("nudges", "", "", "returned", num(r.Nudges.Returned), num(prev.Nudges.Returned))
	add("intros", "", "", "made", num(r.Intros.Made), "")
	add("intros", "", "", "met", num(r.Intros.Met), "")
	add("tiers", "", "", "creators", num(r.Tiers.Creators), "")
	add("tiers", "", "", "responders", num(r.Tiers.Responders), "")
	add("tiers", "", "", "observers", num(r.Tiers.Observers), "")
	for _, c := range r.Channels {
		add("channels", c.ID, c.Name, "messages", num(c.Messages), "")
		add("channels", c.ID, c.Name, "replies", num(c.Replies), "")
		add("channels", c.ID, c.Name, "reactions", num(c.Reactions), "")
		add("channels", c.ID, c.Name, "active_members", num(c.ActiveMembers), "")
	}
	for _, c := range r.TopContributors {
		add("top_contributors", c.ID, c.Name, "messages", num(c.Messages), "")
		add("top_contributors", c.ID, c.Name, "replies", num(c.Replies), "")
		add("top_contributors", c.ID, c.Name, "reactions", num(c.Reactions), "")
	}
	for _, q := range r.QuietMembers {
		last := ""
		if q.LastActive != nil {
			last = q.LastActive.Format(time.RFC3339)
		}
		add("quiet_members", q.ID, q.Name, "last_active", last, "")
	}
	for _, u := range r.Unanswered {
		add("unanswered", u.Message, u.Author, "posted_at", u.PostedAt.Format(time.RFC3339), "")
		add("unanswered", u.Message, u.Author, "channel", u.Channel, "")
	}
	eventCSVRows(r.Events, add)
	for _, row := range rows {
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write report csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write report csv: %w", err)
	}
	return nil
}
