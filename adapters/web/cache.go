package web

import (
	"sync"
	"time"
)

// maxCacheEntries bounds what one window of the cache keeps.
const maxCacheEntries = 64

// pageCache keeps data computed for a page for a short while (Config.
// CacheFor), so that a facilitator who sorts, filters or pages the members
// table, or comes back to a page, does not pay for the same reads again.
//
// It is per instance and assumes nothing of the others: several instances
// sharing a database each keep their own, and data served from it is as of
// the first request of its window, so up to CacheFor old, whichever
// instance recorded events since. An entry is found by its key (the
// community, what was computed, the period as the page's query names it)
// and now rounded down to CacheFor: it is never used after its window, and
// a new window drops the last one's entries.
type pageCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	window  time.Time
	entries map[string]any
}

func newPageCache(ttl time.Duration) *pageCache {
	return &pageCache{ttl: ttl, entries: map[string]any{}}
}

// cached returns what compute returns for key, computed at most once per
// window of c (computed every time when c keeps nothing). Errors are not
// kept.
func cached[T any](c *pageCache, now time.Time, key string, compute func() (T, error)) (T, error) {
	if c == nil || c.ttl <= 0 {
		return compute()
	}
	w := now.Truncate(c.ttl)
	c.mu.Lock()
	if v, ok := c.entries[key]; ok && c.window.Equal(w) {
		c.mu.Unlock()
		return v.(T), nil
	}
	c.mu.Unlock()
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case w.After(c.window):
		c.window = w
		clear(c.entries)
	case w.Before(c.window):
		return v, nil // a late request of a past window
	}
	if len(c.entries) < maxCacheEntries {
		c.entries[key] = v
	}
	return v, nil
}

// cacheKey is a page's data's key: the community, what, and the period as
// the query named it ("365d", or a date range).
func cacheKey(community, what string, p periodView) string {
	return community + "\x00" + what + "\x00" + p.Key + "\x00" + p.From + "\x00" + p.To
}
