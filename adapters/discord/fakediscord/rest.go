package fakediscord

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// apiError is Discord's JSON error body.
type apiError struct {
	status  int
	Code    int    `json:"code"`
	Message string `json:"message"`
	// Errors says which fields of an Invalid Form Body (50035) are wrong,
	// nested like the body: {"name": {"_errors": [{"code": ..., "message": ...}]}}.
	Errors map[string]any `json:"errors,omitempty"`
}

func errorf(status, code int, msg string) *apiError {
	return &apiError{status: status, Code: code, Message: msg}
}

// handlerFunc answers one REST request: a status and a JSON body (nil for
// 204), or an *apiError.
type handlerFunc func(r *http.Request, req *Request) (int, any, *apiError)

func (s *Server) restMux() http.Handler {
	mux := http.NewServeMux()
	route := func(pattern string, auth bool, fn handlerFunc) {
		mux.HandleFunc(pattern, s.wrap(auth, fn))
	}
	route("GET /gateway", false, func(*http.Request, *Request) (int, any, *apiError) {
		return 200, map[string]any{"url": s.wsURL}, nil
	})
	route("GET /gateway/bot", true, func(*http.Request, *Request) (int, any, *apiError) {
		return 200, map[string]any{"url": s.wsURL, "shards": s.opts.Shards, "session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}}, nil
	})
	route("GET /users/@me", true, func(*http.Request, *Request) (int, any, *apiError) {
		return 200, userJSON(User{ID: s.opts.BotID, Username: s.opts.BotName, Bot: true}), nil
	})
	route("POST /users/@me/channels", true, s.createDM)
	route("GET /channels/{id}", true, s.getChannel)
	route("POST /channels/{id}/messages", true, s.postMessage)
	route("PUT /applications/{app}/commands", true, s.putCommands)
	route("PUT /applications/{app}/guilds/{guild}/commands", true, s.putCommands)
	route("POST /interactions/{id}/{token}/callback", false, s.interactionCallback)
	route("PATCH /webhooks/{app}/{token}/messages/{message}", false, s.webhook("edit"))
	route("DELETE /webhooks/{app}/{token}/messages/{message}", false, s.webhook("delete"))
	route("POST /webhooks/{app}/{token}", false, s.webhook("followup"))
	route("GET /guilds/{guild}/members", true, s.listMembers)
	route("GET /channels/{id}/messages", true, s.listMessages)
	route("GET /channels/{id}/messages/{mid}", true, s.getMessage)
	route("GET /channels/{id}/messages/{mid}/reactions/{emoji}", true, s.listReactions)
	route("GET /guilds/{guild}/channels", true, s.listGuildChannels)
	route("GET /guilds/{guild}", true, s.getGuild)
	route("GET /guilds/{guild}/members/{user}", true, s.getMember)
	route("GET /guilds/{guild}/threads/active", true, s.listActiveThreads)
	route("GET /channels/{id}/threads/archived/public", true, s.listArchivedThreads(false))
	route("GET /channels/{id}/threads/archived/private", true, s.listArchivedThreads(true))
	route("POST /guilds/{guild}/scheduled-events", true, s.createScheduledEvent)
	route("GET /guilds/{guild}/scheduled-events", true, s.listScheduledEvents)
	route("GET /guilds/{guild}/scheduled-events/{id}", true, s.getScheduledEvent)
	route("DELETE /guilds/{guild}/scheduled-events/{id}", true, s.deleteScheduledEvent)
	route("/", false, func(r *http.Request, _ *Request) (int, any, *apiError) {
		return 0, nil, errorf(404, 0, "404: Not Found ("+r.Method+" "+r.URL.Path+")")
	})
	return mux
}

// wrap records the request, applies the rate-limit knob and authentication,
// and writes the answer.
func (s *Server) wrap(auth bool, fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
		if err := readBody(r, &req); err != nil {
			s.answer(w, &req, 0, nil, errorf(400, 50035, "Invalid Form Body: "+err.Error()))
			return
		}
		key := r.Method + " " + r.URL.Path
		s.mu.Lock()
		var limited time.Duration
		var isLimited bool
		if q := s.rateLimits[key]; len(q) > 0 {
			limited, isLimited = q[0], true
			s.rateLimits[key] = q[1:]
		}
		s.mu.Unlock()
		if !isLimited {
			limited, isLimited = s.applyRouteLimit(w, r)
		}
		if isLimited {
			secs := limited.Seconds()
			if w.Header().Get("X-RateLimit-Limit") == "" { // not a route limit's own bucket
				w.Header().Set("X-RateLimit-Limit", "5")
				w.Header().Set("X-RateLimit-Bucket", "fake-"+strconv.Itoa(len(key)))
			}
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
			w.Header().Set("X-RateLimit-Scope", "user")
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
			s.answer(w, &req, 429, map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": false}, nil)
			return
		}
		if auth && (!strings.HasPrefix(r.Header.Get("Authorization"), "Bot ") || !s.validToken(r.Header.Get("Authorization"))) {
			s.answer(w, &req, 0, nil, errorf(401, 0, "401: Unauthorized"))
			return
		}
		if s.refuseBody(key) {
			f := formErrors{}
			f.add("content", errMaxLength, "Refused by RefuseBodies.")
			s.answer(w, &req, 0, nil, f.err())
			return
		}
		status, body, apiErr := fn(r, &req)
		if apiErr == nil && s.loseAnswer(key) {
			// Done, but the client hears a failure.
			status, body, apiErr = 0, nil, errorf(500, 0, "500: Internal Server Error")
		}
		s.answer(w, &req, status, body, apiErr)
	}
}

func (s *Server) answer(w http.ResponseWriter, req *Request, status int, body any, apiErr *apiError) {
	if apiErr != nil {
		status, body = apiErr.status, apiErr
	}
	req.Status = status
	s.mu.Lock()
	s.requests = append(s.requests, *req)
	s.notifyLocked()
	s.mu.Unlock()
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// readBody reads a JSON body, or a multipart body's payload_json and files.
func readBody(r *http.Request, req *Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return err
		}
		if v := r.MultipartForm.Value["payload_json"]; len(v) > 0 {
			req.Body = []byte(v[0])
		}
		var names []string
		for name := range r.MultipartForm.File {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			for _, fh := range r.MultipartForm.File[name] {
				f, err := fh.Open()
				if err != nil {
					return err
				}
				data, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return err
				}
				req.Files = append(req.Files, File{Name: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Data: data})
			}
		}
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return err
	}
	if len(body) > 0 {
		req.Body = body
	}
	return nil
}

