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

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/history"
	"github.com/hearth-community/hearth/store"
)

// service is one long-running part of the process: an adapter's connection.
type service struct {
	name string
	run  func(ctx context.Context) error
	// connected, for a platform, says whether it is connected: /readyz
	// answers 503 until every platform is, and while one reconnects.
	connected func() bool
}

// connecting names the services that are not connected yet, in order.
func connecting(services []service) []string {
	var names []string
	for _, s := range services {
		if s.connected != nil && !s.connected() {
			names = append(names, s.name)
		}
	}
	return names
}

func cmdRun(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("run", "[run] [--db PATH]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	fs.Func("facilitator", "a member who facilitates (repeatable; HEARTH_FACILITATORS)", func(s string) error { cfg.Facilitators = append(cfg.Facilitators, s); return nil })
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !cfg.Slack.configured() && !cfg.Discord.configured() {
		if !e.terminal {
			var environ []string
			if e.environ != nil {
				environ = e.environ()
			}
			return noPlatformError(environ)
		}
		return runShell(ctx, cfg, bot.ClockFunc(e.now), e)
	}
	log := newLogger(e.stderr, cfg.LogLevel)
	clock := bot.ClockFunc(e.now)
	b, db, err := openCore(ctx, cfg, clock, log)
	if err != nil {
		return err
	}
	defer db.Close()       // after every service has stopped: finishes in-flight writes
	holder := instanceID() // this process, in the database's leases
	leases := shardLeases{store: db, holder: holder, ttl: e.leaseTTL, wait: e.leaseWait}
	if e.leaseClock != nil {
		leases.clock = bot.ClockFunc(e.leaseClock)
	}
	services, routes, err := platformServices(cfg, b, leases, clock, log)
	if err != nil {
		return err
	}
	runner, err := newRunner(cfg, b, db, clock, e.wait, log)
	if err != nil {
		return err
	}
	services = append(services, service{name: "schedules", run: runner.Run})
	// History imports asked for in chat: polled on the lease wait, which
	// stays on the real clock when a test drives the scheduler's.
	imports, err := history.NewRunner(history.RunnerConfig{Core: b, Store: db, Holder: holder, Wait: e.leaseWait, Log: log.With("room", "history")})
	if err != nil {
		return err
	}
	services = append(services, service{name: "history", run: imports.Run})
	if cfg.Retention > 0 {
		services = append(services, retention(db, cfg.Retention, e.now, e.leaseWait, holder, log))
	}
	return serve(ctx, cfg, defaultHTTPLimits, db, b, services, routes, log)
}

// serve runs the services and the operator's HTTP endpoint (within lim)
// until ctx is done or one of them fails, then stops them all and waits
// for them.
func serve(ctx context.Context, cfg config, lim httpLimits, db *store.DB, b *bot.Bot, services []service, routes map[string]http.Handler, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err })
		cancel()
	}
	if cfg.HTTPAddr != "" {
		ln, err := net.Listen("tcp", cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (HEARTH_HTTP_ADDR): %w", cfg.HTTPAddr, err)
		}
		srv := newHTTPServer(operatorMux(db, b, routes, func() []string { return connecting(services) }), lim)
		wg.Add(2)
		go func() {
			defer wg.Done()
			log.Info("http listening", "addr", ln.Addr().String(), "max_conns", lim.MaxConns, "read_timeout", lim.Read)
			if err := srv.Serve(limitListener(ln, lim)); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fail(fmt.Errorf("http server: %w", err))
			}
		}()
		go func() {
			defer wg.Done()
			<-ctx.Done()
			shutdownCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
			defer done()
			srv.Shutdown(shutdownCtx)
		}()
	}
	for _, s := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Info("starting", "service", s.name)
			if err := s.run(ctx); err != nil && ctx.Err() == nil {
				if !strings.HasPrefix(err.Error(), s.name+":") { // the adapter's own prefix, not twice
					err = fmt.Errorf("%s: %w", s.name, err)
				}
				fail(err)
				return
			}
			log.Info("stopped", "service", s.name)
		}()
	}
	<-ctx.Done()
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	log.Info("shut down cleanly")
	return nil
}

// pinger is what readiness needs from the database.
type pinger interface {
	Ping(ctx context.Context) error
}

// operatorMux serves /healthz, /readyz, /metrics and the platforms' webhook
// routes. /readyz answers 503 while the database does not answer or
// waiting (nil: nothing to wait for) names platforms not connected.
func operatorMux(db pinger, b *bot.Bot, routes map[string]http.Handler, waiting func() []string) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			http.Error(w, "database not ready", http.StatusServiceUnavailable)
			return
		}
		if waiting != nil {
			if names := waiting(); len(names) > 0 {
				http.Error(w, "not ready: "+strings.Join(names, ", ")+" connecting", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", metricsHandler(b))
	for pattern, h := range routes {
		mux.Handle(pattern, h)
	}
	return mux
}
