package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("output is not a PNG (starts %q)", b[:min(len(b), 8)])
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	return img
}

func renderImage(t *testing.T, r *Renderer, title string, weeks []Week) image.Image {
	t.Helper()
	b, err := r.WeeklyChart(title, weeks)
	if err != nil {
		t.Fatalf("WeeklyChart: %v", err)
	}
	return decode(t, b)
}

func wantSize(t *testing.T, img image.Image, w, h int) {
	t.Helper()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("image is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
}

// countNear counts pixels within a small distance of c (anti-aliasing
// blends edges, but bar and line interiors are exact).
func countNear(img image.Image, c color.Color) int {
	cr, cg, cb, _ := c.RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			if absDiff(r, cr) < 0x600 && absDiff(g, cg) < 0x600 && absDiff(bb, cb) < 0x600 {
				n++
			}
		}
	}
	return n
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestDefaultSize(t *testing.T) {
	for name, r := range map[string]*Renderer{"New": New(), "zero value": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			wantSize(t, renderImage(t, r, "", sampleWeeks()), DefaultWidth, DefaultHeight)
		})
	}
}

func TestCustomSizes(t *testing.T) {
	for _, sz := range [][2]int{{1600, 800}, {MinWidth, MinHeight}, {1234, 567}, {MaxWidth, 250}, {401, MaxHeight}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			r := &Renderer{Width: sz[0], Height: sz[1]}
			wantSize(t, renderImage(t, r, "", sampleWeeks()), sz[0], sz[1])
		})
	}
	// A zero dimension takes the default, independently of the other.
	wantSize(t, renderImage(t, &Renderer{Width: 1000}, "", sampleWeeks()), 1000, DefaultHeight)
	wantSize(t, renderImage(t, &Renderer{Height: 300}, "", sampleWeeks()), DefaultWidth, 300)
}

func TestBadSizes(t *testing.T) {
	for _, sz := range [][2]int{{-1, 400}, {800, -400}, {MinWidth - 1, 400}, {800, MinHeight - 1}, {MaxWidth + 1, 400}, {800, MaxHeight + 1}, {math.MaxInt, math.MaxInt}, {math.MinInt, 1}} {
		r := &Renderer{Width: sz[0], Height: sz[1]}
		if b, err := r.WeeklyChart("", sampleWeeks()); err == nil || b != nil {
			t.Errorf("%dx%d: got %d bytes, err %v; want an error", sz[0], sz[1], len(b), err)
		}
	}
}

func TestDrawsBothSeries(t *testing.T) {
	img := renderImage(t, New(), "", sampleWeeks())
	if n := countNear(img, barColor); n < 5000 {
		t.Errorf("found %d bar-coloured pixels, want bars", n)
	}
	if n := countNear(img, lineColor); n < 500 {
		t.Errorf("found %d line-coloured pixels, want a line", n)
	}
	// Empty chart: legend swatches only, no bars.
	empty := renderImage(t, New(), "", nil)
	if n := countNear(empty, barColor); n > 400 {
		t.Errorf("empty chart has %d bar-coloured pixels, want only the legend swatch", n)
	}
}

func TestDeterministic(t *testing.T) {
	r := New()
	a, err := r.WeeklyChart("Participation, last 8 weeks", sampleWeeks())
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.WeeklyChart("Participation, last 8 weeks", sampleWeeks())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("same input gave different PNG bytes")
	}

	// Input order does not matter; the input slice is not modified.
	rev := slices.Clone(sampleWeeks())
	slices.Reverse(rev)
	before := slices.Clone(rev)
	c, err := r.WeeklyChart("Participation, last 8 weeks", rev)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, c) {
		t.Error("reversed input gave a different chart")
	}
	if !slices.Equal(rev, before) {
		t.Error("WeeklyChart modified its input slice")
	}
}

