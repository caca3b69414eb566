package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// formatEvents writes a report's or digest's events section.
func FormatEvents(sb *strings.Builder, evs []EventSummary, loc *time.Location, limit int) {
	if len(evs) == 0 {
		return
	}
	sb.WriteString("**Events**\n")
	for _, e := range evs[:min(limit, len(evs))] {
		sb.WriteString("• " + EventLine(e, loc) + "\n")
	}
	More(sb, len(evs), limit)
}

// eventLine sums up one event held: RSVPs, attendance, feedback.
func EventLine(e EventSummary, loc *time.Location) string {
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
func EventCSVRows(evs []EventSummary, add func(section, id, name, field, value, previous string)) {
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
func IntrosLine(r IntroCounts) string {
	if r == (IntroCounts{}) {
		return ""
	}
	return fmt.Sprintf("Intros: %s made, %d met", Plural(r.Made, "group"), r.Met)
}

// EventSummary is one event held in a report's period (it ended in it and
// was not cancelled).
type EventSummary struct {
	ID       int64          `json:"id"`
	Title    string         `json:"title"`
	Start    time.Time      `json:"start"`
	Channel  string         `json:"channel"`
	Going    int            `json:"going"`
	Maybe    int            `json:"maybe"`
	Attended int            `json:"attended"`
	Feedback *EventFeedback `json:"feedback"` // null when no feedback run was sent
}

// EventFeedback sums up an event's feedback check-in.
type EventFeedback struct {
	Run         int64    `json:"run"`
	Delivered   int      `json:"delivered"`
	Respondents int      `json:"respondents"`
	Mean        *float64 `json:"mean"` // the first scale question's mean; null without answers
}

// IntroCounts are a report's intro figures. They are not participation:
// intros are counted here, never as activity.
type IntroCounts struct {
	Made int `json:"made"` // groups formed in the period
	Met  int `json:"met"`  // groups whose first "We met" (from any of their members) came in the period
}
