package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

var nudgeTests = []test{
	{name: "Nudges", run: testNudges},
	{name: "ClaimNudge", run: testClaimNudge},
	{name: "Prefs", run: testPrefs},
	{name: "NudgedMembersAreNotNew", run: testNudgedMembersAreNotNew},
	{name: "ReportNudges", run: testReportNudges},
}

func addNudge(t testing.TB, db Store, n members.Nudge) members.Nudge {
	t.Helper()
	id, err := db.AddNudge(context.Background(), n)
	if err != nil {
		t.Fatalf("AddNudge: %v", err)
	}
	n.ID = id
	return n
}

func testNudges(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db, msg("UA", "C1", "m1", at(-30, 0)), msg("UB", "C1", "m2", at(-30, 0)))
	record(t, db, bot.Event{Kind: bot.KindMessage, Community: elsewhere, Channel: "C1", Member: "UA", At: at(-30, 0), Key: "m", Message: "m"})
	a1 := addNudge(t, db, members.Nudge{Community: community, Member: "UA", Wording: 2, QueuedAt: at(0, 9), SendAt: at(0, 18)})
	a2 := addNudge(t, db, members.Nudge{Community: community, Member: "UA", Wording: 1, QueuedAt: at(1, 9), SendAt: at(1, 10),
		SentAt: at(1, 10), Status: members.NudgeSent, Response: members.NudgeHere, RespondedAt: at(1, 11), ApprovedBy: "UF"})
	a3 := addNudge(t, db, members.Nudge{Community: community, Member: "UA", QueuedAt: at(1, 9), SendAt: at(1, 8)}) // same queue time as a2
	b1 := addNudge(t, db, members.Nudge{Community: community, Member: "UB", QueuedAt: at(0, 10), SendAt: at(0, 12)})
	x1 := addNudge(t, db, members.Nudge{Community: elsewhere, Member: "UA", QueuedAt: at(0, 9), SendAt: at(0, 9)})
	a1.Status, a3.Status, b1.Status, x1.Status = members.NudgeQueued, members.NudgeQueued, members.NudgeQueued, members.NudgeQueued
	if a1.ID != 1 || x1.ID != 5 {
		t.Errorf("ids %d..%d, want 1..5", a1.ID, x1.ID)
	}

	t.Run("round trip", func(t *testing.T) {
		for _, want := range []members.Nudge{a1, a2, x1} {
			got, err := db.Nudge(ctx, want.Community, want.ID)
			if err != nil || !nudgeEqual(got, want) {
				t.Errorf("Nudge(%d) = %+v, %v; want %+v", want.ID, got, err, want)
			}
		}
		for _, c := range []struct {
			community string
			id        int64
		}{{elsewhere, a1.ID}, {community, 99}, {"slack:T404", a1.ID}} {
			if _, err := db.Nudge(ctx, c.community, c.id); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Nudge(%s, %d): %v, want bot.ErrNotFound", c.community, c.id, err)
			}
		}
	})
	t.Run("member nudges", func(t *testing.T) {
		for _, tc := range []struct {
			member string
			limit  int
			want   []members.Nudge
		}{
			{"UA", 0, []members.Nudge{a3, a2, a1}}, // newest queue time first, then the higher id
			{"UA", 2, []members.Nudge{a3, a2}},
			{"UB", 0, []members.Nudge{b1}},
			{"U404", 0, []members.Nudge{}},
		} {
			got, err := db.MemberNudges(ctx, community, tc.member, tc.limit)
			if err != nil || !nudgesEqual(got, tc.want) {
				t.Errorf("MemberNudges(%s, %d) = %+v, %v; want %+v", tc.member, tc.limit, got, err, tc.want)
			}
		}
	})
	t.Run("sent counts", func(t *testing.T) {
		// a2 is the one sent; x1 of another community does not count.
		got, err := db.SentNudges(ctx, community)
		if want := map[string]int{"UA": 1}; err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("SentNudges = %v, %v; want %v", got, err, want)
		}
		if got, err := db.SentNudges(ctx, "slack:T404"); err != nil || len(got) != 0 {
			t.Errorf("SentNudges of an unknown community = %v, %v; want none", got, err)
		}
	})
	t.Run("queue", func(t *testing.T) {
		got, err := db.QueuedNudges(ctx, community)
		if want := []members.Nudge{b1, a1, a3}; err != nil || !nudgesEqual(got, want) {
			t.Errorf("QueuedNudges = %+v, %v; want %+v", got, err, want)
		}
	})
	t.Run("update", func(t *testing.T) {
		u := a1
		u.Status, u.SentAt, u.Response, u.RespondedAt, u.ApprovedBy = members.NudgeSent, at(0, 18), members.NudgePause, at(0, 20), "UF"
		changed := u
		u.Wording, u.QueuedAt, u.SendAt = 9, at(9, 0), at(9, 0) // not updated
		if err := db.UpdateNudge(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Nudge(ctx, community, a1.ID); err != nil || !nudgeEqual(got, changed) {
			t.Errorf("after UpdateNudge: %+v, %v; want %+v", got, err, changed)
		}
		got, err := db.QueuedNudges(ctx, community)
		if want := []members.Nudge{b1, a3}; err != nil || !nudgesEqual(got, want) {
			t.Errorf("QueuedNudges = %+v, %v; want %+v", got, err, want)
		}
		for _, n := range []members.Nudge{{ID: 99, Community: community, Status: members.NudgeSent}, {ID: a1.ID, Community: elsewhere, Status: members.NudgeSent}} {
			if err := db.UpdateNudge(ctx, n); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("UpdateNudge(%d of %s): %v, want bot.ErrNotFound", n.ID, n.Community, err)
			}
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for _, n := range []members.Nudge{
			{Member: "UA", QueuedAt: at(0, 0), SendAt: at(0, 0)},
			{Community: community, QueuedAt: at(0, 0), SendAt: at(0, 0)},
			{Community: community, Member: "UA", SendAt: at(0, 0)}, // no queue time
		} {
			if _, err := db.AddNudge(ctx, n); err == nil {
				t.Errorf("AddNudge(%+v): no error", n)
			}
		}
		if err := db.UpdateNudge(ctx, members.Nudge{ID: a1.ID, Community: community}); err == nil {
			t.Error("UpdateNudge without status: no error")
		}
		if err := db.UpdateNudge(ctx, members.Nudge{ID: a1.ID, Status: members.NudgeSent}); err == nil || errors.Is(err, bot.ErrNotFound) {
			t.Errorf("UpdateNudge without community: %v, want an error that says so", err)
		}
		n := addNudge(t, db, members.Nudge{Community: community, Member: "UB", QueuedAt: at(3, 0)})
		if got, err := db.Nudge(ctx, community, n.ID); err != nil || !got.SendAt.Equal(at(3, 0)) || got.Status != members.NudgeQueued {
			t.Errorf("a nudge without send time or status: %+v, %v; want queued, to go at once", got, err)
		}
	})
}

