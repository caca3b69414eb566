package discord

import (
	"strings"
	"testing"
)

func TestRouteIsBounded(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v9/channels/201/messages":                                    "/channels/{id}/messages",
		"/api/v10/users/@me/channels":                                      "/users/@me/channels",
		"/api/v9/interactions/123/aW50ZXJhY3Rpb246MTIzOmFiY2RlZg/callback": "/interactions/{id}/{id}/callback",
		"/api/v9/webhooks/9/tok3nWithCaps/messages/@original":              "/webhooks/{id}/{id}/messages/@original",
		"/api/v9/channels/1/messages/2/reactions/thumbsup/@me":             "/channels/{id}/messages/{id}/reactions/{emoji}/@me",
		"/api/v9/guilds/100/scheduled-events":                              "/guilds/{id}/scheduled-events",
		"/api/v9/a/b/c/d/e/f/g/h/i/j":                                      "/a/b/c/d/e/f/g/h/...",
		"/api/v9/channels/Général":                                         "/channels/{id}",
	} {
		if got := route(path); got != want {
			t.Errorf("route(%q) = %q, want %q", path, got, want)
		}
	}
}

// FuzzRoute: whatever the path, the route is a bounded template of fixed
// words and placeholders, never an id.
func FuzzRoute(f *testing.F) {
	f.Add("/api/v9/channels/201/messages")
	f.Add("/api/v9/webhooks/9/tok3n/messages/@original")
	f.Add("/api/v9/channels/1/messages/2/reactions/%F0%9F%91%8D/@me")
	f.Fuzz(func(t *testing.T, path string) {
		r := route(path)
		segs := strings.Split(strings.TrimPrefix(r, "/"), "/")
		if !strings.HasPrefix(r, "/") || len(segs) > maxRouteSegments+1 {
			t.Fatalf("route(%q) = %q", path, r)
		}
		for _, s := range segs {
			if s != "" && s != "{id}" && s != "{emoji}" && s != "..." && !routeWord(s) {
				t.Fatalf("route(%q) = %q: segment %q", path, r, s)
			}
		}
	})
}
