package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxBody is the largest request Hearth reads from Slack.
const maxBody = 1 << 20

// HTTPHandler serves Slack's HTTP mode at one request URL, /slack/events
// (as Bolt apps do): Events API callbacks (with url_verification), slash
// commands and interactivity. Every request's signature is checked with
// SigningSecret before anything is parsed; a forged or stale request gets
// 401 and a log line, nothing else. Work happens after the acknowledgement.
func (a *Adapter) HTTPHandler() http.Handler { return http.HandlerFunc(a.serveHTTP) }

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if a.cfg.SigningSecret == "" {
		a.log.Error("Slack request received but SLACK_SIGNING_SECRET is not set")
		http.Error(w, "not configured", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := a.verify(r.Header, body); err != nil {
		a.log.Warn("Slack request rejected", "reason", err.Error(), "remote", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		a.serveEvents(w, body, retry, r.Header.Get("X-Slack-Retry-Reason"))
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		switch {
		case form.Get("payload") != "":
			a.serveInteraction(w, form.Get("payload"))
		case form.Get("command") != "":
			a.serveCommand(w, form)
		default:
			http.Error(w, "unknown request", http.StatusBadRequest)
		}
	default:
		http.Error(w, "unsupported content type", http.StatusUnsupportedMediaType)
	}
}

// verify checks Slack's v0 signature: HMAC-SHA256 of "v0:{timestamp}:{body}"
// with the signing secret, and a timestamp within five minutes of now.
func (a *Adapter) verify(h http.Header, body []byte) error {
	tsHeader, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if tsHeader == "" || sig == "" {
		return errors.New("missing signature headers")
	}
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return errors.New("malformed timestamp")
	}
	if age := a.clock.Now().Sub(time.Unix(ts, 0)); age > maxSkew || age < -maxSkew {
		return errors.New("stale timestamp (more than 5 minutes off)")
	}
	m := hmac.New(sha256.New, []byte(a.cfg.SigningSecret))
	m.Write([]byte("v0:" + tsHeader + ":"))
	m.Write(body)
	want := "v0=" + hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return errors.New("signature mismatch")
	}
	return nil
}

func (a *Adapter) serveEvents(w http.ResponseWriter, body []byte, retry int, retryReason string) {
	var head struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	switch head.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"challenge": head.Challenge})
	case slackevents.CallbackEvent:
		var cb slackevents.EventsAPICallbackEvent
		if err := json.Unmarshal(body, &cb); err != nil {
			http.Error(w, "bad event", http.StatusBadRequest)
			return
		}
		if retry > 0 {
			a.log.Debug("Slack retried an event", "event_id", cb.EventID, "retry", retry, "reason", retryReason)
		}
		handled, err := a.acceptCallback(&cb, retry, "http")
		if err != nil {
			// Not running yet (or any more): Slack will retry.
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		a.waitHandled(handled, cb.EventID) // the 200 says it is recorded
		w.WriteHeader(http.StatusOK)
	case slackevents.AppRateLimited:
		a.log.Warn("Slack is rate limiting Hearth's event subscriptions; some events will not arrive")
		w.WriteHeader(http.StatusOK)
	default:
		a.log.Debug("Events API request ignored", "type", head.Type)
		w.WriteHeader(http.StatusOK)
	}
}

func (a *Adapter) serveCommand(w http.ResponseWriter, form url.Values) {
	cmd := slack.SlashCommand{
		TeamID:      form.Get("team_id"),
		TeamDomain:  form.Get("team_domain"),
		ChannelID:   form.Get("channel_id"),
		ChannelName: form.Get("channel_name"),
		UserID:      form.Get("user_id"),
		UserName:    form.Get("user_name"),
		Command:     form.Get("command"),
		Text:        form.Get("text"),
		ResponseURL: form.Get("response_url"),
		TriggerID:   form.Get("trigger_id"),
		APIAppID:    form.Get("api_app_id"),
	}
	if !a.startCommand(cmd) {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK) // an empty 200: the reply comes through response_url
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, payload string) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(payload), &cb); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if !a.isRunning() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	ack := a.interaction(cb)
	if ack == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ack)
}
