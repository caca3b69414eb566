package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/simulate"
)

// TestSimulateTwice feeds a simulated history through the core twice: the
// second run records nothing and changes no figure.
func TestSimulateTwice(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	end := t0.Add(13 * time.Hour)
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(end)})
	if err != nil {
		t.Fatal(err)
	}
	o := simulate.Options{Members: 80, Days: 30, Seed: 9, End: end}
	st, err := simulate.Run(ctx, core, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := core.Metrics().EventsRecorded.Load(); got != int64(st.Events) {
		t.Errorf("first run recorded %d of %d events", got, st.Events)
	}
	q := bot.ReportQuery{Community: bot.CommunityID(bot.Shell, "local"), From: end.Add(-14 * day), To: end}
	first, err := bot.BuildReport(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	if first.Members.Total == 0 || first.Activity.Messages == 0 || len(first.Channels) == 0 {
		t.Fatalf("an empty report of a simulated history: %+v", first)
	}
	if _, err := simulate.Run(ctx, core, o); err != nil {
		t.Fatal(err)
	}
	if got := core.Metrics().EventsRecorded.Load(); got != int64(st.Events) {
		t.Errorf("the second run recorded %d events", got-int64(st.Events))
	}
	again, err := bot.BuildReport(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, again, first)
	if *again.Previous != *first.Previous {
		t.Errorf("previous period changed: %+v, was %+v", again.Previous, first.Previous)
	}
}
