package chart

import (
	"image/color"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series names, as shown in the legend.
const (
	activeName = "Active members"
	postsName  = "Messages + replies"
)

// Colours: a soft blue for the bars and a dark orange for the line
// (Okabe–Ito vermillion family, distinguishable with colour blindness
// and in greyscale).
var (
	barColor        = rgb(0xA6, 0xC8, 0xE8)
	barLabelColor   = rgb(0x2C, 0x5A, 0x85)
	lineColor       = rgb(0xD9, 0x5F, 0x02)
	lineLabelColor  = rgb(0xA3, 0x45, 0x00)
	titleColor      = rgb(0x22, 0x22, 0x22)
	legendTextColor = rgb(0x33, 0x33, 0x33)
	tickColor       = rgb(0x55, 0x55, 0x55)
	mutedColor      = rgb(0x77, 0x77, 0x77)
	axisColor       = rgb(0x88, 0x88, 0x88)
	gridColor       = rgb(0xE4, 0xE4, 0xE4)
	white           = color.Gray{Y: 0xFF}
	transparent     = color.Transparent
)

func rgb(r, g, b uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: 0xFF} }

// Fonts: Liberation Sans, embedded by gonum.org/v1/plot/font/liberation.
var (
	sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

	titleFont      = withWeight(font.From(sans, 15), xfont.WeightBold)
	legendFont     = font.From(sans, 10.5)
	tickFont       = font.From(sans, 10)
	axisLabelFont  = font.From(sans, 9)
	postsValueFont = font.From(sans, 9)
	activeValFont  = withWeight(font.From(sans, 9), xfont.WeightBold)
	noteFont       = withStyle(font.From(sans, 13), xfont.StyleItalic)
)

func withWeight(f font.Font, w xfont.Weight) font.Font { f.Weight = w; return f }
func withStyle(f font.Font, s xfont.Style) font.Font   { f.Style = s; return f }

func textStyle(f font.Font, c color.Color, xa draw.XAlignment, ya draw.YAlignment) text.Style {
	return text.Style{Color: c, Font: f, XAlign: xa, YAlign: ya, Handler: plot.DefaultTextHandler}
}

// Layout, in points (scaled with the image, see Renderer).
var (
	margin      = vg.Points(14)
	headerGap   = vg.Points(8)  // between title and legend
	bodyGap     = vg.Points(14) // between legend and plot
	swatchW     = vg.Points(20)
	swatchGap   = vg.Points(6)  // between swatch and its text
	legendGap   = vg.Points(22) // between legend entries
	lineWidth   = vg.Points(2.25)
	pointRadius = vg.Points(3.5)
	ringWidth   = vg.Points(1.5) // white ring around points
	labelGap    = vg.Points(3)
	maxBarWidth = vg.Points(46)
)

// drawHeader draws the left-aligned title and a one-line legend at the top
// of c and returns the area left for the plot.
func drawHeader(c draw.Canvas, title string) draw.Canvas {
	y := drawTitle(c, title) - headerGap

	ls := textStyle(legendFont, legendTextColor, draw.XLeft, draw.YCenter)
	lh := ls.Height("M")
	mid := y - lh/2
	x := c.Min.X

	// Active members: a line through a point.
	c.StrokeLine2(draw.LineStyle{Color: lineColor, Width: lineWidth}, x, mid, x+swatchW, mid)
	drawPoint(&c, vg.Point{X: x + swatchW/2, Y: mid})
	x += swatchW + swatchGap
	c.FillText(ls, vg.Point{X: x, Y: mid}, activeName)
	x += ls.Width(activeName) + legendGap

	// Messages + replies: a bar.
	bh := lh * 0.8
	c.FillPolygon(barColor, rect(x+swatchW*0.2, mid-bh/2, x+swatchW*0.8, mid+bh/2))
	x += swatchW + swatchGap
	c.FillText(ls, vg.Point{X: x, Y: mid}, postsName)

	y -= lh + bodyGap
	c.Max.Y = y
	return c
}

// drawTitle draws the left-aligned title at the top of c and returns the
// y just under it.
func drawTitle(c draw.Canvas, title string) vg.Length {
	ts := textStyle(titleFont, titleColor, draw.XLeft, draw.YTop)
	title = fitText(ts, title, c.Max.X-c.Min.X)
	c.FillText(ts, vg.Point{X: c.Min.X, Y: c.Max.Y}, title)
	return c.Max.Y - ts.Height(title)
}

// fitText shortens s with an ellipsis until it fits in width.
func fitText(sty text.Style, s string, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // longest prefix that fits is in [lo, hi)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if sty.Width(string(r[:mid])+"…") <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return string(r[:lo]) + "…"
}

func rect(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}

func drawPoint(c *draw.Canvas, pt vg.Point) {
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: white, Radius: pointRadius + ringWidth, Shape: draw.CircleGlyph{}}, pt)
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: lineColor, Radius: pointRadius, Shape: draw.CircleGlyph{}}, pt)
}

