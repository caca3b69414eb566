package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch            = 0
	opHeartbeat           = 1
	opIdentify            = 2
	opPresenceUpdate      = 3
	opResume              = 6
	opReconnect           = 7
	opRequestGuildMembers = 8
	opInvalidSession      = 9
	opHello               = 10
	opHeartbeatACK        = 11
)

// Gateway close codes the fake uses.
const (
	CloseAuthenticationFailed = 4004
	CloseDisallowedIntents    = 4014
)

// session is a gateway session: its dispatch log survives a dropped
// connection so RESUME can replay what was missed.
type session struct {
	id      string
	intents int
	seq     int64
	log     []frame
	conn    *conn
}

type frame struct {
	seq int64
	t   string
	d   json.RawMessage
}

type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

// conn is one gateway WebSocket connection.
type conn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex
	sess *session // guarded by Server.mu
}

func (c *conn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

func (c *conn) closeWith(code int, text string) {
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.ws.Close()
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws}
	s.mu.Lock()
	if s.closedFlag {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = true
	s.connections++
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		if c.sess != nil && c.sess.conn == c {
			c.sess.conn = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
		ws.Close()
	}()

	if err := c.write(map[string]any{"op": opHello, "d": map[string]any{"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds()}, "s": nil, "t": nil}); err != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p payload
		if json.Unmarshal(data, &p) != nil {
			c.closeWith(4002, "Error while decoding payload.")
			return
		}
		if !s.handleOp(c, p) {
			return
		}
	}
}

// handleOp answers one client payload; false ends the connection.
func (s *Server) handleOp(c *conn, p payload) bool {
	switch p.Op {
	case opHeartbeat:
		if err := c.write(map[string]any{"op": opHeartbeatACK, "d": nil}); err != nil {
			return false
		}
		s.mu.Lock()
		s.heartbeats++
		s.notifyLocked()
		s.mu.Unlock()
	case opIdentify:
		var d struct {
			Token   string `json:"token"`
			Intents int    `json:"intents"`
		}
		_ = json.Unmarshal(p.D, &d)
		s.mu.Lock()
		s.identifies = append(s.identifies, Identify{Token: d.Token, Intents: d.Intents, Raw: p.D})
		s.notifyLocked()
		s.mu.Unlock()
		if !s.validToken(d.Token) {
			c.closeWith(CloseAuthenticationFailed, "Authentication failed.")
			return false
		}
		if d.Intents&IntentGuildMembers != 0 && !s.opts.MembersIntent {
			c.closeWith(CloseDisallowedIntents, "Disallowed intent(s).")
			return false
		}
		s.mu.Lock()
		sess := &session{id: randomHex(16), intents: d.Intents}
		s.sessions[sess.id] = sess
		s.current = sess
		sess.conn = c
		c.sess = sess
		guilds := []any{}
		for _, id := range s.guildOrder {
			guilds = append(guilds, map[string]any{"id": id, "unavailable": true})
		}
		s.dispatchLocked(sess, "READY", map[string]any{
			"v":                  9,
			"user":               userJSON(User{ID: s.opts.BotID, Username: s.opts.BotName, Bot: true}),
			"guilds":             guilds,
			"session_id":         sess.id,
			"resume_gateway_url": s.wsURL,
			"shard":              []int{0, 1},
			"application":        map[string]any{"id": s.opts.AppID, "flags": 0},
			"private_channels":   []any{},
		})
		for _, id := range s.guildOrder {
			s.dispatchLocked(sess, "GUILD_CREATE", s.guildJSON(s.guilds[id]))
		}
		s.mu.Unlock()
	case opResume:
		var d struct {
			Token     string `json:"token"`
			SessionID string `json:"session_id"`
			Seq       int64  `json:"seq"`
		}
		_ = json.Unmarshal(p.D, &d)
		s.mu.Lock()
		s.resumes = append(s.resumes, Resume{SessionID: d.SessionID, Seq: d.Seq})
		s.notifyLocked()
		s.mu.Unlock()
		if !s.validToken(d.Token) {
			c.closeWith(CloseAuthenticationFailed, "Authentication failed.")
			return false
		}
		s.mu.Lock()
		sess := s.sessions[d.SessionID]
		if sess == nil {
			s.mu.Unlock()
			return c.write(map[string]any{"op": opInvalidSession, "d": false}) == nil
		}
		if sess.conn != nil && sess.conn != c {
			sess.conn.ws.Close()
		}
		sess.conn = c
		c.sess = sess
		s.current = sess
		for _, f := range sess.log {
			if f.seq > d.Seq {
				if c.write(map[string]any{"op": opDispatch, "s": f.seq, "t": f.t, "d": f.d}) != nil {
					sess.conn = nil
					s.mu.Unlock()
					return false
				}
			}
		}
		s.dispatchLocked(sess, "RESUMED", map[string]any{"_trace": []string{"fakediscord"}})
		s.mu.Unlock()
	case opRequestGuildMembers:
		s.mu.Lock()
		s.memberReqs = append(s.memberReqs, p.D)
		s.notifyLocked()
		sess := c.sess
		if sess == nil {
			s.mu.Unlock()
			c.closeWith(4003, "Not authenticated.")
			return false
		}
		if len(s.memberReqs) > s.opts.IgnoreMemberRequests {
			s.sendChunksLocked(sess, p.D)
		}
		s.mu.Unlock()
	case opPresenceUpdate:
	default:
	}
	return true
}

// sendChunksLocked answers REQUEST_GUILD_MEMBERS with GUILD_MEMBERS_CHUNK
// dispatches, ChunkSize members each.
func (s *Server) sendChunksLocked(sess *session, raw json.RawMessage) {
	var d struct {
		GuildID json.RawMessage `json:"guild_id"`
		Nonce   string          `json:"nonce"`
		Query   *string         `json:"query"`
		Limit   int             `json:"limit"`
	}
	_ = json.Unmarshal(raw, &d)
	var ids []string
	var one string
	if json.Unmarshal(d.GuildID, &one) == nil {
		ids = []string{one}
	} else {
		_ = json.Unmarshal(d.GuildID, &ids)
	}
	for _, id := range ids {
		g := s.guilds[id]
		if g == nil {
			continue
		}
		members := g.Members
		if sess.intents&IntentGuildMembers == 0 {
			members = nil // Discord only lists members to the members intent
		}
		count := max(1, (len(members)+s.opts.ChunkSize-1)/s.opts.ChunkSize)
		for i := range count {
			part := []any{}
			for _, m := range members[min(i*s.opts.ChunkSize, len(members)):min((i+1)*s.opts.ChunkSize, len(members))] {
				part = append(part, memberJSON(m, "", true))
			}
			chunk := map[string]any{"guild_id": id, "members": part, "chunk_index": i, "chunk_count": count}
			if d.Nonce != "" {
				chunk["nonce"] = d.Nonce
			}
			s.dispatchLocked(sess, "GUILD_MEMBERS_CHUNK", chunk)
		}
	}
}

// dispatchLocked appends a dispatch to the session's log and sends it if the
// session is connected. s.mu must be held, which keeps dispatches in order.
func (s *Server) dispatchLocked(sess *session, t string, d any) int64 {
	raw, err := json.Marshal(d)
	if err != nil {
		panic("fakediscord: marshal dispatch: " + err.Error())
	}
	sess.seq++
	sess.log = append(sess.log, frame{seq: sess.seq, t: t, d: raw})
	if sess.conn != nil {
		if sess.conn.write(map[string]any{"op": opDispatch, "s": sess.seq, "t": t, "d": json.RawMessage(raw)}) != nil {
			sess.conn = nil
		}
	}
	s.notifyLocked()
	return sess.seq
}

// ErrNoSession is returned when something is pushed before any client identified.
var ErrNoSession = errors.New("fakediscord: no gateway session")

// Dispatch sends a dispatch (op 0) of type t to the current session, or
// keeps it for the session's RESUME when its connection is down. It returns
// the dispatch's sequence number.
func (s *Server) Dispatch(t string, d any) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return 0, ErrNoSession
	}
	return s.dispatchLocked(s.current, t, d), nil
}

// Connected reports whether the current session has a live connection.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current != nil && s.current.conn != nil
}

