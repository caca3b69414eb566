// Package chart draws the weekly digest's participation chart, and trend
// charts (a check-in question's mean across runs), as PNGs.
//
// The weekly chart shows one slot per week: a bar for messages + replies
// and a line with points for weekly active members, both on a shared y
// axis that starts at zero, with the values written next to the marks
// when there is room. A trend chart (TrendChart) has the same size and
// style: a line with a point per value, on a y axis fitted to the values.
// Both are drawn with gonum.org/v1/plot using the Liberation
// fonts embedded in the binary, so rendering never touches the network or
// the file system.
//
// Output is deterministic: the same input gives the same PNG bytes.
// A Renderer is safe for concurrent use as long as its fields are not
// changed while it is rendering.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hearth-community/hearth/bot"
	"golang.org/x/image/font/sfnt"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Week is one week of community activity.
type Week struct {
	// Start is the first day of the week; it labels the x axis ("Oct 5").
	Start time.Time
	// ActiveMembers is the number of members active during the week.
	ActiveMembers int
	// Posts is messages + replies posted during the week.
	Posts int
}

// Size limits, in pixels.
const (
	DefaultWidth  = 800
	DefaultHeight = 400
	MinWidth      = 400
	MinHeight     = 200
	MaxWidth      = 4000
	MaxHeight     = 4000
)

// MaxWeeks is the largest number of weeks WeeklyChart accepts. The digest
// uses 8; more is allowed (x labels are thinned, value labels dropped when
// crowded), but beyond two years the chart stops being readable.
const MaxWeeks = 104

// maxTitleRunes bounds the title before it is measured and ellipsized.
const maxTitleRunes = 200

// Renderer draws weekly participation charts and trend charts. The zero
// value is usable and draws 800x400 images.
type Renderer struct {
	// Width and Height are the image size in pixels; zero means the
	// default (800x400). The layout is designed for 800x400: larger
	// images scale text and marks up proportionally (1600x800 is a
	// sharp "2x" version of the default), smaller ones are drawn at
	// no less than 0.75 scale so text stays legible.
	Width, Height int
}

// New returns a Renderer with the default size.
func New() *Renderer {
	return &Renderer{Width: DefaultWidth, Height: DefaultHeight}
}

// WeeklyChart renders weeks (in any order; they are sorted by Start) as a
// PNG titled title. An empty title becomes "Participation, last N weeks".
// An empty weeks slice gives a valid chart with a "No activity yet" note.
//
// It returns an error, never panics, for invalid input: a size outside
// [MinWidth,MaxWidth]x[MinHeight,MaxHeight], more than MaxWeeks weeks, a
// week with a zero Start, two weeks with the same Start, or a negative
// count.
func (r *Renderer) WeeklyChart(title string, weeks []Week) (out []byte, err error) {
	w, h, err := r.size()
	if err != nil {
		return nil, err
	}
	sorted, err := validate(weeks)
	if err != nil {
		return nil, err
	}
	// gonum/plot panics on some conditions we believe we have ruled
	// out above; a digest must not crash the bot if we missed one.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("chart: rendering failed: %v", p)
		}
	}()
	return render(w, h, cleanTitle(title, len(sorted)), sorted)
}

func (r *Renderer) size() (w, h int, err error) {
	if r == nil {
		return DefaultWidth, DefaultHeight, nil
	}
	w, h = r.Width, r.Height
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	if w < MinWidth || w > MaxWidth || h < MinHeight || h > MaxHeight {
		return 0, 0, fmt.Errorf("chart: size %dx%d out of range [%d..%d]x[%d..%d]",
			r.Width, r.Height, MinWidth, MaxWidth, MinHeight, MaxHeight)
	}
	return w, h, nil
}

