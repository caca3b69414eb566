package storetest

import (
	"context"
	"testing"
	"time"
)

// lineClaimer is the store's record of applied lines (the shell's replay
// guard). It is not part of bot.Store: only the shell uses it.
type lineClaimer interface {
	ClaimLine(ctx context.Context, community, hash string, at time.Time) (bool, error)
}

var lineTests = []test{
	{name: "ClaimLineOnce", run: testClaimLineOnce},
	{name: "ClaimLineConcurrent", run: testClaimLineConcurrent},
}

// testClaimLineOnce: a line's identity is claimed once per community; the
// same hash in another community, or another hash, is another line.
func testClaimLineOnce(t *testing.T, db Store) {
	ctx := context.Background()
	lc, ok := db.(lineClaimer)
	if !ok {
		t.Fatalf("%T has no ClaimLine", db)
	}
	claims := []struct {
		community, hash string
		want            bool
	}{
		{"shell:local", "a1", true},
		{"shell:local", "a1", false},
		{"shell:other", "a1", true},
		{"shell:local", "b2", true},
		{"shell:local", "b2", false},
		{"shell:local", "a1", false},
	}
	for i, c := range claims {
		got, err := lc.ClaimLine(ctx, c.community, c.hash, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("claim %d: %v", i, err)
		}
		if got != c.want {
			t.Errorf("claim %d (%s, %s) = %v, want %v", i, c.community, c.hash, got, c.want)
		}
	}
	if _, err := lc.ClaimLine(ctx, "shell:local", "", t0); err == nil {
		t.Error("a claim without a hash was accepted")
	}
}

// testClaimLineConcurrent: of many concurrent claims of one line, exactly
// one succeeds.
func testClaimLineConcurrent(t *testing.T, db Store) {
	ctx := context.Background()
	lc, ok := db.(lineClaimer)
	if !ok {
		t.Fatalf("%T has no ClaimLine", db)
	}
	if won := claimRace(t, 8, func(int) (bool, error) { return lc.ClaimLine(ctx, "shell:local", "same", t0) }); won != 1 {
		t.Errorf("%d claims of one line succeeded, want 1", won)
	}
}