func TestConcurrent(t *testing.T) {
	r := New()
	want, err := r.WeeklyChart("", sampleWeeks())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			got, err := r.WeeklyChart("", sampleWeeks())
			switch {
			case err != nil:
				errs <- err
			case !bytes.Equal(got, want):
				errs <- fmt.Errorf("concurrent render differs")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEdgeCases(t *testing.T) {
	oct := time.Date(2025, time.October, 5, 0, 0, 0, 0, time.UTC)
	maxWeeks := make([]Week, MaxWeeks)
	for i := range maxWeeks {
		maxWeeks[i] = Week{Start: oct.AddDate(0, 0, 7*i), ActiveMembers: i, Posts: 3 * i}
	}
	cases := map[string][]Week{
		"nil":         nil,
		"empty":       {},
		"zeros":       weeksFrom(oct, make([]int, 8), make([]int, 8)),
		"one week":    {{Start: oct, ActiveMembers: 3, Posts: 7}},
		"one zero":    {{Start: oct}},
		"max int":     {{Start: oct, ActiveMembers: math.MaxInt, Posts: math.MaxInt}, {Start: oct.AddDate(0, 0, 7), Posts: 1}},
		"huge":        weeksFrom(oct, []int{1e9, 2e12, 3e15, 4e18}, []int{1e9, 2e12, 3e15, 4e18}),
		"max weeks":   maxWeeks,
		"not weekly":  {{Start: oct, Posts: 1}, {Start: oct.Add(time.Hour), Posts: 2}, {Start: oct.AddDate(3, 0, 0), Posts: 3}},
		"far dates":   {{Start: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), Posts: 1}, {Start: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), Posts: 2}},
		"time zones":  {{Start: oct.In(time.FixedZone("X", 14*3600)), Posts: 5}, {Start: oct.AddDate(0, 0, 7).In(time.FixedZone("Y", -12*3600)), Posts: 6}},
		"more active": weeksFrom(oct, []int{10, 12, 3, 1}, []int{4, 12, 1, 0}),
		"close":       weeksFrom(oct, []int{5, 9, 0, 2, 12, 30, 31, 40}, []int{5, 10, 1, 2, 14, 31, 33, 41}),
	}
	titles := []string{"", "Participation, last 8 weeks", strings.Repeat("long title ", 100), "\xff\xfe\x00", "🔥🔥", "Café\n\tnaïve — “quotes” Ωμέγα Кириллица", "$x^2$ {}\\%"}
	for name, weeks := range cases {
		t.Run(name, func(t *testing.T) {
			wantSize(t, renderImage(t, New(), "", weeks), DefaultWidth, DefaultHeight)
		})
	}
	for i, title := range titles {
		t.Run(fmt.Sprintf("title%d", i), func(t *testing.T) {
			wantSize(t, renderImage(t, New(), title, sampleWeeks()), DefaultWidth, DefaultHeight)
		})
	}
}

