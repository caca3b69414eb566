package schedules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/schedules"
)

// TestParseOnce checks the once forms by the instant they name, read in
// Europe/Paris, and that Next gives it only to times strictly before it.
func TestParseOnce(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	tests := []struct {
		spec string
		want string // show(): local time, zone and UTC clock
	}{
		// RFC 3339 instants: the offset fixes the instant, whatever the zone.
		{"once 2026-12-01T09:00:00Z", "2026-12-01 10:00 CET 09:00Z"},
		{"once 2026-12-01T10:00:00+01:00", "2026-12-01 10:00 CET 09:00Z"},
		{"once 2026-12-01T04:00:00-05:00", "2026-12-01 10:00 CET 09:00Z"},
		{"ONCE 2026-12-01t09:00:00z", "2026-12-01 10:00 CET 09:00Z"},
		{"  once   2026-12-01T09:00:00Z  ", "2026-12-01 10:00 CET 09:00Z"},
		{"once 2026-12-01 09:00:00Z", "2026-12-01 10:00 CET 09:00Z"}, // RFC 3339 allows a space
		{"once on 2026-12-01T09:00:00Z", "2026-12-01 10:00 CET 09:00Z"},
		{bot.OnceSpec(time.Date(2026, 12, 1, 10, 0, 0, 0, paris)), "2026-12-01 10:00 CET 09:00Z"},
		{bot.OnceSpec(time.Date(2026, 7, 1, 10, 0, 0, 0, paris)), "2026-07-01 10:00 CEST 08:00Z"},
		// Wall-clock dates and times, in the zone.
		{"once 2026-12-03 16:00", "2026-12-03 16:00 CET 15:00Z"},
		{"Once 2026-12-03   16:00", "2026-12-03 16:00 CET 15:00Z"},
		{"once 2026-12-03 at 16:00", "2026-12-03 16:00 CET 15:00Z"},
		{"once 2026-12-03 at 4pm", "2026-12-03 16:00 CET 15:00Z"},
		{"once 2026-12-03 4:00 PM", "2026-12-03 16:00 CET 15:00Z"},
		{"once 2026-12-03 9", "2026-12-03 09:00 CET 08:00Z"},
		{"once 2026-12-03 at noon.", "2026-12-03 12:00 CET 11:00Z"},
		{"once 2026-12-03 midnight", "2026-12-03 00:00 CET 23:00Z"},
		{"once on 2026-12-03 at 16:00", "2026-12-03 16:00 CET 15:00Z"},
		{"on 2026-12-03 at 16:00", "2026-12-03 16:00 CET 15:00Z"},
		{"On 2026-12-03 16:00", "2026-12-03 16:00 CET 15:00Z"},
		{"once 2026-07-01 16:00", "2026-07-01 16:00 CEST 14:00Z"},
		{"once 2028-02-29 16:00", "2028-02-29 16:00 CET 15:00Z"},
		// DST: a gap time moves forward by the gap; a repeated time is its
		// first occurrence (the summer-time one).
		{"once 2026-03-29 02:30", "2026-03-29 03:30 CEST 01:30Z"},
		{"once 2026-10-25 02:30", "2026-10-25 02:30 CEST 00:30Z"},
		{"once 2026-10-25 03:00", "2026-10-25 03:00 CET 02:00Z"},
		// A past time still parses (stored schedules keep reading).
		{"once 2020-01-01 9:00", "2020-01-01 09:00 CET 08:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := schedules.Parser{}.ParseSpec(tt.spec, paris)
			if err != nil {
				t.Fatalf("ParseSpec: %v", err)
			}
			when := spec.Next(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
			if got := show(when, paris); got != tt.want {
				t.Errorf("the instant is %s, want %s", got, tt.want)
			}
			if when.Location() != paris {
				t.Errorf("the instant is in %v, want the schedule's zone", when.Location())
			}
			if got := spec.Next(when.Add(-time.Nanosecond)); !got.Equal(when) {
				t.Errorf("Next(just before) = %v, want %v", got, when)
			}
			for _, after := range []time.Time{when, when.Add(time.Nanosecond), when.Add(time.Hour), when.AddDate(5, 0, 0)} {
				if got := spec.Next(after); !got.IsZero() {
					t.Errorf("Next(%v) = %v, want the zero time", after, got)
				}
			}
		})
	}
}