// gridLines draws light horizontal lines at the y ticks above zero (the x
// axis is the zero line).
type gridLines struct{ style draw.LineStyle }

func (g *gridLines) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.Value <= p.Y.Min || t.Value > p.Y.Max {
			continue
		}
		y := trY(t.Value)
		c.StrokeLine2(g.style, c.Min.X, y, c.Max.X, y)
	}
}

// note writes a message in the middle of the plot area.
type note string

func (n note) Plot(c draw.Canvas, _ *plot.Plot) {
	c.FillText(textStyle(noteFont, mutedColor, draw.XCenter, draw.YCenter), c.Center(), string(n))
}

// weeklyPlotter draws the bars (posts), the line with points (active
// members) and their value labels. Doing all three in one plotter lets it
// place the labels so they do not collide.
type weeklyPlotter struct{ weeks []Week }

func (wp *weeklyPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(wp.weeks)
	if n == 0 {
		return
	}
	trX, trY := p.Transforms(&c)
	slot := trX(1) - trX(0)
	barW := min(slot*0.62, maxBarWidth)
	y0 := trY(0)

	xs := make([]vg.Length, n)
	ya := make([]vg.Length, n)
	yp := make([]vg.Length, n)
	for i, wk := range wp.weeks {
		xs[i] = trX(float64(i))
		ya[i] = trY(float64(wk.ActiveMembers))
		yp[i] = trY(float64(wk.Posts))
	}

	// Bars.
	for i := range n {
		if yp[i] > y0 {
			c.FillPolygon(barColor, rect(xs[i]-barW/2, y0, xs[i]+barW/2, yp[i]))
		}
	}

	// Line and points.
	if n > 1 {
		pts := make([]vg.Point, n)
		for i := range n {
			pts[i] = vg.Point{X: xs[i], Y: ya[i]}
		}
		ls := draw.LineStyle{Color: lineColor, Width: lineWidth}
		c.SetLineStyle(ls)
		var path vg.Path
		path.Move(pts[0])
		for _, pt := range pts[1:] {
			path.Line(pt)
		}
		c.Stroke(path)
	}
	for i := range n {
		drawPoint(&c, vg.Point{X: xs[i], Y: ya[i]})
	}

	// Value labels: every week when they fit in a slot, otherwise only
	// the most recent one.
	ps := textStyle(postsValueFont, barLabelColor, draw.XCenter, draw.YBottom)
	as := textStyle(activeValFont, lineLabelColor, draw.XCenter, draw.YBottom)
	widest := vg.Length(0)
	for _, wk := range wp.weeks {
		widest = max(widest, ps.Width(formatCount(float64(wk.Posts))), as.Width(formatCount(float64(wk.ActiveMembers))))
	}
	first := 0
	if widest+vg.Points(4) > slot {
		first = n - 1
	}
	lh := max(ps.Height("0"), as.Height("0"))
	for i := first; i < n; i++ {
		wk := wp.weeks[i]
		if wk.Posts == 0 && wk.ActiveMembers == 0 {
			continue // nothing drawn above the axis; "0 0" would be noise
		}
		wp.labelWeek(&c, xs[i], y0, yp[i], ya[i], lh,
			formatCount(float64(wk.Posts)), formatCount(float64(wk.ActiveMembers)), ps, as)
	}
}

// labelWeek places the posts label above the bar and the active-members
// label above the point. When they would overlap, the active-members
// label moves under the point if there is room, else the posts label is
// stacked above it (the colours tell them apart).
func (wp *weeklyPlotter) labelWeek(c *draw.Canvas, x, y0, yp, ya, lh vg.Length, pLabel, aLabel string, ps, as text.Style) {
	type span struct{ lo, hi vg.Length }
	overlap := func(a, b span) bool { return a.lo < b.hi && b.lo < a.hi }
	r := pointRadius + ringWidth

	pAbove := span{yp + labelGap, yp + labelGap + lh}
	pInside := span{yp - labelGap - lh, yp - labelGap}
	aAbove := span{ya + r + labelGap, ya + r + labelGap + lh}
	aBelow := span{ya - r - labelGap - lh, ya - r - labelGap}
	point := span{ya - r, ya + r}
	stacked := span{aAbove.hi + labelGap/2, aAbove.hi + labelGap/2 + lh}

	pos, apos := pAbove, aAbove
	switch {
	case !overlap(pAbove, aAbove) && !overlap(pAbove, point):
		// Fine as is.
	case ya <= yp && aBelow.lo >= y0+labelGap:
		// Active members just under posts (common when most active
		// members post about once): label under the point.
		apos = aBelow
	case ya > yp && pInside.lo >= y0 && !overlap(pInside, point):
		// The point is above the bar: posts label inside the bar top.
		pos = pInside
	default:
		pos = stacked
	}
	c.FillText(ps, vg.Point{X: x, Y: pos.lo}, pLabel)
	c.FillText(as, vg.Point{X: x, Y: apos.lo}, aLabel)
}
