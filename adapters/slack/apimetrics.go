package slack

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

// observeAPI returns a copy of c whose every request is told to obs as a
// Web API call: its method (from the URL path /api/chat.postMessage) and its
// outcome. c itself is left as it was.
func observeAPI(c *http.Client, obs bot.Observer) *http.Client {
	cc := *c
	base := cc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cc.Transport = &apiCounter{base: base, obs: obs}
	return &cc
}

// apiCounter is the RoundTripper under the slack-go client that counts the
// calls to Slack.
type apiCounter struct {
	base http.RoundTripper
	obs  bot.Observer
}

func (t *apiCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	outcome := bot.APIOutcome(0, err)
	if err == nil {
		outcome = bot.APIOutcome(resp.StatusCode, nil)
		if outcome == bot.OutcomeOK && refused(resp) {
			outcome = bot.OutcomeFailed
		}
	}
	t.obs.APICall(bot.Slack, apiMethod(r.URL.Path), outcome)
	return resp, err
}

// refused reports whether a JSON answer says "ok": false (Slack answers
// its refusals, channel_not_found and the like, with a 200). It reads the
// body and puts back an unread copy.
func refused(resp *http.Response) bool {
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/json" || resp.Body == nil {
		return false
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return true // the client will fail on the body it cannot read either
	}
	var answer struct {
		OK *bool `json:"ok"`
	}
	return json.Unmarshal(body, &answer) == nil && answer.OK != nil && !*answer.OK
}

// apiMethod is the Web API method of a request path ("/api/chat.postMessage"),
// or "other" (file uploads, response_url): a bounded label, whatever the path.
func apiMethod(path string) string {
	_, m, ok := strings.Cut(path, "/api/")
	if !ok || m == "" || len(m) > 64 {
		return "other"
	}
	for _, c := range m {
		if !(c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return "other"
		}
	}
	return m
}
