package chart

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// runsFrom returns one point per weekly run from start, labelled like the
// digest labels check-in runs ("#3 Dec 1").
func runsFrom(start time.Time, values ...float64) []TrendPoint {
	points := make([]TrendPoint, len(values))
	for i, v := range values {
		at := start.AddDate(0, 0, 7*i)
		points[i] = TrendPoint{At: at, Label: fmt.Sprintf("#%d %s", i+1, at.Format("Jan 2")), Value: v}
	}
	return points
}

var dec1 = time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC)

// sampleTrend is a scale question's mean over 12 weekly runs.
func sampleTrend() []TrendPoint {
	return runsFrom(dec1, 3.4, 3.6, 3.5, 3.9, 4.1, 3.8, 4.0, 4.25, 4.2, 3.7, 4.4, 4.5)
}

func trendImage(t *testing.T, r *Renderer, title, unit string, points []TrendPoint) []byte {
	t.Helper()
	b, err := r.TrendChart(title, unit, points)
	if err != nil {
		t.Fatalf("TrendChart: %v", err)
	}
	return b
}

func TestTrendChartSizes(t *testing.T) {
	cases := map[string][]TrendPoint{
		"one point":    runsFrom(dec1, 4.2),
		"twelve":       sampleTrend(),
		"max points":   runsFrom(dec1, make([]float64, MaxTrendPoints)...),
		"flat":         runsFrom(dec1, 3, 3, 3, 3),
		"zeros":        runsFrom(dec1, 0, 0),
		"negative":     runsFrom(dec1, -12, -40, 5, 30, -2),
		"all negative": runsFrom(dec1, -0.5, -0.25, -0.75),
		"huge":         runsFrom(dec1, MaxTrendValue, -MaxTrendValue, 1),
		"tiny steps":   runsFrom(dec1, 1, 1+1e-12, 1+2e-12),
		"fractions":    runsFrom(dec1, 0.001, 0.002, 0.0015),
		"percent":      runsFrom(dec1, 12.5, 87.5, 100, 0),
		"same time":    {{At: dec1, Label: "a", Value: 1}, {At: dec1, Label: "b", Value: 2}},
		"no labels":    {{At: dec1, Value: 1}, {At: dec1.AddDate(0, 1, 0), Value: 2}},
		"odd labels":   {{At: dec1, Label: strings.Repeat("very long label ", 20), Value: 1}, {At: dec1.AddDate(0, 0, 1), Label: "🔥\x00\xff", Value: 2}, {At: dec1.AddDate(0, 0, 2), Label: "Ωμέγα\nКириллица", Value: 3}},
	}
	for name, points := range cases {
		t.Run(name, func(t *testing.T) {
			wantSize(t, decode(t, trendImage(t, New(), "Mood, 1 to 5", "mean (1–5)", points)), DefaultWidth, DefaultHeight)
		})
	}
	for i, unit := range []string{"", "mean", strings.Repeat("a very long unit ", 30), "\xff🔥"} {
		t.Run(fmt.Sprintf("unit%d", i), func(t *testing.T) {
			wantSize(t, decode(t, trendImage(t, New(), "", unit, sampleTrend())), DefaultWidth, DefaultHeight)
		})
	}
	for _, sz := range [][2]int{{1600, 800}, {MinWidth, MinHeight}, {1234, 567}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			r := &Renderer{Width: sz[0], Height: sz[1]}
			wantSize(t, decode(t, trendImage(t, r, "", "mean", sampleTrend())), sz[0], sz[1])
		})
	}
	// The zero and nil Renderers draw the default size too.
	for _, r := range []*Renderer{{}, nil} {
		wantSize(t, decode(t, trendImage(t, r, "", "", runsFrom(dec1, 1))), DefaultWidth, DefaultHeight)
	}
}

