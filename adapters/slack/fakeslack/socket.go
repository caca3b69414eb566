package fakeslack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode, as Slack documents it: apps.connections.open returns a
// single-use wss URL; the server greets with a "hello" message, sends
// envelopes {envelope_id, type, payload, accepts_response_payload,
// retry_attempt, retry_reason} and expects an ack {envelope_id, payload?}
// for each; un-acked envelopes are redelivered (retry_attempt + 1) on the
// next connection; "disconnect" asks the client to reconnect.
//
// An app may have up to MaxSocketConnections connections open at once (one
// per instance of the app, say), and Slack sends each envelope to one of
// them: the fake takes them in turn (round-robin), which a test can
// predict. What a connection carried and was not acknowledged when it
// closed goes to another (as Slack retries after its timeout), or to the
// next connection when there is none. One more connection is told "disconnect" with reason
// "too_many_websockets" instead of "hello", and closed.

// MaxSocketConnections is how many Socket Mode connections Slack lets one
// app keep open at once.
const MaxSocketConnections = 10

type envelope struct {
	ID       string
	Type     string
	Payload  any
	Accepts  bool
	Retry    int
	Reason   string
	sentOnce bool
	sentOn   []int   // the connections it was written to, in order
	last     *wsConn // the latest of them
}

func (e *envelope) wire() map[string]any {
	return map[string]any{
		"envelope_id":              e.ID,
		"type":                     e.Type,
		"payload":                  e.Payload,
		"accepts_response_payload": e.Accepts,
		"retry_attempt":            e.Retry,
		"retry_reason":             e.Reason,
	}
}

type socketState struct {
	conns   []*wsConn
	hellos  int
	refused int         // connections refused as too many
	turn    int         // round-robin cursor over the usable connections
	pending []*envelope // sent or queued, not acked, in push order
	acks    []Ack
	all     map[string]*envelope
}

func newSocketState() socketState { return socketState{all: map[string]*envelope{}} }

type wsConn struct {
	n        int
	ws       *websocket.Conn
	ready    bool // hello sent
	draining bool // disconnect sent
	dead     bool
	done     chan struct{}
	once     sync.Once
}

func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

var upgrader = websocket.Upgrader{
	// slack-go sends Origin: https://api.slack.com, as Slack's clients do.
	CheckOrigin: func(*http.Request) bool { return true },
}

// serveLink is the Socket Mode WebSocket endpoint.
func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket)
	closed := s.closed
	s.mu.Unlock()
	if !valid || closed {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &wsConn{ws: ws, done: make(chan struct{})}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.close()
		return
	}
	if s.liveLocked() >= s.opts.MaxConnections {
		s.sock.refused++
		_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_ = c.ws.WriteJSON(map[string]any{
			"type":       "disconnect",
			"reason":     "too_many_websockets",
			"debug_info": map[string]any{"host": "applink-fake"},
		})
		s.notifyLocked()
		s.mu.Unlock()
		c.close()
		return
	}
	s.sock.conns = append(s.sock.conns, c)
	c.n = len(s.sock.conns)
	hello := map[string]any{
		"type":            "hello",
		"num_connections": s.liveLocked(),
		"debug_info":      map[string]any{"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": s.opts.AppID},
	}
	if err := s.writeLocked(c, hello); err == nil {
		c.ready = true
		s.sock.hellos++
		_ = c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
		// Redeliver what was not acknowledged and has no other open
		// connection to be acknowledged on, as Slack retries.
		for _, e := range s.sock.pending {
			if e.last != nil && !e.last.dead && !e.last.draining {
				continue
			}
			if e.sentOnce {
				e.Retry++
				e.Reason = "timeout"
			}
			s.sendLocked(c, e)
		}
	}
	s.notifyLocked()
	s.mu.Unlock()

	go s.pinger(c)
	s.readAcks(c)
}

// liveLocked counts connections that are open.
func (s *Server) liveLocked() int {
	n := 0
	for _, c := range s.sock.conns {
		if !c.dead {
			n++
		}
	}
	return n
}

