package bot

import (
	"context"
	"sync"
	"time"
)

// Clock is where the core gets the time. The core never calls time.Now: the
// binary injects the wall clock, tests and the simulated shell inject a
// ManualClock, so a week of schedules runs in milliseconds.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock, as http.HandlerFunc adapts one to
// http.Handler.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// ManualClock is a Clock that moves only when told to. It is safe for
// concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

var _ Clock = (*ManualClock)(nil)

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (backwards too, though schedulers may not like it).
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time.
func (c *ManualClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// Sleep waits d on a real timer, or until ctx is done (then it returns
// ctx.Err()). It is the default of the waits that are injected elsewhere
// (the scheduler's, the adapters' pacing); the core never calls it, and
// tests inject waits of their own.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