func TestInvalidWeeks(t *testing.T) {
	oct := time.Date(2025, time.October, 5, 0, 0, 0, 0, time.UTC)
	tooMany := make([]Week, MaxWeeks+1)
	for i := range tooMany {
		tooMany[i] = Week{Start: oct.AddDate(0, 0, 7*i)}
	}
	cases := map[string][]Week{
		"too many":         tooMany,
		"negative posts":   {{Start: oct, Posts: -1}},
		"negative active":  {{Start: oct, ActiveMembers: math.MinInt}},
		"zero start":       {{Start: oct}, {Posts: 3}},
		"duplicate starts": {{Start: oct, Posts: 1}, {Start: oct.In(time.FixedZone("Z", 3600)), Posts: 2}},
	}
	for name, weeks := range cases {
		if b, err := New().WeeklyChart("", weeks); err == nil || b != nil {
			t.Errorf("%s: got %d bytes, err %v; want an error", name, len(b), err)
		} else if !strings.HasPrefix(err.Error(), "chart: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
}

func TestEmbeddedFonts(t *testing.T) {
	// The chart's fonts come from go-fonts/liberation compiled into the
	// binary; a missing face would silently fall back to Liberation Serif.
	for _, f := range []font.Font{sans, titleFont, noteFont, activeValFont} {
		if !font.DefaultCache.Has(f) {
			t.Errorf("font %v is not in the embedded cache", f.Name())
		}
	}
	sty := textStyle(tickFont, tickColor, draw.XLeft, draw.YBottom)
	if w := sty.Width("Oct 5"); w <= 0 {
		t.Errorf("text width %v, want > 0", w)
	}
}

func TestFormatCount(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 9999: "9,999", 10000: "10k",
		12345: "12.3k", 99949: "99.9k", 99950: "100k", 123456: "123k", 999499: "999k",
		999500: "1M", 1234567: "1.2M", 45_600_000: "45.6M", 2e9: "2B", 3.5e12: "3.5T",
		2e15: "2e+15", float64(math.MaxInt64): "9.22e+18",
	} {
		if got := formatCount(in); got != want {
			t.Errorf("formatCount(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestCountTicks(t *testing.T) {
	for _, dataMax := range []float64{0, 1, 3, 4, 7, 9, 10, 17, 41, 99, 134, 1000, 1234567, float64(math.MaxInt64)} {
		for _, maxIntervals := range []int{0, 2, 3, 5, 7} {
			yt := newCountTicks(dataMax, maxIntervals)
			ticks := yt.Ticks(0, yt.max)
			if yt.step < 1 || yt.step != math.Trunc(yt.step) {
				t.Errorf("max %v: step %v is not a positive integer", dataMax, yt.step)
			}
			if yt.max < dataMax*1.15 || yt.max < 4 {
				t.Errorf("max %v: axis top %v leaves no headroom", dataMax, yt.max)
			}
			if n := len(ticks) - 1; n > max(maxIntervals, 2) || n < 1 {
				t.Errorf("max %v, ≤%d intervals: got %d", dataMax, maxIntervals, n)
			}
			if ticks[0].Value != 0 || ticks[len(ticks)-1].Value != yt.max {
				t.Errorf("max %v: ticks run %v..%v, want 0..%v", dataMax, ticks[0].Value, ticks[len(ticks)-1].Value, yt.max)
			}
		}
	}
	if yt := newCountTicks(134, 7); yt.step != 25 || yt.max != 175 {
		t.Errorf("134: got step %v top %v, want 25 and 175", yt.step, yt.max)
	}
}

func TestWeekTicks(t *testing.T) {
	sty := textStyle(tickFont, tickColor, draw.XCenter, draw.YTop)
	labels := func(ts []Week, width vg.Length) []string {
		var out []string
		for _, tk := range weekTicks(ts, width, sty) {
			out = append(out, tk.Label)
		}
		return out
	}
	got := labels(sampleWeeks(), vg.Points(560))
	want := []string{"Oct 5", "Oct 12", "Oct 19", "Oct 26", "Nov 2", "Nov 9", "Nov 16", "Nov 23"}
	if !slices.Equal(got, want) {
		t.Errorf("labels = %q, want %q", got, want)
	}

	dec := time.Date(2025, time.December, 21, 0, 0, 0, 0, time.UTC)
	got = labels(weeksFrom(dec, []int{1, 1, 1}, []int{1, 1, 1}), vg.Points(560))
	want = []string{"Dec 21\n2025", "Dec 28", "Jan 4\n2026"}
	if !slices.Equal(got, want) {
		t.Errorf("labels across new year = %q, want %q", got, want)
	}

	// Crowded: every other label, ending on the latest week.
	many := make([]Week, 26)
	for i := range many {
		many[i] = Week{Start: dec.AddDate(0, 0, 7*i)}
	}
	ticks := weekTicks(many, vg.Points(560), sty)
	if len(ticks) >= 26 || len(ticks) < 6 {
		t.Errorf("26 weeks in 560pt: %d labels", len(ticks))
	}
	if last := ticks[len(ticks)-1]; last.Value != 25 {
		t.Errorf("last label is for week %v, want the latest (25)", last.Value)
	}
}

func TestCleanTitle(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "Participation, last 8 weeks",
		"  Weekly \n\t digest  ": "Weekly digest",
		"Café ☕ club":            "Café club",
		"🔥🔥🔥":                    "Participation, last 8 weeks",
		"bad\xffutf8\x00":        "badutf8",
		"Ωμέγα Кириллица — “q”":         "Ωμέγα Кириллица — “q”",
		strings.Repeat("x", 1000):       strings.Repeat("x", maxTitleRunes-1) + "…",
		"\u200b\u202eRTL\u2066 control": "RTL control",
	} {
		if got := cleanTitle(in, 8); got != want {
			t.Errorf("cleanTitle(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanTitle("", 1); got != "Participation, last week" {
		t.Errorf("one week: %q", got)
	}
	if got := cleanTitle("", 0); got != "Participation" {
		t.Errorf("no weeks: %q", got)
	}
}

func TestFitText(t *testing.T) {
	sty := text.Style{Font: font.From(withWeight(sans, xfont.WeightBold), 15), Handler: textStyle(titleFont, titleColor, draw.XLeft, draw.YTop).Handler}
	long := strings.Repeat("Participation ", 20)
	got := fitText(sty, long, vg.Points(300))
	if !strings.HasSuffix(got, "…") || sty.Width(got) > vg.Points(300) {
		t.Errorf("fitText = %q (width %v), want an ellipsized string within 300pt", got, sty.Width(got))
	}
	if got := fitText(sty, "short", vg.Points(300)); got != "short" {
		t.Errorf("fitText(short) = %q", got)
	}
	if got := fitText(sty, "anything", 0); got != "…" {
		t.Errorf("fitText in zero width = %q", got)
	}
}

func FuzzWeeklyChart(f *testing.F) {
	f.Add("Participation", 12, 48, 8, int64(0), 800, 400)
	f.Add("", 0, 0, 0, int64(0), 0, 0)
	f.Add("\xff🔥", math.MaxInt, math.MaxInt, 1, int64(-1<<40), 400, 200)
	f.Add("x", -1, 3, 104, int64(1<<40), 4000, 4000)
	f.Fuzz(func(t *testing.T, title string, active, posts, n int, startSec int64, w, h int) {
		if n < 0 || n > MaxWeeks+1 || w*h > 1600*800 {
			t.Skip() // keep each run cheap
		}
		start := time.Unix(startSec, 0).UTC()
		weeks := make([]Week, n)
		for i := range weeks {
			weeks[i] = Week{Start: start.AddDate(0, 0, 7*i), ActiveMembers: active / (i + 1), Posts: posts - i}
		}
		r := &Renderer{Width: w, Height: h}
		b, err := r.WeeklyChart(title, weeks)
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

func BenchmarkWeeklyChart(b *testing.B) {
	r := New()
	weeks := sampleWeeks()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		out, err := r.WeeklyChart("Participation, last 8 weeks", weeks)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "png-bytes")
}
