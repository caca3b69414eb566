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
