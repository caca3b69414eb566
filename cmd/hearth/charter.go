package main

import (
	"github.com/hearth-community/hearth/adapters/chart"
	"github.com/hearth-community/hearth/bot"
)

// charter adapts the chart adapter to the core's ChartDrawer and TrendCharter:
// the core hands numbers, the chart package draws them.
type charter struct{ r *chart.Renderer }

var (
	_ bot.ChartDrawer  = charter{}
	_ bot.TrendCharter = charter{}
)

func newCharter() charter { return charter{r: chart.New()} }

func (c charter) WeeklyChart(title string, weeks []bot.WeekPoint) ([]byte, error) {
	in := make([]chart.Week, len(weeks))
	for i, w := range weeks {
		in[i] = chart.Week{Start: w.Start, ActiveMembers: w.ActiveMembers, Posts: w.Posts}
	}
	return c.r.WeeklyChart(title, in)
}

func (c charter) TrendChart(title, unit string, points []bot.TrendPoint) ([]byte, error) {
	in := make([]chart.TrendPoint, len(points))
	for i, p := range points {
		in[i] = chart.TrendPoint{At: p.At, Label: p.Label, Value: p.Value}
	}
	return c.r.TrendChart(title, unit, in)
}
