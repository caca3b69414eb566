package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/store"
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
	const firings, callers = 20, 8 // callers per handle
	wins := make([]int, firings)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, h := range []*store.DB{db, db2} {
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range firings {
					ok, err := h.ClaimFiring(context.Background(), bot.Firing{Schedule: id, At: at(0, float64(i)), Status: bot.Fired, RanAt: at(0, float64(i))})
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						wins[i]++
						mu.Unlock()
					}
				}
			}()
		}
	}
	wg.Wait()
	for i, n := range wins {
		if n != 1 {
			t.Errorf("firing %d was claimed %d times, want once", i, n)
		}
	}
	if fs, err := db2.RecentFirings(context.Background(), id, 100); err != nil || len(fs) != firings {
		t.Errorf("%d firings recorded (%v), want %d", len(fs), err, firings)
	}
}
