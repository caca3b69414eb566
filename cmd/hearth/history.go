package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/history"
	"github.com/hearth-community/hearth/store"
)

// cmdHistory is `hearth history import|status`.
func cmdHistory(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return &usageError{"usage: hearth history import [--days 90] [--db PATH] [--community ID], or hearth history status"}
	}
	switch args[0] {
	case "import":
		return cmdHistoryImport(ctx, args[1:], e)
	case "status":
		return cmdHistoryStatus(ctx, args[1:], e)
	}
	return &usageError{fmt.Sprintf("unknown command %q (see hearth history --help)", "history "+args[0])}
}

func cmdHistoryStatus(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("history status", "history status [--db PATH] [--community ID]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, comm, err := openCommunity(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	text, err := history.StatusText(ctx, db, comm.ID, cfg.Location)
	if err != nil {
		return err
	}
	fmt.Fprintln(textOut(e.stdout), text)
	return nil
}

func cmdHistoryImport(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("history import", "history import [--days 90] [--db PATH] [--community ID]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	days := fs.Int("days", history.DefaultDays, fmt.Sprintf("how many days back to import (at most %d)", history.MaxDays))
	verbose := verboseFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *days <= 0 || *days > history.MaxDays {
		return &usageError{fmt.Sprintf("--days %d: give 1 to %d days", *days, history.MaxDays)}
	}
	if !cfg.Slack.configured() && !cfg.Discord.configured() {
		return errors.New("history import reads from the platform: set SLACK_BOT_TOKEN (with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET) or DISCORD_BOT_TOKEN, as for hearth run")
	}
	db, comm, err := openCommunityForWriting(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	log := offlineLogger(e, cfg, *verbose)
	clock := bot.ClockFunc(e.now)
	b, err := bot.New(bot.Config{Store: db, Clock: clock, Log: log, Location: cfg.Location, QuietAfter: cfg.QuietAfter})
	if err == nil {
		err = features.Register(b, db)
	}
	if err != nil {
		return err
	}
	if err := attachReaders(cfg, b, db, clock, log); err != nil {
		return err
	}
	runLog := slog.New(slog.DiscardHandler) // its failures are this command's error
	if *verbose {
		runLog = log
	}
	return importHistory(ctx, e, cfg, b, db, comm.ID, *days, runLog)
}

// importHistory asks for an import of days of community's history, or
// continues the one running or stopped, and works on it to its end through
// b's Chat for the community.
func importHistory(ctx context.Context, e env, cfg config, b *bot.Bot, db *store.DB, community string, days int, log *slog.Logger) error {
	if _, err := history.Reader(b, community); err != nil {
		return fmt.Errorf("%s: %w", community, err)
	}
	imp, err := history.Request(ctx, db, community, "", days, e.now())
	switch {
	case bot.ErrorCode(err) == bot.EConflict && imp.Status == history.StatusDone:
		fmt.Fprintln(textOut(e.stdout), bot.ErrorMessage(err))
		return nil
	case bot.ErrorCode(err) == bot.EConflict: // running: continue it here, unless another Hearth holds it
	case err != nil:
		return err
	}
	return runHistoryImport(ctx, e, cfg, b, db, imp.ID, log)
}

// attachReaders builds the adapters the environment configures, as `hearth
// run` does, and attaches them to b without running them: the import reads
// the platform's API and posts nothing (offline, it has no one to DM).
func attachReaders(cfg config, b *bot.Bot, db *store.DB, clock bot.Clock, log *slog.Logger) error {
	if cfg.Slack.configured() {
		a, err := newSlack(cfg, b, clock, log)
		if err != nil {
			return err
		}
		b.AttachChat(bot.Slack, a)
	}
	if cfg.Discord.configured() {
		a, err := newDiscord(cfg, b, shardLeases{store: db, holder: instanceID()}, clock, log)
		if err != nil {
			return err
		}
		b.AttachChat(bot.Discord, a)
	}
	return nil
}

// runHistoryImport works on import id to its end, drawing a progress line
// on a terminal, and prints the summary.
func runHistoryImport(ctx context.Context, e env, cfg config, b *bot.Bot, db *store.DB, id int64, log *slog.Logger) error {
	prog := newProgress(e.stderr, e.terminal, e.now, "importing history", "channels", 0)
	defer prog.Finish()
	done := 0
	runner, err := history.NewRunner(history.RunnerConfig{Core: b, Store: db, Holder: instanceID(), Log: log,
		OnPage: func(p history.Progress) {
			prog.total = int64(p.ChannelsTotal)
			prog.what = fmt.Sprintf("importing #%s, %s events", bot.ForTerminal(bot.Clip(p.Channel, 40)), bot.Thousands(p.Events))
			prog.Add(int64(p.ChannelsDone - done))
			done = p.ChannelsDone
		}})
	if err != nil {
		return err
	}
	err = runner.RunImport(ctx, id)
	prog.Finish()
	switch {
	case errors.Is(err, history.ErrBusy):
		// The holder may be a Hearth that was killed: its hold lapses on
		// its own, and saying when spares the operator guessing.
		return fmt.Errorf("%w; if that Hearth was stopped, its hold lapses within %s of its last page: run this again then (`hearth history status` shows how it stands)",
			err, history.DefaultLeaseTTL)
	case ctx.Err() != nil:
		return errors.New("interrupted: the import is saved up to its last page; run hearth history import again to continue")
	case err != nil:
		return err
	}
	imp, err := db.Import(ctx, id)
	if err != nil {
		return err
	}
	if imp.Status == history.StatusFailed {
		return fmt.Errorf("the history import stopped: %s; run it again to continue where it stopped", imp.Error)
	}
	text, err := history.StatusText(ctx, db, imp.Community, cfg.Location)
	if err != nil {
		return err
	}
	fmt.Fprintln(textOut(e.stdout), text)
	return nil
}
