package schedules

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// RunDue runs what falls due up to until, in order: repeatedly the earliest
// due time across all schedules (ties by schedule id). With a
// *bot.ManualClock it first moves the clock to that time if it is behind,
// and leaves it at until at the end; with another clock, what is due after
// its now waits for a later call.
//
// For each schedule the intended times from its due time to now are one
// catch-up: when the latest is within the kind's grace window it runs (one
// Fired row) and the earlier ones are one Skipped row with Missed = their
// number; otherwise the latest is a Skipped row standing for all of them and
// nothing runs. Each row is claimed before anything runs, and a firing
// someone else claimed is left alone. A job's error is recorded (status
// Failed) and logged; the other schedules go on. RunDue returns the store's
// errors (the schedules concerned are retried on the next call) or ctx's.
//
// A schedule's cursor is the intended time of its latest claimed firing
// (store.LastFiring), or its CreatedAt (the clock's now if that is zero);
// its due time is spec.Next(cursor) in its zone. Paused schedules are left
// out, so on resume what fell due meanwhile is caught up only within grace.
// Schedules added while RunDue runs wait for the next call.
func (r *Runner) RunDue(ctx context.Context, until time.Time) error {
	_, err := r.runDue(ctx, until)
	return err
}

// pending is one schedule in a RunDue pass.
type pending struct {
	s      bot.Schedule
	spec   bot.Spec
	cursor time.Time // the latest intended time dealt with
	due    time.Time // spec.Next(cursor)
}

// runDue is RunDue, also returning the earliest due time left (zero if
// none), for Run to wait for.
func (r *Runner) runDue(ctx context.Context, until time.Time) (time.Time, error) {
	q, errs := r.plan(ctx)
	if q == nil {
		return time.Time{}, errors.Join(errs...)
	}
	for q.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		p := q.items[0]
		if p.due.After(until) {
			break
		}
		if r.manual != nil && r.manual.Now().Before(p.due) {
			r.manual.Set(p.due)
		}
		now := r.clock.Now()
		if p.due.After(now) {
			break // a real clock: not due yet
		}
		heap.Pop(q)
		ran, err := r.step(ctx, p, now)
		if err != nil {
			errs = append(errs, err)
			continue // dropped from this pass; the next one retries it
		}
		if !p.due.IsZero() {
			heap.Push(q, p)
		}
		if ran {
			// A job may add schedules (a check-in adds its reminder and
			// close): they join this pass, so a simulated week runs them
			// in order rather than late.
			errs = append(errs, r.addNew(ctx, q)...)
		}
	}
	if r.manual != nil && r.manual.Now().Before(until) {
		r.manual.Set(until)
	}
	var next time.Time
	if q.Len() > 0 {
		next = q.items[0].due
	}
	return next, errors.Join(errs...)
}

// plan loads the schedules that can fall due, with their due times. A nil
// queue means the schedules could not be listed.
func (r *Runner) plan(ctx context.Context) (*dueQueue, []error) {
	q := &dueQueue{known: map[int64]bool{}}
	errs := r.addNew(ctx, q)
	if len(errs) == 1 && errors.Is(errs[0], errList) {
		return nil, errs
	}
	return q, errs
}

// errList marks the failure to list schedules at all.
var errList = errors.New("schedules: list")

// addNew adds to q the schedules it has not seen, with their due times.
func (r *Runner) addNew(ctx context.Context, q *dueQueue) []error {
	list, err := r.store.Schedules(ctx, "")
	if err != nil {
		return []error{fmt.Errorf("%w: %w", errList, err)}
	}
	// One read for every schedule's latest firing: each instance sharing
	// the database makes a pass at least every MaxWait.
	last, err := r.store.LastFirings(ctx)
	if err != nil {
		return []error{fmt.Errorf("%w: last firings: %w", errList, err)}
	}
	var errs []error
	for _, s := range list {
		if q.known[s.ID] || s.Paused {
			continue
		}
		spec, ok := r.specOf(ctx, s)
		if !ok {
			continue
		}
		cursor := s.CreatedAt
		if at, ok := last[s.ID]; ok {
			cursor = at
		}
		q.known[s.ID] = true
		if cursor.IsZero() {
			cursor = r.clock.Now()
		}
		if due := spec.Next(cursor); !due.IsZero() {
			heap.Push(q, &pending{s: s, spec: spec, cursor: cursor, due: due})
		}
	}
	return errs
}

