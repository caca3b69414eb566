package chart

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// sampleWeeks is a plausible small community: 8 weeks from Oct 5.
func sampleWeeks() []Week {
	return weeksFrom(time.Date(2025, time.October, 5, 0, 0, 0, 0, time.UTC),
		[]int{12, 15, 14, 19, 17, 23, 21, 26},
		[]int{48, 61, 55, 90, 72, 118, 97, 134})
}

// TestWriteSamples writes sample charts for eyeballing when
// CHART_SAMPLE_DIR is set; it is a no-op otherwise.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("CHART_SAMPLE_DIR")
	if dir == "" {
		t.Skip("set CHART_SAMPLE_DIR to write sample PNGs")
	}
	for name, tc := range sampleCases() {
		r := &Renderer{Width: tc.w, Height: tc.h}
		b, err := r.WeeklyChart(tc.title, tc.weeks)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, tc := range trendSampleCases() {
		b, err := New().TrendChart(tc.title, tc.unit, tc.points)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "trend-"+name+".png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type trendCase struct {
	title, unit string
	points      []TrendPoint
}

func trendSampleCases() map[string]trendCase {
	return map[string]trendCase{
		"typical":  {"How was your week? (1 to 5)", "mean (1–5)", sampleTrend()},
		"one":      {"How was your week? (1 to 5)", "mean (1–5)", runsFrom(dec1, 4.2)},
		"flat":     {"Steady", "mean", runsFrom(dec1, 3, 3, 3, 3)},
		"negative": {"Net score", "points", runsFrom(dec1, -12, -40, 5, 30, -2)},
		"many":     {"A year of weekly check-ins", "mean (1–5)", runsFrom(dec1, manyValues(52)...)},
		"percent":  {"Replied", "%", runsFrom(dec1, 62.5, 71, 80, 55.5, 90, 100)},
	}
}

func manyValues(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 3 + float64(i*7%11)/8
	}
	return v
}

type chartCase struct {
	title string
	weeks []Week
	w, h  int
}

func weeksFrom(start time.Time, active, posts []int) []Week {
	weeks := make([]Week, len(active))
	for i := range weeks {
		weeks[i] = Week{Start: start.AddDate(0, 0, 7*i), ActiveMembers: active[i], Posts: posts[i]}
	}
	return weeks
}

func sampleCases() map[string]chartCase {
	oct := time.Date(2025, time.October, 5, 0, 0, 0, 0, time.UTC)
	dec := time.Date(2025, time.December, 7, 0, 0, 0, 0, time.UTC)
	many := make([]Week, 26)
	for i := range many {
		many[i] = Week{Start: oct.AddDate(0, 0, 7*i), ActiveMembers: 20 + i%5*3, Posts: 80 + i*7%50}
	}
	return map[string]chartCase{
		"typical": {"Participation, last 8 weeks", sampleWeeks(), 0, 0},
		"empty":   {"", nil, 0, 0},
		"zeros":   {"", weeksFrom(oct, make([]int, 8), make([]int, 8)), 0, 0},
		"one":     {"", weeksFrom(oct, []int{3}, []int{7}), 0, 0},
		"close":   {"Close values", weeksFrom(oct, []int{5, 9, 0, 2, 12, 30, 31, 40}, []int{5, 10, 1, 2, 14, 31, 33, 41}), 0, 0},
		"large":   {"Large numbers", weeksFrom(oct, []int{1200, 1500, 9000, 15000, 17000, 23000, 210000, 260000}, []int{48000, 61000, 55000, 90000, 720000, 1180000, 970000, 1340000}), 0, 0},
		"newyear": {"Across the new year", weeksFrom(dec, []int{12, 15, 4, 3, 17, 23, 21, 26}, []int{48, 61, 9, 5, 72, 118, 97, 134}), 0, 0},
		"many":    {"Half a year, with a rather long title that keeps going and going until it no longer fits on one line of the chart", many, 0, 0},
		"retina":  {"Participation, last 8 weeks", sampleWeeks(), 1600, 800},
		"small":   {"Participation, last 8 weeks", sampleWeeks(), 400, 200},
		"moreact": {"More active than posts", weeksFrom(oct, []int{10, 12, 3, 1, 20, 2, 8, 9}, []int{4, 12, 1, 0, 25, 0, 6, 3}), 0, 0},
		"unicode": {"Café ☕ 日本 \x00\n\tbad\xff", sampleWeeks(), 0, 0},
	}
}
