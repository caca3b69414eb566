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
	clock     bot.Clock
	perMinute float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

// bucket is one address's attempts left, as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

// NewSignInLimiter returns a limiter allowing perMinute attempts a minute
// per address (10 when perMinute is not positive).
func NewSignInLimiter(clock bot.Clock, perMinute int) *SignInLimiter {
	if perMinute <= 0 {
		perMinute = 10
	}
	return &SignInLimiter{clock: clock, perMinute: float64(perMinute), buckets: map[string]*bucket{}}
}

// Allow reports whether an attempt from addr may go ahead now, and counts
// it if so.
func (l *SignInLimiter) Allow(addr string) bool {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxLimitedAddrs {
			l.sweep(now)
		}
		b = &bucket{tokens: l.perMinute, at: now}
		l.buckets[addr] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// refill adds what b earned since it was last counted.
func (l *SignInLimiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.perMinute, b.tokens+d.Minutes()*l.perMinute)
		b.at = now
	}
}

// sweep forgets the addresses whose bucket is full again: they are as if
// never seen. Should that leave too many (a flood from many addresses),
// it forgets them all, which gives each a fresh burst: memory stays
// bounded, and the tokens' size still makes guessing hopeless.
func (l *SignInLimiter) sweep(now time.Time) {
	for addr, b := range l.buckets {
		if l.refill(b, now); b.tokens >= l.perMinute {
			delete(l.buckets, addr)
		}
	}
	if len(l.buckets) >= maxLimitedAddrs {
		clear(l.buckets)
	}
}
