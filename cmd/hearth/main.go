// Command hearth runs the Hearth bot and its offline tools.
//
//	hearth [run]      run every configured adapter (the shell if none)
//	hearth shell      play a community in the terminal
//	hearth report     print a participation report from the database
//	hearth simulate   fill a database with a realistic community history
//	hearth backup     copy the database while the bot runs
//	hearth version    print the version
//
// It is the only place that reads flags and the environment and wires the
// core, the store and the adapters together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the static binary runs in an empty container: bring the zone database

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/schedules"
	"github.com/hearth-community/hearth/store"
	"golang.org/x/term"
)

// newRunner builds the scheduler on the core and the store.
// wait is the scheduler's sleep: nil means a real timer; tests pass one
// that moves a simulated clock instead.
func newRunner(cfg config, b *bot.Bot, db *store.DB, clock bot.Clock, wait func(context.Context, time.Duration) error, log *slog.Logger) (*schedules.Runner, error) {
	grace, err := graceFor(cfg, b)
	if err != nil {
		return nil, err
	}
	return schedules.New(schedules.Config{Store: db, Jobs: b, Clock: clock, Location: cfg.Location,
		Grace: grace, Wait: wait, Log: log.With("room", "schedules")})
}

// graceFor is each schedule kind's grace window: the jobs' own, with
// HEARTH_GRACE's overrides. A kind no job declares is refused, since a
// misspelt kind would otherwise change nothing without a word.
func graceFor(cfg config, b *bot.Bot) (map[bot.ScheduleKind]time.Duration, error) {
	grace := b.Grace()
	for kind := range cfg.Grace {
		if _, ok := grace[kind]; !ok {
			kinds := make([]string, 0, len(grace))
			for k := range grace {
				kinds = append(kinds, string(k))
			}
			slices.Sort(kinds)
			return nil, &configError{"HEARTH_GRACE", "", fmt.Sprintf("%q is not a schedule kind; the kinds are %s", kind, strings.Join(kinds, ", "))}
		}
	}
	maps.Copy(grace, cfg.Grace)
	return grace, nil
}

// env is the process's outside world, injected so tests run commands in-process.
type env struct {
	getenv   func(string) string
	environ  func() []string // every variable set, as KEY=value; nil in most tests
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	now      func() time.Time
	terminal bool // stdin is a terminal
	// wait, when set, replaces the scheduler's real timer (tests drive a
	// simulated clock with it).
	wait func(ctx context.Context, d time.Duration) error
	// leaseTTL, leaseWait and leaseClock, when set, replace the Discord
	// shard leases' term, wait and clock (and the daily retention's wait):
	// a test whose simulated clock jumps hours keeps the leases, which
	// are about live processes, on the real clock.
	leaseTTL   time.Duration
	leaseWait  func(ctx context.Context, d time.Duration) error
	leaseClock func() time.Time
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := env{getenv: os.Getenv, environ: os.Environ, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now, terminal: isTerminal(os.Stdin)}
	code := runMain(ctx, os.Args[1:], e)
	stop()
	os.Exit(code)
}

// runMain runs the command and prints its error, if any, to e.stderr as
// it is: offline the user is the operator, so an internal error is shown
// in full, never as the chat apology. It returns the exit code: 0, 1 for
// a failure, 2 for a mistake on the command line.
func runMain(ctx context.Context, args []string, e env) int {
	err := run(ctx, args, e)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(*usageError)):
		fmt.Fprintln(e.stderr, "hearth:", bot.ForTerminal(err.Error()))
		return 2
	}
	// Errors may quote a file, a member or a platform's answer: the last
	// line of defence before the terminal.
	fmt.Fprintln(e.stderr, "hearth:", bot.ForTerminal(operatorError(err).Error()))
	return 1
}

func isTerminal(f *os.File) bool {
	// Not any character device: /dev/null is one, and a command reading
	// from it is a script.
	return term.IsTerminal(int(f.Fd()))
}

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// operatorError is err as an offline command shows it: an error meant for
// people (a *bot.Error) by its message, without its code; anything else,
// an internal error, with its own text, which chat would hide behind
// bot.Apology.
func operatorError(err error) error {
	var be *bot.Error
	if !errors.As(err, &be) {
		return err
	}
	// Keep what wraps it ("plan.yaml: line 3: …"), drop the code.
	return errors.New(strings.Replace(err.Error(), be.Error(), be.Message, 1))
}

type subcommand struct {
	summary string
	run     func(ctx context.Context, args []string, e env) error
	verbs   []string // the sub-commands of a group, such as plan's show and apply
}

