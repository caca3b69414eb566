package discord

import (
	"net/http"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

// apiCounter is the outermost RoundTripper of the session's REST client:
// it tells the observer each call by HTTP method and route, with its outcome
// (a 429 apart). discordgo retries inside the session, so each attempt counts.
type apiCounter struct {
	base http.RoundTripper
	obs  bot.Observer
}

func (t *apiCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	status := 0
	if err == nil {
		status = resp.StatusCode
	}
	t.obs.APICall(bot.Discord, r.Method+" "+route(r.URL.Path), bot.APIOutcome(status, err))
	return resp, err
}

// maxRouteSegments bounds a route's length; Discord's deepest is 7.
const maxRouteSegments = 8

// route is a REST path as a bounded route template: the /api/vN prefix
// dropped, ids, tokens and emoji collapsed ("/channels/{id}/messages").
// Only short lower-case words (and @me, @original) stay as they are: no id,
// token, emoji or name ever becomes a label value.
func route(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) >= 2 && segs[0] == "api" && strings.HasPrefix(segs[1], "v") {
		segs = segs[2:]
	}
	if len(segs) > maxRouteSegments {
		segs = append(segs[:maxRouteSegments], "...")
	}
	out := make([]string, len(segs))
	for i, s := range segs {
		switch {
		case i > 0 && segs[i-1] == "reactions":
			out[i] = "{emoji}"
		case s == "..." || routeWord(s):
			out[i] = s
		default:
			out[i] = "{id}"
		}
	}
	return "/" + strings.Join(out, "/")
}

// routeWord reports whether s is a fixed word of Discord's routes:
// "messages", "scheduled-events", "@me".
func routeWord(s string) bool {
	s = strings.TrimPrefix(s, "@")
	if s == "" || len(s) > 24 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
