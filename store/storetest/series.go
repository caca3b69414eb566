package storetest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/simulate"
)

var seriesTests = []test{
	{name: "ActivitySeriesMatchesReports", run: testActivitySeriesMatchesReports},
	{name: "ActivitySeriesEdges", run: testActivitySeriesEdges},
}

// TestActivitySeriesMatchesReports checks every bucket of a series against
// a SummaryOnly report of the same period, on a simulated history (with
// joins, leaves, check-in answers and "I'm still here"): calendar months
// in a zone whose midnight is not UTC's (every bound cuts a day), weeks
// ending at an instant in the middle of a day, whole UTC days, random
// bounds, with and without a channel. The report is the definition; the
// series only reads it for many periods at once.
func testActivitySeriesMatchesReports(t *testing.T, db Store) {
	ctx := context.Background()
	end := t0.Add(9*time.Hour + 17*time.Minute)
	r := rand.New(rand.NewPCG(3, 4))
	_, start := simulatedHistory(t, db, simulate.Options{Community: makers, Members: 60, Days: 70, Events: 5000, Seed: 3, End: end, Batch: 97}, r, 300)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	months := []time.Time{}
	for m := time.Date(2025, time.December, 1, 0, 0, 0, 0, paris); m.Before(end); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	months = append(months, end)
	var weeks, days, random []time.Time
	for i := 10; i >= 0; i-- {
		weeks = append(weeks, end.Add(-time.Duration(i)*7*day))
	}
	for i := 20; i >= 0; i-- {
		days = append(days, end.Truncate(day).Add(-time.Duration(i)*day))
	}
	at := start.Add(-5 * day)
	for range 15 {
		random = append(random, at)
		at = at.Add(time.Duration(1 + r.Int64N(int64(9*day))))
	}
	var active, messages, total, newcomers int
	for _, tc := range []struct {
		name    string
		bounds  []time.Time
		channel string
	}{
		{"months", months, ""},
		{"weeks", weeks, ""},
		{"days", days, ""},
		{"random", random, ""},
		{"months in a channel", months, "C0001"},
		{"weeks in a channel", weeks, "C0002"},
		{"random in a channel", random, "C0003"},
		{"a channel never used", weeks, "C9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.ActivitySeries(ctx, bot.ActivitySeriesQuery{Community: community, Channel: tc.channel, Bounds: tc.bounds})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.bounds)-1 {
				t.Fatalf("%d buckets, want %d", len(got), len(tc.bounds)-1)
			}
			for i, b := range got {
				rep := report(t, db, bot.ReportQuery{Community: community, Channel: tc.channel, From: tc.bounds[i], To: tc.bounds[i+1], SummaryOnly: true})
				want := bot.ActivityBucket{From: tc.bounds[i], To: tc.bounds[i+1], Members: rep.Members, Activity: rep.Activity}
				want.Members.Quiet = 0
				if !b.From.Equal(want.From) || !b.To.Equal(want.To) || b.Members != want.Members || b.Activity != want.Activity {
					t.Errorf("bucket %d [%s, %s):\n got %+v\nwant %+v", i, want.From, want.To, b, want)
				}
				active, messages, total, newcomers = active+b.Members.Active, messages+b.Activity.Messages, total+b.Members.Total, newcomers+b.Members.New
			}
		})
	}
	if active == 0 || messages == 0 || total == 0 || newcomers == 0 {
		t.Errorf("the history tested nothing: %d active, %d messages, %d total, %d new", active, messages, total, newcomers)
	}
}

// TestActivitySeriesEdges: bad bounds are refused, an unknown community has
// buckets of zeros.
func testActivitySeriesEdges(t *testing.T, db Store) {
	ctx := context.Background()
	for _, bounds := range [][]time.Time{nil, {t0}, {t0, t0}, {t0.Add(day), t0}, make([]time.Time, bot.MaxSeriesBuckets+2)} {
		if _, err := db.ActivitySeries(ctx, bot.ActivitySeriesQuery{Community: community, Bounds: bounds}); err == nil {
			t.Errorf("%d bounds %v: no error", len(bounds), bounds)
		}
	}
	got, err := db.ActivitySeries(ctx, bot.ActivitySeriesQuery{Community: "slack:TNONE", Bounds: []time.Time{t0, t0.Add(day), t0.Add(2 * day)}})
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.ActivityBucket{{From: t0, To: t0.Add(day)}, {From: t0.Add(day), To: t0.Add(2 * day)}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("unknown community: %+v, want %+v", got, want)
	}
}
