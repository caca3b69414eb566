// Package discord is Hearth's Discord adapter, built on
// github.com/bwmarrin/discordgo.
//
// It turns gateway events into participation events for the core (never
// reading message content: Hearth does not ask for the MESSAGE_CONTENT
// intent), registers /hearth with one sub-command per entry of the core's
// command table, answers interactions within Discord's three seconds, renders
// the core's posts as messages with components, and posts through a paced
// queue that honours Discord's rate limits.
//
// cmd/hearth fills Config from the environment:
//
//	DISCORD_BOT_TOKEN         Config.BotToken (required)
//	DISCORD_GUILD_ID          Config.GuildID: register /hearth in this guild (instant) instead of globally
//	DISCORD_API_URL           Config.APIURL: REST base, default https://discord.com/api/v9/ (tests use the fake's)
//	DISCORD_MEMBERS_INTENT=1  Config.MembersIntent: ask for the privileged GUILD_MEMBERS intent
//	DISCORD_PUBLIC_KEY        Config.PublicKey: verify the optional HTTP interactions endpoint
//	DISCORD_SHARDS            Config.Shards: the gateway shard count (default: Discord's recommendation)
//
// and mounts HTTPHandler at /discord/interactions when it serves HTTP. With
// Config.Leases (the database several instances share), each shard's
// gateway session is opened by the one instance holding its lease
// (shards.go); every instance serves interactions and posts.
//
// Tests run the real discordgo client against package fakediscord.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/hearth-community/hearth/bot"
)

// DefaultAPIURL is Discord's REST base.
const DefaultAPIURL = "https://discord.com/api/v9/"

// Intents returns the gateway intents Hearth asks for: GUILDS,
// GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS, DIRECT_MESSAGES, and
// GUILD_MEMBERS only with members. Never MESSAGE_CONTENT.
func Intents(members bool) discordgo.Intent {
	i := discordgo.IntentGuilds | discordgo.IntentGuildMessages | discordgo.IntentGuildMessageReactions | discordgo.IntentDirectMessages
	if members {
		i |= discordgo.IntentGuildMembers
	}
	return i
}

// InvitePermissions are the bot permissions Hearth needs in a guild
// (17867064052736): View Channels and Read Message History to see channels
// and answer a message inline, Send Messages and Send Messages in Threads to
// post, Attach Files for charts, Create Events to put its own events on the
// server's Events list (PublishEvent; unlike Manage Events it cannot touch
// anyone else's). Nothing that moderates or reads content.
const InvitePermissions = discordgo.PermissionViewChannel | discordgo.PermissionReadMessageHistory |
	discordgo.PermissionSendMessages | discordgo.PermissionSendMessagesInThreads | discordgo.PermissionAttachFiles |
	discordgo.PermissionCreateEvents

// InviteURL is the link that adds the application's bot to a guild, with
// the bot and applications.commands scopes and InvitePermissions.
func InviteURL(applicationID string) string {
	return "https://discord.com/oauth2/authorize?client_id=" + url.QueryEscape(applicationID) +
		"&scope=bot+applications.commands&permissions=" + strconv.FormatInt(InvitePermissions, 10)
}

// Adapter is a Discord bot serving one or more guilds, each its own community.
type Adapter struct {
	cfg    Config
	h      bot.Handler
	clock  bot.Clock
	log    *slog.Logger
	token  string
	s      *discordgo.Session // REST only; gateway sessions are the shards'
	pubKey ed25519.PublicKey
	cmds   *commandSet

	queue *eventQueue
	state *state
	ids   *idStore
	out   *outbox
	seen  *boundedSet // interaction ids answered
	work  tracker     // interaction goroutines

	running atomic.Bool
	baseMu  sync.Mutex
	base    context.Context

	shards     atomic.Pointer[[]*shard] // set once Run knows the count
	registerMu sync.Mutex
	registered bool // /hearth registered by this process (registerMu)

	appID atomic.Pointer[string]

	chunkMu sync.Mutex
	chunks  map[string]*memberSync // nonce -> sync in progress

	stats struct {
		posted, rateLimited, retried, failed, unreachable atomic.Int64
		historySkipped                                    atomic.Int64
	}
}

var _ bot.Chat = (*Adapter)(nil)
var _ bot.Capable = (*Adapter)(nil)

