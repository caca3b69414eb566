package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

func TestZZTiming(t *testing.T) {
	path := os.Getenv("HEARTH_BENCH_DB")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	c := bot.CommunityID(bot.Shell, "local")
	tm := func(name string, f func() error) {
		best := time.Hour
		for range 3 {
			s := time.Now()
			if err := f(); err != nil {
				t.Fatal(name, err)
			}
			best = min(best, time.Since(s))
		}
		t.Logf("%-40s %v", name, best)
	}
	for _, d := range []int{30, 365} {
		from := now.Add(-time.Duration(d) * 24 * time.Hour)
		tm("store report "+itoa(d), func() error {
			_, err := db.Report(ctx, bot.ReportQuery{Community: c, From: from, To: now})
			return err
		})
		tm("store summary "+itoa(d), func() error {
			_, err := db.Report(ctx, bot.ReportQuery{Community: c, From: from, To: now, SummaryOnly: true})
			return err
		})
	}
	first := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	tm("series 12 months", func() error {
		_, err := db.ActivitySeries(ctx, bot.ActivitySeriesQuery{Community: c, Bounds: bot.MonthBounds(first, now, time.UTC)})
		return err
	})
	tm("series 12 months channel", func() error {
		_, err := db.ActivitySeries(ctx, bot.ActivitySeriesQuery{Community: c, Channel: "general", Bounds: bot.MonthBounds(first, now, time.UTC)})
		return err
	})
	tm("levels 4 weeks", func() error {
		_, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: c, End: now, Weeks: 4, AsOfEnd: true, CountsOnly: true})
		return err
	})
	tm("levels 52 weeks", func() error {
		_, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: c, End: now, Weeks: 52, AsOfEnd: true, CountsOnly: true})
		return err
	})
	tm("member weeks 53 full", func() error {
		_, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: c, End: now, Weeks: 53})
		return err
	})
	tm("member weeks 8 full", func() error {
		_, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: c, End: now, Weeks: 8})
		return err
	})
}

func itoa(d int) string { return time.Duration(d).String() }
