package schedules_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
)

// TestExactlyOnceAcrossRestarts: Hearth runs, stops in the middle of a
// simulated week, and a new runner starts later on the same store. Nothing
// fires twice; on restart only what is within grace is caught up; the
// old runner, back from the dead, finds nothing left to do.
func TestExactlyOnceAcrossRestarts(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	r := newRig(t, paris, at(t, paris, "2026-10-12 08:00"))               // Monday
	prompt := r.add(t, prompts.SchedulePrompt, "every monday at 9:00")    // grace 2h
	digest := r.add(t, reporting.ScheduleDigest, "every friday at 17:00") // grace 24h
	daily := r.add(t, prompts.SchedulePrompt, "daily at 12:00")
	first := r.runner
	advance := func(run dueRunner, to time.Time) {
		for r.clock.Now().Before(to) {
			until := r.clock.Now().Add(time.Hour)
			if until.After(to) {
				until = to
			}
			if err := run.RunDue(bg, until); err != nil {
				t.Fatal(err)
			}
		}
	}
	advance(first, at(t, paris, "2026-10-14 15:00")) // Wednesday afternoon: stop

	// Down until Saturday 10:00: Thursday's and Friday's noon prompts are
	// beyond 2 h; Friday's 17:00 digest is 17 h late, within 24 h.
	restart := at(t, paris, "2026-10-17 10:00")
	r.clock.Set(restart)
	second := r.newRunner(t)
	advance(second, at(t, paris, "2026-11-02 08:00"))       // to the end of the third week
	if err := first.RunDue(bg, r.clock.Now()); err != nil { // the old process again
		t.Fatal(err)
	}
	if err := second.RunDue(bg, r.clock.Now()); err != nil {
		t.Fatal(err)
	}

	seen := map[string]bool{}
	for _, run := range r.jobs.all() {
		key := fmt.Sprint(run.id, " ", local(run.at, paris))
		if seen[key] {
			t.Errorf("fired twice: schedule %s", key)
		}
		seen[key] = true
	}
	if got, want := r.jobs.of(prompt, paris), []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("prompt %v, want %v", got, want)
	}
	if got, want := r.jobs.of(digest, paris), []string{"2026-10-16 17:00 Fri", "2026-10-23 17:00 Fri", "2026-10-30 17:00 Fri"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("digest %v, want %v", got, want)
	}
	for _, run := range r.jobs.all() {
		if run.id == digest && local(run.at, paris) == "2026-10-16 17:00 Fri" && !run.now.Equal(restart) {
			t.Errorf("the missed digest ran at %v, want on restart at %v", run.now, restart)
		}
	}
	var wantDaily []string
	for d := at(t, paris, "2026-10-12 12:00"); d.Before(at(t, paris, "2026-11-02 00:00")); d = d.AddDate(0, 0, 1) {
		if day := d.Day(); day != 15 && day != 16 {
			wantDaily = append(wantDaily, local(d, paris))
		}
	}
	if got := r.jobs.of(daily, paris); fmt.Sprint(got) != fmt.Sprint(wantDaily) {
		t.Errorf("daily %v\nwant %v", got, wantDaily)
	}
	if got := r.rowsString(daily); !contains(got, "skipped 2026-10-16 12:00 Fri x2") {
		t.Errorf("daily rows lack the skip of the outage: %v", got)
	}
}
