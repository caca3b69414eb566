package fakeslack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SecretText is the text of every message the builders make. Tests check
// that it never reaches the handler or the logs.
const SecretText = "the secret recipe is forty-two"

// Event is an Events API inner event, as Slack documents it.
type Event map[string]any

// With returns e with key set to v (a shallow copy).
func (e Event) With(key string, v any) Event {
	out := Event{}
	for k, val := range e {
		out[k] = val
	}
	out[key] = v
	return out
}

// channelType is the Events API channel_type of a conversation id.
func channelType(ch string) string {
	switch {
	case strings.HasPrefix(ch, "D"):
		return "im"
	case strings.HasPrefix(ch, "G"):
		return "group"
	}
	return "channel"
}

// Message is a top-level message from user in channel.
func Message(channel, user, ts string) Event {
	return Event{
		"type":          "message",
		"channel":       channel,
		"user":          user,
		"text":          SecretText,
		"ts":            ts,
		"event_ts":      ts,
		"channel_type":  channelType(channel),
		"client_msg_id": "c0ffee00-" + strings.ReplaceAll(ts, ".", "-"),
	}
}

// Reply is a reply in the thread of threadTS.
func Reply(channel, user, ts, threadTS string) Event {
	return Message(channel, user, ts).With("thread_ts", threadTS).With("parent_user_id", "U0PARENT")
}

// ThreadBroadcast is a reply also sent to the channel.
func ThreadBroadcast(channel, user, ts, threadTS string) Event {
	return Message(channel, user, ts).
		With("subtype", "thread_broadcast").
		With("thread_ts", threadTS).
		With("root", map[string]any{"type": "message", "user": "U0PARENT", "text": SecretText, "ts": threadTS, "thread_ts": threadTS})
}

// DM is a direct message from user to the app, in the app's DM channel.
func DM(channel, user, ts string) Event { return Message(channel, user, ts) }

// MessageChanged is the edit at editTS of user's message ts.
func MessageChanged(channel, user, ts, editTS string) Event {
	return Event{
		"type":         "message",
		"subtype":      "message_changed",
		"hidden":       true,
		"channel":      channel,
		"ts":           editTS,
		"event_ts":     editTS,
		"channel_type": channelType(channel),
		"message": map[string]any{
			"type": "message", "user": user, "text": SecretText + " (edited)", "ts": ts,
			"edited": map[string]any{"user": user, "ts": editTS},
		},
		"previous_message": map[string]any{"type": "message", "user": user, "text": SecretText, "ts": ts},
	}
}

// MessageDeleted is the deletion at deleteTS of user's message ts. For a
// reply, set previous_message.thread_ts with WithPreviousThread.
func MessageDeleted(channel, user, ts, deleteTS string) Event {
	return Event{
		"type":             "message",
		"subtype":          "message_deleted",
		"hidden":           true,
		"channel":          channel,
		"ts":               deleteTS,
		"deleted_ts":       ts,
		"event_ts":         deleteTS,
		"channel_type":     channelType(channel),
		"previous_message": map[string]any{"type": "message", "user": user, "text": SecretText, "ts": ts},
	}
}

// WithPreviousThread marks a message_deleted event as the deletion of a
// reply in the thread of threadTS.
func (e Event) WithPreviousThread(threadTS string) Event {
	prev, _ := e["previous_message"].(map[string]any)
	cp := map[string]any{}
	for k, v := range prev {
		cp[k] = v
	}
	cp["thread_ts"] = threadTS
	return e.With("previous_message", cp)
}

// BotMessage is a message from an integration without a user (subtype bot_message).
func BotMessage(channel, botID, ts string) Event {
	return Event{
		"type":         "message",
		"subtype":      "bot_message",
		"channel":      channel,
		"bot_id":       botID,
		"username":     "Deploy Bot",
		"text":         SecretText,
		"ts":           ts,
		"event_ts":     ts,
		"channel_type": channelType(channel),
	}
}