// writeLocked writes one JSON message on c. s.mu is held, which serialises
// writers.
func (s *Server) writeLocked(c *wsConn, v any) error {
	if c.dead {
		return fmt.Errorf("connection %d is closed", c.n)
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	err := c.ws.WriteJSON(v)
	if err != nil {
		c.dead = true
		c.close()
	}
	return err
}

func (s *Server) pinger(c *wsConn) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)); err != nil {
				return
			}
		}
	}
}

// readAcks reads acknowledgements until the connection ends.
func (s *Server) readAcks(c *wsConn) {
	defer func() {
		s.mu.Lock()
		c.dead = true
		s.retryLocked(c)
		s.notifyLocked()
		s.mu.Unlock()
		c.close()
	}()
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		if string(ack.Payload) == "null" {
			ack.Payload = nil
		}
		s.mu.Lock()
		s.sock.acks = append(s.sock.acks, Ack{EnvelopeID: ack.EnvelopeID, Payload: ack.Payload, Conn: c.n})
		for i, e := range s.sock.pending {
			if e.ID == ack.EnvelopeID {
				s.sock.pending = append(s.sock.pending[:i], s.sock.pending[i+1:]...)
				break
			}
		}
		s.notifyLocked()
		s.mu.Unlock()
	}
}

// retryLocked sends what dead carried and was not acknowledged to another
// connection, as Slack retries an envelope whose ack did not come (an
// instance of the app died, the others still serve). With no other
// connection it waits for the next hello.
func (s *Server) retryLocked(dead *wsConn) {
	for _, e := range s.sock.pending {
		if e.last != dead {
			continue
		}
		c := s.currentLocked()
		if c == nil {
			return
		}
		e.Retry++
		e.Reason = "timeout"
		s.sendLocked(c, e)
	}
}

// usableLocked lists the connections envelopes may go to: open, greeted,
// and not asked to disconnect.
func (s *Server) usableLocked() []*wsConn {
	var out []*wsConn
	for _, c := range s.sock.conns {
		if c.ready && !c.dead && !c.draining {
			out = append(out, c)
		}
	}
	return out
}

// currentLocked is the connection the next envelope goes to: the usable
// connections in turn, or nil when there is none.
func (s *Server) currentLocked() *wsConn {
	usable := s.usableLocked()
	if len(usable) == 0 {
		return nil
	}
	c := usable[s.sock.turn%len(usable)]
	s.sock.turn++
	return c
}

// sendLocked writes e on c and notes where it went.
func (s *Server) sendLocked(c *wsConn, e *envelope) {
	if s.writeLocked(c, e.wire()) == nil {
		e.sentOnce = true
		e.sentOn = append(e.sentOn, c.n)
		e.last = c
	}
}

// Push sends an envelope of the given type ("events_api", "slash_commands",
// "interactive") and returns its envelope_id. With no usable connection it
// is queued and delivered when the client connects.
func (s *Server) Push(typ string, payload any, acceptsResponse bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nextIDLocked()
	e := &envelope{
		ID:      fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(n*2654435761), n),
		Type:    typ,
		Payload: payload,
		Accepts: acceptsResponse,
	}
	s.sock.all[e.ID] = e
	s.sock.pending = append(s.sock.pending, e)
	if c := s.currentLocked(); c != nil {
		s.sendLocked(c, e)
	}
	s.notifyLocked()
	return e.ID
}

// Redeliver sends an envelope again, as Slack does when it did not see the
// ack in time: same envelope_id and payload, retry_attempt + 1, retry_reason
// "timeout".
func (s *Server) Redeliver(envelopeID string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.sock.all[envelopeID]
	if !ok {
		s.tb.Fatalf("fakeslack: no envelope %s", envelopeID)
		return
	}
	e.Retry++
	e.Reason = "timeout"
	pending := false
	for _, p := range s.sock.pending {
		pending = pending || p == e
	}
	if !pending {
		s.sock.pending = append(s.sock.pending, e)
	}
	if c := s.currentLocked(); c != nil {
		s.sendLocked(c, e)
	}
	s.notifyLocked()
}

