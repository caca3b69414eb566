package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/schedules"
)

func cmdShell(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("shell", "shell [--db PATH] [--clock TIME] [--facilitator NAME]... [--max-firings N] [--plan FILE.yaml|sample] < script.txt", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	clockAt := fs.String("clock", e.getenv("HEARTH_CLOCK"), "simulate time from this instant, e.g. 2026-11-02T09:00:00Z (HEARTH_CLOCK); :advance moves it")
	fs.Func("facilitator", "a member who facilitates (repeatable; HEARTH_FACILITATORS)", func(s string) error {
		cfg.Facilitators = append(cfg.Facilitators, s)
		return nil
	})
	maxFirings := fs.Int("max-firings", shell.DefaultMaxFirings, "run at most this many scheduled jobs per :advance (or line); then stop there and say so")
	planArg := fs.String("plan", "", "apply a plan before the session: a plan file, or `sample` for Hearth's one-year plan")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *maxFirings <= 0 {
		return &usageError{fmt.Sprintf("--max-firings %d: give a positive number", *maxFirings)}
	}
	opts := shellOptions{maxFirings: *maxFirings}
	if *planArg != "" {
		path := *planArg
		if path == "sample" {
			path = ""
		}
		if cfg.plan.file, cfg.plan.steps, err = readPlan(path, cfg.Location); err != nil {
			return err
		}
		// The plan's own bytes are part of its identity on replay.
		opts.plan = samplePlan
		if path != "" {
			if opts.plan, err = os.ReadFile(path); err != nil {
				return err
			}
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
	return runShellWith(ctx, cfg, clock, opts, e)
}

// shellOptions are the shell's own flags.
type shellOptions struct {
	maxFirings int    // per move of simulated time (--max-firings)
	plan       []byte // the --plan file's bytes, for its identity
}

// runShell plays the shell on stdin/stdout with the default firing bound.
func runShell(ctx context.Context, cfg config, clock bot.Clock, e env) error {
	return runShellWith(ctx, cfg, clock, shellOptions{maxFirings: shell.DefaultMaxFirings}, e)
}

// runShellWith plays the shell on stdin/stdout; one move of simulated
// time runs at most opts.maxFirings scheduled jobs. The shell's members
// are named, not numbered, so facilitators are matched case-insensitively.
// It returns the session's error: a script whose lines could not all be
// recorded ends in one, so the process exits non-zero.
func runShellWith(ctx context.Context, cfg config, clock bot.Clock, opts shellOptions, e env) error {
	maxFirings := opts.maxFirings
	for i, f := range cfg.Facilitators {
		cfg.Facilitators[i] = strings.ToLower(f)
	}
	level := slog.LevelWarn // the terminal is the conversation: log only trouble
	if e.getenv("HEARTH_LOG_LEVEL") != "" {
		level = cfg.LogLevel
	}
	tty, interactive := shellTerminal(e)
	logOut := &switchWriter{w: e.stderr}
	log := newLogger(logOut, level)
	b, db, err := openCore(ctx, cfg, clock, log)
	if err != nil {
		return err
	}
	defer db.Close()
	// out is where the session prints: stdout, or on a terminal the line
	// editor, which keeps output clear of the line being typed.
	var out io.Writer = e.stdout
	var editor *shell.Editor
	if interactive {
		var restore func()
		if editor, restore, err = openEditor(tty, b.Commands(), e.getenv, e.stderr, logOut, log); err != nil {
			return err
		}
		defer restore()
		out = editor
	}
	// newRunner's scheduler, with the shell's bound between it and the jobs.
	bound := shell.NewFiringBound(b, maxFirings)
	grace, err := graceFor(cfg, b)
	if err != nil {
		return err
	}
	runner, err := schedules.New(schedules.Config{Store: db, Jobs: bound, Clock: clock, Location: cfg.Location,
		Grace: grace, Wait: e.wait, Log: log.With("room", "schedules")})
	if err != nil {
		return err
	}
	sh, err := shell.New(shell.Config{Handler: b, Clock: clock, Due: runner, Out: out, Log: log,
		Banner: e.terminal, Prompt: e.terminal && !interactive, FilesDir: e.getenv("HEARTH_FILES_DIR"),
		Look:  shell.ChooseLook(isTerminalWriter(e.stdout), e.getenv("NO_COLOR"), e.getenv("TERM")),
		Lines: db, Firings: bound})
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
		// A plan is applied once per start time, as a script's lines are:
		// a replay with the same --clock and plan creates nothing again.
		sum := sha256.Sum256([]byte("plan\x00" + clock.Now().UTC().Format(time.RFC3339Nano) + "\x00" + string(opts.plan)))
		fresh, err := db.ClaimLine(ctx, sh.Community().ID, hex.EncodeToString(sum[:16]), clock.Now())
		if err != nil {
			return err
		}
		if !fresh {
			fmt.Fprintln(out, "? this plan was applied by an earlier run with the same --clock: not applied again")
		} else if err := applyPlan(ctx, out, b, db, sh.Community(), owner, cfg.plan.file, cfg.plan.steps, clock.Now()); err != nil {
			fmt.Fprintln(out, "? "+err.Error())
		}
	}
	if _, simulated := clock.(*bot.ManualClock); simulated {
		return playShell(ctx, sh, e.stdin, editor) // :advance drives the scheduler
	}
	// In real time the scheduler keeps its own rhythm beside the terminal.
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	err = playShell(ctx, sh, e.stdin, editor)
	cancel()
	if rerr := <-done; err == nil {
		err = rerr
	}
	return err
}

// playShell runs the session on the line editor when there is one, else
// on standard input.
func playShell(ctx context.Context, sh *shell.Adapter, stdin io.Reader, editor *shell.Editor) error {
	if editor != nil {
		return sh.RunLines(ctx, editor)
	}
	return sh.Run(ctx, stdin)
}