// New checks cfg and prepares a session; Run connects it.
func New(cfg Config) (*Adapter, error) {
	token := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.BotToken), "Bot "))
	if token == "" {
		return nil, errors.New("discord: DISCORD_BOT_TOKEN is empty: copy the token from the Developer Portal (your application, Bot, Reset Token)")
	}
	if cfg.Handler == nil {
		return nil, errors.New("discord: Config.Handler is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.ClockFunc(time.Now)
	}
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Observer == nil {
		cfg.Observer = bot.NopObserver{}
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 5
	}
	if cfg.DeferAfter <= 0 {
		cfg.DeferAfter = 2 * time.Second
	}
	if cfg.PostInterval == 0 {
		cfg.PostInterval = 50 * time.Millisecond
	}
	if cfg.ChannelInterval == 0 {
		cfg.ChannelInterval = 250 * time.Millisecond
	}
	if cfg.ReconnectBackoff <= 0 {
		cfg.ReconnectBackoff = time.Second
	}
	if cfg.UnreachableFor <= 0 {
		cfg.UnreachableFor = 24 * time.Hour
	}
	if cfg.Shards < 0 {
		return nil, errors.New("discord: DISCORD_SHARDS must be a positive number of shards, or unset for Discord's recommendation")
	}
	if cfg.Leases != nil && strings.TrimSpace(cfg.Holder) == "" {
		return nil, errors.New("discord: Config.Holder is required with Config.Leases")
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	if cfg.LeaseWait == nil {
		cfg.LeaseWait = bot.Sleep
	}
	if cfg.LeaseClock == nil {
		cfg.LeaseClock = cfg.Clock
	}
	a := &Adapter{
		cfg:    cfg,
		h:      cfg.Handler,
		clock:  cfg.Clock,
		log:    cfg.Log.With("platform", "discord"),
		token:  token,
		queue:  newEventQueue(),
		state:  newState(),
		ids:    newIDStore(20000),
		out:    newOutbox(cfg.Clock, cfg.Sleep, cfg.PostInterval, cfg.ChannelInterval, func(n int) { cfg.Observer.Queue(bot.Discord, n) }),
		seen:   newBoundedSet(10000),
		base:   context.Background(),
		chunks: map[string]*memberSync{},
	}
	if cfg.PublicKey != "" {
		key, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
		if err != nil || len(key) != ed25519.PublicKeySize {
			return nil, errors.New("discord: DISCORD_PUBLIC_KEY must be the application's public key: 64 hex digits from the Developer Portal (General Information)")
		}
		a.pubKey = key
	}
	var err error
	if a.cmds, err = buildCommands(cfg.Commands); err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	client, err := httpClient(cfg.HTTPClient, cfg.APIURL)
	if err != nil {
		return nil, err
	}
	client.Transport = &apiCounter{base: client.Transport, obs: cfg.Observer}
	installLogger()
	a.s = a.newSession(client)
	return a, nil
}

// newSession returns a discordgo session set up as the adapter wants it,
// talking through client: the REST session, or a shard's gateway session.
func (a *Adapter) newSession(client *http.Client) *discordgo.Session {
	s, _ := discordgo.New("Bot " + a.token) // never fails (v0.29 only fills in a Session)
	s.Client = client
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 30 * time.Second}
	s.StateEnabled = false // the adapter keeps the little state it needs
	s.SyncEvents = true    // handlers run in the gateway's order, on its goroutine
	s.ShouldReconnectOnError = false
	s.ShouldReconnectVoiceOnSessionError = false
	s.ShouldRetryOnRateLimit = false // retried here, with a bound
	s.MaxRestRetries = a.cfg.MaxRetries
	s.Identify.Intents = Intents(a.cfg.MembersIntent)
	s.LogLevel = discordgo.LogError // its warnings can dump raw payloads, which may hold message text
	return s
}

var loggerOnce sync.Once

// installLogger sends discordgo's own log lines to slog's default logger
// instead of the standard logger. Sessions log errors only: discordgo's
// warnings can dump raw gateway payloads.
func installLogger() {
	loggerOnce.Do(func() {
		if discordgo.Logger != nil {
			return
		}
		discordgo.Logger = func(level, _ int, format string, args ...any) {
			l := slog.LevelWarn
			switch level {
			case discordgo.LogError:
				l = slog.LevelError
			case discordgo.LogInformational:
				l = slog.LevelInfo
			case discordgo.LogDebug:
				l = slog.LevelDebug
			}
			slog.Default().Log(context.Background(), l, fmt.Sprintf(format, args...), "component", "discordgo")
		}
	})
}

