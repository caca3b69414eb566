package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// redrawEvery bounds how often the progress line is redrawn: a few times a
// second is enough to read, and keeps a fast loop from spending its time
// writing to the terminal.
const redrawEvery = 250 * time.Millisecond

// progress is the one line of progress a long offline command (simulate,
// migrate, a copy between databases) draws on a terminal's standard error,
// redrawn in place with "\r":
//
//	simulating: 412,000 of 1,000,000 events (41%), 31,000/s, about 19 s left
//
// On anything but a terminal (a script, a pipe, a log file) it writes
// nothing, so scripts see only the command's summary. The work reports its
// counts with Add; Finish clears the line before the summary is printed.
// It is used by one goroutine, the one doing the work.
type progress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time

	what  string // "simulating"
	unit  string // "events"
	total int64  // 0 when unknown: the line then shows only the count so far

	done    int64
	started time.Time
	drawn   time.Time // the last redraw, or the start
	width   int       // runes of the line on screen, 0 when none is
}

// newProgress starts a progress line for total units of work (0 when the
// total is unknown). terminal says whether w is a terminal; now is the
// clock, injected so that tests need no sleeps. Nothing is drawn before
// redrawEvery has passed, so work that ends quickly leaves no trace.
func newProgress(w io.Writer, terminal bool, now func() time.Time, what, unit string, total int64) *progress {
	t := now()
	return &progress{w: w, terminal: terminal, now: now, what: what, unit: unit, total: total, started: t, drawn: t}
}

// Add counts n more units done and redraws the line if the last redraw is
// old enough.
func (p *progress) Add(n int64) {
	p.done += n
	if !p.terminal {
		return
	}
	if t := p.now(); t.Sub(p.drawn) >= redrawEvery {
		p.drawn = t
		p.draw(p.line(t))
	}
}

// Show draws the line now, whatever the rate limit: for work that reports
// no counts (a schema migration) but may take a while.
func (p *progress) Show() {
	if !p.terminal {
		return
	}
	p.drawn = p.now()
	p.draw(p.line(p.drawn))
}

// Finish clears the line, leaving the cursor at the start of an empty
// line for the summary. It may be called more than once.
func (p *progress) Finish() {
	if !p.terminal || p.width == 0 {
		return
	}
	fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.width)+"\r")
	p.width = 0
}

// draw replaces the line on screen with s, blanking what a longer previous
// line left behind.
func (p *progress) draw(s string) {
	n := len([]rune(s))
	pad := ""
	if p.width > n {
		pad = strings.Repeat(" ", p.width-n)
	}
	fmt.Fprint(p.w, "\r"+s+pad)
	p.width = n
}

// line is the text of the progress line at t.
func (p *progress) line(t time.Time) string {
	var b strings.Builder
	b.WriteString(p.what)
	if p.total <= 0 {
		if p.done > 0 {
			fmt.Fprintf(&b, ": %s %s", bot.Thousands(int(p.done)), p.unit)
		} else {
			b.WriteString("…")
		}
		if s := int64(t.Sub(p.started).Seconds()); s > 0 {
			fmt.Fprintf(&b, ", %d s", s)
		}
		return b.String()
	}
	// Counts may overshoot an estimated total a little (simulate hits its
	// target to within a few events per thousand): never say more than 100%.
	done := min(p.done, p.total)
	fmt.Fprintf(&b, ": %s of %s %s (%d%%)", bot.Thousands(int(p.done)), bot.Thousands(int(p.total)), p.unit, done*100/p.total)
	elapsed := t.Sub(p.started).Seconds()
	if elapsed <= 0 || p.done == 0 {
		return b.String()
	}
	rate := float64(p.done) / elapsed
	fmt.Fprintf(&b, ", %s/s", bot.Thousands(int(roundRate(rate))))
	left := float64(p.total-done) / rate
	switch {
	case left < 1:
	case left < 120:
		fmt.Fprintf(&b, ", about %d s left", int64(left+0.5))
	default:
		fmt.Fprintf(&b, ", about %d min left", int64(left/60+0.5))
	}
	return b.String()
}

// roundRate keeps a rate's two or three leading digits: "31,000/s" reads
// better than a number that changes in every digit at each redraw.
func roundRate(r float64) int64 {
	n := int64(r + 0.5)
	unit := int64(1)
	for n/unit >= 1000 {
		unit *= 10
	}
	return (n + unit/2) / unit * unit
}
