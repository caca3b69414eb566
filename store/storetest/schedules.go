package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
)

var scheduleTests = []test{
	{name: "Schedules", run: testSchedules},
	{name: "Firings", run: testFirings},
	{name: "LastFirings", run: testLastFirings},
	{name: "ClaimFiringOnce", run: testClaimFiringOnce},
}

func addSchedule(t testing.TB, db Store, s bot.Schedule) int64 {
	t.Helper()
	id, err := db.AddSchedule(context.Background(), s)
	if err != nil {
		t.Fatalf("AddSchedule: %v", err)
	}
	return id
}

func testSchedules(t *testing.T, db Store) {
	ctx := context.Background()
	other := "discord:G1"
	prompt := bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "every monday at 9:00", TZ: "Europe/Paris",
		Channel: "C1", Payload: prompts.PayloadDeck, CreatedBy: "U1", CreatedAt: at(0, 9.5)}
	digest := bot.Schedule{Community: community, Kind: reporting.ScheduleDigest, Spec: "@weekly", Paused: true, CreatedBy: "U2", CreatedAt: at(1, 0)}
	elsewhere := bot.Schedule{Community: other, Kind: prompts.SchedulePrompt, Spec: "0 9 * * MON", Channel: "111", Payload: "What is new?"}
	for i, s := range []*bot.Schedule{&prompt, &digest, &elsewhere} {
		s.ID = addSchedule(t, db, *s)
		if want := int64(i + 1); s.ID != want {
			t.Errorf("schedule %d got id %d", want, s.ID)
		}
	}
	if _, err := db.AddSchedule(ctx, bot.Schedule{Kind: reporting.ScheduleDigest}); err == nil {
		t.Error("a schedule without community was added")
	}

	t.Run("one", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			community string
			id        int64
			want      bot.Schedule // zero: not found
		}{
			{"every field", community, prompt.ID, prompt},
			{"paused, zone unset", community, digest.ID, digest},
			{"no creation time", other, elsewhere.ID, elsewhere},
			{"another community's", community, elsewhere.ID, bot.Schedule{}},
			{"unknown id", community, 99, bot.Schedule{}},
			{"unknown community", "slack:nobody", prompt.ID, bot.Schedule{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.Schedule(ctx, tc.community, tc.id)
				if tc.want.ID == 0 {
					if !errors.Is(err, bot.ErrNotFound) {
						t.Errorf("Schedule = %+v, %v; want ErrNotFound", got, err)
					}
					return
				}
				if err != nil || !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Schedule =\n %+v, %v\nwant\n %+v", got, err, tc.want)
				}
			})
		}
	})

	t.Run("lists", func(t *testing.T) {
		for _, tc := range []struct {
			community string
			want      []bot.Schedule
		}{
			{community, []bot.Schedule{prompt, digest}},
			{other, []bot.Schedule{elsewhere}},
			{"", []bot.Schedule{prompt, digest, elsewhere}},
			{"slack:nobody", []bot.Schedule{}},
		} {
			got, err := db.Schedules(ctx, tc.community)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Schedules(%q) = %+v, %v; want %+v", tc.community, got, err, tc.want)
			}
		}
	})

	t.Run("pause", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			community string
			id        int64
			paused    bool
			err       error
		}{
			{"pause", community, prompt.ID, true, nil},
			{"pause again", community, prompt.ID, true, nil},
			{"resume", community, digest.ID, false, nil},
			{"another community's", community, elsewhere.ID, true, bot.ErrNotFound},
			{"unknown", community, 99, true, bot.ErrNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := db.SetSchedulePaused(ctx, tc.community, tc.id, tc.paused)
				if !errors.Is(err, tc.err) {
					t.Fatalf("SetSchedulePaused = %v, want %v", err, tc.err)
				}
				if tc.err != nil {
					return
				}
				if s, err := db.Schedule(ctx, tc.community, tc.id); err != nil || s.Paused != tc.paused {
					t.Errorf("after SetSchedulePaused(%v): %+v, %v", tc.paused, s, err)
				}
			})
		}
		if s, _ := db.Schedule(ctx, other, elsewhere.ID); s.Paused {
			t.Error("another community's schedule was paused")
		}
	})

	t.Run("remove", func(t *testing.T) {
		claim(t, db, bot.Firing{Schedule: digest.ID, At: at(7, 0), Status: bot.Fired})
		for _, tc := range []struct {
			name      string
			community string
			id        int64
			err       error
		}{
			{"another community's", community, elsewhere.ID, bot.ErrNotFound},
			{"remove", community, digest.ID, nil},
			{"again", community, digest.ID, bot.ErrNotFound},
			{"unknown", community, 99, bot.ErrNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := db.RemoveSchedule(ctx, tc.community, tc.id); !errors.Is(err, tc.err) {
					t.Errorf("RemoveSchedule = %v, want %v", err, tc.err)
				}
			})
		}
		if _, err := db.Schedule(ctx, community, digest.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("a removed schedule is still there: %v", err)
		}
		if _, err := db.LastFiring(ctx, digest.ID); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("a removed schedule's firings are still there: %v", err)
		}
		if fs, err := db.RecentFirings(ctx, digest.ID, 10); err != nil || len(fs) != 0 {
			t.Errorf("a removed schedule's firings are still there: %v, %v", fs, err)
		}
		// A removed schedule's firing cannot be claimed, and its id is
		// never given to a new schedule.
		if ok, err := db.ClaimFiring(ctx, bot.Firing{Schedule: digest.ID, At: at(14, 0), Status: bot.Fired}); ok || err != nil {
			t.Errorf("claimed a firing of a removed schedule: %v, %v", ok, err)
		}
		if id := addSchedule(t, db, digest); id == digest.ID {
			t.Errorf("a new schedule took the removed one's id %d", id)
		}
	})
}

