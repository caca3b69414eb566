package dashboard

import (
	"fmt"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// TestLimiterStaysBounded: a flood from ever new addresses never makes the
// limiter keep more than maxLimitedAddrs of them, and an address being
// limited is still limited after a sweep that keeps it.
func TestLimiterStaysBounded(t *testing.T) {
	clock := bot.NewManualClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	l := NewSignInLimiter(clock, 10)
	for range 10 {
		l.Allow("203.0.113.9")
	}
	for i := range maxLimitedAddrs - 1 {
		l.Allow(fmt.Sprint("flood-", i))
	}
	clock.Advance(time.Minute) // the flood's buckets are full again, 203.0.113.9's too
	for range 10 {
		l.Allow("203.0.113.9")
	}
	l.Allow("one more") // sweeps: only 203.0.113.9 is not full
	if n := len(l.due); n != 2 {
		t.Errorf("%d addresses kept after the sweep, want 2", n)
	}
	if l.Allow("203.0.113.9") {
		t.Error("the limited address was let through by the sweep")
	}
	for i := range 3 * maxLimitedAddrs {
		l.Allow(fmt.Sprint("burst-", i))
		if len(l.due) > maxLimitedAddrs {
			t.Fatalf("%d addresses kept", len(l.due))
		}
	}
}
