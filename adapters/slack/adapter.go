// Package slack connects Hearth to a Slack workspace with
// github.com/slack-go/slack.
//
// It turns Slack's events into participation (bot.Event), its slash command
// and interactive payloads into bot.Command and bot.Action, and the core's
// posts into Block Kit, through a paced outbound queue that honours Slack's
// rate limits. It decodes only metadata (who, where, when, what kind):
// message text is never kept, passed on or logged.
//
// Two ways to receive from Slack:
//
//   - Socket Mode (the default, no public URL): BotToken and AppToken. Run
//     opens the WebSocket and reconnects when Slack asks or the socket drops.
//   - HTTP mode: BotToken and SigningSecret, AppToken empty. Run does the
//     start-up work; cmd/hearth mounts HTTPHandler at /slack/events on
//     HEARTH_HTTP_ADDR, the request URL of the Events API, slash commands
//     and interactivity alike.
//
// Environment variables (read by cmd/hearth) and the Config fields they set:
//
//	SLACK_BOT_TOKEN       Config.BotToken       required, xoxb-…
//	SLACK_APP_TOKEN       Config.AppToken       xapp-…; set for Socket Mode
//	SLACK_SIGNING_SECRET  Config.SigningSecret  set for HTTP mode
//	SLACK_API_URL         Config.APIURL         default https://slack.com/api/
//	HEARTH_HTTP_ADDR      (cmd/hearth)          where HTTPHandler listens, at /slack/events
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// DefaultAPIURL is Slack's Web API base URL.
const DefaultAPIURL = "https://slack.com/api/"

// Defaults of the tunables in Config.
const (
	DefaultPostInterval      = time.Second     // one post per second per channel, as Slack asks
	DefaultUsersPageSize     = 200             // users.list page size Slack recommends
	DefaultUsersPageInterval = 3 * time.Second // users.list is Tier 2: 20+ calls a minute
	// AckBudget is how long a view submission may take before Hearth acks it
	// without waiting for the core (Slack allows 3 seconds).
	AckBudget = 2500 * time.Millisecond
	// maxSkew is how old (or early) a signed HTTP request may be.
	maxSkew = 5 * time.Minute
	// shutdownGrace is how long Run waits for in-flight replies on shutdown.
	shutdownGrace = 10 * time.Second
)

// Config is what the adapter needs. See the package documentation for the
// environment variables cmd/hearth maps to these fields.
type Config struct {
	// BotToken is the Bot User OAuth Token, SLACK_BOT_TOKEN (xoxb-…). Required.
	BotToken string
	// AppToken is the app-level token with connections:write,
	// SLACK_APP_TOKEN (xapp-…). When set, Run uses Socket Mode.
	AppToken string
	// SigningSecret is the app's signing secret, SLACK_SIGNING_SECRET. It
	// is required for HTTPHandler (HTTP mode).
	SigningSecret string
	// APIURL is the Web API base, SLACK_API_URL. Default DefaultAPIURL.
	APIURL string

	// Handler receives events, commands and actions. Required.
	Handler bot.Handler
	// Clock gives the time of directory syncs and commands, paces the
	// outbound queue and checks request timestamps. Default: the wall clock.
	Clock bot.Clock
	// Log receives structured logs; never message text or secrets. Default: discard.
	Log *slog.Logger
	// Observer is told every Web API call (by method, with 429s and
	// refusals), every post and the outbound queue's depth. Default: none.
	Observer bot.Observer

	// HTTPClient is used for every call to Slack. Default: a client with a
	// 30s timeout.
	HTTPClient *http.Client
	// Sleep waits d or until ctx is done; the outbound queue's pacing,
	// Retry-After and users.list pacing go through it. Tests inject one that
	// advances a manual Clock instead of sleeping. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// PostInterval is the minimum time between two posts in one channel.
	// Default DefaultPostInterval.
	PostInterval time.Duration
	// UsersPageSize and UsersPageInterval pace the users.list sync.
	UsersPageSize     int
	UsersPageInterval time.Duration
	// HistoryPageSize is how many messages a history page asks for.
	// Default DefaultHistoryPageSize.
	HistoryPageSize int
}

