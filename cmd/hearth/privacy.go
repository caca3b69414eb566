package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/store"
)

// memberCommand reads the flags `forget` and `export` share, and those
// extra adds, and opens the member's community.
func memberCommand(ctx context.Context, name string, args []string, e env, extra func(*flag.FlagSet)) (config, *store.DB, bot.Community, string, error) {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return cfg, nil, bot.Community{}, "", err
	}
	fs := newFlags(name, name+" --member ID [--db PATH] [--community ID]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	member := fs.String("member", "", "the member's platform id (required)")
	if extra != nil {
		extra(fs)
	}
	if err := parseFlags(fs, args); err != nil {
		return cfg, nil, bot.Community{}, "", err
	}
	if *member == "" {
		return cfg, nil, bot.Community{}, "", &usageError{name + " needs --member ID (the platform's user id, or the shell name)"}
	}
	open := openCommunity // export only reads
	if name == "forget" {
		open = openCommunityForWriting
	}
	db, comm, err := open(ctx, cfg, *community)
	return cfg, db, comm, *member, err
}

// cmdForget erases a member for an operator (a member asks with /hearth
// forget me, and confirms with a button). Erasing cannot be undone, so it
// asks first, as chat does: on a terminal the operator types the member's
// id back; without one (a script, a pipe) --yes must say so up front.
func cmdForget(ctx context.Context, args []string, e env) error {
	var yes, verbose *bool
	cfg, db, comm, member, err := memberCommand(ctx, "forget", args, e, func(fs *flag.FlagSet) {
		yes = fs.Bool("yes", false, "erase without asking (needed when standard input is not a terminal)")
		verbose = verboseFlag(fs)
	})
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.ExportMember(ctx, comm.ID, member)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("%s keeps nothing about member %q", comm.ID, member)
	} else if err != nil {
		return err
	}
	if !*yes {
		if err := confirmForget(e, member, d); err != nil {
			return err
		}
	}
	b, err := bot.New(bot.Config{Store: db, Clock: bot.ClockFunc(e.now), Log: offlineLogger(e, cfg, *verbose), Location: cfg.Location})
	if err != nil {
		return err
	}
	if err := b.ForgetMember(ctx, comm.ID, member); errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("%s keeps nothing about member %q", comm.ID, member)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(textOut(e.stdout), "erased member %s of %s\n", member, comm.ID)
	return nil
}

// confirmForget asks, on the terminal, that the operator type the member's
// id back; anything else (or end of input) erases nothing. Without a
// terminal it refuses, naming --yes.
func confirmForget(e env, member string, d features.MemberData) error {
	if !e.terminal {
		return &usageError{fmt.Sprintf("forget erases member %q for good and standard input is not a terminal to confirm on; add --yes to erase without asking", member)}
	}
	fmt.Fprintf(textOut(e.stderr), "Forget %s (%s)? This cannot be undone. Type the name (%s) to confirm: ", member, forgetSummary(d), member)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	if strings.TrimSpace(line) != member {
		return fmt.Errorf("not confirmed: nothing erased (type %s exactly, or use --yes)", member)
	}
	return nil
}

// forgetSummary is what erasing the member takes away: "Ann, 12 events,
// 3 check-in answers".
func forgetSummary(d features.MemberData) string {
	parts := []string{bot.Plural(len(d.Events), "event")}
	if d.Member.Name != "" && d.Member.Name != d.Member.ID {
		parts = slices.Insert(parts, 0, d.Member.Name)
	}
	for _, c := range []struct {
		n    int
		what string
	}{
		{len(d.Answers), "check-in answer"}, {len(d.Nudges), "nudge"}, {len(d.Resources), "shared resource"},
		{len(d.Stories), "story"}, {len(d.RSVPs), "event RSVP"}, {len(d.Intros.Groups), "intro group"},
	} {
		if c.n > 0 {
			parts = append(parts, bot.Plural(c.n, c.what))
		}
	}
	return strings.Join(parts, ", ")
}

// cmdExport prints what Hearth keeps about a member, as JSON.
func cmdExport(ctx context.Context, args []string, e env) error {
	_, db, comm, member, err := memberCommand(ctx, "export", args, e, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.ExportMember(ctx, comm.ID, member)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("%s keeps nothing about member %q", comm.ID, member)
	} else if err != nil {
		return err
	}
	return writeJSON(e.stdout, newMemberExport(d))
}

// retentionStore is what the retention service needs: the prunes, and the
// database's leases, so that of the instances sharing the database one
// prunes each day.
type retentionStore interface {
	PruneEvents(ctx context.Context, before time.Time) (int, error)
	PurgeDashboard(ctx context.Context, before time.Time) (int, error)
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
}

// retentionCheck is how often an instance asks whether today's prune is
// done: a day's prune starts within this of midnight UTC, or of start-up.
const retentionCheck = time.Hour

// retention prunes once a day, in whichever
// instance sharing the database takes the day's lease ("retention
// YYYY-MM-DD", UTC) first; it checks at start and then every
// retentionCheck until ctx is done: raw events older than keep (keep 0:
// none; day rollups keep their counts, so reports of old periods stay
// whole), and the dashboard's expired sign-in links and sessions, which
// are purged whatever keep is. wait is the scheduler's (nil: a real timer).
func retention(db retentionStore, keep time.Duration, now func() time.Time, wait func(context.Context, time.Duration) error, holder string, log *slog.Logger) service {
	if wait == nil {
		wait = bot.Sleep
	}
	return service{name: "retention", run: func(ctx context.Context) error {
		// The day this process last pruned: the lease stays ours all
		// day, and a lease already ours is taken again, so without this
		// the winner would prune at every check. Only this process's own
		// repeats depend on it; the other instances are kept out by the
		// lease.
		var done string
		for {
			done = retentionPass(ctx, db, keep, now(), holder, done, log)
			if err := wait(ctx, retentionCheck); err != nil {
				return nil
			}
		}
	}}
}

// retentionPass prunes for the day of now unless done names it or another
// instance holds its lease, and returns the day pruned (or done).
func retentionPass(ctx context.Context, db retentionStore, keep time.Duration, now time.Time, holder, done string, log *slog.Logger) string {
	day := now.UTC().Format(time.DateOnly)
	if day == done {
		return done
	}
	// Held two days: long past the day, so no instance prunes it again.
	ours, err := db.AcquireLease(ctx, "retention "+day, holder, now, 48*time.Hour)
	if err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "retention: take the day's lease", "day", day, "err", err)
		}
		return done
	}
	if !ours {
		return done // another instance prunes today
	}
	if keep > 0 && !pruneEvents(ctx, db, now.Add(-keep), log) {
		return done
	}
	if n, err := db.PurgeDashboard(ctx, now); err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "retention: purge expired dashboard sign-ins", "err", err)
		}
		return done
	} else if n > 0 {
		log.InfoContext(ctx, "retention: purged expired dashboard sign-ins", "rows", n)
	}
	return day
}

func pruneEvents(ctx context.Context, db retentionStore, before time.Time, log *slog.Logger) bool {
	n, err := db.PruneEvents(ctx, before)
	if err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "retention: prune events", "before", before, "err", err)
		}
		return false
	}
	log.InfoContext(ctx, "retention: pruned events", "before", before, "events", n)
	return true
}
