package discord

import "testing"

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
