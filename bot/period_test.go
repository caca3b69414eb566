package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func TestParsePeriod(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		in       string
		loc      *time.Location
		from, to time.Time
		err      bool
	}{
		{in: "", loc: time.UTC, from: now.AddDate(0, 0, -7), to: now},
		{in: "7d", loc: time.UTC, from: now.AddDate(0, 0, -7), to: now},
		{in: "30D", loc: time.UTC, from: now.Add(-30 * 24 * time.Hour), to: now},
		{in: "2w", loc: time.UTC, from: now.Add(-14 * 24 * time.Hour), to: now},
		{in: "2026-11-01..2026-11-28", loc: time.UTC, from: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), to: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)},
		// Dates are community-local: midnight in Paris is 23:00 UTC the day before.
		{in: "2026-11-01..2026-11-01", loc: paris, from: time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), to: time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC)},
		// Across the end of daylight saving the day is 25 hours long.
		{in: "2026-10-25..2026-10-25", loc: paris, from: time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC), to: time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC)},
		{in: "0d", loc: time.UTC, err: true},
		{in: "-3d", loc: time.UTC, err: true},
		{in: "7x", loc: time.UTC, err: true},
		{in: "d", loc: time.UTC, err: true},
		{in: "99999d", loc: time.UTC, err: true},
		{in: "107000d", loc: time.UTC, err: true}, // overflowed a Duration before it was bounded
		{in: "9999999999w", loc: time.UTC, err: true},
		{in: "2026-11-28..2026-11-01", loc: time.UTC, err: true},
		{in: "2026-13-01..2026-11-01", loc: time.UTC, err: true},
		{in: "2026-11-01..", loc: time.UTC, err: true},
	}
	for _, tt := range tests {
		p, err := bot.ParsePeriod(tt.in, now, tt.loc)
		if (err != nil) != tt.err {
			t.Errorf("ParsePeriod(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err != nil {
			if bot.ErrorCode(err) != bot.EArgument {
				t.Errorf("ParsePeriod(%q) error code = %s, want %s", tt.in, bot.ErrorCode(err), bot.EArgument)
			}
			continue
		}
		if !p.From.Equal(tt.from) || !p.To.Equal(tt.to) {
			t.Errorf("ParsePeriod(%q) = [%s, %s), want [%s, %s)", tt.in, p.From, p.To, tt.from, tt.to)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"7d", "2026-11-01..2026-11-28", "..", "9999999999999999999999d", "1w"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := bot.ParsePeriod(s, now, time.UTC)
		if err == nil && !p.From.Before(p.To) {
			t.Fatalf("ParsePeriod(%q) = empty period [%s, %s)", s, p.From, p.To)
		}
	})
}

// TestSincePeriod: an offline command's --since/--until are bounded as
// every period is, whatever the dates, and a missing --until is now.
func TestSincePeriod(t *testing.T) {
	now := time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		since, until string
		from, to     time.Time
		err          string
	}{
		{since: "2026-11-01", from: day("2026-11-01"), to: now},
		{since: "2026-11-01", until: "2026-11-30", from: day("2026-11-01"), to: day("2026-12-01")},
		{since: "2023-12-01", until: "2026-11-30", from: day("2023-12-01"), to: day("2026-12-01")},
		{since: "0001-01-01", err: "The period 0001-01-01 to 2026-11-28 is longer than I report on (three years at most)."},
		{since: "1000-01-01", err: "longer than I report on"},
		{since: "2026-01-01", until: "9999-12-31", err: "The period 2026-01-01 to 9999-12-31 is longer than I report on"},
		{since: "2020-01-01", until: "2023-06-01", err: "longer than I report on"},
		{since: "2026-12-01", err: "The period must end after it starts: 2026-12-01 is after 2026-11-28."},
		{since: "2026-11-02", until: "2026-11-01", err: "must end after it starts"},
		{since: "Nov 1", err: "I can't read the date"},
		{since: "2026-11-01", until: "soon", err: "I can't read the date"},
	}
	for _, tt := range tests {
		p, err := bot.SincePeriod(tt.since, tt.until, now, time.UTC)
		if tt.err != "" {
			if err == nil || !strings.Contains(bot.ErrorMessage(err), tt.err) || bot.ErrorCode(err) != bot.EArgument {
				t.Errorf("SincePeriod(%q, %q) = %v, %v; want %q", tt.since, tt.until, p, err, tt.err)
			}
			continue
		}
		if err != nil || !p.From.Equal(tt.from) || !p.To.Equal(tt.to) {
			t.Errorf("SincePeriod(%q, %q) = [%s, %s), %v; want [%s, %s)", tt.since, tt.until, p.From, p.To, err, tt.from, tt.to)
		}
	}
}

// TestReportRefusesRunawayPeriods: a report asked directly, not through a
// parser, is bounded too, before the store is read.
func TestReportRefusesRunawayPeriods(t *testing.T) {
	src := unreadable{}
	for _, q := range []bot.ReportQuery{
		{Community: "c", From: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Community: "c", From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)},
		{Community: "c", From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := bot.BuildReport(context.Background(), src, q); bot.ErrorCode(err) != bot.EArgument {
			t.Errorf("BuildReport [%s, %s) = %v, want a refusal", q.From, q.To, err)
		}
	}
}

// unreadable is a report source that must not be read: any call panics
// on its nil interface.
type unreadable struct{ bot.ReportSource }
