package schedules_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zones the tests use, whatever the machine has

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/memstore"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/schedules"
)

// firings returns schedule id's firings in s, oldest intended time first.
func firings(s *memstore.Store, id int64) []bot.Firing {
	fs, _ := s.RecentFirings(context.Background(), id, 1<<30)
	slices.Reverse(fs)
	return fs
}

// failOn makes s fail every call of method with err from now on;
// s.Inject(nil) ends it.
func failOn(s *memstore.Store, method string, err error) {
	s.Inject(func(m string) error {
		if m == method {
			return err
		}
		return nil
	})
}

// fakeJobs is a bot.JobRunner recording what ran, when.
type fakeJobs struct {
	mu    sync.Mutex
	clock bot.Clock
	runs  []jobRun
	// fail returns the error (or panics) for the runs that should fail.
	fail func(s bot.Schedule, at time.Time) error
	// also runs after each job, inside it (to change the store mid-pass).
	also func(s bot.Schedule, at time.Time)
}

var _ bot.JobRunner = (*fakeJobs)(nil)

type jobRun struct {
	id  int64
	at  time.Time // intended
	now time.Time // the clock when it ran
}

func (j *fakeJobs) RunSchedule(_ context.Context, s bot.Schedule, at time.Time) error {
	j.mu.Lock()
	j.runs = append(j.runs, jobRun{id: s.ID, at: at, now: j.clock.Now()})
	fail, also := j.fail, j.also
	j.mu.Unlock()
	if also != nil {
		also(s, at)
	}
	if fail != nil {
		return fail(s, at)
	}
	return nil
}

func (j *fakeJobs) all() []jobRun {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.runs)
}

// of returns the intended times schedule id ran at, formatted in loc.
func (j *fakeJobs) of(id int64, loc *time.Location) []string {
	var out []string
	for _, r := range j.all() {
		if r.id == id {
			out = append(out, local(r.at, loc))
		}
	}
	return out
}

// logBuffer collects a logger's output safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) count(sub string) int { return strings.Count(b.String(), sub) }

func newLogger(b *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Helpers for times.

const layout = "2006-01-02 15:04 Mon"

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// at parses "2006-01-02 15:04" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func local(t time.Time, loc *time.Location) string { return t.In(loc).Format(layout) }

// rig is a runner on an in-memory store (bot/memstore, which behaves as
// the SQLite store does: a firing is claimed at most once) and fake jobs,
// with a manual clock. The store outlives runners: a new one on it is a
// restart.
type rig struct {
	store  *memstore.Store
	jobs   *fakeJobs
	clock  *bot.ManualClock
	logs   *logBuffer
	loc    *time.Location
	runner *schedules.Runner
}

// newRig returns a rig in loc whose clock starts at start.
func newRig(t testing.TB, loc *time.Location, start time.Time) *rig {
	t.Helper()
	r := &rig{store: memstore.New(nil), clock: bot.NewManualClock(start), logs: &logBuffer{}, loc: loc}
	r.jobs = &fakeJobs{clock: r.clock}
	r.runner = r.newRunner(t)
	return r
}

// newRunner returns another runner on the rig's store, jobs and clock (a
// second process, or the same one restarted).
func (r *rig) newRunner(t testing.TB) *schedules.Runner {
	t.Helper()
	run, err := schedules.New(schedules.Config{Store: r.store, Jobs: r.jobs, Clock: r.clock, Location: r.loc, Log: newLogger(r.logs), Grace: testGrace})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// add stores a schedule created now and returns its id.
func (r *rig) add(t testing.TB, kind bot.ScheduleKind, spec string) int64 {
	t.Helper()
	id, err := r.store.AddSchedule(context.Background(), bot.Schedule{
		Community: "shell:local", Kind: kind, Spec: spec, Channel: "general", CreatedBy: "carol", CreatedAt: r.clock.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (r *rig) runDue(t testing.TB, until time.Time) {
	t.Helper()
	if err := r.runner.RunDue(context.Background(), until); err != nil {
		t.Fatalf("RunDue: %v", err)
	}
}

// rowsString renders a schedule's firings as "STATUS LOCAL-TIME xMISSED".
func (r *rig) rowsString(id int64) []string {
	var out []string
	for _, f := range firings(r.store, id) {
		s := fmt.Sprintf("%s %s", f.Status, local(f.At, r.loc))
		if f.Missed > 0 {
			s += fmt.Sprintf(" x%d", f.Missed)
		}
		out = append(out, s)
	}
	return out
}

var errBoom = errors.New("boom")

var bg = context.Background()

// dueRunner is what the shell sees of a runner (adapters/shell.DueRunner).
type dueRunner interface {
	RunDue(ctx context.Context, until time.Time) error
}

var _ dueRunner = (*schedules.Runner)(nil)

// testGrace are the grace windows the features register (bot.Bot.Grace)
// for the kinds these tests schedule.
var testGrace = map[bot.ScheduleKind]time.Duration{
	prompts.SchedulePrompt: 2 * time.Hour, reporting.ScheduleDigest: 24 * time.Hour, checkins.ScheduleCheckin: 6 * time.Hour,
	checkins.ScheduleCheckinRemind: 6 * time.Hour, checkins.ScheduleCheckinClose: 400 * 24 * time.Hour,
}
