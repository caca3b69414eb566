package slack

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// tally is a bot.Observer counting API calls, posts and queue depths.
type tally struct {
	bot.NopObserver
	mu     sync.Mutex
	counts map[string]int
	depths []int
}

func newTally() *tally { return &tally{counts: map[string]int{}} }

func (t *tally) APICall(p bot.Platform, method, outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[fmt.Sprintf("api %s %s %s", p, method, outcome)]++
}

func (t *tally) Posted(p bot.Platform, to bot.DestinationKind, outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[fmt.Sprintf("post %s %s %s", p, to, outcome)]++
}

func (t *tally) Queue(p bot.Platform, depth int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.depths = append(t.depths, depth)
}

func (t *tally) count(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[key]
}

// TestObserverCountsCallsPostsAndQueue: a 429 and a refusal from Slack are
// counted by method, the posts by destination and outcome, and the queue
// depth goes up and back to zero.
func TestObserverCountsCallsPostsAndQueue(t *testing.T) {
	obs := newTally()
	h := start(t, setup{config: func(c *Config) { c.Observer = obs }})
	ctx := context.Background()
	if n := obs.count("api slack auth.test ok"); n != 1 {
		t.Errorf("auth.test counted %d times, want 1", n)
	}
	h.fake.RateLimit("chat.postMessage", 2*time.Second)
	if _, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, bot.Post{Text: "hello"}); err != nil {
		t.Fatalf("Post: %v", err)
	}
	h.fake.Fail("chat.postMessage", "channel_not_found")
	if _, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, bot.Post{Text: "again"}); err == nil {
		t.Fatal("a refused post succeeded")
	}
	for key, want := range map[string]int{
		"api slack chat.postMessage rate_limited": 1,
		"api slack chat.postMessage ok":           1,
		"api slack chat.postMessage failed":       1,
		"post slack channel ok":                   1,
		"post slack channel failed":               1,
	} {
		if got := obs.count(key); got != want {
			t.Errorf("%s = %d, want %d (all: %v)", key, got, want, obs.counts)
		}
	}
	obs.mu.Lock()
	depths := append([]int(nil), obs.depths...)
	obs.mu.Unlock()
	if len(depths) != 4 || depths[0] != 1 || depths[len(depths)-1] != 0 {
		t.Errorf("queue depths %v, want up to 1 and back to 0 for each post", depths)
	}
}

func TestAPIMethodIsBounded(t *testing.T) {
	for path, want := range map[string]string{
		"/api/chat.postMessage":          "chat.postMessage",
		"/base/api/users.list":           "users.list",
		"/upload/v1/abc":                 "other",
		"/response/T1/123/xyz":           "other",
		"/api/chat.postMessage/../x%20y": "other",
		"/api/":                          "other",
	} {
		if got := apiMethod(path); got != want {
			t.Errorf("apiMethod(%q) = %q, want %q", path, got, want)
		}
	}
}
