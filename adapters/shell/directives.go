package shell

// Directives (":now", ":advance 1d", ":channel #name", ...) and the
// simulated time they move, with the bound on what one move may fire.

import (
	"context"
	"strings"
	"time"
)

func (a *Adapter) directive(ctx context.Context, l line) bool {
	switch l.verb {
	case "now":
		a.mu.Lock()
		a.printf("now: %s\n", a.clock.Now().UTC().Format(time.RFC3339))
		a.mu.Unlock()
	case "advance":
		if a.simulated == nil {
			a.note(":advance needs simulated time: start with `hearth shell --clock 2026-11-02T09:00:00Z`")
			return false
		}
		d, err := parseDuration(l.text)
		if err != nil {
			a.note("%s", err)
			return false
		}
		a.tick(ctx, d)
		a.mu.Lock()
		a.printf("now: %s\n", a.clock.Now().UTC().Format(time.RFC3339))
		a.mu.Unlock()
	case "channel":
		ch := strings.ToLower(strings.TrimPrefix(l.text, "#"))
		if !validName(ch) {
			a.note("which channel? Try `:channel #design`")
			return false
		}
		a.mu.Lock()
		a.current = ch
		a.mu.Unlock()
	case "help":
		a.printBanner()
	case "quit", "exit", "q":
		return true
	default:
		a.note("I don't know :%s. Directives: :now, :advance 1d, :channel #name, :help, :quit", clipped(l.verb))
	}
	return false
}

// tick moves simulated time forward by d, running what falls due. In real
// time it does nothing: the wall clock moves by itself.
func (a *Adapter) tick(ctx context.Context, d time.Duration) {
	if a.simulated == nil {
		return
	}
	until := a.simulated.Now().Add(d)
	if a.due != nil {
		a.runDue(ctx, until)
	}
	if a.simulated.Now().Before(until) {
		a.simulated.Set(until)
	}
}

// runDue runs what falls due up to until (the runner moves a simulated
// clock to each due time in order, then to until). When the firing bound
// stops it, simulated time still moves to until and what was left is
// caught up as after a downtime (for each schedule, the latest time runs
// if still within its grace; the others are recorded as skipped): a
// replay of the script then takes the same path whatever an earlier run
// fired, and one move stays bounded.
func (a *Adapter) runDue(ctx context.Context, until time.Time) {
	fired, stopped := a.runDueOnce(ctx, until)
	if !stopped || a.simulated == nil {
		return
	}
	if a.simulated.Now().Before(until) {
		a.simulated.Set(until)
	}
	a.runDueOnce(ctx, until)
	a.hint("ran %d scheduled firings in order, the most one move of time runs; what fell due after them until %s was caught up as after a downtime (the latest time of each schedule runs if still within its grace, the others are skipped)",
		fired, until.UTC().Format(time.RFC3339))
}

// runDueOnce is one call of the runner up to until, under the firing
// bound: how many jobs it ran, and whether it stopped at the bound.
func (a *Adapter) runDueOnce(ctx context.Context, until time.Time) (fired int, stopped bool) {
	runCtx := ctx
	if a.firings != nil {
		runCtx = a.firings.begin(ctx)
	}
	err := a.due.RunDue(runCtx, until)
	if a.firings != nil {
		fired, stopped = a.firings.end()
	}
	if err != nil && !stopped && ctx.Err() == nil {
		a.log.ErrorContext(ctx, "run due work", "until", until, "err", err)
		a.failed()
	}
	return fired, stopped
}
