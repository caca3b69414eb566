package fakediscord_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
)

// manualNow is a clock the test moves.
type manualNow struct {
	mu sync.Mutex
	t  time.Time
}

func (m *manualNow) now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }
func (m *manualNow) add(d time.Duration) {
	m.mu.Lock()
	m.t = m.t.Add(d)
	m.mu.Unlock()
}

func get(t *testing.T, f *fakediscord.Server, path string) (*http.Response, []map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.URL()+path, nil)
	req.Header.Set("Authorization", "Bot "+f.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	if resp.StatusCode == 200 {
		_ = json.NewDecoder(resp.Body).Decode(&out)
	}
	return resp, out
}

// A route limit answers with the bucket's headers, refuses with 429 past
// n requests in a window of the fake's clock, and opens again once the
// window is over; each channel has its own bucket.
func TestRouteLimitBuckets(t *testing.T) {
	clock := &manualNow{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	guild := fakediscord.Guild{ID: "1", Channels: []fakediscord.Channel{{ID: "2", Type: fakediscord.ChannelText}, {ID: "3", Type: fakediscord.ChannelText}}}
	f := fakediscord.New(fakediscord.Options{Now: clock.now, Guilds: []fakediscord.Guild{guild}})
	t.Cleanup(f.Close)
	f.LimitRoute("GET /channels/{id}/messages", 2, 5*time.Second)
	for i, want := range []string{"1", "0"} {
		resp, _ := get(t, f, "channels/2/messages")
		if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != want || resp.Header.Get("X-RateLimit-Limit") != "2" {
			t.Fatalf("request %d: %d remaining %q limit %q", i, resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"), resp.Header.Get("X-RateLimit-Limit"))
		}
	}
	clock.add(2 * time.Second)
	resp, _ := get(t, f, "channels/2/messages")
	if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Reset-After") != "3.000" || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("past the limit: %d, reset after %q, retry after %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Reset-After"), resp.Header.Get("Retry-After"))
	}
	if resp, _ := get(t, f, "channels/3/messages"); resp.StatusCode != 200 {
		t.Errorf("another channel's bucket: %d", resp.StatusCode)
	}
	clock.add(3 * time.Second)
	if resp, _ := get(t, f, "channels/2/messages"); resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != "1" {
		t.Errorf("after the window: %d, remaining %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
	if f.RateLimited() != 1 {
		t.Errorf("RateLimited = %d, want 1", f.RateLimited())
	}
}

// History serves what was posted, newest first, paged with before=, and
// without what was deleted.
func TestHistoryServedNewestFirst(t *testing.T) {
	clock := &manualNow{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	guild := fakediscord.Guild{ID: "1", Channels: []fakediscord.Channel{{ID: "2", Type: fakediscord.ChannelText}}}
	f := fakediscord.New(fakediscord.Options{Now: clock.now, Guilds: []fakediscord.Guild{guild}})
	t.Cleanup(f.Close)
	var ids []string
	for range 5 {
		clock.add(time.Second)
		ids = append(ids, f.Post(fakediscord.Message{GuildID: "1", ChannelID: "2", Author: fakediscord.User{ID: "9"}}).ID)
	}
	f.Delete("2", ids[3])
	_, page := get(t, f, "channels/2/messages?limit=2")
	if len(page) != 2 || page[0]["id"] != ids[4] || page[1]["id"] != ids[2] {
		t.Fatalf("first page %v, want %s then %s", page, ids[4], ids[2])
	}
	_, page = get(t, f, "channels/2/messages?limit=2&before="+ids[2])
	if len(page) != 2 || page[0]["id"] != ids[1] || page[1]["id"] != ids[0] {
		t.Errorf("second page %v", page)
	}
	if resp, _ := get(t, f, "channels/2/messages?limit=101"); resp.StatusCode != 400 {
		t.Errorf("limit=101: %d, want 400 as Discord", resp.StatusCode)
	}
}
