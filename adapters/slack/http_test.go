package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/reporting"
)

const testSecret = "hearth-test-signing-secret"

// startHTTP runs an adapter in HTTP mode and serves its handler.
func startHTTP(t *testing.T, s setup) (*harness, *httptest.Server) {
	t.Helper()
	prev := s.config
	s.config = func(c *Config) {
		c.AppToken = ""
		c.SigningSecret = testSecret
		if prev != nil {
			prev(c)
		}
	}
	h := start(t, s)
	if h.a.SocketMode() {
		t.Fatal("adapter is in Socket Mode")
	}
	srv := httptest.NewServer(h.a.HTTPHandler())
	t.Cleanup(srv.Close)
	return h, srv
}

// send POSTs body to the adapter as Slack would, signed at time at.
func send(t *testing.T, url, secret string, at time.Time, contentType string, body []byte, header ...string) (int, string) {
	t.Helper()
	req, err := fakeslack.SignedRequest(url, secret, at, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHTTPURLVerification(t *testing.T) {
	h, srv := startHTTP(t, setup{})
	code, body := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.JSONContent, fakeslack.URLVerificationBody("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
	var got map[string]string
	if code != 200 || json.Unmarshal([]byte(body), &got) != nil || got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification: %d %q", code, body)
	}
}

// Slack's documented signing example:
// https://api.slack.com/authentication/verifying-requests-from-slack
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = 1531420618
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestHTTPSlackDocumentedSignature(t *testing.T) {
	if got := fakeslack.Sign(docSecret, docTimestamp, []byte(docBody)); got != docSignature {
		t.Fatalf("fakeslack.Sign = %s, want %s", got, docSignature)
	}
	h, srv := startHTTP(t, setup{config: func(c *Config) { c.SigningSecret = docSecret }})
	h.clock.Set(time.Unix(docTimestamp+30, 0))                           // 30 seconds after Slack signed it
	h.rec.setCommand(func(bot.Command) bot.Reply { return bot.Reply{} }) // nothing to send to hooks.slack.com

	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(docBody))
	req.Header.Set("Content-Type", fakeslack.FormContent)
	req.Header.Set("X-Slack-Request-Timestamp", "1531420618")
	req.Header.Set("X-Slack-Signature", docSignature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(b) != 0 {
		t.Fatalf("documented request: %d %q", resp.StatusCode, b)
	}
	c := h.rec.waitCommands(1)[0]
	if c.Member != "U2CERLKJA" || c.Channel != "G8PSS9T3V" || c.ChannelName != "foobar" || c.Text != "" || c.MemberName != "roadrunner" {
		t.Errorf("command = %+v", c)
	}
}

func TestHTTPForgedAndStaleRequestsLeaveNoTrace(t *testing.T) {
	h, srv := startHTTP(t, setup{})
	f := h.fake
	callsBefore := len(f.Calls(""))
	evBefore, dirBefore, _, _ := h.rec.counts()
	now := h.clock.Now()
	event := f.EventBody(fakeslack.Message(general.ID, alice.ID, ts(1)))
	slash := f.SlashCommand(fakeslack.SlashCommand{UserID: alice.ID, ChannelID: general.ID, Text: "report"}).Form()

	cases := []struct {
		name   string
		secret string
		at     time.Time
		body   []byte
		ct     string
		tamper func(*http.Request)
	}{
		{"forged signature", "not-the-secret", now, event, fakeslack.JSONContent, nil},
		{"stale (6 minutes old)", testSecret, now.Add(-6 * time.Minute), event, fakeslack.JSONContent, nil},
		{"from the future", testSecret, now.Add(6 * time.Minute), slash, fakeslack.FormContent, nil},
		{"forged command", "guess", now, slash, fakeslack.FormContent, nil},
		{"no signature", testSecret, now, slash, fakeslack.FormContent, func(r *http.Request) { r.Header.Del("X-Slack-Signature") }},
		{"body changed after signing", testSecret, now, event, fakeslack.JSONContent, func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(string(event), alice.ID, "U0MALLO", 1)))
		}},
		{"replayed signature with a new timestamp", testSecret, now.Add(-10 * time.Minute), event, fakeslack.JSONContent, func(r *http.Request) {
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix(), 10))
		}},
	}
	for _, c := range cases {
		req, err := fakeslack.SignedRequest(srv.URL, c.secret, c.at, c.ct, c.body)
		if err != nil {
			t.Fatal(err)
		}
		if c.tamper != nil {
			c.tamper(req)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", c.name, resp.StatusCode)
		}
	}
	// A valid request afterwards proves the handler was listening all along.
	if code, _ := send(t, srv.URL, testSecret, now, fakeslack.JSONContent, f.EventBody(fakeslack.Message(general.ID, bob.ID, ts(2)))); code != 200 {
		t.Fatalf("valid event: %d", code)
	}
	h.rec.waitEvent(messageKey(general.ID, ts(2)))
	ev, dirs, cmds, acts := h.rec.counts()
	if ev != evBefore+1 || dirs != dirBefore || cmds != 0 || acts != 0 {
		t.Errorf("rejected requests reached the core: events %d→%d, directories %d→%d, commands %d, actions %d",
			evBefore, ev, dirBefore, dirs, cmds, acts)
	}
	for _, c := range f.Calls("")[callsBefore:] {
		if c.Method != "conversations.info" { // for the valid event's channel name
			t.Errorf("rejected request caused a Slack call: %s", c.Method)
		}
	}
	if n := strings.Count(h.logs.String(), "Slack request rejected"); n != len(cases) {
		t.Errorf("%d rejections logged, want %d", n, len(cases))
	}
}

