package simulate

// The simulated community's calendar: which days are busy, when in a day
// events land, and who is around to take part.

import (
	"math/rand/v2"
	"slices"
	"time"
)

// day is one calendar day of the community, clipped to the history.
type day struct {
	from, to time.Time
	weight   float64
}

// days splits the history into the community's calendar days, weighted by
// how busy each is: weekdays busy, weekends quiet, every day a little
// different.
func (g *generator) days() []day {
	loc := g.o.Location
	s := g.start.In(loc)
	var days []day
	for d := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc); d.Before(g.end); d = d.AddDate(0, 0, 1) {
		next := d.AddDate(0, 0, 1)
		from, to := later(d, g.start), earlier(next, g.end)
		w := 1.0
		switch d.Weekday() {
		case time.Saturday:
			w = 0.3
		case time.Sunday:
			w = 0.2
		}
		w *= 0.75 + 0.5*g.r.Float64()
		w *= float64(to.Sub(from)) / float64(next.Sub(d))
		days = append(days, day{from: from, to: to, weight: w})
	}
	return days
}

// apportion splits total over days in proportion to their weights, exactly
// (largest remainders).
func apportion(total int, days []day) []int {
	var sum float64
	for _, d := range days {
		sum += d.weight
	}
	out := make([]int, len(days))
	if sum == 0 || total == 0 {
		return out
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(days))
	given := 0
	for i, d := range days {
		exact := float64(total) * d.weight / sum
		out[i] = int(exact)
		given += out[i]
		rems[i] = rem{i, exact - float64(out[i])}
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.f > b.f:
			return -1
		case a.f < b.f:
			return 1
		}
		return 0
	})
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

// slotTimes returns n sorted times within d, mostly in working hours.
func (g *generator) slotTimes(d day, n int) []time.Time {
	loc := g.o.Location
	f := d.from.In(loc)
	midnight := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc)
	times := make([]time.Time, n)
	for i := range times {
		var t time.Time
		for try := 0; ; try++ {
			hours := 24 * g.r.Float64()
			if g.r.Float64() < 0.85 {
				hours = min(22.99, max(7, 13.5+2.5*g.r.NormFloat64()))
			}
			h := int(hours)
			rest := time.Duration((hours - float64(h)) * float64(time.Hour)).Truncate(time.Millisecond)
			t = time.Date(midnight.Year(), midnight.Month(), midnight.Day(), h, 0, 0, 0, loc).Add(rest)
			if !t.Before(d.from) && t.Before(d.to) {
				break
			}
			if try == 5 { // a clipped first or last day: anywhere in it
				t = d.from.Add(time.Duration(g.r.Int64N(int64(d.to.Sub(d.from))))).Truncate(time.Millisecond)
				t = later(t, d.from)
				break
			}
		}
		times[i] = t
	}
	slices.SortFunc(times, time.Time.Compare)
	return times
}

// weighted picks people in proportion to how often they act.
type weighted struct {
	who []int
	cum []float64
}

// presentWeights is who may act on a day: members for all of it.
func (g *generator) presentWeights(from, to time.Time) weighted {
	var w weighted
	var sum float64
	for i := range g.people {
		p := &g.people[i]
		if p.weight > 0 && p.present(from, to) {
			sum += p.weight
			w.who = append(w.who, i)
			w.cum = append(w.cum, sum)
		}
	}
	return w
}

func (w weighted) pick(r *rand.Rand) (int, bool) {
	if len(w.who) == 0 {
		return 0, false
	}
	x := r.Float64() * w.cum[len(w.cum)-1]
	i, _ := slices.BinarySearch(w.cum, x)
	return w.who[min(i, len(w.who)-1)], true
}

func randDuration(r *rand.Rand, d time.Duration) time.Duration {
	return time.Duration(r.Int64N(int64(d)))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
