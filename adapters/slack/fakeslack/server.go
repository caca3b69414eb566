// Package fakeslack is a fake Slack for end-to-end tests of the Slack
// adapter: the Web API methods Hearth uses, the Socket Mode WebSocket, the
// response_url endpoint and the external file upload URL, served over HTTP on
// 127.0.0.1 with Slack's documented wire formats, so that the real slack-go
// client is what talks to it.
//
// Every Web API call is recorded for assertions; faults (429 with
// Retry-After, Slack error codes) can be injected per method, and calls to a
// method can be held until the test releases them; helpers push
// Events API events, slash commands and interactive payloads through Socket
// Mode, or build signed HTTP requests for HTTP mode.
//
// The Wait helpers fail the test after a timeout and must be called from the
// test's goroutine.
package fakeslack

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults used when Options leaves a field empty.
const (
	DefaultTeamID    = "T0HEARTH"
	DefaultTeamName  = "Hearth Test"
	DefaultBotUserID = "U0HEARTH"
	DefaultBotID     = "B0HEARTH"
	DefaultAppID     = "A0HEARTH"
	DefaultBotToken  = "xoxb-fake-bot-token"
	DefaultAppToken  = "xapp-fake-app-token"
	// SlackbotID is Slackbot's user id, which users.list always returns.
	SlackbotID = "USLACKBOT"
)

// WaitTimeout is how long the Wait helpers wait before failing the test. It
// only bounds a failing test: a passing one returns as soon as what it waits
// for arrives. CI runs the whole suite with -race on two cores, where a
// Socket Mode connection took over 5 s to appear, so it is generous.
var WaitTimeout = 30 * time.Second

// TriggerLife is how long a trigger_id can open a modal, by the fake's clock.
const TriggerLife = 3 * time.Second

type upload struct {
	name   string
	length int
	data   []byte
	done   bool
}

// Server is a fake Slack.
type Server struct {
	tb   testing.TB
	hs   *httptest.Server
	opts Options

	mu        sync.Mutex
	changed   chan struct{}
	users     []User
	channels  map[string]*Channel
	dms       map[string]string   // user id → DM channel id
	groups    map[string][]string // group DM channel id → its users (intros.go)
	calls     []Call
	faults    map[string][]fault
	messages  []Posted
	responses []Response
	views     []View
	triggers  map[string]time.Time // issued trigger_id → when
	used      map[string]bool
	uploads   map[string]*upload
	files     []File
	seq       int
	tickets   map[string]bool
	sock      socketState
	holds     map[string]chan struct{}  // method → closed on release
	history   map[string][]*histMessage // channel → its messages, oldest first (history.go)
	tiers     map[string]*tierWindow    // method → its rate limit (tiers.go)
	held      map[string]int            // method → calls that were held
	closed    bool
}

// New starts a fake Slack on 127.0.0.1. It is closed when the test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&opts.TeamID, DefaultTeamID)
	def(&opts.TeamName, DefaultTeamName)
	def(&opts.BotUserID, DefaultBotUserID)
	def(&opts.BotID, DefaultBotID)
	def(&opts.AppID, DefaultAppID)
	def(&opts.BotToken, DefaultBotToken)
	def(&opts.AppToken, DefaultAppToken)
	if opts.MaxPageSize <= 0 {
		opts.MaxPageSize = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = 5 * time.Second
	}
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = MaxSocketConnections
	}
	s := &Server{
		tb:       tb,
		opts:     opts,
		changed:  make(chan struct{}),
		channels: map[string]*Channel{},
		dms:      map[string]string{},
		faults:   map[string][]fault{},
		triggers: map[string]time.Time{},
		used:     map[string]bool{},
		uploads:  map[string]*upload{},
		tickets:  map[string]bool{},
		sock:     newSocketState(),
		holds:    map[string]chan struct{}{},
		held:     map[string]int{},
	}
	// Every workspace has Slackbot, and the app's own bot user.
	s.users = append(s.users,
		User{ID: SlackbotID, Name: "slackbot", RealName: "Slackbot", TZ: "America/Los_Angeles"},
		User{ID: opts.BotUserID, Name: "hearth", RealName: "Hearth", IsBot: true, BotID: opts.BotID},
	)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveLink)
	mux.HandleFunc("/response/", s.serveResponse)
	mux.HandleFunc("/upload/", s.serveUpload)
	s.hs = httptest.NewServer(mux)
	tb.Cleanup(s.Close)
	return s
}

