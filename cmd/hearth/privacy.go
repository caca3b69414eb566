package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// memberCommand reads the flags `forget` and `export` share and opens the
// member's community.
func memberCommand(ctx context.Context, name string, args []string, e env) (config, *store.DB, bot.Community, string, error) {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return cfg, nil, bot.Community{}, "", err
	}
	fs := newFlags(name, name+" --member ID [--db PATH] [--community ID]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	member := fs.String("member", "", "the member's platform id (required)")
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
// forget me).
func cmdForget(ctx context.Context, args []string, e env) error {
	cfg, db, comm, member, err := memberCommand(ctx, "forget", args, e)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := bot.New(bot.Config{Store: db, Clock: bot.ClockFunc(e.now), Log: newLogger(e.stderr, cfg.LogLevel), Location: cfg.Location})
	if err != nil {
		return err
	}
	if err := b.ForgetMember(ctx, comm.ID, member); errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("%s keeps nothing about member %q", comm.ID, member)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "erased member %s of %s\n", member, comm.ID)
	return nil
}

// cmdExport prints what Hearth keeps about a member, as JSON.
func cmdExport(ctx context.Context, args []string, e env) error {
	_, db, comm, member, err := memberCommand(ctx, "export", args, e)
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
	return writeJSON(e.stdout, d)
}

// retention prunes raw events older than keep, at start and then daily,
// until ctx is done. Day rollups keep their counts, so reports of old
// periods stay whole.
func retention(db *store.DB, keep time.Duration, now func() time.Time, log *slog.Logger) service {
	return service{name: "retention", run: func(ctx context.Context) error {
		for {
			pruneEvents(ctx, db, now().Add(-keep), log)
			t := time.NewTimer(24 * time.Hour)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		}
	}}
}

func pruneEvents(ctx context.Context, db *store.DB, before time.Time, log *slog.Logger) {
	n, err := db.PruneEvents(ctx, before)
	if err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "retention: prune events", "before", before, "err", err)
		}
		return
	}
	log.InfoContext(ctx, "retention: pruned events", "before", before, "events", n)
}
