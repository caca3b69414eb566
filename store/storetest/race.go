package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
)

// claimRace runs claim from n goroutines at once and returns how many of
// them won (claim returned true); errors fail t. Every claim of the store
// (a check-in recipient, a nudge, a delivery, a lease, a line) must have
// exactly one winner.
func claimRace(t *testing.T, n int, claim func(i int) (bool, error)) int {
	t.Helper()
	var won atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := claim(i)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(won.Load())
}