// TestParseOnceZones checks that a wall-clock once spec reads in the zone
// given (UTC for nil) and an instant ignores it; and the New York changes.
func TestParseOnceZones(t *testing.T) {
	newYork := mustLoad(t, "America/New_York")
	tokyo := mustLoad(t, "Asia/Tokyo")
	tests := []struct {
		spec string
		loc  *time.Location
		want string // RFC 3339 in UTC
	}{
		{"once 2026-12-03 16:00", nil, "2026-12-03T16:00:00Z"},
		{"once 2026-12-03 16:00", time.UTC, "2026-12-03T16:00:00Z"},
		{"once 2026-12-03 16:00", tokyo, "2026-12-03T07:00:00Z"},
		{"once 2026-12-03 16:00", newYork, "2026-12-03T21:00:00Z"},
		{"once 2026-12-03T16:00:00Z", tokyo, "2026-12-03T16:00:00Z"},
		{"once 2026-12-03T16:00:00Z", newYork, "2026-12-03T16:00:00Z"},
		{"once 2026-03-08 02:30", newYork, "2026-03-08T07:30:00Z"}, // gap: 03:30 EDT
		{"once 2026-11-01 01:30", newYork, "2026-11-01T05:30:00Z"}, // repeated: 01:30 EDT, the first
	}
	for _, tt := range tests {
		spec, err := schedules.Parser{}.ParseSpec(tt.spec, tt.loc)
		if err != nil {
			t.Fatalf("%q: %v", tt.spec, err)
		}
		if got := spec.Next(time.Time{}).UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("%q in %v: %s, want %s", tt.spec, tt.loc, got, tt.want)
		}
	}
}

// TestParseOnceRefusals: a bad once spec is refused with once examples.
func TestParseOnceRefusals(t *testing.T) {
	tests := []struct {
		spec   string
		reason string
	}{
		{"once", "say when"},
		{"once on", "say when"},
		{"once .", "say when"},
		{"once soon", "year-month-day"},
		{"once tomorrow at 9", "year-month-day"},
		{"once 12/03/2026 16:00", "year-month-day"},
		{"once 2026-12-3 16:00", "year-month-day"},
		{"once 2026-02-30 16:00", "year-month-day"},
		{"once 2026-13-01 16:00", "year-month-day"},
		{"once 2026-12-03", "say what time"},
		{"once 2026-12-03 at", "say what time"},
		{"on 2026-12-03", "say what time"},
		{"once 2026-12-03 25:00", "not a time of day"},
		{"once 2026-12-03 at nine", "say what time"},
		{"once 2026-12-03 16:00 and 17:00", "say what time"},
		{"once 2026-12-03T16:00:00", "exact instant"},
		{"once 2026-12-03T16:00Z", "exact instant"},
		{"once 2026-12-03T25:00:00Z", "exact instant"},
		{"once 2026-12-03 16:00:00", "exact instant"},
		{"once 2026-12-03T16:00:00.5Z", "to the second"},
		{"once 2026-12-03T16:00:00Z TZ=UTC", "time zones are set per schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := schedules.Parser{}.ParseSpec(tt.spec, time.UTC)
			if err == nil {
				t.Fatalf("ParseSpec(%q) = %v, want a refusal", tt.spec, spec)
			}
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EArgument {
				t.Fatalf("error %v (%T), want a *bot.Error with code %s", err, err, bot.EArgument)
			}
			if !strings.HasPrefix(e.Message, "I can't read the schedule \"") {
				t.Errorf("message %q doesn't start by quoting the input", e.Message)
			}
			if !strings.Contains(e.Message, tt.reason) {
				t.Errorf("message %q lacks %q", e.Message, tt.reason)
			}
			if tt.reason != "time zones are set per schedule" && !strings.HasSuffix(e.Message, "Try `once 2026-12-03 16:00`, read in the schedule's time zone, or an exact instant like `once 2026-12-03T16:00:00+01:00`.") {
				t.Errorf("message %q doesn't end with the once examples", e.Message)
			}
		})
	}
	// Word for word.
	_, err := schedules.Parser{}.ParseSpec("once soon", nil)
	want := "I can't read the schedule \"once soon\": say the date as year-month-day, like `2026-12-03`. Try `once 2026-12-03 16:00`, read in the schedule's time zone, or an exact instant like `once 2026-12-03T16:00:00+01:00`."
	if got := bot.ErrorMessage(err); got != want {
		t.Errorf("message\n got %q\nwant %q", got, want)
	}
	// "on" followed by days is still a phrase.
	if _, err := (schedules.Parser{}).ParseSpec("on mondays at 9", nil); err != nil {
		t.Errorf("on mondays at 9: %v", err)
	}
}

// TestPreviewOnce: a once spec previews as its one time, or none once past.
func TestPreviewOnce(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	spec, err := schedules.Parser{}.ParseSpec("once 2026-12-03 16:00", paris)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range schedules.Preview(spec, at(t, paris, "2026-12-01 08:00"), 5) {
		got = append(got, local(v, paris))
	}
	if want := []string{"2026-12-03 16:00 Thu"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Preview = %v, want %v", got, want)
	}
	if got := schedules.Preview(spec, at(t, paris, "2026-12-03 16:00"), 5); len(got) != 0 {
		t.Errorf("Preview from the time itself = %v, want none", got)
	}
}

