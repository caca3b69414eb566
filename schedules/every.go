package schedules

import (
	"time"

	"github.com/hearth-community/hearth/bot"
)

// every is @every DURATION: an elapsed duration, blind to zones and DST.
// Its times form a chain from wherever it starts (a schedule's creation):
// created at 10:17, "@every 2h" falls due at 12:17, 14:17, and so on.
type every struct {
	d time.Duration // whole seconds, MinEvery to MaxEvery
}

var _ bot.Spec = every{}

// Next returns t plus the interval, on a whole second (as robfig/cron does).
func (e every) Next(t time.Time) time.Time {
	return t.Truncate(time.Second).Add(e.d)
}

// cursorBefore returns a cursor from which spec.Next gives the first
// intended time at or after target, on the chain of intended times that
// continues from from. It lets a catch-up jump over a long outage without
// walking it; for @every it keeps the chain's phase.
func cursorBefore(spec bot.Spec, from, target time.Time) time.Time {
	if e, ok := spec.(every); ok {
		first := e.Next(from)
		if !first.Before(target) {
			return from
		}
		k := (target.Sub(first) + e.d - 1) / e.d // chain steps from first to the first time ≥ target
		return first.Add((k - 1) * e.d)
	}
	return target.Add(-time.Nanosecond)
}
