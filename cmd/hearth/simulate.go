package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/simulate"
	"github.com/hearth-community/hearth/store"
)

func cmdSimulate(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("simulate", "simulate --db PATH [--add] [--members 200] [--days 90] [--events N] [--seed 1] [--until TIME]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL, to fill (HEARTH_DB); required, so fake history never lands in the default hearth.db by accident")
	add := fs.Bool("add", false, "add the history to a database that already holds a community (by default such a database is refused)")
	o := simulate.Options{Location: cfg.Location}
	fs.IntVar(&o.Members, "members", simulate.DefaultMembers, "people who take part over the history, newcomers included")
	fs.IntVar(&o.Days, "days", 90, "how many days of history, ending now")
	fs.IntVar(&o.Events, "events", 0, "how many events (default members × days ÷ 2)")
	seed := fs.Uint64("seed", 1, "the same seed gives the same history")
	verbose := verboseFlag(fs)
	end := fs.String("until", "", "end the history at this instant (RFC 3339; default now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if o.Members < 1 || o.Members > 1_000_000 || o.Days < 1 || o.Days > 3650 || o.Events < 0 || o.Events > 100_000_000 {
		return &usageError{"--members must be 1 to 1,000,000, --days 1 to 3,650, --events 0 to 100,000,000"}
	}
	if cfg.dbSource() == "" {
		return &usageError{"simulate needs --db PATH (or HEARTH_DB): it writes fake history, so it never fills the default " + cfg.DB + " by accident"}
	}
	o.Seed = *seed
	o.End = e.now()
	if *end != "" {
		if o.End, err = time.Parse(time.RFC3339, *end); err != nil {
			return &usageError{fmt.Sprintf("--until %q: use RFC 3339, like 2026-11-28T00:00:00Z", *end)}
		}
	}
	log := offlineLogger(e, cfg, *verbose)
	b, db, err := openCore(ctx, cfg, bot.ClockFunc(func() time.Time { return o.End }), log)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := refuseRealCommunity(ctx, db, store.Redacted(cfg.DB), *add); err != nil {
		return err
	}
	started := e.now()
	total := o.Events
	if total == 0 {
		total = max(1, o.Members*o.Days/2) // simulate.Options' default
	}
	p := newProgress(e.stderr, isTerminalWriter(e.stderr), e.now, "simulating", "events", int64(total))
	st, err := simulate.Run(ctx, progressSink{b, p}, o)
	p.Finish()
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	elapsed := e.now().Sub(started)
	fmt.Fprintf(e.stdout, "simulated %s to %s: %d members, %d channels, %d events (%d messages, %d replies, %d reactions, %d joins, %d leaves, %d deletions)\n",
		st.Start.Format(time.DateOnly), st.End.Format(time.DateOnly), st.Members, st.Channels, st.Events,
		st.Messages, st.Replies, st.Reactions, st.Joins, st.Leaves, st.Retractions)
	if secs := elapsed.Seconds(); secs > 0 {
		fmt.Fprintf(e.stdout, "recorded in %s (%.0f events/s)\n", elapsed.Round(time.Millisecond), float64(st.Events)/secs)
	}
	fmt.Fprintf(e.stdout, "try: hearth report --db %s --period 30d\n", store.Redacted(cfg.DB))
	return nil
}

// refuseRealCommunity keeps simulated history out of a database that
// already holds a community (a real one, or an earlier simulation that a
// second run would double) unless the operator asked to add to it.
func refuseRealCommunity(ctx context.Context, db *store.DB, path string, add bool) error {
	if add {
		return nil
	}
	all, err := db.Communities(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return nil
	}
	return fmt.Errorf("%s already holds a community (%s): simulate would mix fake history into it; use a new file, or --add to add to it anyway", path, communityList(all))
}

// progressSink counts the events a simulation records on its progress line.
type progressSink struct {
	simulate.Sink
	p *progress
}

func (s progressSink) HandleEvents(ctx context.Context, events ...bot.Event) error {
	err := s.Sink.HandleEvents(ctx, events...)
	s.p.Add(int64(len(events)))
	return err
}