// TestOnceFiresExactlyOnce: a once schedule fires at its time, with the
// clock there, and never again: not on later passes, not after a restart,
// not from the old runner.
func TestOnceFiresExactlyOnce(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	r := newRig(t, paris, at(t, paris, "2026-12-01 08:00"))
	typed := r.add(t, prompts.SchedulePrompt, "once 2026-12-01 09:00")
	remind := r.add(t, checkins.ScheduleCheckinRemind, bot.OnceSpec(at(t, paris, "2026-12-01 15:30")))
	daily := r.add(t, prompts.SchedulePrompt, "daily at 12:00") // alongside, unaffected
	for step := 0; step < 48; step++ {
		r.runDue(t, r.clock.Now().Add(time.Hour))
	}
	first := r.runner
	r.runner = r.newRunner(t) // restart
	r.runDue(t, r.clock.Now().Add(30*24*time.Hour))
	if err := first.RunDue(bg, r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	r.runDue(t, r.clock.Now())

	if got, want := r.jobs.of(typed, paris), []string{"2026-12-01 09:00 Tue"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("typed once ran at %v, want %v", got, want)
	}
	if got, want := r.jobs.of(remind, paris), []string{"2026-12-01 15:30 Tue"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reminder ran at %v, want %v", got, want)
	}
	if got := len(r.jobs.of(daily, paris)); got != 32 {
		t.Errorf("daily ran %d times, want 32", got)
	}
	for _, run := range r.jobs.all() {
		if !run.now.Equal(run.at) {
			t.Errorf("schedule %d ran with the clock at %v, want its time %v", run.id, run.now, run.at)
		}
	}
	for id, want := range map[int64][]string{typed: {"fired 2026-12-01 09:00 Tue"}, remind: {"fired 2026-12-01 15:30 Tue"}} {
		if got := r.rowsString(id); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("schedule %d rows %v, want %v", id, got, want)
		}
	}
}

// TestOnceCatchUp: Hearth was down at a once schedule's time. Within its
// kind's grace it fires once on start; beyond it, it is skipped; either
// way, nothing more happens after. One made after its time never fires.
func TestOnceCatchUp(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	tests := []struct {
		name     string
		kind     bot.ScheduleKind
		now      string // Hearth starts again
		wantRuns []string
		wantRows []string
	}{
		{"reminder 5h59 late fires", checkins.ScheduleCheckinRemind, "2026-12-01 14:59",
			[]string{"2026-12-01 09:00 Tue"}, []string{"fired 2026-12-01 09:00 Tue"}},
		{"reminder 6h01 late skips", checkins.ScheduleCheckinRemind, "2026-12-01 15:01",
			nil, []string{"skipped 2026-12-01 09:00 Tue x1"}},
		{"close 30 days late fires", checkins.ScheduleCheckinClose, "2026-12-31 09:00",
			[]string{"2026-12-01 09:00 Tue"}, []string{"fired 2026-12-01 09:00 Tue"}},
		{"prompt 3h late skips", prompts.SchedulePrompt, "2026-12-01 12:00",
			nil, []string{"skipped 2026-12-01 09:00 Tue x1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, paris, at(t, paris, "2026-12-01 08:00"))
			id := r.add(t, tt.kind, bot.OnceSpec(at(t, paris, "2026-12-01 09:00")))
			now := at(t, paris, tt.now)
			r.clock.Set(now)
			r.runner = r.newRunner(t)
			for range 2 {
				r.runDue(t, now)
			}
			r.runner = r.newRunner(t)
			r.runDue(t, now.AddDate(1, 0, 0))
			if got := r.jobs.of(id, paris); fmt.Sprint(got) != fmt.Sprint(tt.wantRuns) {
				t.Errorf("runs %v, want %v", got, tt.wantRuns)
			}
			if got := r.rowsString(id); fmt.Sprint(got) != fmt.Sprint(tt.wantRows) {
				t.Errorf("rows %v, want %v", got, tt.wantRows)
			}
			for _, run := range r.jobs.all() {
				if !run.now.Equal(now) {
					t.Errorf("ran with the clock at %v, want on start at %v", run.now, now)
				}
			}
		})
	}

	t.Run("made after its time", func(t *testing.T) {
		r := newRig(t, paris, at(t, paris, "2026-12-01 10:00"))
		id := r.add(t, checkins.ScheduleCheckinClose, "once 2026-12-01 09:00")
		r.runDue(t, r.clock.Now().AddDate(1, 0, 0))
		if got := r.jobs.of(id, paris); len(got) != 0 {
			t.Errorf("runs %v, want none", got)
		}
		if got := r.rowsString(id); len(got) != 0 {
			t.Errorf("rows %v, want none", got)
		}
	})
}
