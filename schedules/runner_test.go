package schedules_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/memstore"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/schedules"
)

// TestWeeklyPromptAndDigestOver21Days plays three simulated weeks in Paris,
// across the 2026-10-25 change, in steps of several sizes (one :advance, a
// day, an hour, an odd step): a weekly prompt and a weekly digest fire 3 + 3
// times, in order, each at its local time, with the clock at that instant.
func TestWeeklyPromptAndDigestOver21Days(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	start := at(t, paris, "2026-10-12 08:00") // a Monday
	end := start.Add(21 * 24 * time.Hour)
	for _, step := range []time.Duration{21 * 24 * time.Hour, 24 * time.Hour, time.Hour, 7*time.Hour + 13*time.Minute + 1*time.Second} {
		t.Run(step.String(), func(t *testing.T) {
			r := newRig(t, paris, start)
			prompt := r.add(t, prompts.SchedulePrompt, "every monday at 9:00")
			digest := r.add(t, reporting.ScheduleDigest, "0 17 * * FRI")
			for r.clock.Now().Before(end) {
				until := r.clock.Now().Add(step)
				if until.After(end) {
					until = end
				}
				r.runDue(t, until)
			}
			if got, want := r.jobs.of(prompt, paris), []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("prompt fired at %v, want %v", got, want)
			}
			if got, want := r.jobs.of(digest, paris), []string{"2026-10-16 17:00 Fri", "2026-10-23 17:00 Fri", "2026-10-30 17:00 Fri"}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("digest fired at %v, want %v", got, want)
			}
			runs := r.jobs.all()
			for i, run := range runs {
				if !run.now.Equal(run.at) {
					t.Errorf("run %d of schedule %d: clock at %v, want the intended %v", i, run.id, run.now, run.at)
				}
				if i > 0 && run.at.Before(runs[i-1].at) {
					t.Errorf("run %d out of order: %v after %v", i, run.at, runs[i-1].at)
				}
			}
			if !r.clock.Now().Equal(end) {
				t.Errorf("clock at %v, want %v", r.clock.Now(), end)
			}
			for _, id := range []int64{prompt, digest} {
				for _, f := range firings(r.store, id) {
					if f.Status != bot.Fired {
						t.Errorf("schedule %d: row %+v, want only fired rows", id, f)
					}
				}
			}
		})
	}
}

// TestCatchUpAndGrace: Hearth was down at a due time and starts at now.
func TestCatchUpAndGrace(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	tests := []struct {
		name     string
		kind     bot.ScheduleKind
		spec     string
		now      string
		wantRuns []string
		wantRows []string
	}{
		{"prompt 1h30 late fires", prompts.SchedulePrompt, "every monday at 9:00", "2026-10-12 10:30",
			[]string{"2026-10-12 09:00 Mon"}, []string{"fired 2026-10-12 09:00 Mon"}},
		{"prompt exactly at grace fires", prompts.SchedulePrompt, "every monday at 9:00", "2026-10-12 11:00",
			[]string{"2026-10-12 09:00 Mon"}, []string{"fired 2026-10-12 09:00 Mon"}},
		{"prompt 2h30 late skips", prompts.SchedulePrompt, "every monday at 9:00", "2026-10-12 11:30",
			nil, []string{"skipped 2026-10-12 09:00 Mon x1"}},
		{"digest missed 4 fires the latest", reporting.ScheduleDigest, "daily at 9:00", "2026-10-15 10:00",
			[]string{"2026-10-15 09:00 Thu"}, []string{"skipped 2026-10-14 09:00 Wed x3", "fired 2026-10-15 09:00 Thu"}},
		{"digest 19h late fires", reporting.ScheduleDigest, "every friday at 17:00", "2026-10-24 12:00",
			[]string{"2026-10-23 17:00 Fri"}, []string{"skipped 2026-10-16 17:00 Fri x1", "fired 2026-10-23 17:00 Fri"}},
		{"digest 25h late skips all", reporting.ScheduleDigest, "every friday at 17:00", "2026-10-24 18:00",
			nil, []string{"skipped 2026-10-23 17:00 Fri x2"}},
		{"unlisted kind has 1h: 59m late fires", "intro", "daily at 9:00", "2026-10-12 09:59",
			[]string{"2026-10-12 09:00 Mon"}, []string{"fired 2026-10-12 09:00 Mon"}},
		{"unlisted kind has 1h: 61m late skips", "intro", "daily at 9:00", "2026-10-12 10:01",
			nil, []string{"skipped 2026-10-12 09:00 Mon x1"}},
		{"nothing due yet", prompts.SchedulePrompt, "every monday at 9:00", "2026-10-12 08:59",
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
			id := r.add(t, tt.kind, tt.spec)
			now := at(t, paris, tt.now)
			r.clock.Set(now) // Hearth was down until now
			for range 2 {    // the second pass finds nothing more
				r.runDue(t, now)
			}
			if got := r.jobs.of(id, paris); fmt.Sprint(got) != fmt.Sprint(tt.wantRuns) {
				t.Errorf("runs %v, want %v", got, tt.wantRuns)
			}
			if got := r.rowsString(id); fmt.Sprint(got) != fmt.Sprint(tt.wantRows) {
				t.Errorf("rows %v, want %v", got, tt.wantRows)
			}
			for _, run := range r.jobs.all() {
				if !run.now.Equal(now) {
					t.Errorf("ran with the clock at %v, want now %v", run.now, now)
				}
			}
			// After a catch-up, the rhythm goes on as usual.
			r.runDue(t, now.Add(7*24*time.Hour))
			spec, _ := schedules.Parser{}.ParseSpec(tt.spec, paris)
			want := schedules.Preview(spec, now, 200)
			var wantNext []string
			for _, v := range want {
				if v.After(now.Add(7 * 24 * time.Hour)) {
					break
				}
				wantNext = append(wantNext, local(v, paris))
			}
			got := r.jobs.of(id, paris)[len(tt.wantRuns):]
			if fmt.Sprint(got) != fmt.Sprint(wantNext) {
				t.Errorf("the week after: runs %v, want %v", got, wantNext)
			}
		})
	}
}