func TestHTTPEventsAndSlackRetries(t *testing.T) {
	h, srv := startHTTP(t, setup{})
	body := h.fake.EventBody(fakeslack.ReactionAdded(alice.ID, "wave", general.ID, ts(1), ts(2)))
	if code, out := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.JSONContent, body); code != 200 || out != "" {
		t.Fatalf("event: %d %q", code, out)
	}
	if code, _ := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.JSONContent, body,
		"X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"); code != 200 {
		t.Fatalf("retry: %d", code)
	}
	evs := h.rec.waitEvents(2)
	if evs[0] != evs[1] || evs[0].Kind != bot.KindReaction || !evs[0].At.Equal(tsTime(2)) {
		t.Errorf("retried event must carry the same key: %+v %+v", evs[0], evs[1])
	}
}

func TestHTTPSlashCommandButtonAndModal(t *testing.T) {
	h, srv := startHTTP(t, setup{})
	f := h.fake
	h.rec.setCommand(func(c bot.Command) bot.Reply {
		if c.Text == "checkin" {
			return bot.Reply{Form: &bot.Form{ID: "hearth.checkin", Title: "Check-in", Context: "w48",
				Fields: []bot.Field{{ID: "mood", Label: "Mood"}}}}
		}
		return bot.Reply{Private: true, Post: bot.Post{Text: "**Report**", Buttons: []bot.Button{{ActionID: reporting.ActionReport, Label: "30 days", Value: "30d"}}}}
	})
	h.rec.setAction(func(a bot.Action) bot.Reply {
		if a.ActionID == "hearth.checkin" && a.Values["mood"] == "" {
			return bot.Reply{FieldErrors: map[string]string{"mood": "Required"}}
		}
		return bot.Reply{Private: true, Post: bot.Post{Text: "done"}}
	})

	in := f.SlashCommand(fakeslack.SlashCommand{UserID: olu.ID, UserName: "olu", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	if code, out := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.FormContent, in.Form()); code != 200 || out != "" {
		t.Fatalf("slash command: %d %q (want an empty 200)", code, out)
	}
	if c := h.rec.waitCommands(1)[0]; !c.Admin || c.Member != olu.ID {
		t.Errorf("command = %+v", c)
	}
	r := f.WaitResponses(1)[0]
	if r.URL != in.ResponseURL || r.ResponseType != "ephemeral" || r.Text != "*Report*" {
		t.Errorf("response = %+v", r)
	}

	click := f.BlockAction(fakeslack.BlockAction{UserID: olu.ID, ChannelID: general.ID, MessageTS: ts(9), Ephemeral: true, Button: fakeslack.Buttons(r.Blocks)[0]})
	if code, out := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.FormContent, click.Form()); code != 200 || out != "" {
		t.Fatalf("block_actions: %d %q", code, out)
	}
	if a := h.rec.waitActions(1)[0]; a.ActionID != reporting.ActionReport || a.Value != "30d" || a.Post.ID != ts(9) {
		t.Errorf("action = %+v", a)
	}
	f.WaitResponses(2)

	in = f.SlashCommand(fakeslack.SlashCommand{UserID: alice.ID, ChannelID: general.ID, ChannelName: "general", Text: "checkin"})
	send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.FormContent, in.Form())
	v := f.WaitViews(1)[0]
	sub := f.ViewSubmission(alice.ID, "alice", v, nil)
	code, out := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.FormContent, sub.Form())
	var resp map[string]any
	if code != 200 || json.Unmarshal([]byte(out), &resp) != nil || resp["response_action"] != "errors" {
		t.Fatalf("view_submission with errors: %d %q", code, out)
	}
	if resp["errors"].(map[string]any)["mood"] != "Required" {
		t.Errorf("errors = %v", resp["errors"])
	}
	sub = f.ViewSubmission(alice.ID, "alice", v, map[string]string{"mood": "fine"})
	if code, out := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.FormContent, sub.Form()); code != 200 || out != "" {
		t.Errorf("view_submission ok: %d %q", code, out)
	}
	if p := f.WaitPosts(1)[0]; p.Method != "chat.postEphemeral" || p.User != alice.ID || p.Text != "done" {
		t.Errorf("post after submission = %+v", p)
	}
}

