package discord_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/bot"
)

// tally is a bot.Observer counting API calls, posts and queue depths.
type tally struct {
	bot.NopObserver
	mu     sync.Mutex
	counts map[string]int
	depths []int
}

func (t *tally) APICall(p bot.Platform, method, outcome string) {
	t.add(fmt.Sprintf("api %s %s %s", p, method, outcome))
}

func (t *tally) Posted(p bot.Platform, to bot.DestinationKind, outcome string) {
	t.add(fmt.Sprintf("post %s %s %s", p, to, outcome))
}

func (t *tally) Queue(_ bot.Platform, depth int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.depths = append(t.depths, depth)
}

func (t *tally) add(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts[key]++
}

// TestObserverCountsRESTCallsPostsAndQueue: 429s are counted by route with
// ids collapsed, posts by destination and outcome (closed DMs apart), and
// the queue depth returns to zero.
func TestObserverCountsRESTCallsPostsAndQueue(t *testing.T) {
	t.Parallel()
	obs := &tally{counts: map[string]int{}}
	h := start(t, setup{config: func(c *discord.Config) { c.Observer = obs }})
	ctx := context.Background()
	h.fake.RateLimit("POST /channels/"+generalID+"/messages", 2, 20*time.Millisecond)
	_, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: generalID}, bot.Post{Text: "after the limit"})
	check(t, err)
	h.fake.CloseDMs(carolID)
	if _, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: carolID}, bot.Post{Text: "hello"}); err == nil {
		t.Fatal("a DM to closed DMs succeeded")
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	for key, want := range map[string]int{
		"api discord POST /channels/{id}/messages rate_limited": 2,
		"api discord POST /channels/{id}/messages ok":           1,
		"api discord POST /channels/{id}/messages failed":       1, // the closed DM's 403
		"post discord channel ok":                               1,
		"post discord dm unreachable":                           1,
	} {
		if got := obs.counts[key]; got != want {
			t.Errorf("%s = %d, want %d (all: %v)", key, got, want, obs.counts)
		}
	}
	if d := obs.depths; len(d) == 0 || d[len(d)-1] != 0 || d[0] != 1 {
		t.Errorf("queue depths %v, want from 1 back to 0", d)
	}
}
