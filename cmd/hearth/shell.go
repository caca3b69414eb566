package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
)

func cmdShell(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("shell", "shell [--db PATH] [--clock TIME] [--facilitator NAME]... < script.txt", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (HEARTH_DB)")
	clockAt := fs.String("clock", e.getenv("HEARTH_CLOCK"), "simulate time from this instant, e.g. 2026-11-02T09:00:00Z (HEARTH_CLOCK); :advance moves it")
	fs.Func("facilitator", "a member who facilitates (repeatable; HEARTH_FACILITATORS)", func(s string) error {
		cfg.Facilitators = append(cfg.Facilitators, s)
		return nil
	})
	planArg := fs.String("plan", "", "apply a plan before the session: a plan file, or `sample` for Hearth's one-year plan")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *planArg != "" {
		path := *planArg
		if path == "sample" {
			path = ""
		}
		if cfg.plan.file, cfg.plan.steps, err = readPlan(path, cfg.Location); err != nil {
			return err
		}
	}
	var clock bot.Clock = bot.ClockFunc(e.now)
	if *clockAt != "" {
		t, err := time.Parse(time.RFC3339, *clockAt)
		if err != nil {
			return &usageError{fmt.Sprintf("--clock %q: use RFC 3339, like 2026-11-02T09:00:00Z", *clockAt)}
		}
		clock = bot.NewManualClock(t)
	}
	return runShell(ctx, cfg, clock, e)
}

// runShell plays the shell on stdin/stdout. The shell's members are named,
// not numbered, so facilitators are matched case-insensitively.
func runShell(ctx context.Context, cfg config, clock bot.Clock, e env) error {
	for i, f := range cfg.Facilitators {
		cfg.Facilitators[i] = strings.ToLower(f)
	}
	level := slog.LevelWarn // the terminal is the conversation: log only trouble
	if e.getenv("HEARTH_LOG_LEVEL") != "" {
		level = cfg.LogLevel
	}
	log := newLogger(e.stderr, level)
	b, db, err := openCore(ctx, cfg, clock, log)
	if err != nil {
		return err
	}
	defer db.Close()
	runner, err := newRunner(cfg, b, db, clock, e.wait, log)
	if err != nil {
		return err
	}
	sh, err := shell.New(shell.Config{Handler: b, Clock: clock, Due: runner, Out: e.stdout, Log: log,
		Banner: e.terminal, Prompt: e.terminal, FilesDir: e.getenv("HEARTH_FILES_DIR")})
	if err != nil {
		return err
	}
	b.AttachChat(bot.Shell, sh)
	if len(cfg.plan.steps) > 0 {
		// The shell's channels are their names: make the plan's known first.
		dir := bot.Directory{Community: sh.Community(), At: clock.Now()}
		for _, name := range planChannels(cfg.plan.steps) {
			dir.Channels = append(dir.Channels, bot.Channel{ID: name, Name: name})
		}
		if err := b.HandleDirectory(ctx, dir); err != nil {
			return err
		}
		owner := "hearth"
		if len(cfg.Facilitators) > 0 {
			owner = cfg.Facilitators[0]
		}
		if err := applyPlan(ctx, e.stdout, b, sh.Community(), owner, cfg.plan.file, cfg.plan.steps, clock.Now()); err != nil {
			fmt.Fprintln(e.stdout, "? "+err.Error())
		}
	}
	if _, simulated := clock.(*bot.ManualClock); simulated {
		return sh.Run(ctx, e.stdin) // :advance drives the scheduler
	}
	// In real time the scheduler keeps its own rhythm beside the terminal.
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	err = sh.Run(ctx, e.stdin)
	cancel()
	if rerr := <-done; err == nil {
		err = rerr
	}
	return err
}
