package dashboard

import (
	"sync"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// maxLimitedAddrs bounds how many client addresses a SignInLimiter keeps.
const maxLimitedAddrs = 10000

// SignInLimiter rate-limits sign-in attempts per client address: a token
// bucket of perMinute attempts a minute with a burst of as many, on the
// injected clock.
//
// It is kept in process, deliberately: each instance limits on its own, so
// N instances allow at most N times the limit. That bounds guessing, and
// guessing is hopeless anyway: a token is 256 random bits, valid for
// minutes. The limit is there to keep a noisy client from making the
// database work, not to protect the tokens.
type SignInLimiter struct {
	clock    bot.Clock
	interval time.Duration // between attempts, once the burst is spent
	burst    time.Duration // interval times the burst

	mu sync.Mutex
	// due is, by address, when its bucket is full again: the bucket as a
	// time (the generic cell rate algorithm), exact in whole nanoseconds.
	due map[string]time.Time
}

// NewSignInLimiter returns a limiter allowing perMinute attempts a minute
// per address, all at once if need be (10 when perMinute is not positive).
func NewSignInLimiter(clock bot.Clock, perMinute int) *SignInLimiter {
	if perMinute <= 0 {
		perMinute = 10
	}
	interval := time.Minute / time.Duration(perMinute)
	return &SignInLimiter{clock: clock, interval: interval, burst: interval * time.Duration(perMinute), due: map[string]time.Time{}}
}

// Allow reports whether an attempt from addr may go ahead now, and counts
// it if so.
func (l *SignInLimiter) Allow(addr string) bool {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	due, seen := l.due[addr]
	if !seen && len(l.due) >= maxLimitedAddrs {
		l.sweep(now)
	}
	if due.Before(now) {
		due = now
	}
	due = due.Add(l.interval)
	if due.Sub(now) > l.burst {
		return false
	}
	l.due[addr] = due
	return true
}

// sweep forgets the addresses whose bucket is full again: they are as if
// never seen. Should that leave too many (a flood from many addresses),
// it forgets them all, which gives each a fresh burst: memory stays
// bounded, and the tokens' size still makes guessing hopeless.
func (l *SignInLimiter) sweep(now time.Time) {
	for addr, due := range l.due {
		if !due.After(now) {
			delete(l.due, addr)
		}
	}
	if len(l.due) >= maxLimitedAddrs {
		clear(l.due)
	}
}
