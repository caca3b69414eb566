package fakeslack

import (
	"time"
)

// Rate limits by method, as Slack's tiers allow a number of calls a minute
// per method, workspace and app (docs.slack.dev/apis/web-api/rate-limits).
// The fake counts calls in fixed minutes of its clock (Options.Now); the
// call over the limit is answered HTTP 429 with Retry-After, the seconds
// left in that minute. Slack tolerates bursts the fake does not: a client
// that stays within the fake's limits stays within Slack's.

// Calls a minute of Slack's tiers.
const (
	Tier2 = 20
	Tier3 = 50
	Tier4 = 100
)

// HistoryTiers are the tiers of the methods a history import calls
// (docs.slack.dev/reference/methods/<method>, "Rate Limits").
var HistoryTiers = map[string]int{
	"conversations.history": Tier3,
	"conversations.replies": Tier3,
	"users.conversations":   Tier3,
	"conversations.list":    Tier2,
	"users.info":            Tier4,
}

type tierWindow struct {
	perMinute int
	start     time.Time
	calls     int
}

// LimitRate makes the fake answer 429 past perMinute calls to method in a
// minute of its clock; 0 removes the limit.
func (s *Server) LimitRate(method string, perMinute int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tiers == nil {
		s.tiers = map[string]*tierWindow{}
	}
	if perMinute <= 0 {
		delete(s.tiers, method)
		return
	}
	s.tiers[method] = &tierWindow{perMinute: perMinute}
}

// LimitRates applies LimitRate to each method of tiers (HistoryTiers...).
func (s *Server) LimitRates(tiers map[string]int) {
	for m, n := range tiers {
		s.LimitRate(m, n)
	}
}

// overTierLocked counts a call to method at now and returns the
// Retry-After (whole seconds) when it is over the method's limit, else 0.
func (s *Server) overTierLocked(method string, now time.Time) int {
	w := s.tiers[method]
	if w == nil {
		return 0
	}
	if w.start.IsZero() || !now.Before(w.start.Add(time.Minute)) {
		w.start, w.calls = now, 0
	}
	if w.calls >= w.perMinute {
		left := w.start.Add(time.Minute).Sub(now)
		return max(1, int((left+time.Second-1)/time.Second))
	}
	w.calls++
	return 0
}
