package schedules

import (
	"time"

	"github.com/hearth-community/hearth/bot"
)

// MaxMissed caps the intended times one catch-up counts. A frequent
// schedule after a long outage owes more than that; counting stops there,
// the catch-up jumps to the grace window (older times are skipped whatever
// their number), and the skip row's Missed says MaxMissed, meaning "at
// least".
const MaxMissed = 10000

// catchUp is what a schedule owes at now: its intended times from its due
// time up to now.
type catchUp struct {
	latest time.Time // the latest intended time reached (≤ now)
	before time.Time // the intended time reached just before latest; zero if none
	count  int       // intended times reached, latest included
	// complete reports that latest is the schedule's last intended time ≤
	// now. An incomplete catch-up skips what it reached and the schedule
	// is due again right away, from resume.
	complete bool
	resume   time.Time // the cursor to continue from: spec.Next(resume) is the next due time
}

// missed is count capped at MaxMissed, for a skip row standing for n times.
func missed(n int) int { return min(n, MaxMissed) }

// enumerate walks spec's intended times from due (itself one, ≤ now) to
// now. Its work is bounded: after MaxMissed times it jumps to now − grace,
// and it stops after 2×MaxMissed (a grace window holding more than that is
// finished by further catch-ups).
func enumerate(spec bot.Spec, due, now time.Time, grace time.Duration) catchUp {
	c := catchUp{latest: due, count: 1}
	floor := now.Add(-grace) // intended times before floor are beyond grace
	for steps := 1; ; steps++ {
		next := spec.Next(c.latest)
		if next.IsZero() || next.After(now) {
			c.complete, c.resume = true, c.latest
			return c
		}
		if steps >= MaxMissed && next.Before(floor) {
			cur := cursorBefore(spec, c.latest, floor)
			next = spec.Next(cur)
			if next.IsZero() || next.After(now) {
				// Nothing within grace: skip what was counted, and
				// continue after now.
				c.resume = cur
				return c
			}
		}
		if steps >= 2*MaxMissed {
			c.resume = c.latest
			return c
		}
		c.before, c.latest = c.latest, next
		c.count++
	}
}