// Adapter is Hearth's Slack app. Create it with New, then call Run.
type Adapter struct {
	cfg      Config
	h        bot.Handler
	clock    bot.Clock
	log      *slog.Logger
	obs      bot.Observer
	httpc    *http.Client
	sleep    func(ctx context.Context, d time.Duration) error
	apiURL   string
	api      *slack.Client
	socket   bool
	pageSize int
	pageWait time.Duration
	histPage int
	pacer    *methodPacer // of history reads, by method (history.go)

	// id is who Hearth is, from auth.test: the team and bot ids are fixed
	// for the token, on every instance; the workspace's name and address
	// (labels only) are read again at each start.
	id atomic.Pointer[identity]

	mu      sync.RWMutex
	started bool // Run was called
	running bool // accepting work
	// connected: auth.test passed and, in Socket Mode, the socket is up.
	connected atomic.Bool
	workCtx   context.Context
	work      sync.WaitGroup

	dir     *directory // expires what other instances may change: see directory
	lookups *lookups   // of unseen authors, owned by the event loop
	events  chan inbound
	out     *outbox
}

var (
	_ bot.Chat    = (*Adapter)(nil)
	_ bot.Capable = (*Adapter)(nil)
)

// New checks cfg and returns an adapter. Token errors name the variable to fix.
func New(cfg Config) (*Adapter, error) {
	cfg.BotToken = strings.TrimSpace(cfg.BotToken)
	cfg.AppToken = strings.TrimSpace(cfg.AppToken)
	cfg.SigningSecret = strings.TrimSpace(cfg.SigningSecret)
	switch {
	case cfg.BotToken == "":
		return nil, errors.New("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page")
	case !strings.HasPrefix(cfg.BotToken, "xoxb-"):
		return nil, fmt.Errorf("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (this one starts with %q): use the Bot User OAuth Token from OAuth & Permissions", tokenPrefix(cfg.BotToken))
	case cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-"):
		return nil, fmt.Errorf("SLACK_APP_TOKEN must be an app-level token starting with xapp- (this one starts with %q): create one with the connections:write scope under Basic Information → App-Level Tokens", tokenPrefix(cfg.AppToken))
	case cfg.AppToken == "" && cfg.SigningSecret == "":
		return nil, errors.New("set SLACK_APP_TOKEN (xapp-…) for Socket Mode, or SLACK_SIGNING_SECRET and HEARTH_HTTP_ADDR for HTTP mode")
	case cfg.Handler == nil:
		return nil, errors.New("slack: Config.Handler is required")
	}
	a := &Adapter{
		cfg:      cfg,
		h:        cfg.Handler,
		clock:    cfg.Clock,
		log:      cfg.Log,
		obs:      cfg.Observer,
		httpc:    cfg.HTTPClient,
		sleep:    cfg.Sleep,
		apiURL:   cfg.APIURL,
		socket:   cfg.AppToken != "",
		pageSize: cfg.UsersPageSize,
		pageWait: cfg.UsersPageInterval,
		histPage: cfg.HistoryPageSize,
		events:   make(chan inbound, 1024),
	}
	if a.clock == nil {
		a.clock = bot.ClockFunc(time.Now)
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.log = a.log.With("adapter", "slack")
	if a.obs == nil {
		a.obs = bot.NopObserver{}
	}
	if a.httpc == nil {
		a.httpc = &http.Client{Timeout: 30 * time.Second}
	}
	a.httpc = observeAPI(a.httpc, a.obs)
	if a.sleep == nil {
		a.sleep = bot.Sleep
	}
	if a.apiURL == "" {
		a.apiURL = DefaultAPIURL
	}
	if !strings.HasSuffix(a.apiURL, "/") {
		a.apiURL += "/"
	}
	if a.pageSize <= 0 {
		a.pageSize = DefaultUsersPageSize
	}
	if a.pageWait <= 0 {
		a.pageWait = DefaultUsersPageInterval
	}
	if a.histPage <= 0 {
		a.histPage = DefaultHistoryPageSize
	}
	interval := cfg.PostInterval
	if interval <= 0 {
		interval = DefaultPostInterval
	}
	a.api = slack.New(cfg.BotToken, slack.OptionAPIURL(a.apiURL), slack.OptionHTTPClient(a.httpc))
	a.dir = newDirectory()
	a.lookups = newLookups(func(ctx context.Context, id string) { a.askUser(ctx, id) })
	// Pacing measures time with the clock it sleeps on: the real one unless a
	// test injects both. With a simulated clock and real sleeps, two posts due
	// in one channel at one simulated instant would wait forever.
	paceClock := a.clock
	if cfg.Sleep == nil {
		paceClock = bot.ClockFunc(time.Now)
	}
	a.out = newOutbox(paceClock, a.sleep, interval, a.log)
	a.pacer = newMethodPacer(paceClock, a.sleep)
	a.out.depth = func(n int) { a.obs.Queue(bot.Slack, n) }
	return a, nil
}

// SocketMode reports whether Run receives through Socket Mode (AppToken
// set). Otherwise cmd/hearth must serve HTTPHandler.
func (a *Adapter) SocketMode() bool { return a.socket }

// fanOut is how many posts a fan-out keeps in flight: DMs go to different
// conversations, which the outbound queue paces independently.
const fanOut = 4

// Capabilities says Slack renders everything the core can ask for.
func (a *Adapter) Capabilities() bot.Capabilities {
	return bot.Capabilities{Buttons: true, Ephemeral: true, Forms: true, Files: true, Concurrent: fanOut}
}

// Run checks the bot token (auth.test), syncs the workspace's members,
// starts the outbound queue and, in Socket Mode, receives from Slack until
// ctx is done. In HTTP mode it returns when ctx is done; HTTPHandler
// receives meanwhile. It returns an error naming the variable to fix when a
// token is refused; while Slack cannot be reached it retries, not
// Connected, until ctx is done.
func (a *Adapter) Run(ctx context.Context) error {
	a.mu.Lock()
	if a.started {
		a.mu.Unlock()
		return errors.New("slack: Run called twice")
	}
	a.started = true
	a.mu.Unlock()

	if err := a.authTest(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while Slack was unreachable
		}
		return err
	}

	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()

	outStop, outDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(outDone); a.out.run(outStop) }()
	evStop, evDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(evDone); a.eventLoop(workCtx, evStop) }()

	a.mu.Lock()
	a.workCtx = workCtx
	a.running = true
	a.mu.Unlock()

	syncDone := make(chan struct{})
	go func() {
		defer close(syncDone)
		if err := a.syncMembers(runCtx); err != nil && runCtx.Err() == nil {
			a.log.Error("member sync failed; members who never post will not be counted until the next start",
				"err", describe(err))
		}
	}()

	var err error
	if a.socket {
		err = a.runSocket(runCtx)
	} else {
		a.connected.Store(true)
		a.log.Info("HTTP mode: waiting for Slack requests at /slack/events")
		<-runCtx.Done()
	}
	a.connected.Store(false)

	// Shut down: stop taking work, finish what was acknowledged.
	cancelRun()
	a.mu.Lock()
	a.running = false
	a.mu.Unlock()
	close(evStop)
	waited := make(chan struct{})
	go func() { a.work.Wait(); <-evDone; close(waited) }()
	select {
	case <-waited:
	case <-time.After(shutdownGrace):
		a.log.Warn("shutdown: in-flight work did not finish in time; cancelling it")
		cancelWork()
		<-waited
	}
	close(outStop)
	<-outDone
	<-syncDone
	a.log.Info("stopped")
	return err
}