// testClaimNudge: a claim is granted once, to one of any number of callers,
// again once it is stale, and never for a nudge not queued or another
// community's; a nudge being sent stays in the queue (a dead sender's is
// found there).
func testClaimNudge(t *testing.T, db Store) {
	ctx := context.Background()
	a := addNudge(t, db, members.Nudge{Community: community, Member: "UA", QueuedAt: at(0, 9), SendAt: at(0, 9)})
	sent := addNudge(t, db, members.Nudge{Community: community, Member: "UB", QueuedAt: at(0, 9), SendAt: at(0, 9), SentAt: at(0, 9), Status: members.NudgeSent})
	x := addNudge(t, db, members.Nudge{Community: elsewhere, Member: "UA", QueuedAt: at(0, 9), SendAt: at(0, 9)})
	stale := members.NudgeClaimStale
	for _, tc := range []struct {
		name      string
		community string
		id        int64
		now       time.Time
		want      bool
	}{
		{"queued", community, a.ID, at(0, 10), true},
		{"claimed already", community, a.ID, at(0, 10), false},
		{"claimed, not stale yet", community, a.ID, at(0, 10).Add(stale - time.Millisecond), false},
		{"claimed, stale", community, a.ID, at(0, 10).Add(stale), true},
		{"claimed again since", community, a.ID, at(0, 10).Add(stale + time.Minute), false},
		{"sent", community, sent.ID, at(0, 10), false},
		{"another community's", elsewhere, a.ID, at(0, 10), false},
		{"unknown", community, 99, at(0, 10), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := db.ClaimNudge(ctx, tc.community, tc.id, tc.now); err != nil || got != tc.want {
				t.Errorf("ClaimNudge(%s, %d, %s) = %v, %v; want %v", tc.community, tc.id, tc.now.Format(time.RFC3339Nano), got, err, tc.want)
			}
		})
	}
	if n, err := db.Nudge(ctx, community, a.ID); err != nil || n.Status != members.NudgeSending || !n.SentAt.IsZero() {
		t.Errorf("claimed nudge: %+v, %v; want sending, not sent", n, err)
	}
	if got, err := db.QueuedNudges(ctx, community); err != nil || len(got) != 1 || got[0].ID != a.ID {
		t.Errorf("QueuedNudges = %+v, %v; want the nudge being sent", got, err)
	}
	t.Run("concurrently, one wins", func(t *testing.T) {
		won := claimRace(t, 20, func(int) (bool, error) { return db.ClaimNudge(ctx, elsewhere, x.ID, at(0, 10)) })
		if won != 1 {
			t.Errorf("%d claims won, want 1", won)
		}
	})
}

