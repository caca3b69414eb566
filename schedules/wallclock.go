package schedules

import (
	"math"
	"time"
)

// This file turns wall-clock times (a local date and a time of day in a zone)
// into instants, with the DST rules the package doc states: a time in a gap
// is read with the offset before the gap; a repeated time is its first
// occurrence. time.Date leaves both cases unspecified (and in practice gives
// different answers east and west of UTC), so the resolution is done here.

const (
	secondsPerDay = 24 * 60 * 60
	// zoneMargin bounds how far a wall time's instant can be from the same
	// wall time read as UTC: UTC offsets stay within ±14 h (26 h is a wide
	// margin for historical local mean times too).
	zoneMargin = 26 * 60 * 60
)

// civilDay is a local calendar date, with the fields day rules look at.
type civilDay struct {
	n       int64 // days since 1970-01-01
	year    int
	month   time.Month
	day     int
	weekday time.Weekday
}

// dayOf returns the civil day numbered n (days since 1970-01-01).
func dayOf(n int64) civilDay {
	y, m, d := time.Unix(n*secondsPerDay, 0).UTC().Date()
	return civilDay{n: n, year: y, month: m, day: d, weekday: time.Weekday(floorMod(n+4, 7))} // 1970-01-01 was a Thursday
}

// dayNumber returns the number of t's local date (its wall clock read as UTC).
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay)
}

// daysInMonth returns how many days the month of c has.
func (c civilDay) daysInMonth() int {
	return time.Date(c.year, c.month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// zoneSpan is one stretch of time with a constant UTC offset, as unix
// seconds [start, end).
type zoneSpan struct {
	offset     int64 // seconds east of UTC
	start, end int64
}

// dayZones lists the offsets that can apply to wall times of one local day,
// in chronological order, adjacent spans with the same offset merged. Most
// days have exactly one.
type dayZones []zoneSpan

// zonesFor returns the spans of loc that any wall time of day d can fall in.
func zonesFor(d int64, loc *time.Location) dayZones {
	lo := d*secondsPerDay - zoneMargin
	hi := (d+1)*secondsPerDay + zoneMargin
	var zs dayZones
	for cur := lo; ; {
		t := time.Unix(cur, 0).In(loc)
		_, off := t.Zone()
		s, e := t.ZoneBounds()
		z := zoneSpan{offset: int64(off), start: math.MinInt64, end: math.MaxInt64}
		if !s.IsZero() {
			z.start = s.Unix()
		}
		if !e.IsZero() {
			z.end = e.Unix()
		}
		if n := len(zs); n > 0 && zs[n-1].offset == z.offset {
			zs[n-1].end = z.end
		} else {
			zs = append(zs, z)
		}
		if z.end >= hi || z.end <= cur {
			return zs
		}
		cur = z.end
	}
}

// single reports whether one offset applies all day, and which.
func (zs dayZones) single() (int64, bool) {
	if len(zs) == 1 {
		return zs[0].offset, true
	}
	return 0, false
}

// resolve returns the instant (unix seconds) of the wall time naive (the
// wall time's seconds read as if it were UTC): the earliest instant whose
// wall clock reads naive, or, in a gap, naive read with the offset in force
// before the gap.
func (zs dayZones) resolve(naive int64) int64 {
	best, found := int64(0), false
	for _, z := range zs {
		u := naive - z.offset
		if u >= z.start && u < z.end && (!found || u < best) {
			best, found = u, true
		}
	}
	if found {
		return best
	}
	for i := 0; i+1 < len(zs); i++ {
		a, b := zs[i], zs[i+1]
		if naive-a.offset >= a.end && naive-b.offset < b.start {
			return naive - a.offset
		}
	}
	return naive - zs[0].offset // unreachable for a well-formed zone
}