// AppPost is a message posted by an app's bot user (how Hearth's own posts
// come back as events).
func AppPost(channel, botUserID, botID, ts string) Event {
	return Message(channel, botUserID, ts).With("bot_id", botID).With("app_id", DefaultAppID)
}

func reaction(typ, user, name, channel, itemTS, eventTS string) Event {
	return Event{
		"type":      typ,
		"user":      user,
		"reaction":  name,
		"item_user": "U0AUTHOR",
		"item":      map[string]any{"type": "message", "channel": channel, "ts": itemTS},
		"event_ts":  eventTS,
	}
}

// ReactionAdded is user's :name: reaction to message itemTS.
func ReactionAdded(user, name, channel, itemTS, eventTS string) Event {
	return reaction("reaction_added", user, name, channel, itemTS, eventTS)
}

// ReactionRemoved undoes ReactionAdded.
func ReactionRemoved(user, name, channel, itemTS, eventTS string) Event {
	return reaction("reaction_removed", user, name, channel, itemTS, eventTS)
}

// MemberJoinedChannel says user joined channel.
func MemberJoinedChannel(user, channel, eventTS string) Event {
	return Event{
		"type":         "member_joined_channel",
		"user":         user,
		"channel":      channel,
		"channel_type": string(channelType(channel)[0] - 'a' + 'A'),
		"team":         DefaultTeamID,
		"inviter":      "U0INVITER",
		"event_ts":     eventTS,
	}
}

// MemberLeftChannel says user left channel.
func MemberLeftChannel(user, channel, eventTS string) Event {
	return Event{
		"type":         "member_left_channel",
		"user":         user,
		"channel":      channel,
		"channel_type": string(channelType(channel)[0] - 'a' + 'A'),
		"team":         DefaultTeamID,
		"event_ts":     eventTS,
	}
}

// TeamJoin says u joined the workspace. It also adds u to the fake's users.
func (s *Server) TeamJoin(u User, eventTS string) Event {
	s.AddUser(u)
	return Event{"type": "team_join", "user": s.UserJSON(u), "cache_ts": 1700000000, "event_ts": eventTS}
}

// UserChange says u's profile changed. It also updates the fake's users.
func (s *Server) UserChange(u User, eventTS string) Event {
	s.AddUser(u)
	return Event{"type": "user_change", "user": s.UserJSON(u), "cache_ts": 1700000000, "event_ts": eventTS}
}

// EventCallback wraps an inner event in the Events API's outer
// event_callback, with a fresh event_id. The event is also kept in the
// channels' history (see Record).
func (s *Server) EventCallback(ev Event) map[string]any {
	s.mu.Lock()
	n := s.nextIDLocked()
	now := s.opts.Now()
	s.recordLocked(ev) // what is delivered live can be read back as history
	s.mu.Unlock()
	eventTime := now.Unix()
	if ts, ok := ev["event_ts"].(string); ok {
		if sec, _, _ := strings.Cut(ts, "."); sec != "" {
			if v, err := strconv.ParseInt(sec, 10, 64); err == nil {
				eventTime = v
			}
		}
	}
	return map[string]any{
		"token":      "fakeVerificationToken",
		"team_id":    s.opts.TeamID,
		"api_app_id": s.opts.AppID,
		"event":      ev,
		"type":       "event_callback",
		"event_id":   fmt.Sprintf("Ev%08d", n),
		"event_time": eventTime,
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": s.opts.TeamID, "user_id": s.opts.BotUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         fmt.Sprintf("4-fake-%d", n),
	}
}

// PushEvent delivers an inner event through Socket Mode and returns the
// envelope_id.
func (s *Server) PushEvent(ev Event) string {
	return s.Push("events_api", s.EventCallback(ev), false)
}

// EventBody is the HTTP body Slack POSTs for an inner event.
func (s *Server) EventBody(ev Event) []byte {
	b, _ := json.Marshal(s.EventCallback(ev))
	return b
}

// URLVerificationBody is the body of Slack's url_verification request.
func URLVerificationBody(challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"token": "fakeVerificationToken", "challenge": challenge, "type": "url_verification"})
	return b
}

