package storetest

import (
	"context"
	"testing"
	"time"
)

var deliveryTests = []test{
	{name: "ClaimDelivery", run: testClaimDelivery},
}

// testClaimDelivery: a fan-out's DM to a member is claimed once, by one of
// any number of callers; other jobs, members and communities are claims of
// their own; pruning the events of a time takes its claims along.
func testClaimDelivery(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db, msg("UA", "C1", "m1", at(0, 0)))
	for _, tc := range []struct {
		name, community, job, member string
		at                           time.Time
		want                         bool
	}{
		{"first", community, "event-remind:1:0", "UA", at(1, 0), true},
		{"again", community, "event-remind:1:0", "UA", at(1, 1), false},
		{"another member, not known yet", community, "event-remind:1:0", "UB", at(1, 0), true},
		{"another job", community, "event-remind:1:3600000", "UA", at(1, 0), true},
		{"another community", elsewhere, "event-remind:1:0", "UA", at(1, 0), true},
		{"later", community, "checkin-remind:4", "UA", at(6, 0), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := db.ClaimDelivery(ctx, tc.community, tc.job, tc.member, tc.at); err != nil || got != tc.want {
				t.Errorf("ClaimDelivery(%s, %s, %s) = %v, %v; want %v", tc.community, tc.job, tc.member, got, err, tc.want)
			}
		})
	}
	for _, bad := range [][3]string{{"", "j", "UA"}, {community, "", "UA"}, {community, "j", ""}} {
		if _, err := db.ClaimDelivery(ctx, bad[0], bad[1], bad[2], at(1, 0)); err == nil {
			t.Errorf("ClaimDelivery(%q, %q, %q): no error", bad[0], bad[1], bad[2])
		}
	}
	t.Run("concurrently, one wins", func(t *testing.T) {
		won := claimRace(t, 20, func(int) (bool, error) { return db.ClaimDelivery(ctx, community, "intro-round:7", "UA", at(2, 0)) })
		if won != 1 {
			t.Errorf("%d claims won, want 1", won)
		}
	})
	t.Run("pruned with the events", func(t *testing.T) {
		if _, err := db.PruneEvents(ctx, at(5, 0)); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			job  string
			want bool
		}{{"event-remind:1:0", true}, {"intro-round:7", true}, {"checkin-remind:4", false}} {
			if got, err := db.ClaimDelivery(ctx, community, tc.job, "UA", at(7, 0)); err != nil || got != tc.want {
				t.Errorf("after the prune, ClaimDelivery(%s) = %v, %v; want %v", tc.job, got, err, tc.want)
			}
		}
	})
}
