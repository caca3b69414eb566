package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Config configures a Runner.
type Config struct {
	Store  bot.ScheduleStore // required
	Jobs   bot.JobRunner     // required
	Parser bot.SpecParser    // default Parser{}
	// Clock is the time source (required). With a *bot.ManualClock, RunDue
	// moves it to each due time in turn, so simulated time runs everything
	// in order at the right instants.
	Clock bot.Clock
	// Location is the zone of schedules whose TZ is "" (HEARTH_TZ);
	// default UTC.
	Location *time.Location
	// Grace is how late a missed firing may still run, per kind (cmd/hearth
	// passes the jobs' own, bot.Bot.Grace). Kinds not listed get DefaultKindGrace.
	Grace map[bot.ScheduleKind]time.Duration
	Log   *slog.Logger // default: discard
	// Wait is how Run waits between passes: it returns nil after d, or an
	// error once ctx is done. Default: a real timer. Tests inject one that
	// moves a bot.ManualClock instead of sleeping.
	Wait func(ctx context.Context, d time.Duration) error
	// Observer is told each firing, failure and skip. Default: the Jobs'
	// own observer when it has one (a *bot.Bot does), else none.
	Observer bot.Observer
}

// observed is a JobRunner that carries an observer (*bot.Bot).
type observed interface {
	Observer() bot.Observer
}

// DefaultKindGrace is the grace window of kinds Config.Grace doesn't list.
const DefaultKindGrace = time.Hour

// Runner runs schedules when they fall due, exactly once each: a firing is
// claimed in the store before its job runs, and a claimed firing never runs
// again, across goroutines, processes and restarts. Its methods are safe for
// concurrent use.
type Runner struct {
	store  bot.ScheduleStore
	jobs   bot.JobRunner
	parser bot.SpecParser
	clock  bot.Clock
	manual *bot.ManualClock // Clock, when time is simulated
	loc    *time.Location
	grace  map[bot.ScheduleKind]time.Duration
	log    *slog.Logger
	wait   func(ctx context.Context, d time.Duration) error
	obs    bot.Observer

	mu       sync.Mutex
	zones    map[string]*time.Location // loaded zones, by name
	reported map[int64]string          // schedule id → the spec (and zone) already logged as unreadable
}

// New returns a Runner, or an error naming what Config lacks.
func New(cfg Config) (*Runner, error) {
	if cfg.Store == nil || cfg.Jobs == nil || cfg.Clock == nil {
		return nil, errors.New("schedules: Config.Store, Config.Jobs and Config.Clock are required")
	}
	r := &Runner{
		store: cfg.Store, jobs: cfg.Jobs, parser: cfg.Parser, clock: cfg.Clock,
		loc: cfg.Location, log: cfg.Log, wait: cfg.Wait, obs: cfg.Observer,
		grace: map[bot.ScheduleKind]time.Duration{},
		zones: map[string]*time.Location{}, reported: map[int64]string{},
	}
	r.manual, _ = cfg.Clock.(*bot.ManualClock)
	if r.parser == nil {
		r.parser = Parser{}
	}
	if r.loc == nil {
		r.loc = time.UTC
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.wait == nil {
		r.wait = bot.Sleep
	}
	if o, ok := cfg.Jobs.(observed); ok && r.obs == nil {
		r.obs = o.Observer()
	}
	if r.obs == nil {
		r.obs = bot.NopObserver{}
	}
	for k, d := range cfg.Grace { // a copy: callers may change theirs
		if d < 0 {
			return nil, fmt.Errorf("schedules: negative grace %v for kind %q", d, k)
		}
		r.grace[k] = d
	}
	return r, nil
}

// Run runs schedules in real time until ctx is done, then returns nil: a
// pass of RunDue up to the clock's now, then a wait until the earliest next
// due time, or MaxWait at most (to notice schedules added in the meantime).
// A failing pass is logged and the loop goes on.
func (r *Runner) Run(ctx context.Context) error {
	for {
		next, err := r.runDue(ctx, r.clock.Now())
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			r.log.ErrorContext(ctx, "run due schedules", "err", err)
		}
		if err := r.wait(ctx, waitFor(r.clock.Now(), next)); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("schedules: wait: %w", err)
		}
	}
}

// graceOf returns the grace window of kind.
func (r *Runner) graceOf(kind bot.ScheduleKind) time.Duration {
	if d, ok := r.grace[kind]; ok {
		return d
	}
	return DefaultKindGrace
}

// specOf parses s's spec in its zone. A schedule whose zone or spec no
// longer reads (stored before a parser change) is logged once and skipped.
func (r *Runner) specOf(ctx context.Context, s bot.Schedule) (bot.Spec, bool) {
	loc, err := r.zone(s.TZ)
	var spec bot.Spec
	if err == nil {
		spec, err = r.parser.ParseSpec(s.Spec, loc)
	}
	if err == nil {
		return spec, true
	}
	key := s.TZ + "\x00" + s.Spec
	r.mu.Lock()
	seen := r.reported[s.ID] == key
	r.reported[s.ID] = key
	r.mu.Unlock()
	if !seen {
		r.log.ErrorContext(ctx, "schedule skipped: its spec no longer reads",
			"schedule", s.ID, "kind", s.Kind, "community", s.Community, "spec", s.Spec, "tz", s.TZ, "err", err)
	}
	return nil, false
}

// zone returns the location named name, or the default for "".
func (r *Runner) zone(name string) (*time.Location, error) {
	if name == "" {
		return r.loc, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if loc, ok := r.zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	r.zones[name] = loc
	return loc, nil
}