func TestTrendChartDraws(t *testing.T) {
	line := countNear(decode(t, trendImage(t, New(), "", "mean", sampleTrend())), lineColor)
	if line < 1500 {
		t.Errorf("12 points: %d line-coloured pixels, want a line through points", line)
	}
	one := countNear(decode(t, trendImage(t, New(), "", "mean", runsFrom(dec1, 4.2))), lineColor)
	if one < 20 || one > 400 {
		t.Errorf("1 point: %d line-coloured pixels, want a lone mark", one)
	}
	// No weekly legend: no bar colour anywhere.
	if n := countNear(decode(t, trendImage(t, New(), "", "mean", sampleTrend())), barColor); n > 0 {
		t.Errorf("trend chart has %d bar-coloured pixels", n)
	}
}

func TestTrendChartInvalid(t *testing.T) {
	cases := map[string][]TrendPoint{
		"nil":       nil,
		"empty":     {},
		"too many":  runsFrom(dec1, make([]float64, MaxTrendPoints+1)...),
		"zero time": {{At: dec1, Value: 1}, {Value: 2}},
		"NaN":       runsFrom(dec1, 1, math.NaN()),
		"+Inf":      runsFrom(dec1, math.Inf(1)),
		"-Inf":      runsFrom(dec1, math.Inf(-1)),
		"too large": runsFrom(dec1, 2*MaxTrendValue),
	}
	for name, points := range cases {
		if b, err := New().TrendChart("", "", points); err == nil || b != nil {
			t.Errorf("%s: got %d bytes, err %v; want an error", name, len(b), err)
		} else if !strings.HasPrefix(err.Error(), "chart: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
	if b, err := (&Renderer{Width: MinWidth - 1}).TrendChart("", "", sampleTrend()); err == nil || b != nil {
		t.Errorf("bad size: got %d bytes, err %v; want an error", len(b), err)
	}
}

func TestTrendChartDeterministic(t *testing.T) {
	r := New()
	a := trendImage(t, r, "Mood", "mean (1–5)", sampleTrend())
	if b := trendImage(t, r, "Mood", "mean (1–5)", sampleTrend()); !bytes.Equal(a, b) {
		t.Fatal("same input gave different PNG bytes")
	}
	// Points are ordered by At; the input slice is not modified.
	rev := sampleTrend()
	slices.Reverse(rev)
	before := slices.Clone(rev)
	if c := trendImage(t, r, "Mood", "mean (1–5)", rev); !bytes.Equal(a, c) {
		t.Error("reversed input gave a different chart")
	}
	if !slices.Equal(rev, before) {
		t.Error("TrendChart modified its input slice")
	}
	if d := trendImage(t, r, "Mood", "mean", sampleTrend()); bytes.Equal(a, d) {
		t.Error("another unit gave the same chart")
	}
}

func TestValueTicks(t *testing.T) {
	for _, tc := range [][2]float64{
		{3.4, 4.5}, {4.2, 4.2}, {0, 0}, {0, 1}, {0, 100}, {12.5, 87.5}, {-40, 30}, {-0.75, -0.25},
		{1, 1 + 1e-12}, {0.001, 0.002}, {-MaxTrendValue, MaxTrendValue}, {MaxTrendValue, MaxTrendValue}, {1e-300, 2e-300},
	} {
		lo, hi := tc[0], tc[1]
		for _, maxIntervals := range []int{0, 2, 5, 7} {
			yt := newValueTicks(lo, hi, maxIntervals)
			ticks := yt.Ticks(yt.min, yt.max)
			name := fmt.Sprintf("[%g, %g] ≤%d", lo, hi, maxIntervals)
			if yt.min > lo || yt.max < hi || yt.max <= yt.min {
				t.Errorf("%s: axis %v..%v doesn't cover the values", name, yt.min, yt.max)
			}
			if lo >= 0 && yt.min < 0 {
				t.Errorf("%s: axis starts at %v, below zero for non-negative values", name, yt.min)
			}
			if n := len(ticks) - 1; n < 1 || n > max(maxIntervals, 2) {
				t.Errorf("%s: %d intervals", name, n)
			}
			if ticks[0].Value != yt.min || math.Abs(ticks[len(ticks)-1].Value-yt.max) > yt.step*1e-6 {
				t.Errorf("%s: ticks run %v..%v, want %v..%v", name, ticks[0].Value, ticks[len(ticks)-1].Value, yt.min, yt.max)
			}
			labels := map[string]bool{}
			for _, tk := range ticks {
				if labels[tk.Label] {
					t.Errorf("%s: tick label %q twice in %v", name, tk.Label, ticks)
				}
				labels[tk.Label] = true
			}
		}
	}
	yt := newValueTicks(3.4, 4.5, 7)
	var got []string
	for _, tk := range yt.Ticks(0, 0) {
		got = append(got, tk.Label)
	}
	if want := []string{"3.25", "3.50", "3.75", "4.00", "4.25", "4.50", "4.75"}; !slices.Equal(got, want) {
		t.Errorf("3.4..4.5 ticks %q, want %q", got, want)
	}
	if got := newValueTicks(0, 100, 7); got.min != 0 || got.max != 120 || got.step != 20 {
		t.Errorf("0..100: %+v, want 0..120 by 20", got)
	}
}

func TestFormatValue(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", math.Copysign(0, -1): "0", -0.001: "0", 4: "4", 4.25: "4.25", 3.8: "3.8", 3.14159: "3.14", -2.5: "-2.5",
		999.994: "999.99", 1000: "1,000", -1234.5: "-1,235", 12345: "12.3k", -2e9: "-2B",
	} {
		if got := formatValue(in); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", in, got, want)
		}
	}
	for _, tc := range []struct {
		v    float64
		d    int
		want string
	}{{0, 0, "0"}, {-20, 0, "-20"}, {-1234, 0, "-1,234"}, {-123, 0, "-123"}, {2.5, 1, "2.5"}, {4, 1, "4.0"}, {-1e-17, 1, "0.0"}, {0.25, 2, "0.25"}, {2e11, 0, "200B"}} {
		if got := formatTick(tc.v, tc.d); got != tc.want {
			t.Errorf("formatTick(%v, %d) = %q, want %q", tc.v, tc.d, got, tc.want)
		}
	}
}