// TestPauseResume: a paused schedule doesn't fire; on resume it catches up
// only within grace.
func TestPauseResume(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	ctx := context.Background()
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
	id := r.add(t, prompts.SchedulePrompt, "every monday at 9:00")
	r.runDue(t, at(t, paris, "2026-10-12 10:00"))
	if err := r.store.SetSchedulePaused(ctx, "shell:local", id, true); err != nil {
		t.Fatal(err)
	}
	r.runDue(t, at(t, paris, "2026-10-28 12:00")) // two Mondays pass while paused
	if got := r.jobs.of(id, paris); len(got) != 1 {
		t.Fatalf("fired while paused: %v", got)
	}
	if err := r.store.SetSchedulePaused(ctx, "shell:local", id, false); err != nil {
		t.Fatal(err)
	}
	r.runDue(t, r.clock.Now()) // resumed on Wednesday: no catch-up beyond 2h
	if got, want := r.rowsString(id), []string{"fired 2026-10-12 09:00 Mon", "skipped 2026-10-26 09:00 Mon x2"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	r.runDue(t, at(t, paris, "2026-11-09 08:00"))
	if got, want := r.jobs.of(id, paris), []string{"2026-10-12 09:00 Mon", "2026-11-02 09:00 Mon"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("runs %v, want %v", got, want)
	}

	// Paused over a due time and resumed within grace: it fires, late.
	if err := r.store.SetSchedulePaused(ctx, "shell:local", id, true); err != nil {
		t.Fatal(err)
	}
	r.runDue(t, at(t, paris, "2026-11-09 10:00"))
	if err := r.store.SetSchedulePaused(ctx, "shell:local", id, false); err != nil {
		t.Fatal(err)
	}
	r.runDue(t, r.clock.Now())
	runs := r.jobs.all()
	if last := runs[len(runs)-1]; len(runs) != 3 || local(last.at, paris) != "2026-11-09 09:00 Mon" || local(last.now, paris) != "2026-11-09 10:00 Mon" {
		t.Errorf("runs %+v, want the 2026-11-09 09:00 firing run at 10:00", runs)
	}
}

// TestFailingJobs: a job's error or panic is recorded as Failed and logged
// with context, and the other schedules go on, in id order.
func TestFailingJobs(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
	failing := r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	fine := r.add(t, reporting.ScheduleDigest, "daily at 9:00")
	panicking := r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	r.jobs.fail = func(s bot.Schedule, _ time.Time) error {
		switch s.ID {
		case failing:
			return errBoom
		case panicking:
			panic("kaboom")
		}
		return nil
	}
	r.runDue(t, at(t, paris, "2026-10-14 08:00"))
	var order []int64
	for _, run := range r.jobs.all() {
		order = append(order, run.id)
	}
	if want := []int64{1, 2, 3, 1, 2, 3}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("runs by id %v, want %v", order, want)
	}
	for _, f := range firings(r.store, failing) {
		if f.Status != bot.Failed || f.Error != "boom" {
			t.Errorf("failing schedule row %+v, want failed with the error", f)
		}
	}
	for _, f := range firings(r.store, panicking) {
		if f.Status != bot.Failed || !strings.HasPrefix(f.Error, "job panicked: kaboom") {
			t.Errorf("panicking schedule row %+v, want failed with the panic", f)
		}
	}
	for _, f := range firings(r.store, fine) {
		if f.Status != bot.Fired {
			t.Errorf("fine schedule row %+v, want fired", f)
		}
	}
	logs := r.logs.String()
	if n := strings.Count(logs, `msg="scheduled job failed"`); n != 4 {
		t.Errorf("%d failure log lines, want 4:\n%s", n, logs)
	}
	for _, want := range []string{"schedule=1 kind=prompt community=shell:local intended=2026-10-12T09:00:00.000+02:00 err=boom", "schedule=3 kind=prompt"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

// TestUnreadableStoredSpec: schedules whose spec or zone no longer reads are
// logged once each and skipped; the others fire.
func TestUnreadableStoredSpec(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	ctx := context.Background()
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
	good := r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	r.add(t, prompts.SchedulePrompt, "every blue moon")
	if _, err := r.store.AddSchedule(ctx, bot.Schedule{Community: "shell:local", Kind: prompts.SchedulePrompt, Spec: "daily at 9:00", TZ: "Mars/Olympus_Mons", CreatedAt: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	for range 72 {
		r.runDue(t, r.clock.Now().Add(time.Hour))
	}
	if got := r.jobs.of(good, paris); len(got) != 3 {
		t.Errorf("good schedule fired %v, want 3 times", got)
	}
	if n := len(r.jobs.all()); n != 3 {
		t.Errorf("%d runs, want only the good schedule's 3", n)
	}
	logs := r.logs.String()
	if n := strings.Count(logs, "its spec no longer reads"); n != 2 {
		t.Errorf("%d log lines about unreadable specs, want 2 (once per schedule):\n%s", n, logs)
	}
	if !strings.Contains(logs, "schedule=2") || !strings.Contains(logs, "schedule=3") || !strings.Contains(logs, "Mars/Olympus_Mons") {
		t.Errorf("logs lack the schedules' details:\n%s", logs)
	}
}

// TestChangedDuringPass: a schedule paused or removed by an earlier job of
// the same pass doesn't fire.
func TestChangedDuringPass(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	ctx := context.Background()
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
	first := r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	paused := r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	removed := r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	r.jobs.also = func(s bot.Schedule, _ time.Time) {
		if s.ID == first {
			_ = r.store.SetSchedulePaused(ctx, "shell:local", paused, true)
			_ = r.store.RemoveSchedule(ctx, "shell:local", removed)
		}
	}
	r.runDue(t, at(t, paris, "2026-10-14 08:00"))
	if got := r.jobs.of(first, paris); len(got) != 2 {
		t.Errorf("first fired %v, want twice", got)
	}
	if got := append(r.jobs.of(paused, paris), r.jobs.of(removed, paris)...); len(got) != 0 {
		t.Errorf("paused or removed schedules fired at %v", got)
	}
}

// TestSchedulesAddedByAJobJoinThePass: a job that adds a schedule (a
// check-in adding its reminder and close) sees it fire in the same RunDue,
// in order, not at the next pass.
func TestSchedulesAddedByAJobJoinThePass(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, time.UTC, at(t, time.UTC, "2026-11-02 08:00"))
	start := r.add(t, checkins.ScheduleCheckin, "daily at 9:00")
	var added []int64
	r.jobs.also = func(s bot.Schedule, due time.Time) {
		if s.ID != start {
			return
		}
		id, err := r.store.AddSchedule(ctx, bot.Schedule{Community: "shell:local", Kind: checkins.ScheduleCheckinClose,
			Spec: bot.OnceSpec(due.Add(2 * time.Hour)), CreatedAt: due})
		if err != nil {
			t.Error(err)
		}
		added = append(added, id)
	}
	r.runDue(t, at(t, time.UTC, "2026-11-03 08:00"))
	if len(added) != 1 {
		t.Fatalf("the start fired %d times, want once", len(added))
	}
	var got []string
	for _, j := range r.jobs.all() {
		got = append(got, fmt.Sprintf("%d@%s", j.id, local(j.at, time.UTC)))
	}
	want := []string{fmt.Sprintf("%d@%s", start, "2026-11-02 09:00 Mon"), fmt.Sprintf("%d@%s", added[0], "2026-11-02 11:00 Mon")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("ran %v, want %v", got, want)
	}
	r.runDue(t, at(t, time.UTC, "2026-11-03 08:30"))
	if n := len(r.jobs.of(added[0], time.UTC)); n != 1 {
		t.Fatalf("the once schedule ran %d times", n)
	}
}

// TestLongOutageIsBounded: a frequent schedule after a year down is caught
// up in bounded work: one skip row saying MaxMissed, and the latest fired
// within grace, on the @every chain's phase.
func TestLongOutageIsBounded(t *testing.T) {
	created := time.Date(2025, 10, 12, 9, 0, 0, 0, time.UTC)
	now := time.Date(2026, 10, 12, 9, 0, 30, 0, time.UTC)
	tests := []struct {
		name, spec string
		grace      time.Duration
		wantRows   []string
		wantRuns   []string // up to now + 3m
	}{
		{"every minute within grace", "@every 1m", 2 * time.Hour,
			[]string{"skipped 2026-10-12 08:59:00 x10000", "fired 2026-10-12 09:00:00"},
			[]string{"09:00:00", "09:01:00", "09:02:00", "09:03:00"}},
		{"cron every minute within grace", "* * * * *", 2 * time.Hour,
			[]string{"skipped 2026-10-12 08:59:00 x10000", "fired 2026-10-12 09:00:00"},
			[]string{"09:00:00", "09:01:00", "09:02:00", "09:03:00"}},
		{"every minute, no grace", "@every 1m", 0,
			[]string{"skipped 2025-10-19 07:40:00 x10000"},
			[]string{"09:01:00", "09:02:00", "09:03:00"}},
		// A grace window holding more than MaxMissed times is
		// finished in a second catch-up: bounded work per step.
		{"every minute, 8 days of grace", "@every 1m", 8 * 24 * time.Hour,
			[]string{"skipped 2026-10-11 07:40:00 x10000", "skipped 2026-10-12 08:59:00 x1519", "fired 2026-10-12 09:00:00"},
			[]string{"09:00:00", "09:01:00", "09:02:00", "09:03:00"}},
		{"every 7 minutes, no grace", "@every 7m", 0,
			nil, // rows checked below: the chain's phase is kept
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := memstore.New(nil)
			clock := bot.NewManualClock(now)
			jobs := &fakeJobs{clock: clock}
			run, err := schedules.New(schedules.Config{Store: store, Jobs: jobs, Clock: clock, Grace: map[bot.ScheduleKind]time.Duration{prompts.SchedulePrompt: tt.grace}})
			if err != nil {
				t.Fatal(err)
			}
			id, _ := store.AddSchedule(context.Background(), bot.Schedule{Community: "c", Kind: prompts.SchedulePrompt, Spec: tt.spec, CreatedAt: created})
			if err := run.RunDue(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, f := range firings(store, id) {
				s := fmt.Sprintf("%s %s", f.Status, f.At.UTC().Format("2006-01-02 15:04:05"))
				if f.Missed > 0 {
					s += fmt.Sprintf(" x%d", f.Missed)
				}
				rows = append(rows, s)
			}
			if tt.wantRows != nil && fmt.Sprint(rows) != fmt.Sprint(tt.wantRows) {
				t.Errorf("rows %v, want %v", rows, tt.wantRows)
			}
			if err := run.RunDue(context.Background(), now.Add(3*time.Minute)); err != nil {
				t.Fatal(err)
			}
			var runs []string
			for _, r := range jobs.all() {
				runs = append(runs, r.at.UTC().Format("15:04:05"))
				if r.at.Sub(created)%time.Minute != 0 {
					t.Errorf("ran at %v, off the chain from %v", r.at, created)
				}
			}
			if tt.wantRuns != nil && fmt.Sprint(runs) != fmt.Sprint(tt.wantRuns) {
				t.Errorf("runs %v, want %v", runs, tt.wantRuns)
			}
			if tt.spec == "@every 7m" {
				for _, r := range jobs.all() {
					if r.at.Sub(created)%(7*time.Minute) != 0 {
						t.Errorf("ran at %v, off the 7-minute chain from %v", r.at, created)
					}
				}
				if len(jobs.all()) != 1 || len(rows) != 1 || rows[0][:7] != "skipped" {
					t.Errorf("rows %v, runs %v: want one skip, then one firing on the chain", rows, runs)
				}
			}
		})
	}
}

// TestCreatedAtZero: a schedule without a creation time counts from when
// the runner first sees it; nothing before fires.
func TestCreatedAtZero(t *testing.T) {
	r := newRig(t, time.UTC, time.Date(2026, 10, 12, 10, 0, 0, 0, time.UTC))
	id, _ := r.store.AddSchedule(context.Background(), bot.Schedule{Community: "c", Kind: prompts.SchedulePrompt, Spec: "daily at 9:00"})
	r.runDue(t, r.clock.Now())
	if rows := firings(r.store, id); len(rows) != 0 {
		t.Errorf("rows %+v, want none", rows)
	}
	r.runDue(t, r.clock.Now().Add(24*time.Hour))
	if got := r.jobs.of(id, time.UTC); fmt.Sprint(got) != "[2026-10-13 09:00 Tue]" {
		t.Errorf("runs %v", got)
	}
}

// TestRealClockWaitsForDueTimes: with a clock RunDue can't move, what falls
// due after its now waits, whatever until says.
func TestRealClockWaitsForDueTimes(t *testing.T) {
	now := time.Date(2026, 10, 12, 8, 30, 0, 0, time.UTC)
	store := memstore.New(nil)
	clock := bot.ClockFunc(func() time.Time { return now })
	jobs := &fakeJobs{clock: clock}
	run, err := schedules.New(schedules.Config{Store: store, Jobs: jobs, Clock: clock, Grace: testGrace})
	if err != nil {
		t.Fatal(err)
	}
	store.AddSchedule(context.Background(), bot.Schedule{Community: "c", Kind: prompts.SchedulePrompt, Spec: "daily at 9:00", CreatedAt: now.Add(-time.Hour)})
	if err := run.RunDue(context.Background(), now.Add(7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if runs := jobs.all(); len(runs) != 0 {
		t.Errorf("ran %+v before its time", runs)
	}
	now = now.Add(time.Hour)
	if err := run.RunDue(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	if runs := jobs.all(); len(runs) != 1 || !runs[0].at.Equal(time.Date(2026, 10, 12, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("runs %+v, want the 09:00 firing", runs)
	}
}

// TestStoreErrors: a failed claim is an error of RunDue, the other
// schedules go on, and the next pass retries; a failed listing is an error.
// A skip claimed before a failed fire claim is not redone.
func TestStoreErrors(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
	flaky := r.add(t, reporting.ScheduleDigest, "daily at 9:00")
	other := r.add(t, reporting.ScheduleDigest, "daily at 9:00")
	failures := 1
	r.store.InjectCall(func(method string, args ...any) error {
		if method != "ClaimFiring" {
			return nil
		}
		if f, ok := args[0].(bot.Firing); ok && f.Schedule == flaky && f.Status == bot.Fired && failures > 0 {
			failures--
			return errBoom
		}
		return nil
	})
	now := at(t, paris, "2026-10-15 10:00")
	r.clock.Set(now)
	err := r.runner.RunDue(context.Background(), now)
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "schedule 1") {
		t.Errorf("RunDue = %v, want the claim error", err)
	}
	if got := r.jobs.of(other, paris); fmt.Sprint(got) != "[2026-10-15 09:00 Thu]" {
		t.Errorf("other schedule ran %v", got)
	}
	if got := r.rowsString(flaky); fmt.Sprint(got) != "[skipped 2026-10-14 09:00 Wed x3]" {
		t.Errorf("flaky rows after the failure %v", got)
	}
	r.runDue(t, now) // the retry (or a restart) runs the latest
	if got := r.rowsString(flaky); fmt.Sprint(got) != "[skipped 2026-10-14 09:00 Wed x3 fired 2026-10-15 09:00 Thu]" {
		t.Errorf("flaky rows after the retry %v", got)
	}

	failOn(r.store, "Schedules", errBoom)
	if err := r.runner.RunDue(context.Background(), now); err == nil {
		t.Error("RunDue with a failing store: want an error")
	}
}

// TestNew checks Config validation and defaults.
func TestNew(t *testing.T) {
	store, clock := memstore.New(nil), bot.NewManualClock(time.Time{})
	jobs := &fakeJobs{clock: clock}
	for _, cfg := range []schedules.Config{
		{Jobs: jobs, Clock: clock},
		{Store: store, Clock: clock},
		{Store: store, Jobs: jobs},
		{Store: store, Jobs: jobs, Clock: clock, Grace: map[bot.ScheduleKind]time.Duration{prompts.SchedulePrompt: -time.Minute}},
	} {
		if _, err := schedules.New(cfg); err == nil {
			t.Errorf("New(%+v): want an error", cfg)
		}
	}
	if _, err := schedules.New(schedules.Config{Store: store, Jobs: jobs, Clock: clock, Grace: testGrace}); err != nil {
		t.Errorf("New with defaults: %v", err)
	}
}

// TestRunDueCanceled: a canceled context stops RunDue with its error.
func TestRunDueCanceled(t *testing.T) {
	r := newRig(t, time.UTC, time.Date(2026, 10, 12, 8, 0, 0, 0, time.UTC))
	r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.runner.RunDue(ctx, r.clock.Now().Add(48*time.Hour)); err != context.Canceled {
		t.Errorf("RunDue = %v, want context.Canceled", err)
	}
	if runs := r.jobs.all(); len(runs) != 0 {
		t.Errorf("ran %+v after cancel", runs)
	}
}

// TestScheduleZone: a schedule's own TZ wins over Config.Location.
func TestScheduleZone(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
	inParis := r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	for range 2 { // twice: the second load of the zone comes from the cache
		if _, err := r.store.AddSchedule(bg, bot.Schedule{Community: "c", Kind: prompts.SchedulePrompt, Spec: "daily at 9:00", TZ: "America/New_York", CreatedAt: r.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	r.runDue(t, at(t, paris, "2026-10-13 08:00"))
	if got := r.jobs.of(inParis, paris); fmt.Sprint(got) != "[2026-10-12 09:00 Mon]" {
		t.Errorf("Paris schedule %v", got)
	}
	for _, id := range []int64{2, 3} {
		if got := r.jobs.of(id, paris); fmt.Sprint(got) != "[2026-10-12 15:00 Mon]" { // 09:00 in New York
			t.Errorf("New York schedule %d ran at %v (Paris time)", id, got)
		}
	}
}

// TestLastFiringsError: when the latest firings can't be read, nothing runs
// (a schedule's cursor is unknown) and the next pass catches up.
func TestLastFiringsError(t *testing.T) {
	r := newRig(t, time.UTC, time.Date(2026, 10, 12, 8, 0, 0, 0, time.UTC))
	r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	failOn(r.store, "LastFirings", errBoom)
	if err := r.runner.RunDue(bg, r.clock.Now().Add(2*time.Hour)); err == nil || !strings.Contains(err.Error(), "last firings") {
		t.Errorf("RunDue = %v, want the store's error", err)
	}
	if runs := r.jobs.all(); len(runs) != 0 {
		t.Errorf("ran %+v without knowing the last firing", runs)
	}
	r.store.Inject(nil)
	r.runDue(t, r.clock.Now().Add(2*time.Hour))
	if runs := r.jobs.all(); len(runs) != 1 {
		t.Errorf("runs %+v after the store recovered, want the 09:00 one (within grace)", runs)
	}
}

// TestPassReadsAreFew: a pass over many schedules reads the schedule list
// and the latest firings once each, whatever their number, so instances
// polling one database every MaxWait stay cheap.
func TestPassReadsAreFew(t *testing.T) {
	r := newRig(t, time.UTC, time.Date(2026, 10, 12, 8, 0, 0, 0, time.UTC))
	for range 50 {
		r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	}
	r.runDue(t, r.clock.Now().Add(2*time.Hour)) // every schedule has a firing now
	var mu sync.Mutex
	reads := map[string]int{}
	r.store.Inject(func(m string) error {
		mu.Lock()
		defer mu.Unlock()
		reads[m]++
		return nil
	})
	r.runDue(t, r.clock.Now().Add(time.Hour)) // nothing due: a polling pass
	mu.Lock()
	defer mu.Unlock()
	if reads["Schedules"] != 1 || reads["LastFirings"] != 1 || reads["LastFiring"] != 0 {
		t.Errorf("a pass over 50 schedules read %v; want Schedules and LastFirings once each", reads)
	}
}
