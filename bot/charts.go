package bot

import "time"

// ChartDrawer draws the digest's chart. adapters/chart implements it with a
// plotting library; the core only hands it numbers.
type ChartDrawer interface {
	WeeklyChart(title string, weeks []WeekPoint) ([]byte, error)
}

// TrendCharter is implemented by Charters that can also draw a line of a
// figure across time: a check-in scale question's mean across runs.
type TrendCharter interface {
	TrendChart(title, unit string, points []TrendPoint) ([]byte, error)
}

// TrendPoint is one point of a trend chart.
type TrendPoint struct {
	At    time.Time `json:"at"`
	Label string    `json:"label"` // the x-axis label, like "#3 Dec 1"
	Value float64   `json:"value"`
}

// Permalinker is implemented by chats that can link to a message.
type Permalinker interface {
	Permalink(community, channel, message string) string
}

// WeekPoint is one week of the digest's chart.
type WeekPoint struct {
	Start         time.Time `json:"start"`
	ActiveMembers int       `json:"active_members"`
	Posts         int       `json:"posts"` // messages + replies
}
