// Package fakediscord is a small Discord that runs on 127.0.0.1 for tests:
// the REST API routes Hearth uses and a gateway WebSocket speaking Discord's
// documented protocol (HELLO, IDENTIFY, READY, heartbeats and ACKs,
// dispatches with sequence numbers, RESUME with replay, RECONNECT, INVALID
// SESSION, REQUEST_GUILD_MEMBERS and member chunks), so the real discordgo
// client is what the adapter tests exercise.
//
// Everything a client does is recorded for assertions, and knobs reproduce
// Discord's failures: a 429 on a route, an answer lost after the request was
// carried out (a 500), a member whose DMs are closed (error 50007), a bot
// without Create Events (error 50013), a bad token (close 4004), a
// privileged intent that is not switched on (close 4014), a dropped socket,
// an op 7 RECONNECT.
//
// It is not Discord: it checks what Hearth relies on and accepts the rest.
package fakediscord

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	DefaultToken = "fake-bot-token"
	DefaultAppID = "900000000000000001"
	DefaultBotID = "900000000000000002"
)

// Gateway intents the fake cares about.
const (
	IntentGuilds                = 1 << 0
	IntentGuildMembers          = 1 << 1
	IntentGuildMessages         = 1 << 9
	IntentGuildMessageReactions = 1 << 10
	IntentDirectMessages        = 1 << 12
	IntentMessageContent        = 1 << 15
)

// Options configures a fake Discord.
type Options struct {
	// Token is the bot token the fake accepts (without "Bot "). Default DefaultToken.
	Token string
	// AppID and BotID are the application's and its bot user's ids.
	AppID, BotID string
	// BotName is the bot user's name. Default "Hearth".
	BotName string
	// MembersIntent says whether the privileged Server Members Intent is
	// switched on for the application. When it is off, an IDENTIFY asking
	// for GUILD_MEMBERS is closed with 4014 and the REST member list is
	// refused, as Discord does.
	MembersIntent bool
	// HeartbeatInterval is sent in HELLO. Default 41.25 s (Discord's).
	HeartbeatInterval time.Duration
	// ChunkSize is how many members one GUILD_MEMBERS_CHUNK carries. Default 1000.
	ChunkSize int
	// Guilds are sent as GUILD_CREATE after each READY.
	Guilds []Guild
	// IgnoreMemberRequests is how many REQUEST_GUILD_MEMBERS the fake
	// records but never answers, as when the connection that carried them
	// drops before the chunks come back.
	IgnoreMemberRequests int
	// Now is the fake's clock, for message ids and timestamps. Default time.Now.
	Now func() time.Time
	// Shards is the shard count GET /gateway/bot recommends. Default: one
	// per thousand guilds, at least one (Discord's rule of thumb).
	Shards int
	// BotPermissions are the permissions of the role the bot gets in a
	// guild without Guild.BotRoles. Default DefaultBotPermissions.
	BotPermissions int64
	// MaxGuildsPerShard is how many guilds one session may hold: an
	// IDENTIFY whose shard would hold more is closed with 4011 (sharding
	// required). Default 2500, Discord's.
	MaxGuildsPerShard int
}

// Server is a running fake Discord.
type Server struct {
	opts    Options
	http    *httptest.Server
	wsURL   string
	revoked atomic.Bool
	// maxContent is the content limit (LimitContent); MaxContent when 0.
	maxContent atomic.Int64

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced on every recorded change
	guilds      map[string]*Guild
	guildOrder  []string
	channels    map[string]channelInfo // every channel, thread and DM by id
	dmChannels  map[string]string      // user id -> DM channel id
	closedDMs   map[string]bool
	rateLimits  map[string][]time.Duration  // "METHOD /path" -> pending 429s
	lostAnswers map[string]int              // "METHOD /path" -> requests to carry out but answer 500
	refusals    map[string]int              // "METHOD /path" -> requests to refuse as an Invalid Form Body
	events      map[string][]ScheduledEvent // guild id -> scheduled events, oldest first
	noEvents    map[string]bool             // guild ids where the bot lacks Create Events
	requests    []Request
	messages    []SentMessage
	nonces      map[string]SentMessage // channel+nonce -> message, for enforce_nonce
	callbacks   []Callback
	commands    map[string][]byte // "global" or guild id -> last PUT body
	identifies  []Identify
	closedWith  []int // close codes of refused IDENTIFYs
	resumes     []Resume
	heartbeats  int
	memberReqs  []json.RawMessage
	sessions    map[string]*session
	current     *session
	conns       map[*conn]bool
	interacts   map[string]Interaction
	closedFlag  bool
	connections int

	history     map[string][]*storedMessage // channel id -> messages, oldest first
	archived    map[string]archivedThread   // thread id -> when it was archived
	routeLimits map[string]routeLimit       // route pattern -> limit
	buckets     map[string]*bucketState     // pattern + major id -> window
	limited429  int
	hidden      map[string]bool // channel ids whose messages answer 403
}