// Disconnect sends a "disconnect" message (reason "refresh_requested",
// "warning", "link_disabled"...) on every open connection. New envelopes
// wait for the client's next connection.
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.sock.conns {
		if c.dead || !c.ready || c.draining {
			continue
		}
		c.draining = true
		_ = s.writeLocked(c, map[string]any{
			"type":       "disconnect",
			"reason":     reason,
			"debug_info": map[string]any{"host": "applink-fake"},
		})
	}
	s.notifyLocked()
}

// DropConnections closes every Socket Mode connection's TCP socket without
// a close frame, as a network failure would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	var conns []*wsConn
	for _, c := range s.sock.conns {
		if !c.dead {
			c.dead = true
			conns = append(conns, c)
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.UnderlyingConn().Close()
	}
}

// Refused is how many Socket Mode connections were refused as one too
// many (reason "too_many_websockets").
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.refused
}

// WaitRefused waits until n Socket Mode connections in all were refused as
// one too many.
func (s *Server) WaitRefused(n int) {
	s.tb.Helper()
	s.waitFor(fmt.Sprintf("%d refused Socket Mode connections", n), func() bool { return s.sock.refused >= n })
}

// WaitOpen waits until exactly n Socket Mode connections are open.
func (s *Server) WaitOpen(n int) {
	s.tb.Helper()
	s.waitFor(fmt.Sprintf("%d open Socket Mode connections", n), func() bool { return s.liveLocked() == n })
}

// DeliveredOn lists the connections (1-based, as Ack.Conn) an envelope was
// written to, in order: one, unless it was redelivered.
func (s *Server) DeliveredOn(envelopeID string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.sock.all[envelopeID]; ok {
		return append([]int(nil), e.sentOn...)
	}
	return nil
}

// WaitDelivered waits until an envelope was written n times and returns
// DeliveredOn.
func (s *Server) WaitDelivered(envelopeID string, n int) []int {
	s.tb.Helper()
	var on []int
	s.waitFor(fmt.Sprintf("%d deliveries of %s", n, envelopeID), func() bool {
		if e, ok := s.sock.all[envelopeID]; ok {
			on = append([]int(nil), e.sentOn...)
		}
		return len(on) >= n
	})
	return on
}

// Connections is how many Socket Mode connections were greeted with hello.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.hellos
}

// WaitConnections waits until n connections were greeted in total.
func (s *Server) WaitConnections(n int) {
	s.tb.Helper()
	s.waitFor(fmt.Sprintf("%d Socket Mode connections", n), func() bool {
		return s.sock.hellos >= n && len(s.usableLocked()) > 0
	})
}

// Acks returns the acknowledgements received so far.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.sock.acks...)
}

// AcksFor returns the acknowledgements of one envelope.
func (s *Server) AcksFor(envelopeID string) []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acksForLocked(envelopeID)
}

func (s *Server) acksForLocked(id string) []Ack {
	var out []Ack
	for _, a := range s.sock.acks {
		if a.EnvelopeID == id {
			out = append(out, a)
		}
	}
	return out
}

// WaitAck waits for the n-th (default first) acknowledgement of an envelope.
func (s *Server) WaitAck(envelopeID string, n ...int) Ack {
	s.tb.Helper()
	want := 1
	if len(n) > 0 {
		want = n[0]
	}
	var got []Ack
	s.waitFor("ack of "+envelopeID, func() bool {
		got = s.acksForLocked(envelopeID)
		return len(got) >= want
	})
	if len(got) < want {
		return Ack{}
	}
	return got[want-1]
}

// Unacked returns the ids of envelopes not acknowledged yet.
func (s *Server) Unacked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.sock.pending {
		out = append(out, e.ID)
	}
	return out
}