func nudgeEqual(a, b members.Nudge) bool {
	for _, p := range []*time.Time{&a.QueuedAt, &a.SendAt, &a.SentAt, &a.RespondedAt, &b.QueuedAt, &b.SendAt, &b.SentAt, &b.RespondedAt} {
		if !p.IsZero() {
			*p = p.UTC()
		}
	}
	return reflect.DeepEqual(a, b)
}

func nudgesEqual(a, b []members.Nudge) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !nudgeEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func testPrefs(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db, msg("UA", "C1", "m1", at(-30, 0)))
	if p, err := db.Prefs(ctx, community, "UA"); err != nil || p != (bot.MemberPrefs{}) {
		t.Errorf("Prefs before any: %+v, %v", p, err)
	}
	a := bot.MemberPrefs{NudgesOff: true, UnreachableSince: at(1, 0), WelcomedAt: at(0, 2)}
	b := bot.MemberPrefs{PausedUntil: at(30, 0)}
	for _, s := range []struct {
		member string
		p      bot.MemberPrefs
	}{{"UA", bot.MemberPrefs{PausedUntil: at(5, 0), WelcomedAt: at(0, 1)}}, {"UA", a}, {"UB", bot.MemberPrefs{WelcomedAt: at(0, 3)}}, {"UB", b}} {
		if err := db.SetPrefs(ctx, community, s.member, s.p); err != nil {
			t.Fatal(err)
		}
	}
	for member, want := range map[string]bot.MemberPrefs{"UA": a, "UB": b, "U404": {}} {
		if p, err := db.Prefs(ctx, community, member); err != nil || !prefsEqual(p, want) {
			t.Errorf("Prefs(%s) = %+v, %v; want %+v", member, p, err, want)
		}
	}
	if p, err := db.Prefs(ctx, elsewhere, "UA"); err != nil || p != (bot.MemberPrefs{}) {
		t.Errorf("Prefs in another community: %+v, %v", p, err)
	}
	all, err := db.AllPrefs(ctx, community)
	if err != nil || len(all) != 2 || !prefsEqual(all["UA"], a) || !prefsEqual(all["UB"], b) {
		t.Errorf("AllPrefs = %+v, %v", all, err)
	}
	if all, err := db.AllPrefs(ctx, "slack:T404"); err != nil || all == nil || len(all) != 0 {
		t.Errorf("AllPrefs of an unknown community = %#v, %v; want an empty map", all, err)
	}
}

func prefsEqual(a, b bot.MemberPrefs) bool {
	return a.NudgesOff == b.NudgesOff && a.PausedUntil.Equal(b.PausedUntil) && a.UnreachableSince.Equal(b.UnreachableSince) &&
		a.WelcomedAt.Equal(b.WelcomedAt)
}

// TestNudgedMembersAreNotNew: a member Hearth learns of from their
// preferences or a nudge gets a row, counted among the members but never as
// new.
func testNudgedMembersAreNotNew(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db, msg("UA", "C1", "m1", at(-30, 0)), msg("UA", "C1", "m2", at(3, 0)))
	if err := db.SetPrefs(ctx, community, "UP", bot.MemberPrefs{NudgesOff: true}); err != nil {
		t.Fatal(err)
	}
	addNudge(t, db, members.Nudge{Community: community, Member: "UN", QueuedAt: at(4, 0), SendAt: at(4, 0)})
	for _, id := range []string{"UP", "UN"} {
		if _, err := db.Member(ctx, community, id); err != nil {
			t.Errorf("Member(%s): %v", id, err)
		}
	}
	a, err := db.MemberActivity(ctx, community, "UP")
	if err != nil || !a.FirstSeen.Equal(at(3, 0)) {
		t.Errorf("UP first seen %v, %v; want the latest time the community knew, %v", a.FirstSeen, err, at(3, 0))
	}
	rep := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0)})
	if rep.Members.Total != 3 || rep.Members.New != 0 {
		t.Errorf("members %+v; want 3 in all, none new", rep.Members)
	}
	if n, err := db.Newcomers(ctx, community, at(-60, 0), at(7, 0)); err != nil || len(n) != 1 || n[0].ID != "UA" {
		t.Errorf("Newcomers = %+v, %v; want UA only", n, err)
	}
	// A known member's row stays as it was.
	if err := db.SetPrefs(ctx, community, "UA", bot.MemberPrefs{NudgesOff: true}); err != nil {
		t.Fatal(err)
	}
	if a, err := db.MemberActivity(ctx, community, "UA"); err != nil || !a.FirstSeen.Equal(at(-30, 0)) {
		t.Errorf("UA first seen %v, %v", a.FirstSeen, err)
	}
}