// Connected reports whether Slack can reach Hearth: auth.test passed and,
// in Socket Mode, the socket is connected (false again while it
// reconnects). Readiness checks ask it.
func (a *Adapter) Connected() bool { return a.connected.Load() }

// authRetryMax bounds the wait between two auth.test attempts.
const authRetryMax = 2 * time.Minute

// authTest learns who Hearth is. It fails fast on a refused token or an
// address that is not Slack's API, and retries anything else (the network,
// Slack's 5xx, 429, internal_error) with backoff until ctx is done, so a
// Slack outage at start-up leaves Hearth not ready rather than stopped.
func (a *Adapter) authTest(ctx context.Context) error {
	wait := time.Second
	var resp *slack.AuthTestResponse
	for {
		var err error
		resp, err = a.api.AuthTestContext(ctx)
		if err == nil {
			break
		}
		if code := slackCode(err); isAuthCode(code) {
			a.log.Error("Slack refused SLACK_BOT_TOKEN", "code", code)
			return fmt.Errorf("SLACK_BOT_TOKEN was refused by Slack (%s): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page, and reinstall the app if it was removed", code)
		}
		var sce slack.StatusCodeError
		if errors.As(err, &sce) && sce.Code >= 400 && sce.Code < 500 && sce.Code != http.StatusTooManyRequests {
			return fmt.Errorf("slack: auth.test at %s answered HTTP %d: check SLACK_API_URL", a.apiURL, sce.Code)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.log.Warn("cannot reach Slack to check SLACK_BOT_TOKEN; retrying", "err", describe(err), "retry_in", wait)
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(wait*2, authRetryMax)
	}
	if resp.TeamID == "" || resp.UserID == "" {
		return fmt.Errorf("slack: auth.test at %s answered without a team or user id", a.apiURL)
	}
	a.id.Store(&identity{teamID: resp.TeamID, teamName: resp.Team, botUserID: resp.UserID, botID: resp.BotID, url: resp.URL})
	mode := "http"
	if a.socket {
		mode = "socket"
	}
	a.log.Info("connected to Slack", "team_id", resp.TeamID, "team", resp.Team, "bot_user", resp.UserID, "mode", mode)
	return nil
}

func isAuthCode(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type":
		return true
	}
	return false
}