// fanOut is how many posts a fan-out keeps in flight: DMs go to different
// conversations, which the outbound queue paces independently.
const fanOut = 4

// Capabilities: buttons, modals and files. Ephemeral messages exist only as
// interaction replies; a bot.ToEphemeral post becomes a DM.
func (a *Adapter) Capabilities() bot.Capabilities {
	return bot.Capabilities{Buttons: true, Ephemeral: true, Forms: true, Files: true, Concurrent: fanOut}
}

// baseCtx is the context interaction work runs under: Run's while it runs.
func (a *Adapter) baseCtx() context.Context {
	a.baseMu.Lock()
	defer a.baseMu.Unlock()
	return a.base
}

// Connected reports whether this instance is ready on Discord: every shard
// it owns has its gateway session up (false until the first READY and
// again while reconnecting), once it has tried for each shard. An instance
// that owns no shard is ready then: it serves interactions and posts.
// Readiness checks ask it.
func (a *Adapter) Connected() bool {
	p := a.shards.Load()
	if p == nil {
		return false
	}
	for _, sh := range *p {
		if !sh.tried.Load() || (sh.owned.Load() && !sh.connected.Load()) {
			return false
		}
	}
	return true
}

// Run learns the shard count, then keeps each shard's gateway session open
// while this instance owns the shard (all of them without Config.Leases),
// registers /hearth once a session is up, and dispatches events until ctx
// is done; then it closes the sessions, releases the leases and returns
// nil. It returns an error when Discord refuses the bot for good: a bad
// token (close 4004 or HTTP 401), a privileged intent that is not switched
// on (4014), a shard count Discord refuses (4010, 4011).
func (a *Adapter) Run(ctx context.Context) error {
	if !a.running.CompareAndSwap(false, true) {
		return errors.New("discord: Run called twice")
	}
	// Interaction work outlives ctx by a grace period, so a command being
	// answered at shutdown is answered, not cancelled halfway.
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	a.baseMu.Lock()
	a.base = base
	a.baseMu.Unlock()

	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		a.dispatchLoop(ctx)
	}()
	defer func() {
		a.queue.close()
		<-dispatched
		a.work.wait(10 * time.Second)
		cancelBase()
	}()

	count := a.shardCount(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return a.runShards(ctx, count)
}

// connect opens a gateway session (resuming it when it has a session id),
// retrying with backoff until ctx is done, except after a close that
// retrying cannot fix.
func (a *Adapter) connect(ctx context.Context, s *discordgo.Session) error {
	wait := a.cfg.ReconnectBackoff
	for {
		err := s.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return nil
		}
		if fatal := fatalError(err); fatal != nil {
			a.log.Error("Discord refused the bot", "err", err)
			return fatal
		}
		a.log.Warn("connecting to the Discord gateway failed; retrying", "err", err, "retry_in", wait)
		if !waitReal(ctx, wait) {
			return nil
		}
		wait = min(wait*2, 2*time.Minute)
	}
}

// waitReal waits d on a timer; false when ctx ended first. Reconnection
// backoff waits in real time: it paces calls to Discord, not the clock.
func waitReal(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Gateway close codes after which reconnecting is pointless.
const (
	closeAuthenticationFailed = 4004
	closeInvalidShard         = 4010
	closeShardingRequired     = 4011
	closeInvalidAPIVersion    = 4012
	closeInvalidIntents       = 4013
	closeDisallowedIntents    = 4014
)

// ErrBadToken and ErrDisallowedIntent are the fatal errors Run may return
// (wrapped with advice).
var (
	ErrBadToken         = errors.New("DISCORD_BOT_TOKEN was refused by Discord")
	ErrDisallowedIntent = errors.New("discord refused a privileged intent")
)

// newTokenAdvice is what to do about a refused token.
const newTokenAdvice = "copy the bot's token again, or make a new one, in the Developer Portal (your application, Bot, Reset Token)"

// fatalError turns an error no retry can fix into one that says what to do;
// it returns nil for errors worth retrying.
func fatalError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case closeAuthenticationFailed:
			return fmt.Errorf("%w (gateway close 4004 %q): %s", ErrBadToken, ce.Text, newTokenAdvice)
		case closeDisallowedIntents:
			return fmt.Errorf("%w (gateway close 4014 %q): DISCORD_MEMBERS_INTENT=1 needs the Server Members Intent: switch on \"Server Members Intent\" under Privileged Gateway Intents on the Bot page of the Developer Portal, or unset DISCORD_MEMBERS_INTENT", ErrDisallowedIntent, ce.Text)
		case closeInvalidShard, closeShardingRequired:
			return fmt.Errorf("discord closed the gateway with %d %q: set DISCORD_SHARDS to a shard count Discord accepts (the same on every instance), or unset it for Discord's recommendation", ce.Code, ce.Text)
		case closeInvalidAPIVersion, closeInvalidIntents:
			return fmt.Errorf("discord closed the gateway with %d %q; reconnecting would not help", ce.Code, ce.Text)
		}
		return nil
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("%w (HTTP 401): %s", ErrBadToken, newTokenAdvice)
	}
	return nil // network failures and the like are worth retrying
}