// channelInfo is what the fake knows of a channel, for GET /channels/{id}.
type channelInfo struct {
	Channel
	GuildID   string
	Recipient string // for DMs
}

// Request is one REST request the fake received.
type Request struct {
	Method string
	Path   string // without the /api/v9 prefix, e.g. "/channels/1/messages"
	Query  url.Values
	Header http.Header
	Body   []byte // the JSON body (payload_json for multipart requests)
	Files  []File // multipart files
	Status int    // the status the fake answered
}

// File is an uploaded attachment.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// SentMessage is a message the fake accepted through REST, in a channel or
// through an interaction webhook.
type SentMessage struct {
	ID        string
	ChannelID string
	Content   string
	Flags     int
	Nonce     string
	// ReplyTo is the message_reference's message id, if any.
	ReplyTo    string
	Components json.RawMessage
	Files      []File
	// Mentions is the allowed_mentions object sent, if any.
	AllowedMentions json.RawMessage
}

// Callback is what the client did with an interaction: the initial response
// (Kind "callback", Type 4, 5, 9...), an edit of the original response
// ("edit"), a follow-up ("followup") or a deletion of the original ("delete").
type Callback struct {
	Interaction string // interaction id
	Kind        string
	Type        int             // for Kind "callback"
	Data        json.RawMessage // the response data / message body
	Files       []File
	// After is how long after the interaction (by the fake's clock) it came.
	After time.Duration
}

// Identify is a recorded IDENTIFY.
type Identify struct {
	Token   string
	Intents int
	// Shard is the shard asked for ({0, 1} when the IDENTIFY named none).
	Shard Shard
	Raw   json.RawMessage
}

// Resume is a recorded RESUME.
type Resume struct {
	SessionID string
	Seq       int64
}

// New starts a fake Discord on 127.0.0.1. Close it when done.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.AppID == "" {
		opts.AppID = DefaultAppID
	}
	if opts.BotID == "" {
		opts.BotID = DefaultBotID
	}
	if opts.BotName == "" {
		opts.BotName = "Hearth"
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = 41250 * time.Millisecond
	}
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Shards <= 0 {
		opts.Shards = max(1, (len(opts.Guilds)+999)/1000)
	}
	if opts.BotPermissions == 0 {
		opts.BotPermissions = DefaultBotPermissions
	}
	if opts.MaxGuildsPerShard <= 0 {
		opts.MaxGuildsPerShard = 2500
	}
	s := &Server{
		opts:        opts,
		changed:     make(chan struct{}),
		guilds:      map[string]*Guild{},
		channels:    map[string]channelInfo{},
		dmChannels:  map[string]string{},
		closedDMs:   map[string]bool{},
		rateLimits:  map[string][]time.Duration{},
		lostAnswers: map[string]int{},
		refusals:    map[string]int{},
		events:      map[string][]ScheduledEvent{},
		noEvents:    map[string]bool{},
		nonces:      map[string]SentMessage{},
		commands:    map[string][]byte{},
		sessions:    map[string]*session{},
		conns:       map[*conn]bool{},
		interacts:   map[string]Interaction{},
		history:     map[string][]*storedMessage{},
		archived:    map[string]archivedThread{},
		routeLimits: map[string]routeLimit{},
		buckets:     map[string]*bucketState{},
		hidden:      map[string]bool{},
	}
	for _, g := range opts.Guilds {
		s.addGuildLocked(g)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws/", s.serveGateway)
	mux.HandleFunc("/ws", s.serveGateway)
	mux.Handle("/api/v9/", http.StripPrefix("/api/v9", s.restMux()))
	srv := httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakediscord: listen: %v", err))
	}
	srv.Listener = ln
	srv.Start()
	s.http = srv
	s.wsURL = "ws://" + ln.Addr().String() + "/ws"
	return s
}

// URL is the REST base to give the client (DISCORD_API_URL), ending in "/".
func (s *Server) URL() string { return s.http.URL + "/api/v9/" }

// GatewayURL is the WebSocket URL /gateway answers.
func (s *Server) GatewayURL() string { return s.wsURL }

// Token is the bot token the fake accepts.
func (s *Server) Token() string { return s.opts.Token }

// AppID is the application id.
func (s *Server) AppID() string { return s.opts.AppID }

// BotID is the bot user's id.
func (s *Server) BotID() string { return s.opts.BotID }

// Close stops the server and drops every connection.
func (s *Server) Close() {
	s.mu.Lock()
	s.closedFlag = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	s.http.CloseClientConnections()
	s.http.Close()
}

// RevokeToken makes the bot token invalid from now on, as resetting it in
// the Developer Portal does: IDENTIFY and RESUME are closed with 4004 and
// REST answers 401.
func (s *Server) RevokeToken() { s.revoked.Store(true) }

// validToken reports whether token (with or without "Bot ") is the bot's.
func (s *Server) validToken(token string) bool {
	return !s.revoked.Load() && strings.TrimPrefix(token, "Bot ") == s.opts.Token
}

