package web

import (
	"errors"
	"testing"
	"time"
)

func TestPageCacheKeepsAWindowOnly(t *testing.T) {
	t0 := time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	calls := 0
	compute := func() (int, error) { calls++; return calls, nil }
	c := newPageCache(time.Minute)
	for _, tc := range []struct {
		at   time.Time
		key  string
		want int
	}{
		{t0, "a", 1},
		{t0.Add(59 * time.Second), "a", 1}, // same window: kept
		{t0.Add(30 * time.Second), "b", 2}, // another key
		{t0.Add(time.Minute), "a", 3},      // the next window: read again
		{t0.Add(90 * time.Second), "b", 4}, // the last window's entries are gone
		{t0.Add(10 * time.Second), "a", 5}, // a late request of a past window is not kept
		{t0.Add(100 * time.Second), "a", 3},
	} {
		if got, err := cached(c, tc.at, tc.key, compute); err != nil || got != tc.want {
			t.Errorf("%s at %s: %d, %v; want %d", tc.key, tc.at.Format(time.TimeOnly), got, err, tc.want)
		}
	}
	fail := errors.New("no")
	if _, err := cached(c, t0.Add(2*time.Minute), "e", func() (int, error) { return 0, fail }); err != fail {
		t.Errorf("error %v", err)
	}
	if got, _ := cached(c, t0.Add(2*time.Minute), "e", compute); got != 6 {
		t.Errorf("an error was kept: %d", got)
	}
	var none *pageCache
	for _, c := range []*pageCache{none, newPageCache(0)} {
		a, _ := cached(c, t0, "a", compute)
		b, _ := cached(c, t0, "a", compute)
		if a == b {
			t.Errorf("a cache of no time kept %d", a)
		}
	}
}

func TestPageCacheIsBounded(t *testing.T) {
	t0 := time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	c := newPageCache(time.Minute)
	for i := range 2 * maxCacheEntries {
		_, _ = cached(c, t0, string(rune('A'+i)), func() (int, error) { return i, nil })
	}
	if len(c.entries) != maxCacheEntries {
		t.Errorf("%d entries", len(c.entries))
	}
}
