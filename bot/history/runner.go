package history

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Defaults of a Runner.
const (
	// DefaultPoll is how often a runner looks for imports to work on.
	DefaultPoll = 10 * time.Second
	// DefaultLeaseTTL is how long a runner's hold on a community's import
	// lasts unless renewed; it renews every third of it, between pages.
	DefaultLeaseTTL = 2 * time.Minute
	// ProgressEvery and ProgressChannels are how often the facilitator who
	// asked hears of progress: at most every ProgressEvery of clock time,
	// or every ProgressChannels channels read through, whichever comes
	// first.
	ProgressEvery    = 5 * time.Minute
	ProgressChannels = 10
)

// RunnerConfig is what a Runner needs. Core and Store are required.
type RunnerConfig struct {
	Core  *bot.Bot
	Store Store
	// Holder names this instance in the database's leases.
	Holder string
	// Wait is how Run waits between passes (default bot.Sleep); it
	// returns an error once ctx is done.
	Wait func(ctx context.Context, d time.Duration) error
	// Poll is how often Run looks for work (default DefaultPoll).
	Poll time.Duration
	// LeaseTTL is the term of the lease on a community's import (default
	// DefaultLeaseTTL).
	LeaseTTL time.Duration
	// OnPage, when set, is told where the import stands after every page
	// and channel (the offline command draws its terminal line with it).
	OnPage func(p Progress)
	Log    *slog.Logger
}

// Runner works on the imports recorded in the database: one per `hearth
// run`, owned by its service group, or the offline `hearth history
// import`. Of several instances on one database, the one holding the lease
// "history:<community>" works on that community's import; progress is in
// the database, per channel, so whichever instance takes over continues
// where the last one stopped.
type Runner struct {
	cfg   RunnerConfig
	clock bot.Clock
	log   *slog.Logger
}

// ErrBusy is returned by RunImport when another instance holds the
// community's import.
var ErrBusy = errors.New("another Hearth is importing this community's history now")

// errLeaseLost stops a worker whose lease another instance took over (or
// whose channel another worker moved on): the other continues.
var errLeaseLost = errors.New("history import: the lease went to another instance")

