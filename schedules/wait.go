package schedules

import (
	"time"
)

const (
	// MaxWait is the longest Run sleeps between passes, so schedules added
	// in the meantime are noticed within it.
	MaxWait = 30 * time.Second
	// minWait keeps Run from spinning when something stays due (a store
	// that keeps failing on one schedule).
	minWait = time.Second
)

// waitFor returns how long Run sleeps before its next pass: until next
// (reckoned from the injected clock's now), clamped to [minWait, MaxWait];
// MaxWait when nothing is scheduled.
func waitFor(now, next time.Time) time.Duration {
	if next.IsZero() {
		return MaxWait
	}
	return min(max(next.Sub(now), minWait), MaxWait)
}
