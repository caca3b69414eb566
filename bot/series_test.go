package bot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func TestMonthBounds(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	d := func(y int, m time.Month, day, h int, loc *time.Location) time.Time {
		return time.Date(y, m, day, h, 0, 0, 0, loc)
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		loc      *time.Location
		want     []time.Time
	}{
		{"within a month", d(2026, 3, 2, 0, time.UTC), d(2026, 3, 9, 0, time.UTC), time.UTC, []time.Time{d(2026, 3, 2, 0, time.UTC), d(2026, 3, 9, 0, time.UTC)}},
		{"ends on a month's start", d(2026, 1, 15, 0, time.UTC), d(2026, 3, 1, 0, time.UTC), nil,
			[]time.Time{d(2026, 1, 15, 0, time.UTC), d(2026, 2, 1, 0, time.UTC), d(2026, 3, 1, 0, time.UTC)}},
		{"across a year, in a zone", d(2025, 12, 20, 5, time.UTC), d(2026, 2, 3, 5, time.UTC), paris,
			[]time.Time{d(2025, 12, 20, 5, time.UTC), d(2026, 1, 1, 0, paris), d(2026, 2, 1, 0, paris), d(2026, 2, 3, 5, time.UTC)}},
	} {
		got := bot.MonthBounds(tc.from, tc.to, tc.loc)
		if !slices.EqualFunc(got, tc.want, time.Time.Equal) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// reporter counts its reports; it has no ActivitySeries.
type reporter struct {
	bot.Reporter
	calls []bot.ReportQuery
}

func (r *reporter) Report(_ context.Context, q bot.ReportQuery) (bot.Report, error) {
	r.calls = append(r.calls, q)
	return bot.Report{Members: bot.MemberCounts{Total: 3, Active: len(r.calls), Quiet: 9}, Activity: bot.ActivityCounts{Messages: 2}}, nil
}

// TestSeriesByReports: without a series of its own, a source's series is a
// summary report per bucket, quiet members left out.
func TestSeriesByReports(t *testing.T) {
	r := &reporter{}
	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	bounds := []time.Time{t0, t0.Add(time.Hour), t0.Add(3 * time.Hour)}
	got, err := bot.Series(context.Background(), r, bot.ActivitySeriesQuery{Community: "c", Channel: "C1", Bounds: bounds})
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.ActivityBucket{
		{From: bounds[0], To: bounds[1], Members: bot.MemberCounts{Total: 3, Active: 1}, Activity: bot.ActivityCounts{Messages: 2}},
		{From: bounds[1], To: bounds[2], Members: bot.MemberCounts{Total: 3, Active: 2}, Activity: bot.ActivityCounts{Messages: 2}},
	}
	if !slices.Equal(got, want) {
		t.Errorf("%+v, want %+v", got, want)
	}
	for i, q := range r.calls {
		if q != (bot.ReportQuery{Community: "c", Channel: "C1", From: bounds[i], To: bounds[i+1], SummaryOnly: true}) {
			t.Errorf("report %d: %+v", i, q)
		}
	}
	if _, err := bot.Series(context.Background(), r, bot.ActivitySeriesQuery{Community: "c", Bounds: bounds[:1]}); err == nil {
		t.Error("one bound: no error")
	}
}