// notifyLocked wakes Wait callers. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ErrTimeout is returned by Wait when the condition did not hold in time.
var ErrTimeout = errors.New("fakediscord: timed out waiting")

// Wait blocks until cond (called with nothing locked) returns true, checking
// again after every change the fake records. timeout only guards against a
// test hanging.
func (s *Server) Wait(timeout time.Duration, cond func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			if cond() {
				return nil
			}
			return ErrTimeout
		}
	}
}

// Requests returns the REST requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestsTo returns the requests whose "METHOD /path" starts with prefix.
func (s *Server) RequestsTo(prefix string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Method+" "+r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// Messages returns the messages accepted in channelID ("" for all).
func (s *Server) Messages(channelID string) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SentMessage
	for _, m := range s.messages {
		if channelID == "" || m.ChannelID == channelID {
			out = append(out, m)
		}
	}
	return out
}

// DMChannel returns the DM channel the client opened with userID (POST
// /users/@me/channels), or "" when it opened none: with Messages, what
// was sent to that user.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannels[userID]
}

// Callbacks returns what the client did with interaction id ("" for all).
func (s *Server) Callbacks(id string) []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Callback
	for _, c := range s.callbacks {
		if id == "" || c.Interaction == id {
			out = append(out, c)
		}
	}
	return out
}

// Commands returns the body of the last application command overwrite for
// guildID, or for the global commands when guildID is "".
func (s *Server) Commands(guildID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if guildID == "" {
		guildID = "global"
	}
	return s.commands[guildID]
}

// Identifies returns the IDENTIFY payloads received.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.identifies)
}

// Resumes returns the RESUME payloads received.
func (s *Server) Resumes() []Resume {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.resumes)
}

// Heartbeats returns how many heartbeats were received (each was ACKed).
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// Connections returns how many gateway connections were opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// MemberRequests returns the REQUEST_GUILD_MEMBERS payloads received.
func (s *Server) MemberRequests() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.memberReqs)
}

// RateLimit makes the next n requests to route ("POST /channels/1/messages")
// answer 429 with retry_after, with Discord's headers.
func (s *Server) RateLimit(route string, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.rateLimits[route] = append(s.rateLimits[route], retryAfter)
	}
}

// LoseAnswers makes the next n requests to route ("POST /guilds/1/scheduled-events")
// take effect but answer 500, as when Discord fails after acting: the client
// can't tell whether its request went through.
func (s *Server) LoseAnswers(route string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lostAnswers[route] += n
}

// loseAnswer reports whether the answer to a request to route is lost.
func (s *Server) loseAnswer(route string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lostAnswers[route] == 0 {
		return false
	}
	s.lostAnswers[route]--
	return true
}

// RefuseBodies makes the next n requests to route ("POST /channels/1/messages")
// answer 400 Invalid Form Body (50035) naming "content", whatever they
// hold: a Discord that refuses what the fake would accept.
func (s *Server) RefuseBodies(route string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusals[route] += n
}

// refuseBody reports whether a request to route is refused by RefuseBodies.
func (s *Server) refuseBody(route string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refusals[route] == 0 {
		return false
	}
	s.refusals[route]--
	return true
}

// LimitContent makes the fake refuse message content over n characters
// instead of MaxContent, as a Discord that counts characters otherwise
// (UTF-16 units, say) or lowers its limit would; 0 restores MaxContent.
func (s *Server) LimitContent(n int) { s.maxContent.Store(int64(n)) }

func (s *Server) contentLimit() int {
	if n := s.maxContent.Load(); n > 0 {
		return int(n)
	}
	return MaxContent
}

// CloseDMs makes messages to userID's DM channel fail with 50007, as when a
// member does not accept DMs from server members.
func (s *Server) CloseDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closedDMs[userID] = true
}

// AddChannel makes a channel or thread known to REST (GET /channels/{id},
// posting) without dispatching anything, as a thread the client has not
// been told about.
func (s *Server) AddChannel(guildID string, ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[ch.ID] = channelInfo{Channel: ch, GuildID: guildID}
	if g := s.guilds[guildID]; g != nil {
		if isThread(ch.Type) {
			g.Threads = append(g.Threads, ch)
		} else {
			g.Channels = append(g.Channels, ch)
		}
	}
}

func isThread(t int) bool {
	return t == ChannelNewsThread || t == ChannelPublicThread || t == ChannelPrivateThread
}

func (s *Server) addGuildLocked(g Guild) {
	gg := g
	if _, ok := s.guilds[g.ID]; !ok {
		s.guildOrder = append(s.guildOrder, g.ID)
	}
	s.guilds[g.ID] = &gg
	for _, c := range g.Channels {
		s.channels[c.ID] = channelInfo{Channel: c, GuildID: g.ID}
	}
	for _, c := range g.Threads {
		s.channels[c.ID] = channelInfo{Channel: c, GuildID: g.ID}
	}
}
