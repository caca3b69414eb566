package fakeslack

import (
	"fmt"
	"net/http"
	"time"
)

// Refusals and delays a test asks for: rate limits, errors, held calls.

type fault struct {
	status     int
	retryAfter time.Duration
	code       string
}

// RateLimit makes the next call to method fail with HTTP 429 and the given
// Retry-After (whole seconds, at least 1). Calls queue up: two RateLimit
// calls rate-limit the next two calls.
func (s *Server) RateLimit(method string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], fault{status: http.StatusTooManyRequests, retryAfter: retryAfter})
}

// Fail makes the next call to method answer {"ok":false,"error":code}.
// Method "response_url" makes the next post to a response_url answer HTTP
// 400 with code, as Slack refuses one.
func (s *Server) Fail(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], fault{status: http.StatusOK, code: code})
}

// Hold makes calls to method wait, before they are answered or recorded,
// until release is called (or the client gives up): a slow Slack, without
// sleeping. Calls after release are answered at once. release may be called
// more than once; Close calls it too.
func (s *Server) Hold(method string) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.holds[method]
	if !ok {
		ch = make(chan struct{})
		s.holds[method] = ch
	}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.holds[method] == ch {
			close(ch)
			delete(s.holds, method)
		}
	}
}

// WaitHeld waits until n calls to method were held by Hold.
func (s *Server) WaitHeld(method string, n int) {
	s.tb.Helper()
	s.waitFor(fmt.Sprintf("%d held calls to %s", n, method), func() bool { return s.held[method] >= n })
}

// hold waits while method is held.
func (s *Server) hold(r *http.Request, method string) {
	s.mu.Lock()
	release, ok := s.holds[method]
	if ok {
		s.held[method]++
		s.notifyLocked()
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	select {
	case <-release:
	case <-r.Context().Done():
	}
}
