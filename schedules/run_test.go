package schedules_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/schedules"
)

// TestRunLoop drives Run with an injected wait that moves a manual clock
// instead of sleeping: it fires everything on time, waits at most 30 s,
// notices a schedule added meanwhile, and returns nil once ctx is done.
func TestRunLoop(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	start := at(t, paris, "2026-10-12 08:00")
	end := at(t, paris, "2026-10-15 00:00")
	r := newRig(t, paris, start)
	prompt := r.add(t, prompts.SchedulePrompt, "every monday at 9:00")
	digest := r.add(t, reporting.ScheduleDigest, "daily at 18:00")
	var late int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	wait := func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		now := r.clock.Now()
		if !now.Before(end) {
			cancel()
			return ctx.Err()
		}
		if late == 0 && !now.Before(at(t, paris, "2026-10-12 12:00")) {
			late = r.add(t, prompts.SchedulePrompt, "daily at 12:30") // added while Run sleeps
		}
		r.clock.Advance(d)
		return nil
	}
	run, err := schedules.New(schedules.Config{Grace: testGrace, Store: r.store, Jobs: r.jobs, Clock: r.clock, Location: paris, Wait: wait})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Run(ctx); err != nil {
		t.Fatalf("Run = %v, want nil when ctx is done", err)
	}
	if got := r.jobs.of(prompt, paris); fmt.Sprint(got) != "[2026-10-12 09:00 Mon]" {
		t.Errorf("prompt %v", got)
	}
	if got := r.jobs.of(digest, paris); fmt.Sprint(got) != "[2026-10-12 18:00 Mon 2026-10-13 18:00 Tue 2026-10-14 18:00 Wed]" {
		t.Errorf("digest %v", got)
	}
	if got := r.jobs.of(late, paris); fmt.Sprint(got) != "[2026-10-12 12:30 Mon 2026-10-13 12:30 Tue 2026-10-14 12:30 Wed]" {
		t.Errorf("schedule added meanwhile %v", got)
	}
	for _, run := range r.jobs.all() {
		if !run.now.Equal(run.at) {
			t.Errorf("schedule %d ran at %v for %v: Run should wake on the due time", run.id, run.now, run.at)
		}
	}
	for _, d := range waits {
		if d < time.Second || d > schedules.MaxWait {
			t.Errorf("waited %v, want within [1s, %v]", d, schedules.MaxWait)
		}
	}
}

// TestRunStops: Run returns nil when ctx is done (even before it starts),
// and the wait's own error otherwise.
func TestRunStops(t *testing.T) {
	r := newRig(t, time.UTC, time.Date(2026, 10, 12, 8, 0, 0, 0, time.UTC))
	r.add(t, prompts.SchedulePrompt, "daily at 9:00")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.runner.Run(ctx); err != nil { // the default, real wait
		t.Errorf("Run with ctx done = %v, want nil", err)
	}

	broken := errors.New("timer broke")
	run, err := schedules.New(schedules.Config{Grace: testGrace, Store: r.store, Jobs: r.jobs, Clock: r.clock,
		Wait: func(context.Context, time.Duration) error { return broken }})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Run(context.Background()); !errors.Is(err, broken) {
		t.Errorf("Run = %v, want the wait's error", err)
	}

	// A pass that fails (the store is down) is logged and the loop goes on.
	failOn(r.store, "Schedules", errBoom)
	passes := 0
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	run, err = schedules.New(schedules.Config{Grace: testGrace, Store: r.store, Jobs: r.jobs, Clock: r.clock, Log: newLogger(r.logs),
		Wait: func(ctx context.Context, d time.Duration) error {
			if passes++; passes == 3 {
				cancel()
				return ctx.Err()
			}
			if d != schedules.MaxWait {
				t.Errorf("waited %v after a failed pass, want %v", d, schedules.MaxWait)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Run(ctx); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if n := r.logs.count(`msg="run due schedules"`); n != 3 {
		t.Errorf("%d failed passes logged, want 3", n)
	}
}

// TestWait checks how long Run waits (bot.Sleep, the real wait, has its
// own test).
func TestWait(t *testing.T) {
	now := time.Date(2026, 10, 12, 8, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		next time.Time
		want time.Duration
	}{
		{time.Time{}, schedules.MaxWait},
		{now.Add(10 * time.Second), 10 * time.Second},
		{now.Add(5 * time.Minute), schedules.MaxWait},
		{now.Add(300 * time.Millisecond), time.Second},
		{now.Add(-time.Minute), time.Second},
	} {
		if got := schedules.WaitFor(now, tt.next); got != tt.want {
			t.Errorf("waitFor(now, %v) = %v, want %v", tt.next, got, tt.want)
		}
	}
}