// validate checks weeks and returns a sorted copy.
func validate(weeks []Week) ([]Week, error) {
	if len(weeks) > MaxWeeks {
		return nil, fmt.Errorf("chart: %d weeks, at most %d allowed", len(weeks), MaxWeeks)
	}
	for i, wk := range weeks {
		if wk.Start.IsZero() {
			return nil, fmt.Errorf("chart: week %d has no start date", i)
		}
		if wk.ActiveMembers < 0 || wk.Posts < 0 {
			return nil, fmt.Errorf("chart: week of %s has a negative count (active members %d, posts %d)",
				wk.Start.Format(time.DateOnly), wk.ActiveMembers, wk.Posts)
		}
	}
	sorted := slices.Clone(weeks)
	slices.SortStableFunc(sorted, func(a, b Week) int { return a.Start.Compare(b.Start) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Start.Equal(sorted[i-1].Start) {
			return nil, fmt.Errorf("chart: two weeks start at %s", sorted[i].Start.Format(time.RFC3339))
		}
	}
	return sorted, nil
}

// cleanTitle makes title safe to draw on one line: valid UTF-8, no
// control characters or characters the embedded font cannot draw (emoji,
// CJK, ... would otherwise leave blank gaps), collapsed spaces, bounded
// length. An empty result becomes the default title.
func cleanTitle(title string, n int) string {
	title = cleanText(title, titleFont, maxTitleRunes)
	if title == "" {
		switch n {
		case 0:
			title = "Participation"
		case 1:
			title = "Participation, last week"
		default:
			title = fmt.Sprintf("Participation, last %d weeks", n)
		}
	}
	return title
}

// cleanText makes s safe to draw on one line in font f: valid UTF-8, no
// control characters or characters f cannot draw, collapsed spaces, at most
// maxRunes runes (ellipsized).
func cleanText(s string, f font.Font, maxRunes int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) > 4*maxRunes {
		s = string([]rune(s)[:4*maxRunes])
	}
	has := glyphChecker(f)
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r) || unicode.IsSpace(r):
			return ' '
		case !unicode.IsGraphic(r) || !has(r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes-1]) + "…"
	}
	return s
}

// glyphChecker reports whether f has a glyph for a rune. If the font
// cannot be inspected it accepts every rune.
func glyphChecker(f font.Font) func(rune) bool {
	face := font.DefaultCache.Lookup(f, f.Size).Face
	if face == nil {
		return func(rune) bool { return true }
	}
	var buf sfnt.Buffer
	return func(r rune) bool {
		gi, err := face.GlyphIndex(&buf, r)
		return err == nil && gi != 0
	}
}

func render(wpx, hpx int, title string, weeks []Week) ([]byte, error) {
	canvas, dc, err := newCanvas(wpx, hpx)
	if err != nil {
		return nil, err
	}
	body := drawHeader(draw.Crop(dc, margin, -margin, margin, -margin), title)
	p := buildPlot(weeks, body.Max.X-body.Min.X, body.Max.Y-body.Min.Y)
	p.Draw(body)

	return encode(canvas.Image())
}

// newCanvas returns a white wpx×hpx canvas. The layout is in points and
// designed for 800x400; the canvas converts points with a dpi that scales
// it to the image size (no less than 0.75).
func newCanvas(wpx, hpx int) (*vgimg.Canvas, draw.Canvas, error) {
	scale := min(float64(wpx)/DefaultWidth, float64(hpx)/DefaultHeight)
	scale = max(scale, 0.75)
	dpi := int(math.Round(vgimg.DefaultDPI * scale))

	// Lengths are in points; the canvas converts them with dpi, so the
	// whole layout scales with the image.
	toLen := func(px int) vg.Length { return vg.Length(px) * vg.Inch / vg.Length(dpi) }
	canvas := vgimg.NewWith(vgimg.UseWH(toLen(wpx), toLen(hpx)), vgimg.UseDPI(dpi))
	if b := canvas.Image().Bounds(); b.Dx() != wpx || b.Dy() != hpx {
		return nil, draw.Canvas{}, fmt.Errorf("chart: internal error: canvas is %dx%d, want %dx%d", b.Dx(), b.Dy(), wpx, hpx)
	}
	return canvas, draw.New(canvas), nil
}

// encoderBuffers lets concurrent and successive renders reuse the PNG
// encoder's compression state.
type encoderBuffers struct{ pool sync.Pool }

func (p *encoderBuffers) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *encoderBuffers) Put(b *png.EncoderBuffer) { p.pool.Put(b) }

var pngBuffers encoderBuffers

func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	// BestSpeed: encoding dominates rendering time; the file is only ~3%
	// larger than with the default level.
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("chart: encoding png: %w", err)
	}
	if buf.Len() == 0 {
		return nil, errors.New("chart: encoding png: empty output")
	}
	return buf.Bytes(), nil
}

