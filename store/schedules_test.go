package store_test

import (
	"context"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/store"
	"github.com/hearth-community/hearth/store/storetest"
)

// TestClaimFiringOnce claims the same firings from many goroutines on two
// handles of one file, as two Hearth processes would: each is claimed once.
func TestClaimFiringOnce(t *testing.T) {
	db, path := openDB(t)
	db2, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	id, err := db.AddSchedule(context.Background(), bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "@hourly", Channel: "C1", Payload: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	storetest.ClaimRace(t, id, 8, db, db2)
}