// URL is the Web API base URL, for SLACK_API_URL (it ends in "/api/").
func (s *Server) URL() string { return s.hs.URL + "/api/" }

// BaseURL is the server's root URL.
func (s *Server) BaseURL() string { return s.hs.URL }

// TeamID is the fake workspace's id.
func (s *Server) TeamID() string { return s.opts.TeamID }

// BotUserID is the app's bot user id.
func (s *Server) BotUserID() string { return s.opts.BotUserID }

// BotID is the app's bot id (the bot_id of its messages).
func (s *Server) BotID() string { return s.opts.BotID }

// Close shuts the server down, closing Socket Mode connections first.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := append([]*wsConn(nil), s.sock.conns...)
	for method, release := range s.holds {
		close(release) // held calls must end for the server to close
		delete(s.holds, method)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.hs.Close()
}

// AddUser adds (or replaces) a workspace member.
func (s *Server) AddUser(users ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		replaced := false
		for i := range s.users {
			if s.users[i].ID == u.ID {
				s.users[i] = u
				replaced = true
			}
		}
		if !replaced {
			s.users = append(s.users, u)
		}
	}
}

// AddChannel adds (or replaces) a conversation.
func (s *Server) AddChannel(chs ...Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range chs {
		c := c
		s.channels[c.ID] = &c
	}
}

// nextIDLocked returns a fresh number for ids. s.mu must be held.
func (s *Server) nextIDLocked() int {
	s.seq++
	return s.seq
}

// nextTSLocked returns a fresh Slack timestamp. s.mu must be held.
func (s *Server) nextTSLocked() string {
	n := s.nextIDLocked()
	return fmt.Sprintf("%d.%06d", s.opts.Now().Unix(), n%1000000)
}

// issueTriggerLocked returns a fresh trigger_id. s.mu must be held.
func (s *Server) issueTriggerLocked() string {
	n := s.nextIDLocked()
	id := fmt.Sprintf("%d.%d.fake%08x", s.opts.Now().Unix(), n, n*2654435761)
	s.triggers[id] = s.opts.Now()
	return id
}

// issueResponseURLLocked returns a fresh response_url. s.mu must be held.
func (s *Server) issueResponseURLLocked() string {
	return fmt.Sprintf("%s/response/%s/R%d", s.hs.URL, s.opts.TeamID, s.nextIDLocked())
}

