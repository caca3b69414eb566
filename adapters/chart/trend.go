package chart

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/hearth-community/hearth/bot"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TrendPoint is one point of a trend chart: a figure at one time, like a
// check-in scale question's mean in one run.
type TrendPoint struct {
	// At orders the points, and labels the x axis ("Dec 1") when Label is
	// empty.
	At time.Time
	// Label is the point's x-axis label, like "#3 Dec 1".
	Label string
	Value float64
}

// MaxTrendPoints is the largest number of points TrendChart accepts; x
// labels are thinned and value labels dropped when crowded.
const MaxTrendPoints = 104

// MaxTrendValue bounds the magnitude of a trend value.
const MaxTrendValue = 1e12

// Label and unit lengths, in runes, before they are ellipsized.
const (
	maxPointLabelRunes = 24
	maxUnitRunes       = 60
)

// TrendChart renders points as a PNG line chart with a mark per point, the
// same size and style as WeeklyChart: points in order of At (equal times
// keep their order) at evenly spaced x positions labelled with their
// Label, the y axis fitted to the values (not necessarily from zero) and
// labelled unit. An empty title becomes "Trend". One point draws a lone
// mark.
//
// It returns an error, never panics, for invalid input: no points, more
// than MaxTrendPoints, a point with a zero At, a value that is not finite
// or beyond ±MaxTrendValue, or a size outside the Renderer's limits.
func (r *Renderer) TrendChart(title, unit string, points []TrendPoint) (out []byte, err error) {
	w, h, err := r.size()
	if err != nil {
		return nil, err
	}
	sorted, err := validateTrend(points)
	if err != nil {
		return nil, err
	}
	title = cleanText(title, titleFont, maxTitleRunes)
	if title == "" {
		title = "Trend"
	}
	labels := make([]string, len(sorted))
	for i, p := range sorted {
		labels[i] = cleanText(p.Label, tickFont, maxPointLabelRunes)
		if labels[i] == "" {
			labels[i] = p.At.Format("Jan 2")
		}
	}
	unit = cleanText(unit, axisLabelFont, maxUnitRunes)
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("chart: rendering failed: %v", p)
		}
	}()
	return renderTrend(w, h, title, unit, sorted, labels)
}

// validateTrend checks points and returns a copy sorted by At.
func validateTrend(points []TrendPoint) ([]TrendPoint, error) {
	switch {
	case len(points) == 0:
		return nil, errors.New("chart: a trend needs at least one point")
	case len(points) > MaxTrendPoints:
		return nil, fmt.Errorf("chart: %d trend points, at most %d allowed", len(points), MaxTrendPoints)
	}
	for i, p := range points {
		if p.At.IsZero() {
			return nil, fmt.Errorf("chart: trend point %d has no time", i)
		}
		if math.IsNaN(p.Value) || math.Abs(p.Value) > MaxTrendValue {
			return nil, fmt.Errorf("chart: trend point %d has the value %v, want a number within ±%g", i, p.Value, MaxTrendValue)
		}
	}
	sorted := slices.Clone(points)
	slices.SortStableFunc(sorted, func(a, b TrendPoint) int { return a.At.Compare(b.At) })
	return sorted, nil
}

func renderTrend(wpx, hpx int, title, unit string, points []TrendPoint, labels []string) ([]byte, error) {
	canvas, dc, err := newCanvas(wpx, hpx)
	if err != nil {
		return nil, err
	}
	body := draw.Crop(dc, margin, -margin, margin, -margin)
	body.Max.Y = drawTitle(body, title) - bodyGap
	p := buildTrendPlot(points, labels, unit, body.Max.X-body.Min.X, body.Max.Y-body.Min.Y)
	p.Draw(body)
	return encode(canvas.Image())
}

