package reporting

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// formatEvents writes a report's or digest's events section.
func formatEvents(sb *strings.Builder, evs []bot.EventSummary, loc *time.Location, limit int) {
	if len(evs) == 0 {
		return
	}
	sb.WriteString("**Events**\n")
	for _, e := range evs[:min(limit, len(evs))] {
		sb.WriteString("• " + eventLine(e, loc) + "\n")
	}
	bot.More(sb, len(evs), limit)
}

// eventLine sums up one event held: RSVPs, attendance, feedback.
func eventLine(e bot.EventSummary, loc *time.Location) string {
	s := fmt.Sprintf("%s (%s): %d going, %d maybe, %d there", e.Title, e.Start.In(loc).Format("Jan 2"), e.Going, e.Maybe, e.Attended)
	if f := e.Feedback; f != nil {
		s += fmt.Sprintf(" · feedback %d/%d", f.Respondents, f.Delivered)
		if f.Mean != nil {
			s += fmt.Sprintf(", usefulness %.1f", *f.Mean)
		}
	}
	return s
}

// eventCSVRows adds a report's events to its CSV.
func eventCSVRows(evs []bot.EventSummary, add func(section, id, name, field, value, previous string)) {
	for _, e := range evs {
		id := strconv.FormatInt(e.ID, 10)
		add("events", id, e.Title, "start", e.Start.Format(time.RFC3339), "")
		add("events", id, e.Title, "going", strconv.Itoa(e.Going), "")
		add("events", id, e.Title, "maybe", strconv.Itoa(e.Maybe), "")
		add("events", id, e.Title, "attended", strconv.Itoa(e.Attended), "")
		if f := e.Feedback; f != nil {
			add("events", id, e.Title, "feedback_respondents", strconv.Itoa(f.Respondents), "")
			if f.Mean != nil {
				add("events", id, e.Title, "feedback_mean", strconv.FormatFloat(*f.Mean, 'f', 2, 64), "")
			}
		}
	}
}

// introsLine is the report's and the digest's line on intros ("" when
// there were none).
func introsLine(r bot.IntroCounts) string {
	if r == (bot.IntroCounts{}) {
		return ""
	}
	return fmt.Sprintf("Intros: %s made, %d met", bot.Plural(r.Made, "group"), r.Met)
}
