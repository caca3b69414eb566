package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/dashboard"
)

var dashboardTests = []test{
	{name: "DashboardLinks", run: testDashboardLinks},
	{name: "DashboardLinkRace", run: testDashboardLinkRace},
	{name: "DashboardSessions", run: testDashboardSessions},
	{name: "PurgeDashboard", run: testPurgeDashboard},
}

// dashHash is a stand-in for a token's SHA-256 in hex: the store keeps
// whatever hash it is given.
func dashHash(i int) string { return fmt.Sprintf("%064x", i) }

// nine is 09:00 on the first day, plus minutes.
func nine(minutes int) time.Time { return at(0, 9).Add(time.Duration(minutes) * time.Minute) }

func saveLink(t *testing.T, db Store, hash string, l dashboard.Link) {
	t.Helper()
	if err := db.SaveDashboardLink(context.Background(), hash, l); err != nil {
		t.Fatalf("SaveDashboardLink: %v", err)
	}
}

func saveSession(t *testing.T, db Store, hash string, s dashboard.SessionRecord) {
	t.Helper()
	if err := db.SaveDashboardSession(context.Background(), hash, s); err != nil {
		t.Fatalf("SaveDashboardSession: %v", err)
	}
}

// testDashboardLinks: a link is consumed once, up to (not at) its expiry;
// a used or expired one comes back with ok false, telling which; an
// unknown one is bot.ErrNotFound; a hash is kept once; an operator link
// has no member.
func testDashboardLinks(t *testing.T, db Store) {
	ctx := context.Background()
	ada := dashboard.Link{Community: community, Member: "UA", Created: at(0, 9), Expires: nine(15)}
	saveLink(t, db, dashHash(1), ada)
	saveLink(t, db, dashHash(2), ada)
	saveLink(t, db, dashHash(3), dashboard.Link{Community: community, Created: at(0, 9), Expires: nine(15)})
	if err := db.SaveDashboardLink(ctx, dashHash(1), ada); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("saving a hash again: %v, want bot.ErrDuplicate", err)
	}
	used := ada
	used.Used = nine(6)
	expiresAt := ada.Expires
	for _, s := range []struct {
		what   string
		hash   string
		now    time.Time
		want   dashboard.Link
		wantOK bool
	}{
		{"consumed before it expires", dashHash(1), nine(6), used, true},
		{"once", dashHash(1), nine(9), used, false},
		{"not at its expiry", dashHash(2), expiresAt, ada, false},
		{"nor after", dashHash(2), at(1, 0), ada, false},
		{"an operator link", dashHash(3), nine(12),
			dashboard.Link{Community: community, Created: at(0, 9), Expires: nine(15), Used: nine(12)}, true},
	} {
		got, ok, err := db.ConsumeDashboardLink(ctx, s.hash, s.now)
		if err != nil || ok != s.wantOK || got != s.want {
			t.Errorf("%s: %+v, %v, %v; want %+v, %v", s.what, got, ok, err, s.want, s.wantOK)
		}
	}
	if _, _, err := db.ConsumeDashboardLink(ctx, dashHash(404), nine(6)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("an unknown link: %v, want bot.ErrNotFound", err)
	}
}

// testDashboardLinkRace: of many consumers of one link at once (several
// instances, or a double click), exactly one signs in.
func testDashboardLinkRace(t *testing.T, db Store) {
	ctx := context.Background()
	saveLink(t, db, dashHash(1), dashboard.Link{Community: community, Member: "UA", Created: at(0, 9), Expires: nine(15)})
	won := claimRace(t, 20, func(int) (bool, error) {
		_, ok, err := db.ConsumeDashboardLink(ctx, dashHash(1), nine(6))
		return ok, err
	})
	if won != 1 {
		t.Errorf("%d consumers won, want 1", won)
	}
}