// buildTrendPlot sets up axes, grid and data for a plot area of the given
// size, like buildPlot.
func buildTrendPlot(points []TrendPoint, labels []string, unit string, width, height vg.Length) *plot.Plot {
	n := len(points)
	p := plot.New()
	p.BackgroundColor = nil
	p.Legend = plot.NewLegend()

	// X: one slot per point, centred on 0..n-1.
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.X.Padding = 0
	p.X.LineStyle = draw.LineStyle{Color: axisColor, Width: vg.Points(1)}
	p.X.Tick.Label = textStyle(tickFont, tickColor, draw.XCenter, draw.YTop)
	p.X.Tick.Length = vg.Points(5)
	p.X.Tick.LineStyle = draw.LineStyle{Color: transparent, Width: vg.Points(0.5)}
	p.X.Tick.Marker = plot.ConstantTicks(trendTicks(labels, width, p.X.Tick.Label))

	// Y: fitted to the values, with headroom for the value labels.
	lo, hi := points[0].Value, points[0].Value
	for _, pt := range points {
		lo, hi = min(lo, pt.Value), max(hi, pt.Value)
	}
	dataH := height - 3*p.X.Tick.Label.Height("0")
	yt := newValueTicks(lo, hi, min(int(dataH/vg.Points(26)), 7))
	p.Y.Min, p.Y.Max = yt.min, yt.max
	p.Y.Padding = vg.Points(6)
	p.Y.LineStyle = draw.LineStyle{}
	p.Y.Tick.Label = textStyle(tickFont, tickColor, draw.XRight, draw.YCenter)
	p.Y.Tick.Length = 0
	p.Y.Tick.Marker = yt
	if unit != "" {
		ls := textStyle(axisLabelFont, mutedColor, draw.XCenter, draw.YBottom)
		p.Y.Label.Text = fitText(ls, unit, height)
		p.Y.Label.TextStyle = ls
		p.Y.Label.Padding = vg.Points(3)
	}

	p.Add(&gridLines{style: draw.LineStyle{Color: gridColor, Width: vg.Points(0.75)}}, &trendPlotter{points: points, yt: yt})
	return p
}

// trendTicks labels the points. If labels would overlap, only every k-th
// is kept, always including the most recent point.
func trendTicks(labels []string, width vg.Length, sty text.Style) []plot.Tick {
	n := len(labels)
	if n == 0 {
		return nil
	}
	var widest vg.Length
	for _, l := range labels {
		widest = max(widest, sty.Width(l))
	}
	slot := width / vg.Length(n)
	need := widest + vg.Points(8)
	stride := 1
	if slot > 0 && need > slot {
		stride = int(math.Ceil(float64(need / slot)))
	}
	ticks := make([]plot.Tick, 0, n)
	for i, l := range labels {
		if (n-1-i)%stride == 0 {
			ticks = append(ticks, plot.Tick{Value: float64(i), Label: l})
		}
	}
	return ticks
}

// valueTicks is a y-axis Ticker with steps of 1, 2, 2.5 or 5 × 10^k,
// from min to max.
type valueTicks struct {
	min, max, step float64
	decimals       int // to write a tick's value
}

// newValueTicks picks the smallest "nice" step whose multiples cover
// [lo, hi] plus headroom (15% above, for the value labels, and 5% below)
// in at most maxIntervals intervals. Non-negative values keep the axis
// at or above zero. A flat series (lo = hi) gets an axis around it.
func newValueTicks(lo, hi float64, maxIntervals int) valueTicks {
	maxIntervals = max(maxIntervals, 2)
	nonNegative := lo >= 0
	// Spans too small to read (relative to the values, or below 1e-6)
	// count as flat, which also bounds the decimals of the ticks.
	if span := hi - lo; span <= max(math.Abs(lo), math.Abs(hi))*1e-9 || span < 1e-6 {
		pad := max(math.Abs(hi)*0.1, 1)
		lo, hi = lo-pad, hi+pad
	} else {
		lo, hi = lo-span*0.05, hi+span*0.15
	}
	if nonNegative {
		lo = max(lo, 0)
	}
	k := int(math.Floor(math.Log10((hi - lo) / float64(maxIntervals))))
	for range 8 {
		mag := math.Pow(10, float64(k))
		for _, m := range []float64{1, 2, 2.5, 5} {
			step := m * mag
			first, last := math.Floor(lo/step), math.Ceil(hi/step)
			if last-first <= float64(maxIntervals) {
				d := max(0, -k)
				if m == 2.5 {
					d++
				}
				return valueTicks{min: first * step, max: last * step, step: step, decimals: d}
			}
		}
		k++
	}
	// Not reached for finite input; an axis without inner ticks.
	return valueTicks{min: lo, max: hi, step: hi - lo, decimals: 2}
}