// buildPlot sets up axes, grid and data for a plot area of the given size.
func buildPlot(weeks []Week, width, height vg.Length) *plot.Plot {
	n := len(weeks)
	p := plot.New()
	p.BackgroundColor = nil // the canvas is already white
	p.Legend = plot.NewLegend()

	// X: one slot per week, centred on 0..n-1.
	p.X.Min, p.X.Max = -0.5, float64(max(n, 1))-0.5
	p.X.Padding = 0
	p.X.LineStyle = draw.LineStyle{Color: axisColor, Width: vg.Points(1)}
	p.X.Tick.Label = textStyle(tickFont, tickColor, draw.XCenter, draw.YTop)
	// Invisible tick marks: they only make a gap between axis and labels.
	p.X.Tick.Length = vg.Points(5)
	p.X.Tick.LineStyle = draw.LineStyle{Color: transparent, Width: vg.Points(0.5)}
	p.X.Tick.Marker = plot.ConstantTicks(weekTicks(weeks, width, p.X.Tick.Label))
	if n > 0 {
		p.X.Label.Text = "Week starting"
		p.X.Label.TextStyle = textStyle(axisLabelFont, mutedColor, draw.XCenter, draw.YBottom)
		p.X.Label.Padding = vg.Points(3)
	}

	// Y: integers from zero, with headroom for the value labels.
	var top float64
	for _, wk := range weeks {
		top = max(top, float64(wk.Posts), float64(wk.ActiveMembers))
	}
	// Aim for grid lines at least ~26pt apart in the data area (the plot
	// area less the x axis, roughly three tick-label heights).
	dataH := height - 3*p.X.Tick.Label.Height("0")
	yt := newCountTicks(top, min(int(dataH/vg.Points(26)), 7))
	p.Y.Min, p.Y.Max = 0, yt.max
	p.Y.Padding = vg.Points(6)
	p.Y.LineStyle = draw.LineStyle{} // no y axis line: the grid does the job
	p.Y.Tick.Label = textStyle(tickFont, tickColor, draw.XRight, draw.YCenter)
	p.Y.Tick.Length = 0
	p.Y.Tick.Marker = yt

	grid := &gridLines{style: draw.LineStyle{Color: gridColor, Width: vg.Points(0.75)}}
	p.Add(grid, &weeklyPlotter{weeks: weeks})
	switch {
	case n == 0:
		p.Add(note("No activity yet"))
	case top == 0:
		p.Add(note("No activity in these weeks"))
	}
	return p
}

// weekTicks labels weeks with their start date ("Oct 5"). When the weeks
// span several calendar years the year is added under the first label
// and wherever it changes. If labels would overlap, only every k-th is
// kept, always including the most recent week.
func weekTicks(weeks []Week, width vg.Length, sty text.Style) []plot.Tick {
	n := len(weeks)
	if n == 0 {
		return nil
	}
	multiYear := weeks[0].Start.Year() != weeks[n-1].Start.Year()
	slot := width / vg.Length(n)
	need := sty.Width("May 28") + vg.Points(8)
	stride := 1
	if slot > 0 && need > slot {
		stride = int(math.Ceil(float64(need / slot)))
	}
	ticks := make([]plot.Tick, 0, n)
	prevYear := 0
	for i, wk := range weeks {
		if (n-1-i)%stride != 0 {
			continue
		}
		label := wk.Start.Format("Jan 2")
		if y := wk.Start.Year(); multiYear && y != prevYear {
			label += "\n" + wk.Start.Format("2006")
			prevYear = y
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	return ticks
}

// countTicks is a y-axis Ticker with integer steps of 1, 2 or 5 × 10^k.
type countTicks struct{ step, max float64 }

// newCountTicks picks the smallest "nice" integer step (1, 2, 2.5 or 5
// × 10^k) that covers dataMax plus headroom in at most maxIntervals
// intervals.
func newCountTicks(dataMax float64, maxIntervals int) countTicks {
	// 15% headroom keeps the value labels above the tallest mark inside
	// the plot; small charts get at least 0..4.
	target := max(dataMax*1.15, 4)
	maxIntervals = max(maxIntervals, 2)
	for k := 0; k < 30; k++ {
		mag := math.Pow(10, float64(k))
		for _, m := range []float64{1, 2, 2.5, 5} {
			step := m * mag
			if step != math.Trunc(step) {
				continue
			}
			if n := math.Ceil(target / step); n <= float64(maxIntervals) {
				return countTicks{step: step, max: n * step}
			}
		}
	}
	// Only reachable for targets beyond 1e30, which int counts cannot be.
	return countTicks{step: target, max: target}
}

func (t countTicks) Ticks(_, _ float64) []plot.Tick {
	var ticks []plot.Tick
	for i := 0; ; i++ {
		v := float64(i) * t.step
		if v > t.max*(1+1e-9) || i > 20 {
			break
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: formatCount(v)})
	}
	return ticks
}

// formatCount writes a count compactly: "0", "950", "9,999", "12.3k",
// "456k", "1.2M".
func formatCount(v float64) string {
	v = math.Round(v)
	if v < 10000 {
		return bot.Thousands(int(v))
	}
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e3, "k"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}} {
		x := v / u.div
		var s string
		if x < 99.95 {
			s = trimZero(fmt.Sprintf("%.1f", x))
		} else {
			s = fmt.Sprintf("%.0f", x)
		}
		if x < 999.5 {
			return s + u.suffix
		}
		// 999.6k would print as "1000k": try the next unit.
	}
	return fmt.Sprintf("%.3g", v)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