func claim(t testing.TB, db Store, f bot.Firing) bool {
	t.Helper()
	ok, err := db.ClaimFiring(context.Background(), f)
	if err != nil {
		t.Fatalf("ClaimFiring: %v", err)
	}
	return ok
}

func testFirings(t *testing.T, db Store) {
	ctx := context.Background()
	a := addSchedule(t, db, bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "@daily", Channel: "C1", Payload: "hi"})
	b := addSchedule(t, db, bot.Schedule{Community: community, Kind: reporting.ScheduleDigest, Spec: "@weekly"})
	if _, err := db.LastFiring(ctx, a); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("LastFiring of a schedule never fired: %v", err)
	}
	// Claimed out of order: the latest is by intended time, not by claim.
	skipped := bot.Firing{Schedule: a, At: at(1, 0), Status: bot.Skipped, Missed: 3, RanAt: at(4, 0.5)}
	fired := bot.Firing{Schedule: a, At: at(3, 0), Status: bot.Fired, RanAt: at(4, 0.5)}
	old := bot.Firing{Schedule: a, At: at(0, 0), Status: bot.Fired, RanAt: at(0, 0)}
	other := bot.Firing{Schedule: b, At: at(3, 0), Status: bot.Fired, RanAt: at(3, 0)}
	for _, tc := range []struct {
		name string
		f    bot.Firing
		want bool
	}{
		{"skip row", skipped, true},
		{"the latest", fired, true},
		{"an older one", old, true},
		{"the same time again", bot.Firing{Schedule: a, At: at(3, 0), Status: bot.Skipped}, false},
		{"the same time, another schedule", other, true},
		{"again", other, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := claim(t, db, tc.f); got != tc.want {
				t.Errorf("ClaimFiring = %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := db.ClaimFiring(ctx, bot.Firing{Schedule: a, Status: bot.Fired}); err == nil {
		t.Error("a firing without intended time was claimed")
	}
	last, err := db.LastFiring(ctx, a)
	if err != nil || !reflect.DeepEqual(last, fired) {
		t.Errorf("LastFiring = %+v, %v; want %+v", last, err, fired)
	}

	// The job failed: the firing says so; its run time stays unless given.
	failed := fired
	failed.Status, failed.Error, failed.RanAt = bot.Failed, "post prompt to C1: boom", time.Time{}
	if err := db.FinishFiring(ctx, failed); err != nil {
		t.Fatal(err)
	}
	failed.RanAt = fired.RanAt
	if last, err := db.LastFiring(ctx, a); err != nil || !reflect.DeepEqual(last, failed) {
		t.Errorf("after FinishFiring: %+v, %v; want %+v", last, err, failed)
	}
	later := bot.Firing{Schedule: a, At: at(3, 0), Status: bot.Fired, RanAt: at(5, 0)}
	if err := db.FinishFiring(ctx, later); err != nil {
		t.Fatal(err)
	}
	if last, _ := db.LastFiring(ctx, a); !reflect.DeepEqual(last, later) {
		t.Errorf("after a second FinishFiring: %+v, want %+v", last, later)
	}
	if err := db.FinishFiring(ctx, bot.Firing{Schedule: a, At: at(9, 0), Status: bot.Failed}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("FinishFiring of a firing never claimed: %v", err)
	}

	for _, tc := range []struct {
		schedule int64
		n        int
		want     []bot.Firing
	}{
		{a, 10, []bot.Firing{later, skipped, old}},
		{a, 2, []bot.Firing{later, skipped}},
		{a, 0, []bot.Firing{}},
		{b, 5, []bot.Firing{other}},
		{99, 5, []bot.Firing{}},
	} {
		got, err := db.RecentFirings(ctx, tc.schedule, tc.n)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("RecentFirings(%d, %d) =\n %+v, %v\nwant\n %+v", tc.schedule, tc.n, got, err, tc.want)
		}
	}
}

// testClaimFiringOnce claims the same firings from many goroutines at once:
// each is claimed once.
func testClaimFiringOnce(t *testing.T, db Store) {
	id := addSchedule(t, db, bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "@hourly", Channel: "C1", Payload: "hi"})
	ClaimRace(t, id, 16, db)
}