func (s *Server) userLocked(id string) (User, bool) {
	for _, u := range s.users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// serveAPI serves the Web API: POST (form or JSON) or GET to /api/{method}.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	call := Call{Method: method, Params: url.Values{}}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	for k, v := range r.URL.Query() {
		call.Params[k] = v
	}
	switch {
	case ct == "application/json" && len(body) > 0:
		if err := json.Unmarshal(body, &call.JSON); err != nil {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_json"})
			return
		}
		for k, v := range call.JSON {
			if str, ok := v.(string); ok {
				call.Params.Set(k, str)
			}
		}
	case ct == "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
			return
		}
		for k, v := range form {
			call.Params[k] = v
		}
	}
	call.Token = call.Params.Get("token")
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		call.Token = strings.TrimPrefix(auth, "Bearer ")
	}
	call.Params.Del("token")
	s.hold(r, method)

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	call.At = s.opts.Now()
	record := func(status int, code string) {
		call.Status, call.Error = status, code
		s.calls = append(s.calls, call)
	}

	want := s.opts.BotToken
	if method == "apps.connections.open" {
		want = s.opts.AppToken
	}
	switch {
	case call.Token == "":
		record(http.StatusOK, "not_authed")
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "not_authed"})
		return
	case call.Token != want:
		record(http.StatusOK, "invalid_auth")
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	if fs := s.faults[method]; len(fs) > 0 {
		f := fs[0]
		s.faults[method] = fs[1:]
		if f.status == http.StatusTooManyRequests {
			secs := int((f.retryAfter + time.Second - 1) / time.Second)
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			record(http.StatusTooManyRequests, "ratelimited")
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
			return
		}
		record(http.StatusOK, f.code)
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": f.code})
		return
	}

	if secs := s.overTierLocked(method, call.At); secs > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		record(http.StatusTooManyRequests, "ratelimited")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}

	resp, code := s.dispatchLocked(method, &call)
	if code != "" {
		record(http.StatusOK, code)
		out := map[string]any{"ok": false, "error": code}
		for k, v := range resp { // details, such as response_metadata
			out[k] = v
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	record(http.StatusOK, "")
	resp["ok"] = true
	writeJSON(w, http.StatusOK, resp)
}

// dispatchLocked runs one Web API method. It returns the response fields or
// a Slack error code. s.mu is held.
func (s *Server) dispatchLocked(method string, call *Call) (map[string]any, string) {
	p := call.Params
	switch method {
	case "auth.test":
		return map[string]any{
			"url":                   "https://" + slug(s.opts.TeamName) + ".slack.com/",
			"team":                  s.opts.TeamName,
			"user":                  "hearth",
			"team_id":               s.opts.TeamID,
			"user_id":               s.opts.BotUserID,
			"bot_id":                s.opts.BotID,
			"is_enterprise_install": false,
		}, ""

	case "users.list":
		limit, _ := strconv.Atoi(p.Get("limit"))
		if limit <= 0 || limit > s.opts.MaxPageSize {
			limit = s.opts.MaxPageSize
		}
		start := 0
		if c := p.Get("cursor"); c != "" {
			raw, err := base64.StdEncoding.DecodeString(c)
			if err != nil || !strings.HasPrefix(string(raw), "offset:") {
				return nil, "invalid_cursor"
			}
			start, err = strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
			if err != nil || start < 0 || start > len(s.users) {
				return nil, "invalid_cursor"
			}
		}
		end := min(start+limit, len(s.users))
		members := []map[string]any{}
		for _, u := range s.users[start:end] {
			members = append(members, s.UserJSON(u))
		}
		next := ""
		if end < len(s.users) {
			next = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
		}
		return map[string]any{
			"members":           members,
			"cache_ts":          s.opts.Now().Unix(),
			"response_metadata": map[string]any{"next_cursor": next},
		}, ""

	case "users.info":
		u, ok := s.userLocked(p.Get("user"))
		if !ok {
			return nil, "user_not_found"
		}
		return map[string]any{"user": s.UserJSON(u)}, ""

	case "conversations.info":
		c, ok := s.channels[p.Get("channel")]
		if !ok {
			return nil, "channel_not_found"
		}
		return map[string]any{"channel": s.channelJSON(c)}, ""

	case "conversations.history":
		return s.conversationsHistoryLocked(call)

	case "conversations.replies":
		return s.conversationsRepliesLocked(call)

	case "users.conversations":
		return s.conversationsForUserLocked(call, true)

	case "conversations.list":
		return s.conversationsForUserLocked(call, false)

	case "conversations.open":
		users := strings.Split(p.Get("users"), ",")
		if len(users) > 1 {
			return s.openGroupLocked(users)
		}
		if len(users) != 1 || users[0] == "" {
			return nil, "users_list_not_supplied"
		}
		u, ok := s.userLocked(users[0])
		if !ok || u.Deleted {
			return nil, "user_not_found"
		}
		if u.IsBot || u.ID == SlackbotID {
			return nil, "cannot_dm_bot"
		}
		id, already := s.dms[u.ID]
		if !already {
			id = "D" + strings.TrimPrefix(u.ID, "U") + "X"
			s.dms[u.ID] = id
		}
		return map[string]any{"channel": map[string]any{"id": id}, "no_op": already, "already_open": already}, ""

	case "chat.postMessage", "chat.postEphemeral":
		ch := p.Get("channel")
		if code := s.canPostLocked(ch); code != "" {
			return nil, code
		}
		if p.Get("text") == "" && p.Get("blocks") == "" && p.Get("attachments") == "" {
			return nil, "no_text"
		}
		m := Posted{Method: method, Channel: ch, ThreadTS: p.Get("thread_ts"), Text: p.Get("text"), At: call.At}
		if b := p.Get("blocks"); b != "" {
			if err := json.Unmarshal([]byte(b), &m.Blocks); err != nil {
				return nil, "invalid_blocks_format"
			}
		}
		if r := CheckMessage(m.Text, m.Blocks); r != nil {
			return r.details(), r.Code
		}
		m.TS = s.nextTSLocked()
		if method == "chat.postEphemeral" {
			m.User = p.Get("user")
			if _, ok := s.userLocked(m.User); !ok {
				return nil, "user_not_in_channel"
			}
			s.messages = append(s.messages, m)
			return map[string]any{"message_ts": m.TS}, ""
		}
		s.messages = append(s.messages, m)
		return map[string]any{
			"channel": ch,
			"ts":      m.TS,
			"message": map[string]any{
				"type": "message", "user": s.opts.BotUserID, "bot_id": s.opts.BotID,
				"app_id": s.opts.AppID, "text": m.Text, "ts": m.TS, "thread_ts": m.ThreadTS,
			},
		}, ""

	case "views.open":
		trigger := p.Get("trigger_id")
		if trigger == "" {
			return nil, "invalid_arguments"
		}
		issued, ok := s.triggers[trigger]
		switch {
		case !ok:
			return nil, "invalid_trigger_id"
		case s.used[trigger] || call.At.Sub(issued) > TriggerLife:
			return nil, "expired_trigger_id"
		}
		s.used[trigger] = true
		raw, _ := call.JSON["view"].(map[string]any)
		if raw == nil {
			return nil, "invalid_arguments"
		}
		v := View{ID: fmt.Sprintf("V%06d", s.nextIDLocked()), TriggerID: trigger, Raw: raw}
		v.CallbackID, _ = raw["callback_id"].(string)
		v.PrivateMetadata, _ = raw["private_metadata"].(string)
		v.Title = textOf(raw["title"])
		v.Submit = textOf(raw["submit"])
		if bs, ok := raw["blocks"].([]any); ok {
			for _, b := range bs {
				if bm, ok := b.(map[string]any); ok {
					v.Blocks = append(v.Blocks, bm)
				}
			}
		}
		if t := v.Title; t == "" || len([]rune(t)) > 24 {
			return nil, "invalid_arguments"
		}
		if r := checkBlockSet(v.Blocks, MaxModalBlocks); r != nil {
			return r.details(), r.Code
		}
		if code := checkInputs(v.Blocks); code != "" {
			return nil, code
		}
		s.views = append(s.views, v)
		out := map[string]any{}
		for k, val := range raw {
			out[k] = val
		}
		out["id"] = v.ID
		out["team_id"] = s.opts.TeamID
		out["app_id"] = s.opts.AppID
		out["bot_id"] = s.opts.BotID
		out["state"] = map[string]any{"values": map[string]any{}}
		out["hash"] = "1700000000.fakehash"
		return map[string]any{"view": out}, ""

	case "files.getUploadURLExternal":
		name := p.Get("filename")
		length, err := strconv.Atoi(p.Get("length"))
		if name == "" || err != nil || length <= 0 {
			return nil, "invalid_arguments"
		}
		id := fmt.Sprintf("F%06d", s.nextIDLocked())
		s.uploads[id] = &upload{name: name, length: length}
		return map[string]any{"upload_url": s.hs.URL + "/upload/" + id, "file_id": id}, ""

	case "files.completeUploadExternal":
		var fs []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		if err := json.Unmarshal([]byte(p.Get("files")), &fs); err != nil || len(fs) == 0 {
			return nil, "invalid_arguments"
		}
		ch := p.Get("channel_id")
		if ch != "" {
			if code := s.canPostLocked(ch); code != "" {
				return nil, code
			}
		}
		var out []map[string]any
		for _, f := range fs {
			up, ok := s.uploads[f.ID]
			if !ok || up.data == nil || up.done {
				return nil, "file_not_found"
			}
			up.done = true
			s.files = append(s.files, File{ID: f.ID, Name: up.name, Title: f.Title, Channel: ch,
				ThreadTS: p.Get("thread_ts"), Comment: p.Get("initial_comment"), Data: up.data})
			out = append(out, map[string]any{"id": f.ID, "title": f.Title})
		}
		return map[string]any{"files": out}, ""

	case "apps.connections.open":
		n := s.nextIDLocked()
		ticket := fmt.Sprintf("ticket-%d", n)
		s.tickets[ticket] = true
		wsURL := "ws" + strings.TrimPrefix(s.hs.URL, "http") + "/link/?ticket=" + ticket + "&app_id=" + s.opts.AppID
		return map[string]any{"url": wsURL}, ""
	}
	return nil, "unknown_method"
}

// canPostLocked says why Hearth cannot post in ch, or "".
func (s *Server) canPostLocked(ch string) string {
	if _, ok := s.groups[ch]; ok {
		return ""
	}
	for _, d := range s.dms {
		if d == ch {
			return ""
		}
	}
	c, ok := s.channels[ch]
	switch {
	case !ok:
		return "channel_not_found"
	case c.IsArchived:
		return "is_archived"
	case c.NotMember:
		return "not_in_channel"
	}
	return ""
}
