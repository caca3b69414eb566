package fakediscord

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Per-route rate limits, as Discord applies them: each route has buckets
// per major resource (the channel or guild in its path), a bucket allows a
// number of requests per window, every answer says where the bucket stands
// (X-RateLimit-Limit, -Remaining, -Reset-After, -Bucket), and a request
// past the limit is answered 429 with retry_after until the window resets.
// Windows are reckoned by the fake's clock (Options.Now), so a test whose
// client waits through a manual clock needs no real sleep.

type routeLimit struct {
	n      int
	window time.Duration
}

type bucketState struct {
	start time.Time
	used  int
}

// LimitRoute limits the route pattern as the fake registers it ("GET
// /channels/{id}/messages") to n requests per window in each bucket (one
// per channel or guild in the path). n <= 0 removes the limit.
func (s *Server) LimitRoute(pattern string, n int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		delete(s.routeLimits, pattern)
		return
	}
	s.routeLimits[pattern] = routeLimit{n: n, window: window}
}

// RateLimited returns how many requests the route limits answered 429.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited429
}

// applyRouteLimit sets the bucket headers of a request to a limited route
// and reports the wait when it is over the limit.
func (s *Server) applyRouteLimit(w http.ResponseWriter, r *http.Request) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lim, ok := s.routeLimits[r.Pattern]
	if !ok {
		return 0, false
	}
	major := r.PathValue("id")
	if major == "" {
		major = r.PathValue("guild")
	}
	key := r.Pattern + "|" + major
	now := s.opts.Now()
	b := s.buckets[key]
	if b == nil || !now.Before(b.start.Add(lim.window)) {
		b = &bucketState{start: now}
		s.buckets[key] = b
	}
	reset := b.start.Add(lim.window).Sub(now)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(lim.n))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(reset.Seconds(), 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", "fake-"+strconv.Itoa(len(r.Pattern))+"-"+strconv.Itoa(int(lim.window.Milliseconds())))
	if b.used >= lim.n {
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Scope", "user")
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(reset.Seconds()))))
		s.limited429++
		return reset, true
	}
	b.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(lim.n-b.used))
	return 0, false
}