// identity is the workspace and bot user Hearth runs as.
type identity struct {
	teamID, teamName string
	botUserID, botID string
	url              string // the workspace's address, https://team.slack.com/
}

func (a *Adapter) ident() identity {
	if id := a.id.Load(); id != nil {
		return *id
	}
	return identity{}
}

// community returns the workspace as the core knows it.
func (a *Adapter) community() bot.Community {
	id := a.ident()
	return bot.Community{ID: bot.CommunityID(bot.Slack, id.teamID), Platform: bot.Slack, Name: id.teamName}
}

func (a *Adapter) communityID() string { return a.community().ID }

func (a *Adapter) self() (userID, botID string) {
	id := a.ident()
	return id.botUserID, id.botID
}

func (a *Adapter) isRunning() bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.running
}

// goWork runs fn in a goroutine that Run waits for on shutdown. It returns
// false (and does nothing) when the adapter is not running.
func (a *Adapter) goWork(what string, fn func(ctx context.Context)) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if !a.running {
		return false
	}
	ctx := a.workCtx
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		defer func() {
			if r := recover(); r != nil {
				a.log.Error("panic in "+what, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		fn(ctx)
	}()
	return true
}

// tokenPrefix is the part of a token that names its kind (xoxb, xoxp,
// xapp...), safe to print.
func tokenPrefix(tok string) string {
	if i := strings.IndexByte(tok, '-'); i > 1 && i <= 5 && tok[0] == 'x' {
		return tok[:i+1]
	}
	return "something else"
}
