package shell

import (
	"context"
	"sync"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// DefaultMaxFirings is how many scheduled jobs one move of simulated time
// (an :advance, or a line's second) runs at most, when Config.Firings
// doesn't say: with an `@every 1m` prompt, `:advance 30d` would otherwise
// post 43,200 prompts.
const DefaultMaxFirings = 1000

// FiringBound stands between the scheduler and the jobs it runs, counting
// them while the shell moves simulated time, so that one move runs at most
// Max of them in order: at the Max-th it stops the scheduler (its context
// is cancelled); the shell says so, moves time to the end of the move and
// has the rest caught up as after a downtime.
// Give it to the scheduler as its job runner and to the shell as
// Config.Firings. Outside a move (real time) it only passes jobs on.
type FiringBound struct {
	jobs bot.JobRunner
	max  int

	mu      sync.Mutex // guards what follows
	cancel  context.CancelFunc
	fired   int
	stopped bool
}

var _ bot.JobRunner = (*FiringBound)(nil)

// NewFiringBound returns a bound of max firings per move (DefaultMaxFirings
// when max <= 0) in front of jobs.
func NewFiringBound(jobs bot.JobRunner, max int) *FiringBound {
	if max <= 0 {
		max = DefaultMaxFirings
	}
	return &FiringBound{jobs: jobs, max: max}
}

// Max is the bound.
func (f *FiringBound) Max() int { return f.max }

// RunSchedule runs the job, and ends the current move once it has run Max.
func (f *FiringBound) RunSchedule(ctx context.Context, s bot.Schedule, at time.Time) error {
	err := f.jobs.RunSchedule(ctx, s, at)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancel != nil {
		f.fired++
		if f.fired >= f.max && !f.stopped {
			f.stopped = true
			f.cancel()
		}
	}
	return err
}

// begin starts counting a move; the scheduler runs under the returned
// context, which ends at the bound.
func (f *FiringBound) begin(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancel, f.fired, f.stopped = cancel, 0, false
	return ctx
}

// end ends the move begun last and reports how many jobs it ran and
// whether it stopped at the bound.
func (f *FiringBound) end() (fired int, stopped bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancel != nil {
		f.cancel()
	}
	fired, stopped = f.fired, f.stopped
	f.cancel, f.fired, f.stopped = nil, 0, false
	return fired, stopped
}