func (t valueTicks) Ticks(_, _ float64) []plot.Tick {
	var ticks []plot.Tick
	first := math.Round(t.min / t.step)
	seen := map[string]bool{}
	compact := true // false when compact labels ("1.1T") would repeat
	for i := 0; i <= 20; i++ {
		v := (first + float64(i)) * t.step
		if v > t.max+t.step*1e-9 {
			break
		}
		l := formatTick(v, t.decimals)
		compact = compact && !seen[l]
		seen[l] = true
		ticks = append(ticks, plot.Tick{Value: v, Label: l})
	}
	if !compact && t.decimals == 0 {
		for i := range ticks {
			ticks[i].Label = formatWhole(ticks[i].Value)
		}
	}
	return ticks
}

// formatWhole writes a whole number in full, with thousands separators.
func formatWhole(v float64) string {
	v = math.Round(v)
	if v < 0 {
		return "-" + bot.Thousands(int(-v))
	}
	return bot.Thousands(int(v))
}

// formatTick writes an axis value with decimals places; whole numbers are
// written as formatCount does ("1,000", "12.3k"), with a sign.
func formatTick(v float64, decimals int) string {
	if decimals == 0 {
		return formatSigned(v)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == 0 {
		return strconv.FormatFloat(0, 'f', decimals, 64) // no "-0.0"
	}
	return s
}

// formatValue writes a point's value: up to two decimals ("4.25", "3.8",
// "4"), or as a count from 1,000 up.
func formatValue(v float64) string {
	if math.Abs(v) >= 1000 {
		return formatSigned(v)
	}
	r := math.Round(v*100) / 100
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// formatSigned is formatCount for any sign.
func formatSigned(v float64) string {
	v = math.Round(v)
	if v < 0 {
		return "-" + formatCount(-v)
	}
	return formatCount(v + 0) // no "-0"
}

// trendPlotter draws the line, the points and their value labels.
type trendPlotter struct {
	points []TrendPoint
	yt     valueTicks
}

func (tp *trendPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(tp.points)
	trX, trY := p.Transforms(&c)
	slot := trX(1) - trX(0)
	pts := make([]vg.Point, n)
	for i, pt := range tp.points {
		pts[i] = vg.Point{X: trX(float64(i)), Y: trY(pt.Value)}
	}

	if n > 1 {
		c.SetLineStyle(draw.LineStyle{Color: lineColor, Width: lineWidth})
		var path vg.Path
		path.Move(pts[0])
		for _, pt := range pts[1:] {
			path.Line(pt)
		}
		c.Stroke(path)
	}
	for _, pt := range pts {
		drawPoint(&c, pt)
	}

	// Value labels: on every point when they fit in a slot, otherwise
	// only on the most recent one. Above the point, or under it when the
	// top of the plot is too near.
	sty := textStyle(activeValFont, lineLabelColor, draw.XCenter, draw.YBottom)
	values := make([]string, n)
	var widest vg.Length
	for i, pt := range tp.points {
		values[i] = formatValue(pt.Value)
		widest = max(widest, sty.Width(values[i]))
	}
	first := 0
	if n > 1 && widest+vg.Points(4) > slot {
		first = n - 1
	}
	lh := sty.Height("0")
	r := pointRadius + ringWidth
	for i := first; i < n; i++ {
		y := pts[i].Y + r + labelGap
		if y+lh > c.Max.Y {
			y = pts[i].Y - r - labelGap - lh
		}
		c.FillText(sty, vg.Point{X: pts[i].X, Y: y}, values[i])
	}
}
