package bot

import (
	"context"
	"fmt"
	"time"
)

// MaxSeriesBuckets bounds the buckets of one ActivitySeriesQuery.
const MaxSeriesBuckets = 60

// ActivitySeriesQuery asks for the report's activity figures in
// consecutive periods (a chart's points): bucket i is [Bounds[i],
// Bounds[i+1]).
type ActivitySeriesQuery struct {
	Community string
	// Channel restricts the active members and the activity to one
	// channel, as ReportQuery.Channel does; member totals and new members
	// stay community-wide.
	Channel string
	// Bounds are the buckets' edges, strictly ascending: at least two, at
	// most MaxSeriesBuckets+1.
	Bounds []time.Time
}

// Validate says whether the bounds make buckets.
func (q ActivitySeriesQuery) Validate() error {
	if len(q.Bounds) < 2 || len(q.Bounds) > MaxSeriesBuckets+1 {
		return fmt.Errorf("activity series of %s: %d bounds, want 2 to %d", q.Community, len(q.Bounds), MaxSeriesBuckets+1)
	}
	for i := 1; i < len(q.Bounds); i++ {
		if !q.Bounds[i-1].Before(q.Bounds[i]) {
			return fmt.Errorf("activity series of %s: bound %d (%s) is not after the one before", q.Community, i, q.Bounds[i])
		}
	}
	return nil
}

// ActivityBucket is one bucket of a series: exactly what a SummaryOnly
// Report of [From, To) with the query's channel gives for Members.Total,
// Members.Active, Members.New and Activity. Members.Quiet and the nudges
// are not part of a series (left zero).
type ActivityBucket struct {
	From, To time.Time
	Members  MemberCounts
	Activity ActivityCounts
}

// ActivitySeriesSource reads the report's activity figures for many
// consecutive periods at once: what a chart over months or weeks needs,
// for the cost of about one report rather than one per point.
type ActivitySeriesSource interface {
	// ActivitySeries returns one bucket per pair of consecutive bounds, in
	// order. An unknown community has buckets of zeros.
	ActivitySeries(ctx context.Context, q ActivitySeriesQuery) ([]ActivityBucket, error)
}

// Series reads q from src's ActivitySeries when it has one, else with
// SeriesByReports.
func Series(ctx context.Context, src Reporter, q ActivitySeriesQuery) ([]ActivityBucket, error) {
	if ss, ok := src.(ActivitySeriesSource); ok {
		return ss.ActivitySeries(ctx, q)
	}
	return SeriesByReports(ctx, src, q)
}

// SeriesByReports is a series by its definition: a SummaryOnly report per
// bucket.
func SeriesByReports(ctx context.Context, src Reporter, q ActivitySeriesQuery) ([]ActivityBucket, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := make([]ActivityBucket, len(q.Bounds)-1)
	for i := range out {
		from, to := q.Bounds[i], q.Bounds[i+1]
		rep, err := src.Report(ctx, ReportQuery{Community: q.Community, Channel: q.Channel, From: from, To: to, SummaryOnly: true})
		if err != nil {
			return nil, err
		}
		m := rep.Members
		m.Quiet = 0
		out[i] = ActivityBucket{From: from, To: to, Members: m, Activity: rep.Activity}
	}
	return out, nil
}

// MonthBounds are the bounds of the calendar months (in loc) that [from,
// to) touches, the first starting at from and the last ending at to.
func MonthBounds(from, to time.Time, loc *time.Location) []time.Time {
	if loc == nil {
		loc = time.UTC
	}
	out := []time.Time{from}
	for start := from; start.Before(to); {
		l := start.In(loc)
		end := time.Date(l.Year(), l.Month()+1, 1, 0, 0, 0, 0, loc)
		if !end.Before(to) {
			end = to
		}
		out = append(out, end)
		start = end
	}
	return out
}