func (s *Server) createDM(_ *http.Request, req *Request) (int, any, *apiError) {
	var d struct {
		RecipientID string `json:"recipient_id"`
	}
	if json.Unmarshal(req.Body, &d) != nil || d.RecipientID == "" {
		return 0, nil, errorf(400, 50035, "Invalid Form Body")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.dmChannels[d.RecipientID]
	if !ok {
		id = s.NewID()
		s.dmChannels[d.RecipientID] = id
		s.channels[id] = channelInfo{Channel: Channel{ID: id, Type: ChannelDM}, Recipient: d.RecipientID}
	}
	return 200, map[string]any{"id": id, "type": ChannelDM, "last_message_id": nil,
		"recipients": []any{userJSON(User{ID: d.RecipientID, Username: "user" + d.RecipientID})}}, nil
}

func (s *Server) getChannel(r *http.Request, _ *Request) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[r.PathValue("id")]
	if !ok {
		return 0, nil, errorf(404, 10003, "Unknown Channel")
	}
	if ch.Type == ChannelDM {
		return 200, map[string]any{"id": ch.ID, "type": ChannelDM, "recipients": []any{userJSON(User{ID: ch.Recipient})}}, nil
	}
	return 200, channelJSON(ch.Channel, ch.GuildID), nil
}