// SessionID returns the current session's id ("" before any IDENTIFY).
func (s *Server) SessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.id
}

func (s *Server) currentConn() *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return nil
	}
	return s.current.conn
}

// Drop closes the current connection abruptly (no close frame), as a
// network failure would. Dispatches until the client resumes are kept for
// replay.
func (s *Server) Drop() error {
	s.mu.Lock()
	if s.current == nil || s.current.conn == nil {
		s.mu.Unlock()
		return ErrNoSession
	}
	c := s.current.conn
	s.current.conn = nil
	s.notifyLocked()
	s.mu.Unlock()
	return c.ws.Close()
}

// Reconnect sends op 7 RECONNECT on the current connection: the client must
// reconnect and resume.
func (s *Server) Reconnect() error {
	c := s.currentConn()
	if c == nil {
		return ErrNoSession
	}
	return c.write(map[string]any{"op": opReconnect, "d": nil})
}

// InvalidateSession sends op 9 INVALID SESSION on the current connection.
func (s *Server) InvalidateSession(resumable bool) error {
	c := s.currentConn()
	if c == nil {
		return ErrNoSession
	}
	return c.write(map[string]any{"op": opInvalidSession, "d": resumable})
}

// CloseConnection closes the current connection with a gateway close code.
func (s *Server) CloseConnection(code int, reason string) error {
	s.mu.Lock()
	if s.current == nil || s.current.conn == nil {
		s.mu.Unlock()
		return ErrNoSession
	}
	c := s.current.conn
	s.current.conn = nil
	s.mu.Unlock()
	c.closeWith(code, reason)
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
