package schedules_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
)

// TestConcurrentRunDueNeverDoubleFires: passes racing in two goroutines of
// one runner and two of another (a second process) on one store fire each
// (schedule, time) exactly once; the claim is the guard.
func TestConcurrentRunDueNeverDoubleFires(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	for round := range 20 {
		r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
		for i := range 20 {
			r.add(t, []bot.ScheduleKind{prompts.SchedulePrompt, reporting.ScheduleDigest}[i%2], "daily at 9:00")
		}
		now := at(t, paris, "2026-10-14 09:30")
		r.clock.Set(now)
		second := r.newRunner(t)
		var wg sync.WaitGroup
		for _, run := range []dueRunner{r.runner, r.runner, second, second} {
			wg.Go(func() {
				if err := run.RunDue(context.Background(), now); err != nil {
					t.Errorf("RunDue: %v", err)
				}
			})
		}
		wg.Wait()
		count := map[int64]int{}
		for _, run := range r.jobs.all() {
			if local(run.at, paris) != "2026-10-14 09:00 Wed" {
				t.Errorf("round %d: schedule %d ran for %v", round, run.id, run.at)
			}
			count[run.id]++
		}
		for id := int64(1); id <= 20; id++ {
			if count[id] != 1 {
				t.Errorf("round %d: schedule %d ran %d times, want once", round, id, count[id])
			}
		}
	}
}

// TestConcurrentSimulatedAdvance: two passes racing to move a shared
// simulated clock through a week never fire a (schedule, time) twice.
func TestConcurrentSimulatedAdvance(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	for range 10 {
		r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))
		for range 5 {
			r.add(t, prompts.SchedulePrompt, "daily at 9:00")
			r.add(t, reporting.ScheduleDigest, "every hour") // unreadable: logged, skipped
			r.add(t, reporting.ScheduleDigest, "@every 3h")
		}
		until := r.clock.Now().Add(7 * 24 * time.Hour)
		second := r.newRunner(t)
		var wg sync.WaitGroup
		wg.Go(func() { _ = r.runner.RunDue(context.Background(), until) })
		wg.Go(func() { _ = second.RunDue(context.Background(), until) })
		wg.Wait()
		seen := map[string]bool{}
		for _, run := range r.jobs.all() {
			key := fmt.Sprint(run.id, run.at.UnixNano())
			if seen[key] {
				t.Errorf("schedule %d fired twice for %v", run.id, run.at)
			}
			seen[key] = true
		}
		if len(seen) == 0 {
			t.Error("nothing fired")
		}
	}
}