// Interaction is a slash command or interactive payload, with the
// response_url and trigger_id Slack issued for it.
type Interaction struct {
	Kind        string // "slash_commands" or "interactive"
	Payload     any    // map[string]string for slash commands, map[string]any otherwise
	ResponseURL string
	TriggerID   string
	EnvelopeID  string // set by PushInteraction
}

// Form is the HTTP body Slack POSTs for the interaction (form-encoded).
func (in Interaction) Form() []byte {
	if in.Kind == "slash_commands" {
		v := url.Values{}
		for k, val := range in.Payload.(map[string]string) {
			v.Set(k, val)
		}
		return []byte(v.Encode())
	}
	b, _ := json.Marshal(in.Payload)
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

// PushInteraction delivers the interaction through Socket Mode.
func (s *Server) PushInteraction(in Interaction) Interaction {
	in.EnvelopeID = s.Push(in.Kind, in.Payload, true)
	return in
}

// SlashCommand is a /hearth invocation.
type SlashCommand struct {
	UserID, UserName       string
	ChannelID, ChannelName string
	Text                   string
	Command                string // default "/hearth"
}

// SlashCommand builds the payload Slack sends for c.
func (s *Server) SlashCommand(c SlashCommand) Interaction {
	if c.Command == "" {
		c.Command = "/hearth"
	}
	s.mu.Lock()
	in := Interaction{Kind: "slash_commands", ResponseURL: s.issueResponseURLLocked(), TriggerID: s.issueTriggerLocked()}
	s.mu.Unlock()
	in.Payload = map[string]string{
		"token":                 "fakeVerificationToken",
		"team_id":               s.opts.TeamID,
		"team_domain":           slug(s.opts.TeamName),
		"channel_id":            c.ChannelID,
		"channel_name":          c.ChannelName,
		"user_id":               c.UserID,
		"user_name":             c.UserName,
		"command":               c.Command,
		"text":                  c.Text,
		"api_app_id":            s.opts.AppID,
		"is_enterprise_install": "false",
		"response_url":          in.ResponseURL,
		"trigger_id":            in.TriggerID,
	}
	return in
}

// PushSlashCommand delivers c through Socket Mode.
func (s *Server) PushSlashCommand(c SlashCommand) Interaction {
	return s.PushInteraction(s.SlashCommand(c))
}

// Button is a button found in Block Kit blocks.
type Button struct {
	BlockID, ActionID, Value, Label, Style string
}

// Buttons lists the buttons in blocks, in order.
func Buttons(blocks []map[string]any) []Button {
	var out []Button
	for _, b := range blocks {
		if b["type"] != "actions" {
			continue
		}
		blockID, _ := b["block_id"].(string)
		els, _ := b["elements"].([]any)
		for _, e := range els {
			em, _ := e.(map[string]any)
			if em["type"] != "button" {
				continue
			}
			btn := Button{BlockID: blockID, Label: textOf(em["text"])}
			btn.ActionID, _ = em["action_id"].(string)
			btn.Value, _ = em["value"].(string)
			btn.Style, _ = em["style"].(string)
			out = append(out, btn)
		}
	}
	return out
}

// BlockAction is a click on a button of a message.
type BlockAction struct {
	UserID, UserName       string
	ChannelID, ChannelName string
	MessageTS              string
	Ephemeral              bool
	Button                 Button
}

// BlockAction builds the block_actions payload Slack sends for b.
func (s *Server) BlockAction(b BlockAction) Interaction {
	s.mu.Lock()
	in := Interaction{Kind: "interactive", ResponseURL: s.issueResponseURLLocked(), TriggerID: s.issueTriggerLocked()}
	actionTS := s.nextTSLocked()
	s.mu.Unlock()
	p := map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": b.UserID, "username": b.UserName, "name": b.UserName, "team_id": s.opts.TeamID},
		"api_app_id": s.opts.AppID,
		"token":      "fakeVerificationToken",
		"container": map[string]any{
			"type": "message", "message_ts": b.MessageTS, "channel_id": b.ChannelID, "is_ephemeral": b.Ephemeral,
		},
		"trigger_id":            in.TriggerID,
		"team":                  map[string]any{"id": s.opts.TeamID, "domain": slug(s.opts.TeamName)},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": b.ChannelID, "name": b.ChannelName},
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          in.ResponseURL,
		"actions": []any{map[string]any{
			"action_id": b.Button.ActionID,
			"block_id":  b.Button.BlockID,
			"text":      map[string]any{"type": "plain_text", "text": b.Button.Label, "emoji": true},
			"value":     b.Button.Value,
			"type":      "button",
			"action_ts": actionTS,
		}},
	}
	if !b.Ephemeral {
		p["message"] = map[string]any{
			"type": "message", "user": s.opts.BotUserID, "bot_id": s.opts.BotID,
			"text": "", "ts": b.MessageTS,
		}
	}
	in.Payload = p
	return in
}