// step deals with one schedule whose due time has come: it claims and runs
// (or skips) its catch-up, then moves p to its next due time (zero when the
// schedule is gone, paused, or has no more times).
func (r *Runner) step(ctx context.Context, p *pending, now time.Time) (ran bool, err error) {
	s, err := r.store.Schedule(ctx, p.s.Community, p.s.ID) // paused or removed since the pass began?
	if errors.Is(err, bot.ErrNotFound) || (err == nil && s.Paused) {
		p.due = time.Time{}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("schedules: reload schedule %d: %w", p.s.ID, err)
	}
	grace := r.graceOf(s.Kind)
	c := enumerate(p.spec, p.due, now, grace)
	log := r.log.With("schedule", s.ID, "kind", s.Kind, "community", s.Community)

	if c.complete && now.Sub(c.latest) <= grace {
		// The skip row goes first: should Hearth stop between the two
		// claims, the next start resumes after the skipped times and
		// still runs the latest, if it is still within grace.
		if c.count > 1 {
			if _, err := r.claim(ctx, s.ID, c.before, bot.Skipped, missed(c.count-1), now); err != nil {
				return false, err
			}
			r.obs.Firing(s.Kind, bot.OutcomeSkipped, missed(c.count-1))
			log.InfoContext(ctx, "schedule skipped missed firings", "until", c.before, "missed", missed(c.count-1))
		}
		ok, err := r.claim(ctx, s.ID, c.latest, bot.Fired, 0, now)
		if err != nil {
			return false, err
		}
		if ok {
			r.run(ctx, log, s, c.latest, now)
			ran = true
		}
	} else {
		if _, err := r.claim(ctx, s.ID, c.latest, bot.Skipped, missed(c.count), now); err != nil {
			return false, err
		}
		r.obs.Firing(s.Kind, bot.OutcomeSkipped, missed(c.count))
		log.InfoContext(ctx, "schedule skipped firings missed beyond grace", "intended", c.latest, "missed", missed(c.count), "grace", grace)
	}
	p.cursor = c.resume
	p.due = p.spec.Next(p.cursor)
	return ran, nil
}

// claim records a firing and reports whether this call claimed it.
func (r *Runner) claim(ctx context.Context, id int64, at time.Time, status bot.FiringStatus, missed int, now time.Time) (bool, error) {
	ok, err := r.store.ClaimFiring(ctx, bot.Firing{Schedule: id, At: at, Status: status, Missed: missed, RanAt: now})
	if err != nil {
		return false, fmt.Errorf("schedules: claim %s firing of schedule %d at %s: %w", status, id, at.Format(time.RFC3339), err)
	}
	return ok, nil
}

// run runs a claimed firing's job. A failure (an error, or a panic, which
// must not take the other schedules down with it) is recorded as Failed and
// logged.
func (r *Runner) run(ctx context.Context, log *slog.Logger, s bot.Schedule, at, now time.Time) {
	err := r.callJob(ctx, s, at)
	if err == nil {
		r.obs.Firing(s.Kind, bot.OutcomeFired, 1)
		log.InfoContext(ctx, "schedule fired", "intended", at)
		return
	}
	r.obs.Firing(s.Kind, bot.OutcomeFailed, 1)
	log.ErrorContext(ctx, "scheduled job failed", "intended", at, "err", err)
	f := bot.Firing{Schedule: s.ID, At: at, Status: bot.Failed, RanAt: now, Error: err.Error()}
	if ferr := r.store.FinishFiring(ctx, f); ferr != nil {
		log.ErrorContext(ctx, "record failed firing", "intended", at, "err", ferr)
	}
}

// callJob calls the job, turning a panic into an error.
func (r *Runner) callJob(ctx context.Context, s bot.Schedule, at time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return r.jobs.RunSchedule(ctx, s, at)
}

// dueQueue orders pending schedules by due time, then id (container/heap),
// and remembers which schedules a pass has seen.
type dueQueue struct {
	items []*pending
	known map[int64]bool
}

func (q *dueQueue) Len() int { return len(q.items) }
func (q *dueQueue) Less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	if !a.due.Equal(b.due) {
		return a.due.Before(b.due)
	}
	return a.s.ID < b.s.ID
}
func (q *dueQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *dueQueue) Push(x any)    { q.items = append(q.items, x.(*pending)) }
func (q *dueQueue) Pop() any {
	p := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return p
}