func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"run":       {"run every configured adapter (the shell if none is configured)", cmdRun, nil},
		"shell":     {"play a community in the terminal (also reads a script from standard input)", cmdShell, nil},
		"report":    {"print a participation report from the database (text, json or csv)", cmdReport, nil},
		"simulate":  {"fill a database with a realistic community history", cmdSimulate, nil},
		"backup":    {"copy the database consistently, even while Hearth runs", cmdBackup, nil},
		"digest":    {"print the weekly digest from the database (text, json or markdown), and its chart", cmdDigest, nil},
		"prompts":   {"import discussion prompts into a community's deck: hearth prompts import FILE.yaml", cmdPrompts, []string{"import"}},
		"surveys":   {"import check-in surveys: hearth surveys import FILE.yaml", cmdSurveys, []string{"import"}},
		"checkins":  {"print or export a check-in survey's results (text, json, or csv of every answer)", cmdCheckins, nil},
		"resources": {"export the community's library of shared resources (markdown, csv or json)", cmdResources, nil},
		"plan":      {"preview or apply a programme of prompts, check-ins, events and intros: hearth plan show|apply FILE.yaml|--sample", cmdPlan, []string{"show", "apply"}},
		"impact":    {"the impact report for sponsors (markdown or json) with its charts: hearth impact --since DATE", cmdImpact, nil},
		"history":   {"import the community's past activity from the platform: hearth history import --days 90; or its status", cmdHistory, []string{"import", "status"}},
		"forget":    {"erase what Hearth keeps about one member: hearth forget --member ID", cmdForget, nil},
		"export":    {"print what Hearth keeps about one member, as JSON: hearth export --member ID", cmdExport, nil},
		"version":   {"print the version", cmdVersion, nil},
		"health":    {"ask a running Hearth whether it is ready (the container's health check)", cmdHealth, nil},
		"migrate":   {"bring the database's schema up to date (reading commands never do), or copy it: --from SRC --to DST", cmdMigrate, nil},
	}
}

func run(ctx context.Context, args []string, e env) error {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-v" || args[0] == "-version") {
		return cmdVersion(ctx, args[1:], e)
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "-help" {
		return cmdRun(ctx, args, e)
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(e.stdout)
		return nil
	}
	cmds := subcommands()
	sc, ok := cmds[name]
	if !ok {
		msg := fmt.Sprintf("unknown command %q", name)
		if near := bot.Nearest(name, slices.Collect(maps.Keys(cmds))); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		return &usageError{msg + " (see hearth --help)"}
	}
	rest := args[1:]
	if len(sc.verbs) > 0 && len(rest) > 0 {
		switch verb := rest[0]; {
		case verb == "-h" || verb == "--help" || verb == "-help" || verb == "help":
			// The group's usage is each verb's.
			for i, v := range sc.verbs {
				if i > 0 {
					fmt.Fprintln(e.stdout)
				}
				if err := sc.run(ctx, []string{v, "--help"}, e); err != nil && !errors.Is(err, flag.ErrHelp) {
					return err
				}
			}
			return nil
		case !slices.Contains(sc.verbs, verb) && !strings.HasPrefix(verb, "-"):
			msg := fmt.Sprintf("unknown command %q", name+" "+verb)
			if near := bot.Nearest(verb, sc.verbs); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", name+" "+near)
			}
			return &usageError{fmt.Sprintf("%s (see hearth %s --help)", msg, name)}
		}
	}
	return sc.run(ctx, rest, e)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Hearth helps facilitators run communities of practice in Slack, Discord, or a terminal.\n\nUsage: hearth [COMMAND] [FLAGS]\n\nCommands:")
	cmds := subcommands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `hearth COMMAND --help` for a command's flags. Configuration is read from HEARTH_* variables (see README.md).")
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// openCore opens the database and builds the core on it.
func openCore(ctx context.Context, cfg config, clock bot.Clock, log *slog.Logger) (*bot.Bot, *store.DB, error) {
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, nil, cfg.dbError(err)
	}
	b, err := bot.New(bot.Config{Store: db, Clock: clock, Log: log, Location: cfg.Location,
		Facilitators: cfg.Facilitators, QuietAfter: cfg.QuietAfter, Specs: schedules.Parser{}, Charts: newCharter()})
	if err == nil {
		err = features.Register(b, db)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return b, db, nil
}

func cmdVersion(_ context.Context, args []string, e env) error {
	fs := newFlags("version", "version", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "hearth %s\n", buildVersion())
	return nil
}

func cmdBackup(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("backup", "backup [--db PATH] DEST", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file to copy (HEARTH_DB)")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"backup needs one destination path: hearth backup /backups/hearth-2026-11-28.db"}
	}
	db, err := openExistingForWriting(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s\n", cfg.DB, fs.Arg(0))
	return nil
}
