package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

// What a store's own tests (backups, rollup tables, restarts) share with
// the suite: the hand-worked history and its period, and how reports are
// compared.

// History records a small community whose every report figure was worked
// out by hand; Period is its report's period.
func History(t testing.TB, db Store) { history(t, db) }

// Period is the period of History's report: [t0, t0+7d), quiet after 3 days.
var Period = period

// CheckReport compares two reports field by field, for readable failures.
func CheckReport(t *testing.T, got, want bot.Report) { checkReport(t, got, want) }

// AnswerEvents returns n events of the kinds the simulator does not make
// (check-in answers, "I'm still here", shares, RSVPs, attendance), at random
// times in [from, to), mostly by the members of events.
func AnswerEvents(r *rand.Rand, events []bot.Event, from, to time.Time, n int) []bot.Event {
	return answerEvents(r, events, from, to, n)
}

// DMRun is an open, attributed DM run of a survey with every kind of
// question, in community, opened at opened.
func DMRun(t testing.TB, community, survey string, opened time.Time) checkins.CheckinRun {
	return dmRun(t, community, survey, opened)
}

// FirstDiff shows the first rows that differ between two sorted lists,
// each labelled by the list it is only in.
func FirstDiff(a, b []string, onlyA, onlyB string) string {
	var sb strings.Builder
	inB := map[string]bool{}
	for _, s := range b {
		inB[s] = true
	}
	inA := map[string]bool{}
	for _, s := range a {
		inA[s] = true
	}
	n := 0
	for _, s := range a {
		if !inB[s] && n < 5 {
			fmt.Fprintf(&sb, "  %s %s\n", onlyA, s)
			n++
		}
	}
	for _, s := range b {
		if !inA[s] && n < 10 {
			fmt.Fprintf(&sb, "  %s %s\n", onlyB, s)
			n++
		}
	}
	return sb.String()
}

// ClaimRace has callers goroutines on each handle claim the same 20
// firings of schedule id at once, and checks each was claimed exactly once
// and recorded: handles may be one store or several on one database.
func ClaimRace(t *testing.T, id int64, callers int, handles ...Store) {
	t.Helper()
	const firings = 20
	wins := make([]int, firings)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, h := range handles {
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
	if fs, err := handles[len(handles)-1].RecentFirings(context.Background(), id, 100); err != nil || len(fs) != firings {
		t.Errorf("%d firings recorded (%v), want %d", len(fs), err, firings)
	}
}
