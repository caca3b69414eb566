package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// leaser is the store's record of leases, which instances sharing the
// database claim (the Discord adapter's shard owners). It is not part of
// bot.Store: the core does not use it.
type leaser interface {
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

var leaseTests = []test{
	{name: "LeaseLifecycle", run: testLeaseLifecycle},
	{name: "LeaseConcurrent", run: testLeaseConcurrent},
}

func asLeaser(t *testing.T, db Store) leaser {
	t.Helper()
	l, ok := db.(leaser)
	if !ok {
		t.Fatalf("%T has no AcquireLease and ReleaseLease", db)
	}
	return l
}

// testLeaseLifecycle: a lease is exclusive while held, renewable by its
// holder (which moves its expiry), taken over once expired, released by its
// holder only, and each name is a lease of its own.
func testLeaseLifecycle(t *testing.T, db Store) {
	ctx := context.Background()
	l := asLeaser(t, db)
	const ttl = 15 * time.Second
	steps := []struct {
		what          string
		name, holder  string
		at            time.Duration // after t0
		release, want bool
	}{
		{"a free lease is taken", "shard-0/2", "a", 0, false, true},
		{"exclusive while held", "shard-0/2", "b", 5 * time.Second, false, false},
		{"another name is another lease", "shard-1/2", "b", 5 * time.Second, false, true},
		{"renewed by its holder", "shard-0/2", "a", 10 * time.Second, false, true},
		{"the renewal moved the expiry", "shard-0/2", "b", 20 * time.Second, false, false},
		{"held up to its expiry, exclusive", "shard-0/2", "b", 24*time.Second + 999*time.Millisecond, false, false},
		{"taken over once expired", "shard-0/2", "b", 25 * time.Second, false, true},
		{"the old holder has lost it", "shard-0/2", "a", 26 * time.Second, false, false},
		{"a release by someone else does nothing", "shard-0/2", "a", 27 * time.Second, true, false},
		{"still b's", "shard-0/2", "a", 27 * time.Second, false, false},
		{"released by its holder", "shard-0/2", "b", 28 * time.Second, true, false},
		{"free at once after a release", "shard-0/2", "a", 28 * time.Second, false, true},
	}
	for _, s := range steps {
		now := t0.Add(s.at)
		if s.release {
			if err := l.ReleaseLease(ctx, s.name, s.holder); err != nil {
				t.Fatalf("%s: release: %v", s.what, err)
			}
			continue
		}
		got, err := l.AcquireLease(ctx, s.name, s.holder, now, ttl)
		if err != nil {
			t.Fatalf("%s: acquire: %v", s.what, err)
		}
		if got != s.want {
			t.Errorf("%s: AcquireLease(%s, %s, t0+%v) = %v, want %v", s.what, s.name, s.holder, s.at, got, s.want)
		}
	}
	if _, err := l.AcquireLease(ctx, "", "a", t0, ttl); err == nil {
		t.Error("a lease without a name was accepted")
	}
	if _, err := l.AcquireLease(ctx, "x", "", t0, ttl); err == nil {
		t.Error("a lease without a holder was accepted")
	}
	if _, err := l.AcquireLease(ctx, "x", "a", t0, 0); err == nil {
		t.Error("a lease without a time to live was accepted")
	}
}

// testLeaseConcurrent: of many holders trying for one free lease at once,
// exactly one gets it; so again for an expired one.
func testLeaseConcurrent(t *testing.T, db Store) {
	ctx := context.Background()
	l := asLeaser(t, db)
	for round, now := range []time.Time{t0, t0.Add(time.Minute)} {
		won := claimRace(t, 16, func(i int) (bool, error) {
			return l.AcquireLease(ctx, "shard-0/1", fmt.Sprintf("holder-%d-%d", round, i), now, 15*time.Second)
		})
		if won != 1 {
			t.Errorf("round %d: %d holders got the lease, want 1", round, won)
		}
	}
}