// messageBody is what a client may send to create or edit a message.
type messageBody struct {
	Content          string          `json:"content"`
	Flags            int             `json:"flags"`
	Nonce            json.RawMessage `json:"nonce"`
	EnforceNonce     bool            `json:"enforce_nonce"`
	Components       json.RawMessage `json:"components"`
	AllowedMentions  json.RawMessage `json:"allowed_mentions"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

func (b messageBody) nonce() string {
	var str string
	if json.Unmarshal(b.Nonce, &str) == nil {
		return str
	}
	return strings.TrimSpace(string(b.Nonce))
}

func (s *Server) postMessage(r *http.Request, req *Request) (int, any, *apiError) {
	var b messageBody
	if len(req.Body) > 0 && json.Unmarshal(req.Body, &b) != nil {
		return 0, nil, errorf(400, 50035, "Invalid Form Body")
	}
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[id]
	if !ok {
		return 0, nil, errorf(404, 10003, "Unknown Channel")
	}
	if ch.Type == ChannelDM && s.closedDMs[ch.Recipient] {
		return 0, nil, errorf(403, 50007, "Cannot send messages to this user")
	}
	if b.Content == "" && len(req.Files) == 0 && (len(b.Components) == 0 || string(b.Components) == "null") {
		return 0, nil, errorf(400, 50006, "Cannot send an empty message")
	}
	if e := checkMessage(b, req.Files, s.contentLimit()); e != nil {
		return 0, nil, e
	}
	nonce := b.nonce()
	if b.EnforceNonce && nonce != "" {
		if m, ok := s.nonces[id+"/"+nonce]; ok {
			return 200, s.messageJSON(m), nil
		}
	}
	m := SentMessage{ID: s.NewID(), ChannelID: id, Content: b.Content, Flags: b.Flags, Nonce: nonce,
		Components: b.Components, Files: req.Files, AllowedMentions: b.AllowedMentions}
	if b.MessageReference != nil {
		m.ReplyTo = b.MessageReference.MessageID
	}
	s.messages = append(s.messages, m)
	if nonce != "" {
		s.nonces[id+"/"+nonce] = m
	}
	return 200, s.messageJSON(m), nil
}

func (s *Server) messageJSON(m SentMessage) map[string]any {
	typ := MessageDefault
	if m.ReplyTo != "" {
		typ = MessageReply
	}
	attachments := []any{}
	for i, f := range m.Files {
		attachments = append(attachments, map[string]any{"id": fmt.Sprint(i + 1), "filename": f.Name, "size": len(f.Data)})
	}
	out := map[string]any{
		"id":          m.ID,
		"channel_id":  m.ChannelID,
		"type":        typ,
		"content":     m.Content,
		"author":      userJSON(User{ID: s.opts.BotID, Username: s.opts.BotName, Bot: true}),
		"timestamp":   SnowflakeTime(m.ID).Format(time.RFC3339Nano),
		"flags":       m.Flags,
		"attachments": attachments,
		"embeds":      []any{},
		"mentions":    []any{},
	}
	if len(m.Components) > 0 {
		out["components"] = m.Components
	} else {
		out["components"] = []any{}
	}
	return out
}

func (s *Server) putCommands(r *http.Request, req *Request) (int, any, *apiError) {
	if r.PathValue("app") != s.opts.AppID {
		return 0, nil, errorf(403, 50001, "Missing Access")
	}
	var cmds []map[string]any
	var typed []commandOption
	if json.Unmarshal(req.Body, &cmds) != nil || json.Unmarshal(req.Body, &typed) != nil {
		return 0, nil, errorf(400, 50035, "Invalid Form Body")
	}
	if e := checkCommands(typed); e != nil {
		return 0, nil, e
	}
	guild := r.PathValue("guild")
	s.mu.Lock()
	if guild == "" {
		s.commands["global"] = req.Body
	} else {
		s.commands[guild] = req.Body
	}
	s.mu.Unlock()
	for _, c := range cmds {
		c["id"] = s.NewID()
		c["application_id"] = s.opts.AppID
		c["version"] = s.NewID()
		if guild != "" {
			c["guild_id"] = guild
		}
	}
	return 200, cmds, nil
}

func (s *Server) interactionCallback(r *http.Request, req *Request) (int, any, *apiError) {
	id, token := r.PathValue("id"), r.PathValue("token")
	var b struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(req.Body, &b) != nil {
		return 0, nil, errorf(400, 50035, "Invalid Form Body")
	}
	if e := checkCallback(b.Type, b.Data, req.Files, s.contentLimit()); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.interacts[id]
	if !ok || in.Token != token {
		return 0, nil, errorf(404, 10062, "Unknown interaction")
	}
	if in.responded {
		return 0, nil, errorf(400, 40060, "Interaction has already been acknowledged.")
	}
	in.responded = true
	s.interacts[id] = in
	s.callbacks = append(s.callbacks, Callback{Interaction: id, Kind: "callback", Type: b.Type, Data: b.Data, Files: req.Files, After: s.opts.Now().Sub(in.At)})
	return 204, nil, nil
}

// webhook answers the interaction webhook routes: editing or deleting the
// original response, and follow-ups.
func (s *Server) webhook(kind string) handlerFunc {
	return func(r *http.Request, req *Request) (int, any, *apiError) {
		if r.PathValue("app") != s.opts.AppID {
			return 0, nil, errorf(404, 10015, "Unknown Webhook")
		}
		token := r.PathValue("token")
		s.mu.Lock()
		defer s.mu.Unlock()
		var in Interaction
		found := false
		for _, i := range s.interacts {
			if i.Token == token {
				in, found = i, true
				break
			}
		}
		if !found || !in.responded {
			return 0, nil, errorf(404, 10015, "Unknown Webhook")
		}
		if kind != "delete" {
			var b messageBody
			if len(req.Body) > 0 && json.Unmarshal(req.Body, &b) != nil {
				return 0, nil, errorf(400, 50035, "Invalid Form Body")
			}
			if e := checkMessage(b, req.Files, s.contentLimit()); e != nil {
				return 0, nil, e
			}
		}
		if m := r.PathValue("message"); kind != "followup" && m != "@original" {
			return 0, nil, errorf(404, 10008, "Unknown Message")
		}
		s.callbacks = append(s.callbacks, Callback{Interaction: in.ID, Kind: kind, Data: req.Body, Files: req.Files, After: s.opts.Now().Sub(in.At)})
		if kind == "delete" {
			return 204, nil, nil
		}
		var b messageBody
		_ = json.Unmarshal(req.Body, &b)
		return 200, s.messageJSON(SentMessage{ID: s.NewID(), ChannelID: in.ChannelID, Content: b.Content, Flags: b.Flags, Components: b.Components, Files: req.Files}), nil
	}
}

func (s *Server) listMembers(r *http.Request, _ *Request) (int, any, *apiError) {
	if !s.opts.MembersIntent {
		return 0, nil, errorf(403, 50001, "Missing Access")
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 {
		limit = 1
	}
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.pathGuildLocked(r)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	members := slices.Clone(g.Members)
	slices.SortFunc(members, func(a, b Member) int {
		x, _ := strconv.ParseUint(a.User.ID, 10, 64)
		y, _ := strconv.ParseUint(b.User.ID, 10, 64)
		return cmpUint(x, y)
	})
	out := []any{}
	for _, m := range members {
		if id, _ := strconv.ParseUint(m.User.ID, 10, 64); id > after && len(out) < limit {
			out = append(out, memberJSON(m, "", true))
		}
	}
	return 200, out, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