// NewRunner returns a Runner, or an error naming what cfg lacks.
func NewRunner(cfg RunnerConfig) (*Runner, error) {
	if cfg.Core == nil || cfg.Store == nil {
		return nil, errors.New("history: RunnerConfig needs Core and Store")
	}
	if cfg.Holder == "" {
		cfg.Holder = "hearth"
	}
	if cfg.Wait == nil {
		cfg.Wait = bot.Sleep
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.LeaseTTL <= 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	log := cfg.Log
	if log == nil {
		log = cfg.Core.Log()
	}
	return &Runner{cfg: cfg, clock: cfg.Core.Clock(), log: log}, nil
}

// Run works on pending imports every Poll until ctx is done; it returns
// nil then. A failed pass is logged and tried again at the next.
func (r *Runner) Run(ctx context.Context) error {
	for {
		if err := r.Pass(ctx); err != nil && ctx.Err() == nil {
			r.log.ErrorContext(ctx, "history import pass failed", "err", err)
		}
		if err := r.cfg.Wait(ctx, r.cfg.Poll); err != nil || ctx.Err() != nil {
			return nil
		}
	}
}

// Pass works on every pending import whose community this instance has a
// Chat for and whose lease it gets, one after the other, each to its end.
func (r *Runner) Pass(ctx context.Context) error {
	pending, err := r.cfg.Store.PendingImports(ctx)
	if err != nil {
		return err
	}
	for _, imp := range pending {
		if _, err := r.cfg.Core.Chat(imp.Community); err != nil {
			continue // another instance serves that platform
		}
		if err := r.work(ctx, imp.ID); err != nil && !errors.Is(err, ErrBusy) {
			return err
		}
	}
	return nil
}

// RunImport works on one import to its end (the offline command): nil once
// it is done or failed (Import says which), ErrBusy when another instance
// holds it.
func (r *Runner) RunImport(ctx context.Context, id int64) error { return r.work(ctx, id) }

// job is one import being worked on by this runner.
type job struct {
	imp     Import
	lease   string
	renewed time.Time
	p       Progress
}

func (r *Runner) work(ctx context.Context, id int64) error {
	imp, err := r.cfg.Store.Import(ctx, id)
	if err != nil || !imp.Status.Pending() {
		return err
	}
	j := &job{imp: imp, lease: "history:" + imp.Community, renewed: r.clock.Now()}
	ok, err := r.cfg.Store.AcquireLease(ctx, j.lease, r.cfg.Holder, j.renewed, r.cfg.LeaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBusy
	}
	defer func() {
		if err := r.cfg.Store.ReleaseLease(context.WithoutCancel(ctx), j.lease, r.cfg.Holder); err != nil {
			r.log.WarnContext(ctx, "history import: release lease", "err", err)
		}
	}()
	// Read again under the lease: the previous holder may have finished.
	if j.imp, err = r.cfg.Store.Import(ctx, id); err != nil || !j.imp.Status.Pending() {
		return err
	}
	err = r.read(ctx, j)
	switch {
	case err == nil, ctx.Err() != nil, errors.Is(err, errLeaseLost):
		return nil // done, or stopped to continue later (here or elsewhere)
	}
	r.log.ErrorContext(ctx, "history import failed", "community", imp.Community, "import", id, "err", err)
	j.imp.Status, j.imp.FinishedAt, j.imp.Error = StatusFailed, r.clock.Now(), err.Error()
	if serr := r.cfg.Store.SaveImport(ctx, j.imp); serr != nil {
		return serr
	}
	r.dm(ctx, j.imp, fmt.Sprintf("The history import stopped at %s: %s. `/hearth history import` again continues where it stopped.",
		j.p.Line(), bot.Clip(bot.ErrorMessage(err), 200)))
	return nil
}

// read does the import's work: list the channels once, read the members'
// joins once, then each channel from its cursor, a page at a time.
func (r *Runner) read(ctx context.Context, j *job) error {
	reader, err := Reader(r.cfg.Core, j.imp.Community)
	if err != nil {
		return err
	}
	if j.imp.Status == StatusQueued {
		j.imp.Status = StatusRunning
		if j.imp.StartedAt.IsZero() {
			j.imp.StartedAt = r.clock.Now()
		}
		if err := r.cfg.Store.SaveImport(ctx, j.imp); err != nil {
			return err
		}
	}
	if !j.imp.ChannelsListed {
		chs, err := reader.HistoryChannels(ctx, j.imp.Community)
		if err != nil {
			return fmt.Errorf("list channels: %w", err)
		}
		if err := r.cfg.Store.AddImportChannels(ctx, j.imp.ID, chs); err != nil {
			return err
		}
		j.imp.ChannelsListed = true
		if err := r.cfg.Store.SaveImport(ctx, j.imp); err != nil {
			return err
		}
	}
	if !j.imp.JoinsDone {
		if jr, ok := reader.(bot.HistoryJoinsReader); ok {
			joins, err := jr.HistoryJoins(ctx, j.imp.Community, j.imp.Since)
			if err != nil {
				return fmt.Errorf("read joins: %w", err)
			}
			if _, err := r.record(ctx, j.imp.Community, joins); err != nil {
				return err
			}
		}
		j.imp.JoinsDone = true
		if err := r.cfg.Store.SaveImport(ctx, j.imp); err != nil {
			return err
		}
	}
	chs, err := r.cfg.Store.ImportChannels(ctx, j.imp.ID)
	if err != nil {
		return err
	}
	if j.p, err = progressOf(ctx, r.cfg.Store, j.imp); err != nil {
		return err
	}
	m := r.cfg.Core.Metrics()
	m.HistoryChannelsTotal.Add(int64(j.p.ChannelsTotal))
	m.HistoryChannelsDone.Add(int64(j.p.ChannelsDone))
	defer func() {
		m.HistoryChannelsTotal.Add(-int64(j.p.ChannelsTotal))
		m.HistoryChannelsDone.Add(-int64(j.p.ChannelsDone))
	}()
	for _, ch := range chs {
		if ch.Done {
			continue
		}
		j.p.Channel = bot.ChannelLabel(ch.Channel, ch.Name)
		if err := r.readChannel(ctx, reader, j, ch); err != nil {
			return err
		}
		j.p.ChannelsDone++
		m.HistoryChannelsDone.Add(1)
		r.progress(ctx, j)
	}
	j.imp.Status, j.imp.FinishedAt = StatusDone, r.clock.Now()
	if err := r.cfg.Store.SaveImport(ctx, j.imp); err != nil {
		return err
	}
	j.p.Import = j.imp
	if j.p.MembersSeen, err = membersSeen(ctx, r.cfg.Store, j.imp); err != nil {
		return err
	}
	r.log.InfoContext(ctx, "history imported", "community", j.imp.Community, "import", j.imp.ID,
		"channels", j.p.ChannelsTotal, "events", j.p.Events, "bots", j.p.SkippedBots, "forgotten", j.p.SkippedGone)
	if r.cfg.OnPage != nil {
		r.cfg.OnPage(j.p)
	}
	r.dm(ctx, j.imp, j.p.Summary(r.cfg.Core.Location()))
	return nil
}

// readChannel reads one channel from its cursor to its end. For each page
// it records the events, then moves the cursor (with the page's counts):
// a crash between the two reads the page again, and the events' keys make
// that harmless.
func (r *Runner) readChannel(ctx context.Context, reader bot.HistoryReader, j *job, ch ChannelProgress) error {
	cursor := ch.Cursor
	q := bot.HistoryQuery{Community: j.imp.Community, Channel: ch.Channel, Since: j.imp.Since, Cursor: cursor}
	err := reader.ReadHistory(ctx, q, func(ctx context.Context, events []bot.Event, next string) error {
		if err := r.renew(ctx, j); err != nil {
			return err
		}
		counts, err := r.record(ctx, j.imp.Community, events)
		if err != nil {
			return err
		}
		ok, err := r.cfg.Store.SaveImportPage(ctx, j.imp.ID, ch.Channel, cursor, next, counts, false)
		if err != nil {
			return err
		}
		if !ok {
			return errLeaseLost
		}
		cursor = next
		j.p.PageCounts.Add(counts)
		r.progress(ctx, j)
		return nil
	})
	if err != nil {
		if errors.Is(err, errLeaseLost) || ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("read #%s: %w", j.p.Channel, err)
	}
	ok, err := r.cfg.Store.SaveImportPage(ctx, j.imp.ID, ch.Channel, cursor, cursor, PageCounts{}, true)
	if err == nil && !ok {
		err = errLeaseLost
	}
	return err
}

// renew extends the lease every third of its term, on the clock.
func (r *Runner) renew(ctx context.Context, j *job) error {
	now := r.clock.Now()
	if now.Sub(j.renewed) < r.cfg.LeaseTTL/3 {
		return nil
	}
	ok, err := r.cfg.Store.AcquireLease(ctx, j.lease, r.cfg.Holder, now, r.cfg.LeaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		return errLeaseLost
	}
	j.renewed = now
	return nil
}

// record records one page: forgotten members' events are dropped here
// (their tombstones are in the store), the rest go through the kernel's
// RecordHistory (bots dropped, prompt replies mapped, no live listeners).
func (r *Runner) record(ctx context.Context, community string, events []bot.Event) (PageCounts, error) {
	var c PageCounts
	if len(events) == 0 {
		return c, nil
	}
	var members []string
	for _, e := range events {
		if !e.IsBot && e.Member != "" {
			members = append(members, e.Member)
		}
	}
	gone, err := r.cfg.Store.Tombstoned(ctx, community, members)
	if err != nil {
		return c, err
	}
	keep := events
	if len(gone) > 0 {
		keep = make([]bot.Event, 0, len(events))
		for _, e := range events {
			if !e.IsBot && gone[e.Member] {
				c.SkippedGone++
				continue
			}
			keep = append(keep, e)
		}
	}
	res, err := r.cfg.Core.RecordHistory(ctx, keep)
	if err != nil {
		return c, err
	}
	c.Events, c.SkippedBots = res.Kept, res.Bots
	return c, nil
}

// progress tells the facilitator who asked where the import stands, at
// most every ProgressEvery or every ProgressChannels channels, and the
// offline command at every call.
func (r *Runner) progress(ctx context.Context, j *job) {
	if r.cfg.OnPage != nil {
		r.cfg.OnPage(j.p)
	}
	if j.imp.RequestedBy == "" {
		return
	}
	now := r.clock.Now()
	last := j.imp.ProgressAt
	if last.IsZero() {
		last = j.imp.StartedAt
	}
	if now.Sub(last) < ProgressEvery && j.p.ChannelsDone-j.imp.ProgressChannels < ProgressChannels {
		return
	}
	if j.p.ChannelsDone == j.p.ChannelsTotal {
		return // the summary follows
	}
	j.imp.ProgressAt, j.imp.ProgressChannels = now, j.p.ChannelsDone
	if err := r.cfg.Store.SaveImport(ctx, j.imp); err != nil {
		r.log.WarnContext(ctx, "history import: note progress", "err", err)
	}
	r.dm(ctx, j.imp, "Importing history: "+j.p.Line())
}

// dm tells the facilitator who asked for imp (none offline).
func (r *Runner) dm(ctx context.Context, imp Import, text string) {
	if imp.RequestedBy == "" {
		return
	}
	chat, err := r.cfg.Core.Chat(imp.Community)
	if err == nil {
		_, err = chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: imp.Community, Member: imp.RequestedBy}, bot.Post{Text: text})
	}
	if err != nil {
		r.log.WarnContext(ctx, "history import: DM the facilitator", "community", imp.Community, "err", err)
	}
}