// testLastFirings: every schedule's latest intended time in one read, by
// intended time rather than claim order; a schedule never fired is absent,
// and a removed one goes with its firings.
func testLastFirings(t *testing.T, db Store) {
	ctx := context.Background()
	a := addSchedule(t, db, bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "@daily", Channel: "C1", Payload: "hi"})
	b := addSchedule(t, db, bot.Schedule{Community: community, Kind: reporting.ScheduleDigest, Spec: "@weekly"})
	never := addSchedule(t, db, bot.Schedule{Community: community, Kind: reporting.ScheduleDigest, Spec: "@monthly"})
	if got, err := db.LastFirings(ctx); err != nil || len(got) != 0 {
		t.Fatalf("LastFirings before any firing = %v, %v; want none", got, err)
	}
	claim(t, db, bot.Firing{Schedule: a, At: at(3, 0), Status: bot.Fired, RanAt: at(3, 0)})
	claim(t, db, bot.Firing{Schedule: a, At: at(1, 0), Status: bot.Skipped, Missed: 2, RanAt: at(3, 0)})
	claim(t, db, bot.Firing{Schedule: b, At: at(2, 0), Status: bot.Failed, RanAt: at(2, 0)})
	got, err := db.LastFirings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]time.Time{a: at(3, 0), b: at(2, 0)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LastFirings = %v, want %v (schedule %d never fired)", got, want, never)
	}
	if err := db.RemoveSchedule(ctx, community, b); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.LastFirings(ctx); !reflect.DeepEqual(got, map[int64]time.Time{a: at(3, 0)}) {
		t.Errorf("after removing schedule %d: %v", b, got)
	}
}
