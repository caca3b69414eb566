package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/slack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/history"
)

// The history tests' Hearths run `hearth run`'s wiring (cmdRun: openCore,
// both adapters, the history runner, serve) in-process, with two
// differences. An importer's adapters sleep by moving the world's stopped
// clock: they pace history reads by Slack's tiers and Discord's buckets on
// that clock, and the fakes count their rate limits on it, so an import of
// weeks takes what it would on the platforms in simulated time and
// milliseconds of wall time (`hearth run` sleeps for real: at Slack's Tier
// 3, fifty calls a minute, the scenario's threads alone would take
// minutes). The scheduler does not run: nothing here is
// scheduled. The history runner looks for work when the test kicks it,
// after a command has asked for an import.

// startHearth starts a Hearth that receives live activity (its adapters
// sleep for real, as `hearth run`'s) on a fresh database.
func (w *hsWorld) startHearth(name string) *hsHearth {
	w.t.Helper()
	return w.startOn(name, filepath.Join(w.t.TempDir(), name+".db"), false)
}

// startImporter starts a Hearth that imports history on a fresh database.
func (w *hsWorld) startImporter(name string) *hsHearth {
	w.t.Helper()
	return w.startOn(name, filepath.Join(w.t.TempDir(), name+".db"), true)
}

// startOn starts a Hearth on the database at path, an importer or not,
// and waits until both adapters are connected and the members synced.
func (w *hsWorld) startOn(name, path string, importer bool) *hsHearth {
	t := w.t
	t.Helper()
	h := &hsHearth{t: t, w: w, db: path, logs: &platLog{}, kick: make(chan struct{}, 1)}
	vars := w.vars()
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	platCheck(t, err)
	cfg.DB = h.db
	log := newLogger(h.logs, cfg.LogLevel)
	clock := bot.ClockFunc(w.clock.Now)
	var sleep func(ctx context.Context, d time.Duration) error // nil: the adapters' real sleep
	if importer {
		sleep = func(ctx context.Context, d time.Duration) error {
			w.clock.Advance(d)
			return ctx.Err()
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	b, db, err := openCore(ctx, cfg, clock, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	sa, err := slack.New(slack.Config{BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken, APIURL: cfg.Slack.APIURL,
		Handler: b, Clock: clock, Sleep: sleep, Log: log, Observer: b.Observer()})
	platCheck(t, err)
	b.AttachChat(bot.Slack, sa)
	da, err := discord.New(discord.Config{BotToken: cfg.Discord.BotToken, GuildID: cfg.Discord.GuildID, APIURL: cfg.Discord.APIURL,
		MembersIntent: cfg.Discord.MembersIntent, Handler: b, Commands: b.Commands(), Clock: clock, Sleep: sleep,
		Log: log.With("adapter", "discord"), Observer: b.Observer(), Leases: db, Holder: name})
	platCheck(t, err)
	b.AttachChat(bot.Discord, da)
	runner, err := history.NewRunner(history.RunnerConfig{Core: b, Store: db, Holder: name, Log: log.With("room", "history"),
		Wait: func(ctx context.Context, _ time.Duration) error {
			select {
			case <-h.kick:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}})
	platCheck(t, err)
	services := []service{
		{name: "slack", run: sa.Run, connected: sa.Connected},
		{name: "discord", run: da.Run, connected: da.Connected},
		{name: "history", run: runner.Run},
	}
	done := make(chan error, 1)
	hellos, identifies := w.sl.Connections(), len(w.dc.Identifies())
	go func() { // owner: the test; ends at stop
		err := serve(ctx, cfg, defaultHTTPLimits, db, b, services, nil, log)
		db.Close()
		done <- err
	}()
	stopped := false
	h.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(platWait):
			return context.DeadlineExceeded
		}
	}
	t.Cleanup(func() { _ = h.stop() })
	h.waitStarted(hellos, identifies)
	return h
}

// waitImport waits until the community's latest import is done, kicking
// the runner first, and returns its row.
func (h *hsHearth) waitImport(community string) hsImport {
	h.t.Helper()
	select {
	case h.kick <- struct{}{}:
	default:
	}
	sdb := nuOpen(h.t, h.db)
	defer sdb.Close()
	deadline := time.Now().Add(hsWorldWait)
	for {
		imp, err := hsLatestImport(sdb, community)
		if err == nil && (imp.status == "done" || imp.status == "failed") {
			if imp.status == "failed" {
				h.t.Fatalf("%s: the import failed: %s\nthe log:\n%.8000s", community, imp.err, h.logs)
			}
			return imp
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: the import is %+v (%v) after %v\nthe log:\n%.8000s", community, imp, err, hsWorldWait, h.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// hsImport is a row of history_imports with its channels' totals.
type hsImport struct {
	id                 int64
	status, err        string
	started, finished  time.Time
	channels, done     int
	events, bots, gone int
	partly             int // channels with a cursor and not done
	// Filled by hsImportAll: how long the test waited for it, and the
	// history requests the fake answered meanwhile (and with 429).
	wall              time.Duration
	requests, limited int
}

func hsLatestImport(sdb *sql.DB, community string) (hsImport, error) {
	var imp hsImport
	var started, finished sql.NullInt64
	err := sdb.QueryRow(`SELECT i.id, i.status, i.error, i.started_at, i.finished_at FROM history_imports i
		JOIN communities c ON c.id = i.community_id WHERE c.ext_id = ? ORDER BY i.id DESC LIMIT 1`, community).
		Scan(&imp.id, &imp.status, &imp.err, &started, &finished)
	if err != nil {
		return imp, err
	}
	imp.started, imp.finished = time.UnixMilli(started.Int64).UTC(), time.UnixMilli(finished.Int64).UTC()
	err = sdb.QueryRow(`SELECT COUNT(*), COALESCE(SUM(done), 0), COALESCE(SUM(events), 0), COALESCE(SUM(skipped_bots), 0),
		COALESCE(SUM(skipped_gone), 0), COALESCE(SUM(CASE WHEN done = 0 AND cursor <> '' THEN 1 ELSE 0 END), 0)
		FROM history_channels WHERE import_id = ?`, imp.id).
		Scan(&imp.channels, &imp.done, &imp.events, &imp.bots, &imp.gone, &imp.partly)
	return imp, err
}
