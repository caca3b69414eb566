package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hearth-community/hearth/adapters/web"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/dashboard"
	"github.com/hearth-community/hearth/store"
)

// The facilitators' dashboard is two parts that know nothing of each other:
// bot/dashboard signs people in (links and sessions in the database) and
// adapters/web draws the pages. This file joins them, for `hearth run`
// (under /dashboard/ on HEARTH_HTTP_ADDR) and `hearth dashboard` (offline).

// signInsPerMinute is how many sign-in attempts one address may make a
// minute, per instance (see dashboard.SignInLimiter).
const signInsPerMinute = 10

// dashboardAuth is bot/dashboard's sign-in as the pages' web.Auth.
type dashboardAuth struct{ m *dashboard.Module }

var _ web.Auth = dashboardAuth{}

func (a dashboardAuth) SignIn(ctx context.Context, token string) (web.Session, string, error) {
	s, secret, err := a.m.SignIn(ctx, token)
	return webSession(s), secret, err
}

func (a dashboardAuth) Session(ctx context.Context, secret string) (web.Session, error) {
	s, err := a.m.Session(ctx, secret)
	return webSession(s), err
}

func (a dashboardAuth) SignOut(ctx context.Context, secret string) error {
	return a.m.SignOut(ctx, secret)
}

func (a dashboardAuth) SignOutEverywhere(ctx context.Context, secret string) error {
	return a.m.SignOutEverywhere(ctx, secret)
}

func webSession(s dashboard.Session) web.Session {
	return web.Session{Community: s.Community, Member: s.Member, MemberName: s.MemberName,
		Started: s.Started, Expires: s.Expires, Operator: s.Operator}
}

// dashboardCacheFor is how long an instance reuses a page's data (see
// web.Config.CacheFor).
const dashboardCacheFor = time.Minute

// dashboardHandler is the dashboard's pages on core b (built by newCore,
// so its dashboard feature knows the public URL) and its store. Cookies are
// Secure when people reach Hearth over https.
func dashboardHandler(b *bot.Bot, db *store.DB, publicURL string, log *slog.Logger) (http.Handler, error) {
	m, ok := bot.Find[*dashboard.Module](b)
	if !ok {
		return nil, errors.New("dashboard: the feature is not registered")
	}
	return web.New(web.Config{
		Auth:    dashboardAuth{m},
		Source:  web.NewSource(b, db),
		Clock:   b.Clock(),
		Log:     log.With("room", "dashboard"),
		Secure:  strings.HasPrefix(publicURL, "https://"),
		Limiter: dashboard.NewSignInLimiter(b.Clock(), signInsPerMinute),
		Cookie:  dashboard.Cookie,
		// Sorting, filtering and paging the members table of a large
		// community reuse this instance's read for a minute: pages may
		// be that much behind on this instance (each instance keeps its
		// own; none serves another's stale data longer).
		CacheFor: dashboardCacheFor,
	}), nil
}

// dashboardPatterns are what the dashboard answers on a mux: everything
// under /dashboard/, and /dashboard itself, which it redirects.
var dashboardPatterns = []string{web.Prefix, strings.TrimSuffix(web.Prefix, "/")}

// dashboardRoutes adds the dashboard, h, to the HTTP endpoint's routes.
func dashboardRoutes(routes map[string]http.Handler, h http.Handler) map[string]http.Handler {
	if routes == nil {
		routes = map[string]http.Handler{}
	}
	for _, p := range dashboardPatterns {
		routes[p] = h
	}
	return routes
}

// cmdDashboard serves the dashboard of one community on a local address
// without any platform, and prints an operator's sign-in link: for looking
// at a database (a backup, a simulation) in a browser.
func cmdDashboard(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("dashboard", "dashboard [--db PATH] [--addr 127.0.0.1:8080] [--community ID]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	addr := fs.String("addr", "127.0.0.1:8080", "where to serve the dashboard (HOST:PORT; port 0 picks a free one)")
	community := fs.String("community", "", "the community id, when the database holds several")
	verbose := verboseFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The links are stored, so the database is migrated; never created:
	// a dashboard of an empty new file would show nothing.
	db, comm, err := openCommunityForWriting(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s (--addr): %w", *addr, err)
	}
	defer ln.Close()
	cfg.PublicURL = localURL(ln.Addr())
	log := offlineLogger(e, cfg, *verbose)
	b, err := newCore(db, cfg, bot.ClockFunc(e.now), log)
	if err != nil {
		return err
	}
	h, err := dashboardHandler(b, db, cfg.PublicURL, log)
	if err != nil {
		return err
	}
	m, _ := bot.Find[*dashboard.Module](b)
	link, expires, err := m.IssueLink(ctx, comm.ID, "")
	if err != nil {
		return operatorError(err)
	}
	mux := http.NewServeMux()
	for pattern, h := range dashboardRoutes(nil, h) {
		mux.Handle(pattern, h)
	}
	mux.Handle("/{$}", http.RedirectHandler(web.Prefix, http.StatusSeeOther))
	fmt.Fprintf(e.stdout, "Serving the dashboard of %s on %s/dashboard/ until interrupted (Ctrl-C).\n", bot.ForTerminal(comm.ID), cfg.PublicURL)
	fmt.Fprintf(e.stdout, "Sign in with this link (it works once, until %s):\n%s\n", expires.In(cfg.Location).Format("15:04 MST"), link)
	return serveUntilDone(ctx, newHTTPServer(mux, defaultHTTPLimits), limitListener(ln, defaultHTTPLimits))
}

// localURL is the base URL of a listener on this machine: an address on
// every interface is reached on the loopback one.
func localURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// serveUntilDone serves srv on ln until ctx is done, then shuts it down,
// giving requests in flight a few seconds.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done() // interrupted, or Serve failed on its own
		shutdownCtx, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		srv.Shutdown(shutdownCtx)
	}()
	err := srv.Serve(ln)
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