// registerOnce registers /hearth the first time a session of this process
// is up (an instance owning no shard leaves it to one that does); a failure
// that retrying may fix is logged and tried again at the next session.
func (a *Adapter) registerOnce(ctx context.Context) error {
	a.registerMu.Lock()
	defer a.registerMu.Unlock()
	if a.registered {
		return nil
	}
	if err := a.registerCommands(ctx); err != nil {
		if fatal := fatalError(err); fatal != nil {
			return fatal
		}
		a.log.Error("registering /hearth failed: members can't run commands until it succeeds; check that the bot was invited with the applications.commands scope", "err", err)
		return nil
	}
	a.registered = true
	return nil
}

// registerCommands overwrites the application's commands with /hearth, in
// the configured guild or globally.
func (a *Adapter) registerCommands(ctx context.Context) error {
	appID := a.applicationID()
	if appID == "" {
		return errors.New("READY carried no application id")
	}
	cmds, err := a.s.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, []*discordgo.ApplicationCommand{a.cmds.schema}, discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	scope := "global"
	if a.cfg.GuildID != "" {
		scope = "guild " + a.cfg.GuildID
	}
	a.log.Info("registered /hearth", "scope", scope, "commands", len(cmds), "subcommands", len(a.cmds.schema.Options))
	return nil
}

func (a *Adapter) applicationID() string {
	if p := a.appID.Load(); p != nil {
		return *p
	}
	return ""
}

// Stats counts what the outbound queue did.
type Stats struct {
	Posted      int64 // messages Discord accepted
	RateLimited int64 // 429s received (each delayed a post)
	Retried     int64 // retries after a transient failure
	Failed      int64 // posts given up
	Unreachable int64 // DMs refused because the member closed them
	// HistoryReactionsSkipped counts the reactions history did not import
	// because their message had more than ReactionCap with one emoji.
	HistoryReactionsSkipped int64
}

// Stats returns the outbound counters.
func (a *Adapter) Stats() Stats {
	return Stats{
		Posted:      a.stats.posted.Load(),
		RateLimited: a.stats.rateLimited.Load(),
		Retried:     a.stats.retried.Load(),
		Failed:      a.stats.failed.Load(),
		Unreachable: a.stats.unreachable.Load(),

		HistoryReactionsSkipped: a.stats.historySkipped.Load(),
	}
}

// tracker counts goroutines the adapter started, so Run can wait for them.
type tracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

func (t *tracker) add() {
	t.mu.Lock()
	if t.n == 0 {
		t.idle = make(chan struct{})
	}
	t.n++
	t.mu.Unlock()
}

func (t *tracker) done() {
	t.mu.Lock()
	t.n--
	if t.n == 0 {
		close(t.idle)
	}
	t.mu.Unlock()
}

func (t *tracker) wait(limit time.Duration) {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return
	}
	idle := t.idle
	t.mu.Unlock()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-idle:
	case <-timer.C:
	}
}

// boundedSet remembers the last n keys added.
type boundedSet struct {
	mu    sync.Mutex
	m     map[string]bool
	order []string
	n     int
}

func newBoundedSet(n int) *boundedSet { return &boundedSet{m: map[string]bool{}, n: n} }

// add reports whether key is new.
func (b *boundedSet) add(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m[key] {
		return false
	}
	b.m[key] = true
	b.order = append(b.order, key)
	if len(b.order) > b.n {
		delete(b.m, b.order[0])
		b.order = b.order[1:]
	}
	return true
}