// PushBlockAction delivers b through Socket Mode.
func (s *Server) PushBlockAction(b BlockAction) Interaction {
	return s.PushInteraction(s.BlockAction(b))
}

// ViewSubmission builds the view_submission payload for user submitting the
// modal v with values keyed by block_id (inputs left out are sent as they
// were opened: their initial_value, or null).
func (s *Server) ViewSubmission(userID, userName string, v View, values map[string]string) Interaction {
	s.mu.Lock()
	in := Interaction{Kind: "interactive", TriggerID: s.issueTriggerLocked()}
	s.mu.Unlock()
	state := map[string]any{}
	for _, b := range v.Blocks {
		if b["type"] != "input" {
			continue
		}
		blockID, _ := b["block_id"].(string)
		el, _ := b["element"].(map[string]any)
		actionID, _ := el["action_id"].(string)
		var val any
		if iv, ok := el["initial_value"].(string); ok {
			val = iv
		}
		if s, ok := values[blockID]; ok {
			val = s
		}
		state[blockID] = map[string]any{actionID: map[string]any{"type": el["type"], "value": val}}
	}
	view := map[string]any{}
	for k, val := range v.Raw {
		view[k] = val
	}
	view["id"] = v.ID
	view["team_id"] = s.opts.TeamID
	view["state"] = map[string]any{"values": state}
	view["hash"] = "1700000000.fakehash"
	view["previous_view_id"] = nil
	view["root_view_id"] = v.ID
	view["app_id"] = s.opts.AppID
	view["external_id"] = ""
	view["app_installed_team_id"] = s.opts.TeamID
	view["bot_id"] = s.opts.BotID
	in.Payload = map[string]any{
		"type":                  "view_submission",
		"team":                  map[string]any{"id": s.opts.TeamID, "domain": slug(s.opts.TeamName)},
		"user":                  map[string]any{"id": userID, "username": userName, "name": userName, "team_id": s.opts.TeamID},
		"api_app_id":            s.opts.AppID,
		"token":                 "fakeVerificationToken",
		"trigger_id":            in.TriggerID,
		"view":                  view,
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	return in
}

// PushViewSubmission delivers a view submission through Socket Mode.
func (s *Server) PushViewSubmission(userID, userName string, v View, values map[string]string) Interaction {
	return s.PushInteraction(s.ViewSubmission(userID, userName, v, values))
}

// Sign returns Slack's request signature (v0) of body sent at timestamp
// with the app's signing secret: "v0=" + hex(HMAC-SHA256("v0:ts:body")).
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%d:", timestamp)
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// Content types of Slack's HTTP requests.
const (
	JSONContent = "application/json"
	FormContent = "application/x-www-form-urlencoded"
)

// SignedRequest builds the POST Slack would send to target (an app's
// request URL) at time at, signed with secret.
func SignedRequest(target, secret string, at time.Time, contentType string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("X-Slack-Signature", Sign(secret, at.Unix(), body))
	return req, nil
}