func TestTrendTicks(t *testing.T) {
	sty := textStyle(tickFont, tickColor, draw.XCenter, draw.YTop)
	labels := func(points []TrendPoint) []string {
		var out []string
		for _, p := range points {
			out = append(out, p.Label)
		}
		return out
	}
	got := trendTicks(labels(runsFrom(dec1, 1, 2, 3)), vg.Points(560), sty)
	if len(got) != 3 || got[0].Label != "#1 Dec 1" || got[2].Label != "#3 Dec 15" {
		t.Errorf("3 points: %v", got)
	}
	// Crowded: thinned, ending on the latest point.
	ticks := trendTicks(labels(runsFrom(dec1, make([]float64, 40)...)), vg.Points(560), sty)
	if len(ticks) >= 40 || len(ticks) < 5 {
		t.Errorf("40 points in 560pt: %d labels", len(ticks))
	}
	if last := ticks[len(ticks)-1]; last.Value != 39 {
		t.Errorf("last label is for point %v, want the latest (39)", last.Value)
	}
}

func FuzzTrendChart(f *testing.F) {
	f.Add("Mood", "mean", 4.2, 0.3, 12, int64(1796115600), 800, 400)
	f.Add("", "", 0.0, 0.0, 1, int64(0), 0, 0)
	f.Add("\xff🔥", "\x00", -1e12, 1e12, 104, int64(-1<<40), 400, 200)
	f.Add("x", "y", 1.0, 1e-13, 0, int64(1), 4000, 4000)
	f.Fuzz(func(t *testing.T, title, unit string, base, step float64, n int, startSec int64, w, h int) {
		if n < 0 || n > MaxTrendPoints+1 || w*h > 1600*800 {
			t.Skip() // keep each run cheap
		}
		start := time.Unix(startSec, 0).UTC()
		points := make([]TrendPoint, n)
		for i := range points {
			points[i] = TrendPoint{At: start.Add(time.Duration(i) * time.Hour), Value: base + step*float64(i%5)}
		}
		b, err := (&Renderer{Width: w, Height: h}).TrendChart(title, unit, points)
		if err != nil {
			return
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("invalid PNG: %v", err)
		}
		if w == 0 {
			w = DefaultWidth
		}
		if h == 0 {
			h = DefaultHeight
		}
		if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			t.Fatalf("size %v, want %dx%d", img.Bounds(), w, h)
		}
	})
}
