package features_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/memstore"
)

// TestEveryKindHasItsJob: registering every feature gives each schedule
// kind Hearth creates a job, with the grace window the README documents
// (HEARTH_GRACE); a feature that lost a job, or two that claim one kind,
// fail here rather than at a schedule's first firing.
func TestEveryKindHasItsJob(t *testing.T) {
	core, err := bot.New(bot.Config{Store: memstore.New(nil), Clock: bot.NewManualClock(time.Time{})})
	if err != nil {
		t.Fatal(err)
	}
	if err := features.Register(core, memstore.New(nil)); err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	want := map[bot.ScheduleKind]time.Duration{
		"prompt": 2 * time.Hour, "digest": day, "checkin": 6 * time.Hour, "checkin-remind": 6 * time.Hour, "checkin-close": 400 * day,
		"nudge": 6 * time.Hour, "nudge-send": 2 * time.Hour, "welcome": day, "event": 400 * day, "event-remind": 2 * time.Hour,
		"event-end": day, "event-feedback": day, "intros": 6 * time.Hour, "intros-followup": 400 * day,
	}
	got := core.Grace()
	if !maps.Equal(got, want) {
		kinds := slices.Sorted(maps.Keys(got))
		t.Errorf("jobs %v with grace %v, want %v", kinds, got, want)
	}
	// A second registration claims every command, action and kind again.
	if err := core.Register(features.All(core, memstore.New(nil))...); err == nil {
		t.Error("registering the features twice was accepted")
	}
}
