package discord

import (
	"net/http"
	"testing"
	"time"
)

// TestSpentBucketWait: a spent bucket is waited out for its reset, never
// less than the floor, even when Discord's rounded reset says 0, so the
// next request does not meet a 429 of "retry after 0s".
func TestSpentBucketWait(t *testing.T) {
	for _, c := range []struct {
		remaining, resetAfter string
		want                  time.Duration
	}{
		{"1", "5.000", 0},
		{"", "5.000", 0},
		{"0", "5.000", 5 * time.Second},
		{"0", "1.2341", 1234100 * time.Microsecond},
		{"0", "0.000", rateLimitFloor},
		{"0", "0.0004", rateLimitFloor},
		{"0", "", rateLimitFloor},
		{"0", "soon", rateLimitFloor},
		{"0", "-3", rateLimitFloor},
		{"0", "1e300", rateLimitFloor},
	} {
		h := http.Header{}
		if c.remaining != "" {
			h.Set("X-RateLimit-Remaining", c.remaining)
		}
		h.Set("X-RateLimit-Reset-After", c.resetAfter)
		if got := spentFor(h); got != c.want {
			t.Errorf("remaining %q, reset after %q: wait %v, want %v", c.remaining, c.resetAfter, got, c.want)
		}
	}
	if got := atLeastRateLimitFloor(426 * time.Microsecond); got != rateLimitFloor {
		t.Errorf("a 429's retry_after of 426µs is waited %v, want the floor %v", got, rateLimitFloor)
	}
}