// TestReportNudges works out nudge figures by hand: the period's edges,
// the 7 days after a nudge (sent_at excluded, sent_at+7d included), what
// counts as a return, a channel report and a summary, and the figures after
// the events were pruned.
func testReportNudges(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db,
		msg("UA", "C1", "m1", at(-30, 0)), msg("UB", "C1", "m2", at(-30, 0)), msg("UC", "C1", "m3", at(-30, 0)),
		msg("UD", "C1", "m4", at(-30, 0)), msg("UE", "C1", "m5", at(-30, 0)), msg("UF", "C1", "m6", at(-30, 0)),
		react("UA", "C2", "m1", "eyes", at(8, 10)),             // UA: 7 days to the millisecond after their nudge
		msg("UB", "C1", "b1", at(1, 10)),                       // UB: at their nudge's time: not after it
		msg("UB", "C1", "b2", at(8, 10).Add(time.Millisecond)), // and just after the 7 days
		stillHere("UC", 3, at(3, 0)),                           // UC: "I'm still here" after the period
		membership(bot.KindJoin, "UD", at(2, 0)),               // UD: a join is not activity
		msg("UE", "C1", "e1", at(5, 0)),                        // UE: active, but their nudge was not sent
	)
	for _, n := range []members.Nudge{
		{Member: "UA", SentAt: at(1, 10), Status: members.NudgeSent},
		{Member: "UB", SentAt: at(1, 10), Status: members.NudgeSent},
		{Member: "UC", SentAt: at(2, 0).Add(-time.Millisecond), Status: members.NudgeSent}, // the period's last millisecond
		{Member: "UD", SentAt: at(1, 0), Status: members.NudgeSent},
		{Member: "UE", SentAt: at(1, 0), Status: members.NudgeUnreachable},
		{Member: "UF", SentAt: at(2, 0), Status: members.NudgeSent},                        // after the period
		{Member: "UF", SentAt: at(1, 0).Add(-time.Millisecond), Status: members.NudgeSent}, // before it
		{Member: "UE", Status: members.NudgeQueued},
	} {
		n.Community, n.QueuedAt, n.SendAt = community, at(0, 0), at(1, 0)
		addNudge(t, db, n)
	}
	want := bot.NudgeCounts{Sent: 4, Returned: 2}
	for _, q := range []bot.ReportQuery{
		{Community: community, From: at(1, 0), To: at(2, 0)},
		{Community: community, From: at(1, 0), To: at(2, 0), Channel: "C1"},
		{Community: community, From: at(1, 0), To: at(2, 0), SummaryOnly: true},
	} {
		if got := report(t, db, q).Nudges; got != want {
			t.Errorf("%+v: nudges %+v, want %+v", q, got, want)
		}
	}
	if rep, err := bot.BuildReport(ctx, db, bot.ReportQuery{Community: community, From: at(2, 0), To: at(3, 0)}); err != nil || rep.Nudges.Sent != 1 {
		t.Errorf("the next day: %+v, %v; want the nudge to UF", rep.Nudges, err)
	}
	// Pruned, the events of UC's whole day 3 still count from the rollups;
	// UA's return, on a partial day, is gone with its event.
	if _, err := db.PruneEvents(ctx, at(10, 0)); err != nil {
		t.Fatal(err)
	}
	if got := report(t, db, bot.ReportQuery{Community: community, From: at(1, 0), To: at(2, 0)}).Nudges; got != (bot.NudgeCounts{Sent: 4, Returned: 1}) {
		t.Errorf("after pruning: %+v, want 4 sent, 1 returned", got)
	}
}