// testDashboardSessions: a session reads back as saved; ending it keeps
// the first end's time; ending a member's sessions ends those of that
// member in that community only, and counts the ones not ended yet.
func testDashboardSessions(t *testing.T, db Store) {
	ctx := context.Background()
	sess := func(c, m string) dashboard.SessionRecord {
		return dashboard.SessionRecord{Community: c, Member: m, Started: at(0, 9), Expires: at(0, 19)}
	}
	saves := []struct {
		hash string
		s    dashboard.SessionRecord
	}{
		{dashHash(1), sess(community, "UA")}, {dashHash(2), sess(community, "UA")}, {dashHash(3), sess(community, "UA")},
		{dashHash(4), sess(community, "UB")}, {dashHash(5), sess(elsewhere, "UA")}, {dashHash(6), sess(community, "")},
	}
	for _, s := range saves {
		saveSession(t, db, s.hash, s.s)
	}
	if err := db.SaveDashboardSession(ctx, dashHash(1), sess(community, "UB")); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("saving a hash again: %v, want bot.ErrDuplicate", err)
	}
	if got, err := db.DashboardSession(ctx, dashHash(1)); err != nil || got != sess(community, "UA") {
		t.Errorf("DashboardSession: %+v, %v", got, err)
	}
	if _, err := db.DashboardSession(ctx, dashHash(404)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("an unknown session: %v, want bot.ErrNotFound", err)
	}
	for _, when := range []time.Time{at(0, 10), at(0, 11)} {
		if err := db.EndDashboardSession(ctx, dashHash(1), when); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.EndDashboardSession(ctx, dashHash(404), at(0, 10)); err != nil {
		t.Errorf("ending an unknown session: %v", err)
	}
	if n, err := db.EndDashboardSessions(ctx, community, "UA", at(0, 12)); err != nil || n != 2 {
		t.Errorf("EndDashboardSessions: %d, %v; want Ada's 2 sessions still on", n, err)
	}
	ended := func(c, m string, when time.Time) dashboard.SessionRecord {
		s := sess(c, m)
		s.Ended = when
		return s
	}
	for i, want := range []dashboard.SessionRecord{
		ended(community, "UA", at(0, 10)), ended(community, "UA", at(0, 12)), ended(community, "UA", at(0, 12)),
		sess(community, "UB"), sess(elsewhere, "UA"), sess(community, ""),
	} {
		if got, err := db.DashboardSession(ctx, dashHash(i+1)); err != nil || got != want {
			t.Errorf("session %d: %+v, %v; want %+v", i+1, got, err, want)
		}
	}
	if n, err := db.EndDashboardSessions(ctx, community, "", at(0, 13)); err != nil || n != 1 {
		t.Errorf("ending the operator's sessions: %d, %v; want 1", n, err)
	}
}

// testPurgeDashboard: links and sessions expired, or ended, before the
// time go; the others stay.
func testPurgeDashboard(t *testing.T, db Store) {
	ctx := context.Background()
	saveLink(t, db, dashHash(1), dashboard.Link{Community: community, Member: "UA", Created: at(0, 9), Expires: nine(15)})
	saveLink(t, db, dashHash(2), dashboard.Link{Community: community, Member: "UA", Created: at(1, 9), Expires: at(1, 9).Add(15 * time.Minute)})
	saveSession(t, db, dashHash(3), dashboard.SessionRecord{Community: community, Member: "UA", Started: at(0, 9), Expires: at(0, 19)})
	saveSession(t, db, dashHash(4), dashboard.SessionRecord{Community: community, Member: "UA", Started: at(1, 0), Expires: at(1, 10), Ended: at(1, 1)})
	saveSession(t, db, dashHash(5), dashboard.SessionRecord{Community: community, Member: "UA", Started: at(1, 0), Expires: at(1, 10)})
	n, err := db.PurgeDashboard(ctx, at(1, 2))
	if err != nil || n != 3 {
		t.Errorf("PurgeDashboard: %d, %v; want 3 rows", n, err)
	}
	if _, _, err := db.ConsumeDashboardLink(ctx, dashHash(1), at(1, 3)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the expired link: %v, want it gone", err)
	}
	if _, ok, err := db.ConsumeDashboardLink(ctx, dashHash(2), at(1, 9)); err != nil || !ok {
		t.Errorf("the live link: %v, %v", ok, err)
	}
	for h, want := range map[int]bool{3: false, 4: false, 5: true} {
		if _, err := db.DashboardSession(ctx, dashHash(h)); (err == nil) != want {
			t.Errorf("session %d: %v, kept %v", h, err, want)
		}
	}
	if n, err := db.PurgeDashboard(ctx, at(1, 2)); err != nil || n != 0 {
		t.Errorf("purging again: %d, %v", n, err)
	}
}

// seedDashboard gives the member gone a sign-in link and a session (hashes
// 1 and 2), and Ada a session (hash 3), for the forget-me test.
func seedDashboard(t *testing.T, db Store) {
	t.Helper()
	saveLink(t, db, dashHash(1), dashboard.Link{Community: community, Member: gone, Created: at(2, 0), Expires: at(2, 0.25)})
	saveSession(t, db, dashHash(2), dashboard.SessionRecord{Community: community, Member: gone, Started: at(2, 0), Expires: at(2, 10)})
	saveSession(t, db, dashHash(3), dashboard.SessionRecord{Community: community, Member: "UA", Started: at(2, 0), Expires: at(2, 10)})
}

// checkDashboardForgotten: after ForgetMember, the link and session of the
// member gone are gone; Ada's session stays.
func checkDashboardForgotten(t *testing.T, db Store) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := db.ConsumeDashboardLink(ctx, dashHash(1), at(2, 0.1)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("their sign-in link: %v, want bot.ErrNotFound", err)
	}
	if _, err := db.DashboardSession(ctx, dashHash(2)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("their dashboard session: %v, want bot.ErrNotFound", err)
	}
	if s, err := db.DashboardSession(ctx, dashHash(3)); err != nil || s.Member != "UA" {
		t.Errorf("Ada's dashboard session: %+v, %v", s, err)
	}
}
