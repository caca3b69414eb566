package bot

import (
	"time"
)

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
