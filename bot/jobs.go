package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

var _ JobRunner = (*Bot)(nil)

// RunSchedule does a schedule's work when it falls due at the intended time
// at, through the job its module registered for its kind. The scheduler has
// claimed the firing already: this runs once.
func (b *Bot) RunSchedule(ctx context.Context, s Schedule, at time.Time) error {
	log := b.log.With("schedule", s.ID, "kind", s.Kind, "community", s.Community, "at", at)
	b.mu.RLock()
	job, ok := b.jobs[s.Kind]
	b.mu.RUnlock()
	var err error
	if !ok {
		err = fmt.Errorf("unknown schedule kind %q", s.Kind)
	} else if err = job.Run(ctx, s, at); err == nil && job.OneShot {
		err = b.RemoveSpent(ctx, s)
	}
	if err != nil {
		b.internalError("schedule")
		log.ErrorContext(ctx, "scheduled work failed", "err", err)
		return err
	}
	log.InfoContext(ctx, "scheduled work done")
	return nil
}

// Grace is how late a missed firing of each kind may still run, from the
// registered jobs: the scheduler's default.
func (b *Bot) Grace() map[ScheduleKind]time.Duration {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make(map[ScheduleKind]time.Duration, len(b.jobs))
	for k, j := range b.jobs {
		out[k] = j.Grace
	}
	return out
}

// Permalinker returns the community's platform's link maker, if it has one.
func (b *Bot) Permalinker(community string) Permalinker {
	c, err := b.Chat(community)
	if err != nil {
		return nil
	}
	pl, _ := c.(Permalinker)
	return pl
}

// RemoveSpent removes a one-shot schedule whose one firing is done: it
// would only clutter /hearth schedule list (and a welcome's names a member).
func (b *Bot) RemoveSpent(ctx context.Context, s Schedule) error {
	if err := b.store.RemoveSchedule(ctx, s.Community, s.ID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}
