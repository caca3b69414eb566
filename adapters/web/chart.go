package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

// chart is a figure across time (or across channels), drawn on the server
// as SVG with a title, a description, labelled axes and the same numbers
// in a table for people who do not see the drawing.
type chart struct {
	ID, Title, Desc string
	XLabel, YLabel  string
	Categories      []string // x-axis labels, one per point
	Series          []chartSeries
	Line            bool // lines with points; bars otherwise
}

type chartSeries struct {
	Name   string
	Values []float64
}

// Chart geometry, in SVG user units; the SVG scales to its container.
const (
	chartW, chartH                  = 720, 300
	padLeft, padRight, padTop, padB = 56, 16, 16, 64
)

type svgRect struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type svgTick struct {
	X, Y  float64
	Label string
}

type svgLine struct {
	Points string
	Class  string
	Dots   []svgRect // X, Y centre; Title
}

type svgLegend struct {
	X, Y, RY    float64
	Class, Name string
}

// svgModel is the chart laid out, for the template to draw.
type svgModel struct {
	W, H, Left, Right, Top, Bottom float64
	Bars                           []svgRect
	Lines                          []svgLine
	XTicks, YTicks                 []svgTick
	Legend                         []svgLegend
	XLabelX, YLabelY               float64
}

// Empty reports whether there is nothing to draw.
func (c chart) Empty() bool { return len(c.Categories) == 0 || len(c.Series) == 0 }

// Layout places the bars or lines, the ticks and the legend.
func (c chart) Layout() svgModel {
	m := svgModel{W: chartW, H: chartH, Left: padLeft, Right: chartW - padRight, Top: padTop, Bottom: chartH - padB}
	m.XLabelX, m.YLabelY = (m.Left+m.Right)/2, (m.Top+m.Bottom)/2
	n := len(c.Categories)
	if n == 0 || len(c.Series) == 0 {
		return m
	}
	maxV := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			maxV = math.Max(maxV, v)
		}
	}
	top := niceCeil(maxV)
	y := func(v float64) float64 { return m.Bottom - v/top*(m.Bottom-m.Top) }
	// Ticks at round numbers: fifths of a top of 1 or 5 (times a power of
	// ten), quarters of 2.
	divisions := 4
	if m := top / math.Pow(10, math.Floor(math.Log10(top))); m == 1 || m == 5 {
		divisions = 5
	}
	for i := 0; i <= divisions; i++ {
		v := top * float64(i) / float64(divisions)
		m.YTicks = append(m.YTicks, svgTick{X: m.Left - 6, Y: y(v), Label: tickLabel(v)})
	}
	slot := (m.Right - m.Left) / float64(n)
	// Label every k-th point so labels (about 7 units a character) never overlap.
	widest := 0
	for _, cat := range c.Categories {
		widest = max(widest, len([]rune(cat)))
	}
	every := max(1, int(math.Ceil(float64(widest*7+10)/slot)))
	for i, cat := range c.Categories {
		if i%every == 0 {
			m.XTicks = append(m.XTicks, svgTick{X: m.Left + slot*(float64(i)+0.5), Y: m.Bottom + 16, Label: cat})
		}
	}
	legendX, legendRow := m.Left, 0
	for si, s := range c.Series {
		class := "s" + strconv.Itoa(si%4)
		// Legend entries follow one another (about 7 units a character),
		// wrapping to a new row below when the width is used up.
		w := float64(14 + 7*len([]rune(s.Name)) + 20)
		if legendX+w > m.Right && legendX > m.Left {
			legendX, legendRow = m.Left, legendRow+1
			m.H += 16
		}
		ly := float64(chartH - 14 + 16*legendRow)
		m.Legend = append(m.Legend, svgLegend{X: legendX, Y: ly, RY: ly - 9, Class: class, Name: s.Name})
		legendX += w
		if c.Line {
			var pts []string
			l := svgLine{Class: class}
			for i, v := range s.Values[:min(len(s.Values), n)] {
				x := m.Left + slot*(float64(i)+0.5)
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y(v)))
				l.Dots = append(l.Dots, svgRect{X: x, Y: y(v), Class: class, Title: c.Categories[i] + ", " + s.Name + ": " + tickLabel(v)})
			}
			l.Points = strings.Join(pts, " ")
			m.Lines = append(m.Lines, l)
			continue
		}
		bw := slot * 0.8 / float64(len(c.Series))
		for i, v := range s.Values[:min(len(s.Values), n)] {
			x := m.Left + slot*float64(i) + slot*0.1 + bw*float64(si)
			m.Bars = append(m.Bars, svgRect{X: x, Y: y(v), W: bw, H: m.Bottom - y(v), Class: class, Title: c.Categories[i] + ", " + s.Name + ": " + tickLabel(v)})
		}
	}
	return m
}

// Rows are the chart's numbers as table rows: a category, then each
// series' value.
func (c chart) Rows() [][]string {
	out := make([][]string, len(c.Categories))
	for i, cat := range c.Categories {
		row := []string{cat}
		for _, s := range c.Series {
			v := 0.0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			row = append(row, tickLabel(v))
		}
		out[i] = row
	}
	return out
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func tickLabel(v float64) string {
	if v == math.Trunc(v) {
		return bot.Thousands(int(v))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