func TestHTTPBeforeRunAsksSlackToRetry(t *testing.T) {
	f := fakeslack.New(t, fakeslack.Options{})
	a, err := New(Config{BotToken: fakeslack.DefaultBotToken, SigningSecret: testSecret, APIURL: f.URL(), Handler: newRecorder(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.HTTPHandler())
	defer srv.Close()
	if code, _ := send(t, srv.URL, testSecret, time.Now(), fakeslack.JSONContent, f.EventBody(fakeslack.Message(general.ID, alice.ID, ts(1)))); code != http.StatusServiceUnavailable {
		t.Errorf("event before Run: %d, want 503 so Slack retries", code)
	}
	if code, _ := send(t, srv.URL, testSecret, time.Now(), fakeslack.JSONContent, fakeslack.URLVerificationBody("c")); code != 200 {
		t.Errorf("url_verification before Run: %d", code)
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

func TestTokensAreCheckedWithTheVariableNamed(t *testing.T) {
	rec := newRecorder(t)
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{AppToken: "xapp-1", Handler: rec}, "SLACK_BOT_TOKEN is not set"},
		{Config{BotToken: "xoxp-user-token", AppToken: "xapp-1", Handler: rec}, "SLACK_BOT_TOKEN must be a bot token starting with xoxb-"},
		{Config{BotToken: "xoxb-1", AppToken: "xoxb-2", Handler: rec}, "SLACK_APP_TOKEN must be an app-level token starting with xapp-"},
		{Config{BotToken: "xoxb-1", Handler: rec}, "SLACK_SIGNING_SECRET"},
		{Config{BotToken: "xoxb-1", AppToken: "xapp-1"}, "Handler"},
	} {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", c.cfg, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "user-token") || strings.Contains(err.Error(), "xoxb-2")) {
			t.Errorf("error prints the token: %v", err)
		}
	}
}

func TestRunFailsFastOnRefusedTokens(t *testing.T) {
	f := fakeslack.New(t, fakeslack.Options{})
	run := func(cfg Config) error {
		t.Helper()
		cfg.APIURL, cfg.Handler = f.URL(), newRecorder(t)
		a, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		err = a.Run(ctx)
		if ctx.Err() != nil {
			t.Fatal("Run did not fail fast")
		}
		return err
	}
	err := run(Config{BotToken: "xoxb-revoked", AppToken: fakeslack.DefaultAppToken})
	if err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("bad bot token: %v", err)
	}
	err = run(Config{BotToken: fakeslack.DefaultBotToken, AppToken: "xapp-revoked"})
	if err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("bad app token: %v", err)
	}
}

// TestRunRetriesAnUnreachableSlack: auth.test failing for a reason a retry
// can fix (internal_error, service_unavailable) is retried with growing
// waits, not Connected meanwhile; once it passes the adapter connects and
// says so, and is not Connected after Run returns.
func TestRunRetriesAnUnreachableSlack(t *testing.T) {
	h := start(t, setup{
		before: func(f *fakeslack.Server) {
			f.Fail("auth.test", "internal_error")
			f.Fail("auth.test", "service_unavailable")
		},
	})
	if calls := h.fake.Calls("auth.test"); len(calls) != 3 || !calls[2].OK() {
		t.Errorf("auth.test calls = %+v, want two failures then success", calls)
	}
	if w := h.sleep.snapshot(); len(w) < 2 || w[0] != time.Second || w[1] != 2*time.Second {
		t.Errorf("waits = %v, want 1s then 2s first", w)
	}
	h.fake.PushEvent(fakeslack.Message(general.ID, alice.ID, "1700000000.000100"))
	h.rec.waitEvents(1) // handled after the socket's connected event
	if !h.a.Connected() {
		t.Error("not Connected with the socket up")
	}
	h.stop()
	h.runErr <- nil // for the cleanup's stop: Run has returned
	if h.a.Connected() {
		t.Error("still Connected after Run returned")
	}
}
