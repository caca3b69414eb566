package fakediscord

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
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
	CloseAlreadyAuthenticated = 4005
	CloseInvalidShard         = 4010
	CloseShardingRequired     = 4011
	CloseDisallowedIntents    = 4014
)

// session is a gateway session: its dispatch log survives a dropped
// connection so RESUME can replay what was missed.
type session struct {
	id      string
	intents int
	shard   Shard
	seq     int64
	log     []frame
	conn    *conn
	// replaced: a later IDENTIFY took its shard, so it gets no more
	// dispatches and cannot be resumed.
	replaced bool
}

// Shard is a gateway session's shard: it receives the events of the guilds
// whose (id >> 22) % Count is ID, and with ID 0 the DMs.
type Shard struct{ ID, Count int }

// ShardOf is the shard of Count that carries guildID's events, by
// Discord's formula (guild_id >> 22) % num_shards.
func ShardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count < 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// carries reports whether the session gets guildID's dispatches ("" for a
// DM, which only shard 0 gets).
func (sess *session) carries(guildID string) bool {
	if sess.replaced {
		return false
	}
	if guildID == "" {
		return sess.shard.ID == 0
	}
	return ShardOf(guildID, sess.shard.Count) == sess.shard.ID
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
			Shard   *[]int `json:"shard"`
		}
		_ = json.Unmarshal(p.D, &d)
		shard, validShard := Shard{ID: 0, Count: 1}, true
		if d.Shard != nil {
			validShard = len(*d.Shard) == 2 && (*d.Shard)[1] >= 1 && (*d.Shard)[0] >= 0 && (*d.Shard)[0] < (*d.Shard)[1]
			if validShard {
				shard = Shard{ID: (*d.Shard)[0], Count: (*d.Shard)[1]}
			}
		}
		s.mu.Lock()
		s.identifies = append(s.identifies, Identify{Token: d.Token, Intents: d.Intents, Shard: shard, Raw: p.D})
		s.notifyLocked()
		already := c.sess != nil
		s.mu.Unlock()
		if already {
			s.refuse(c, CloseAlreadyAuthenticated, "You sent more than one identify payload.")
			return false
		}
		if !s.validToken(d.Token) {
			s.refuse(c, CloseAuthenticationFailed, "Authentication failed.")
			return false
		}
		if !validShard {
			s.refuse(c, CloseInvalidShard, "Invalid shard.")
			return false
		}
		if d.Intents&IntentGuildMembers != 0 && !s.opts.MembersIntent {
			s.refuse(c, CloseDisallowedIntents, "Disallowed intent(s).")
			return false
		}
		s.mu.Lock()
		var mine []string
		for _, id := range s.guildOrder {
			if ShardOf(id, shard.Count) == shard.ID {
				mine = append(mine, id)
			}
		}
		if len(mine) > s.opts.MaxGuildsPerShard {
			s.mu.Unlock()
			s.refuse(c, CloseShardingRequired, "Sharding required.")
			return false
		}
		var previous *session
		for _, other := range s.sessions {
			if other.shard == shard && !other.replaced {
				previous = other
			}
		}
		if previous != nil && previous.conn != nil {
			s.mu.Unlock()
			s.refuse(c, CloseAlreadyAuthenticated, "This shard already has a connected session.")
			return false
		}
		if previous != nil {
			previous.replaced = true // its owner went away; this one takes the shard
		}
		sess := &session{id: randomHex(16), intents: d.Intents, shard: shard}
		s.sessions[sess.id] = sess
		s.current = sess
		sess.conn = c
		c.sess = sess
		guilds := []any{}
		for _, id := range mine {
			guilds = append(guilds, map[string]any{"id": id, "unavailable": true})
		}
		s.dispatchLocked(sess, "READY", map[string]any{
			"v":                  9,
			"user":               userJSON(User{ID: s.opts.BotID, Username: s.opts.BotName, Bot: true}),
			"guilds":             guilds,
			"session_id":         sess.id,
			"resume_gateway_url": s.wsURL,
			"shard":              []int{shard.ID, shard.Count},
			"application":        map[string]any{"id": s.opts.AppID, "flags": 0},
			"private_channels":   []any{},
		})
		for _, id := range mine {
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
		if sess == nil || sess.replaced {
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

// refuse records a close code and closes c with it.
func (s *Server) refuse(c *conn, code int, text string) {
	s.mu.Lock()
	s.closedWith = append(s.closedWith, code)
	s.notifyLocked()
	s.mu.Unlock()
	c.closeWith(code, text)
}

// ErrNoSession is returned when something is pushed before any client
// identified, or for a guild whose shard no session has.
var ErrNoSession = errors.New("fakediscord: no gateway session")

// Dispatch sends a dispatch (op 0) of type t to the sessions of the shard
// its guild is on (its guild_id, or a guild's own id for GUILD_CREATE and
// GUILD_UPDATE; shard 0 for a DM), or keeps it for a session's RESUME when
// its connection is down. It returns the last sequence number it used.
func (s *Server) Dispatch(t string, d any) (int64, error) {
	guild := guildOf(t, d)
	s.mu.Lock()
	defer s.mu.Unlock()
	var seq int64
	sent := false
	for _, id := range s.sessionOrderLocked() {
		if sess := s.sessions[id]; sess.carries(guild) {
			seq, sent = s.dispatchLocked(sess, t, d), true
		}
	}
	if !sent {
		return 0, ErrNoSession
	}
	return seq, nil
}

// sessionOrderLocked lists the session ids in a stable order. s.mu must be held.
func (s *Server) sessionOrderLocked() []string {
	ids := make([]string, 0, len(s.sessions))
	for id := range s.sessions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// guildOf is the guild a dispatch belongs to, "" for none (a DM).
func guildOf(t string, d any) string {
	raw, err := json.Marshal(d)
	if err != nil {
		return ""
	}
	var v struct {
		ID      string `json:"id"`
		GuildID string `json:"guild_id"`
	}
	_ = json.Unmarshal(raw, &v)
	if t == "GUILD_CREATE" || t == "GUILD_UPDATE" {
		return v.ID
	}
	return v.GuildID
}

// LiveShards returns the shards of the sessions that have a connection
// now, sorted, once per session: a shard listed twice has two.
func (s *Server) LiveShards() []Shard {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Shard
	for _, sess := range s.sessions {
		if sess.conn != nil && !sess.replaced {
			out = append(out, sess.shard)
		}
	}
	slices.SortFunc(out, func(a, b Shard) int { return cmp.Or(cmp.Compare(a.Count, b.Count), cmp.Compare(a.ID, b.ID)) })
	return out
}

// Refusals returns the close codes the fake refused IDENTIFYs with
// (4004, 4005, 4010, 4011, 4014), in order.
func (s *Server) Refusals() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.closedWith)
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
// Unless resumable, the session ends: the client may IDENTIFY again, on
// that connection too, and its shard is free for it.
func (s *Server) InvalidateSession(resumable bool) error {
	s.mu.Lock()
	if s.current == nil || s.current.conn == nil {
		s.mu.Unlock()
		return ErrNoSession
	}
	c := s.current.conn
	if !resumable {
		s.current.replaced = true
		s.current.conn = nil
		c.sess = nil
	}
	s.mu.Unlock()
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
