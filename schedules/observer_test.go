package schedules_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/schedules"
)

// firingLog is a bot.Observer recording firings only.
type firingLog struct {
	bot.NopObserver
	mu    sync.Mutex
	lines []string
}

func (f *firingLog) Firing(kind bot.ScheduleKind, outcome string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lines = append(f.lines, fmt.Sprintf("%s %s %d", kind, outcome, n))
}

// observedJobs are jobs that carry an observer, as *bot.Bot does.
type observedJobs struct {
	*fakeJobs
	obs bot.Observer
}

func (j observedJobs) Observer() bot.Observer { return j.obs }

// TestObserverSeesFiringsAndSkips: a run, a failure and a catch-up's skip
// reach the observer the jobs carry (cmd/hearth's wiring), by kind.
func TestObserverSeesFiringsAndSkips(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
	obs := &firingLog{}
	run, err := schedules.New(schedules.Config{Store: r.store, Jobs: observedJobs{r.jobs, obs}, Clock: r.clock, Location: paris, Grace: testGrace})
	if err != nil {
		t.Fatal(err)
	}
	r.add(t, prompts.SchedulePrompt, "daily at 9:00")
	if err := run.RunDue(bg, at(t, paris, "2026-10-12 10:00")); err != nil {
		t.Fatal(err)
	}
	r.jobs.fail = func(bot.Schedule, time.Time) error { return errBoom }
	if err := run.RunDue(bg, at(t, paris, "2026-10-13 10:00")); err != nil {
		t.Fatal(err)
	}
	r.jobs.fail = nil
	r.clock.Set(at(t, paris, "2026-10-16 10:30")) // down for three days
	if err := run.RunDue(bg, r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	want := []string{"prompt fired 1", "prompt failed 1", "prompt skipped 2", "prompt fired 1"}
	if !slices.Equal(obs.lines, want) {
		t.Errorf("observed %q, want %q", obs.lines, want)
	}
}
