package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/simulate"
)

var weekTests = []test{
	{name: "MemberWeeksMatchesReference", run: testMemberWeeksMatchesReference},
	{name: "MemberWeeks", run: testMemberWeeks},
	{name: "MemberWeeksAfterPrune", run: testMemberWeeksAfterPrune},
	{name: "MemberWeeksAsOfEnd", run: testMemberWeeksAsOfEnd},
	{name: "MemberWeeksLeftSince", run: testMemberWeeksLeftSince},
}

// TestMemberWeeksMatchesReference checks MemberWeeks against a count of the
// events of a simulated history (with check-in answers and "I'm still
// here"), for random ends: at midnight UTC, where every week is whole days,
// and in the middle of a day, where each week boundary cuts a day.
func testMemberWeeksMatchesReference(t *testing.T, db Store) {
	ctx := context.Background()
	end := t0.Add(9*time.Hour + 17*time.Minute)
	r := rand.New(rand.NewPCG(7, 8))
	h, start := simulatedHistory(t, db, simulate.Options{Community: makers, Members: 60, Days: 50, Events: 4000, Seed: 11, End: end, Batch: 97}, r, 400)
	ref := newReference(h.dirs, h.events)
	var left, answers, lastAfter int
	for i := range 40 {
		q := bot.MemberWeeksQuery{Community: community, End: start.Add(time.Duration(r.Int64N(int64(60 * day)))),
			Weeks: []int{4, 1, 7, 0, 3}[i%5]}
		if i%3 == 0 {
			q.End = q.End.Truncate(day)
		}
		if i%4 == 3 { // one member; every other time one who left
			var ids []string
			for id, m := range ref.members {
				if i%8 == 3 || !m.left.IsZero() {
					ids = append(ids, id)
				}
			}
			slices.Sort(ids)
			q.Member = ids[r.IntN(len(ids))]
		}
		got, err := db.MemberWeeks(ctx, q)
		if err != nil {
			t.Fatalf("MemberWeeks(%+v): %v", q, err)
		}
		// What levels read: the same weeks, without last activities.
		cq := q
		cq.CountsOnly = true
		counts, err := db.MemberWeeks(ctx, cq)
		if err != nil || len(counts) != len(got) {
			t.Fatalf("MemberWeeks(%+v): %d members, %v; want %d", cq, len(counts), err, len(got))
		}
		byID := map[string][]bot.WeekCounts{}
		for _, m := range counts {
			byID[m.Member.ID] = m.Weeks
			if !m.LastActive.IsZero() {
				t.Errorf("counts only, yet %s has a last activity", m.Member.ID)
			}
		}
		for _, m := range got {
			if !slices.Equal(byID[m.Member.ID], m.Weeks) {
				t.Errorf("counts only: %s has %v, want %v", m.Member.ID, byID[m.Member.ID], m.Weeks)
			}
		}
		want := ref.memberWeeks(q)
		for _, mw := range want {
			if mw.Member.Left {
				left++
			}
			if !mw.LastActive.IsZero() && ref.members[mw.Member.ID] != nil && q.End.Before(ref.lastActive(mw.Member.ID, end.Add(day))) {
				lastAfter++ // active after End: LastActive is looked up
			}
			for _, w := range mw.Weeks {
				answers += w.Answers
			}
		}
		t.Run(q.End.Format("Jan 2 15:04")+" "+q.Member, func(t *testing.T) {
			if len(got) != len(want) {
				t.Errorf("%d members, want %d", len(got), len(want))
			}
			for i := range min(len(got), len(want)) {
				g, w := weeksView(got[i]), weeksView(want[i])
				if !reflect.DeepEqual(g, w) {
					t.Errorf("member %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
		if t.Failed() {
			return
		}
	}
	if left == 0 || answers == 0 || lastAfter == 0 {
		t.Errorf("the queries test little: %d members who left, %d answers, %d looked-up latest activities", left, answers, lastAfter)
	}
}

type weeksRow struct {
	ID, Name          string
	Left              bool
	FirstSeen, Active string
	Weeks             []bot.WeekCounts
}

func weeksView(mw bot.MemberWeeks) weeksRow {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return weeksRow{ID: mw.Member.ID, Name: mw.Member.Name, Left: mw.Member.Left, FirstSeen: f(mw.FirstSeen), Active: f(mw.LastActive), Weeks: mw.Weeks}
}

// memberWeeks reads the definition of bot.MemberWeeksQuery literally.
func (ref *reference) memberWeeks(q bot.MemberWeeksQuery) []bot.MemberWeeks {
	var out []bot.MemberWeeks
	for _, m := range ref.members {
		if q.Member != "" && m.id != q.Member || q.Member == "" && !m.left.IsZero() {
			continue
		}
		mw := bot.MemberWeeks{Member: bot.Member{ID: m.id, Name: m.name, Left: !m.left.IsZero()}, FirstSeen: m.firstSeen,
			LastActive: ref.lastActive(m.id, q.End), Weeks: make([]bot.WeekCounts, q.Weeks)}
		for i := range q.Weeks {
			from := q.End.Add(-time.Duration(q.Weeks-i) * 7 * day)
			to := from.Add(7 * day)
			w := &mw.Weeks[i]
			for _, e := range ref.activity[m.id] {
				if e.At.Before(from) || !e.At.Before(to) {
					continue
				}
				switch e.Kind {
				case bot.KindMessage:
					w.Messages++
				case bot.KindReply:
					w.Replies++
				case bot.KindReaction:
					w.Reactions++
				case bot.KindCheckinAnswer, bot.KindStillHere, bot.KindResourceShare, bot.KindRSVP, bot.KindAttended:
					w.Answers++
				}
			}
		}
		out = append(out, mw)
	}
	slices.SortFunc(out, func(a, b bot.MemberWeeks) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Member.Name), strings.ToLower(b.Member.Name)), cmp.Compare(a.Member.ID, b.Member.ID))
	})
	return out
}

// lastActive is a member's latest activity before end.
func (ref *reference) lastActive(member string, end time.Time) time.Time {
	var last time.Time
	for _, e := range ref.activity[member] {
		if e.At.Before(end) && e.At.After(last) {
			last = e.At
		}
	}
	return last
}

// TestMemberWeeks works a small history out by hand: the members listed and
// their order, a week boundary in the middle of a day, answers, a bot and a
// member who left, one member, and the errors.
func testMemberWeeks(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-30, 0), Members: []bot.Member{
		{ID: "UA", Name: "ada"}, {ID: "UB", Name: "Bo"}, {ID: "UB2", Name: "bo"}, {ID: "UL", Name: "Lee"},
		{ID: "UX", Name: "xbot", IsBot: true}, {ID: "UQ", Name: "Quinn"},
	}})
	record(t, db,
		msg("UA", "C1", "m1", at(-8, 11)),         // week 0 of 2 ending at(0, 12)
		msg("UA", "C1", "m2", at(-7, 11)),         // week 0: the boundary at(-7, 12) cuts this day
		reply("UA", "C1", "r1", "m1", at(-7, 12)), // week 1: at the boundary
		react("UA", "C1", "m1", "eyes", at(-1, 0)),
		checkin("UA", "q1", at(0, 11)),
		stillHere("UA", 1, at(0, 11.5)),
		msg("UA", "C1", "m3", at(0, 12)),            // at End: after the window
		react("UB", "C1", "m1", "eyes", at(-20, 0)), // before the window
		msg("UL", "C1", "m4", at(-2, 0)),
		membership(bot.KindLeave, "UL", at(-1, 0)),
		msg("UX", "C1", "m5", at(-2, 0)),
	)
	q := bot.MemberWeeksQuery{Community: community, End: at(0, 12), Weeks: 2}
	got, err := db.MemberWeeks(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, mw := range got {
		ids = append(ids, mw.Member.ID)
	}
	if want := []string{"UA", "UB", "UB2", "UQ"}; !slices.Equal(ids, want) {
		t.Errorf("members %v, want %v (by name case-insensitively, then id; no bot, no one who left)", ids, want)
	}
	if len(got) > 0 {
		a := got[0]
		want := []bot.WeekCounts{{Messages: 2}, {Replies: 1, Reactions: 1, Answers: 2}}
		if !reflect.DeepEqual(a.Weeks, want) || !a.LastActive.Equal(at(0, 11.5)) || !a.FirstSeen.Equal(at(-30, 0)) {
			t.Errorf("ada: weeks %+v last active %v first seen %v; want %+v, %v, %v", a.Weeks, a.LastActive, a.FirstSeen, want, at(0, 11.5), at(-30, 0))
		}
	}
	if len(got) > 1 && (!got[1].LastActive.Equal(at(-20, 0)) || !reflect.DeepEqual(got[1].Weeks, make([]bot.WeekCounts, 2))) {
		t.Errorf("Bo: %+v", got[1])
	}
	if len(got) > 3 && !got[3].LastActive.IsZero() {
		t.Errorf("Quinn was never active: %+v", got[3])
	}

	for _, tc := range []struct {
		name    string
		q       bot.MemberWeeksQuery
		weeks   []bot.WeekCounts // nil: not found
		active  time.Time
		members int
	}{
		{"one who left", bot.MemberWeeksQuery{Community: community, Member: "UL", End: at(0, 12), Weeks: 1},
			[]bot.WeekCounts{{Messages: 1}}, at(-2, 0), 1},
		{"a bot", bot.MemberWeeksQuery{Community: community, Member: "UX", End: at(0, 12), Weeks: 1},
			[]bot.WeekCounts{{Messages: 1}}, at(-2, 0), 1},
		{"active after End", bot.MemberWeeksQuery{Community: community, Member: "UA", End: at(-7, 11.5), Weeks: 1},
			[]bot.WeekCounts{{Messages: 2}}, at(-7, 11), 1},
		{"no weeks", bot.MemberWeeksQuery{Community: community, Member: "UA", End: at(0, 12)},
			[]bot.WeekCounts{}, at(0, 11.5), 1},
		{"unknown member", bot.MemberWeeksQuery{Community: community, Member: "U404", End: at(0, 12), Weeks: 1}, nil, time.Time{}, 0},
		{"unknown community", bot.MemberWeeksQuery{Community: "slack:T404", Member: "UA", End: at(0, 12), Weeks: 1}, nil, time.Time{}, 0},
		{"everyone of an unknown community", bot.MemberWeeksQuery{Community: "slack:T404", End: at(0, 12), Weeks: 1}, []bot.WeekCounts{}, time.Time{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.MemberWeeks(ctx, tc.q)
			switch {
			case tc.weeks == nil:
				if !errors.Is(err, bot.ErrNotFound) {
					t.Errorf("%+v, %v; want bot.ErrNotFound", got, err)
				}
			case err != nil:
				t.Fatal(err)
			case len(got) != tc.members:
				t.Errorf("%d members, want %d", len(got), tc.members)
			case tc.members == 1 && (!reflect.DeepEqual(got[0].Weeks, tc.weeks) || !got[0].LastActive.Equal(tc.active)):
				t.Errorf("weeks %+v, last active %v; want %+v, %v", got[0].Weeks, got[0].LastActive, tc.weeks, tc.active)
			}
		})
	}
	if _, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, Weeks: 1}); err == nil {
		t.Error("no end: no error")
	}
}

// TestMemberWeeksAfterPrune: with the events pruned, whole days still
// count from the rollups, and a latest activity before End that was pruned
// is the start of its day.
func testMemberWeeksAfterPrune(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db,
		msg("UA", "C1", "m1", at(-10, 9)),
		react("UA", "C1", "m1", "eyes", at(-3, 9)),
		msg("UA", "C1", "m2", at(1, 9)),
	)
	if n, err := db.PruneEvents(ctx, at(0, 0)); err != nil || n != 2 {
		t.Fatalf("PruneEvents: %d, %v; want 2", n, err)
	}
	got, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, Member: "UA", End: at(0, 0), Weeks: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.WeekCounts{{Messages: 1}, {Reactions: 1}}
	if !reflect.DeepEqual(got[0].Weeks, want) || !got[0].LastActive.Equal(at(-3, 0)) {
		t.Errorf("weeks %+v, last active %v; want %+v, %v", got[0].Weeks, got[0].LastActive, want, at(-3, 0))
	}
}

// TestMemberWeeksAsOfEnd: with AsOfEnd, the members are those as of End,
// as a report's members.total counts them: not one who joined after End,
// still one who left after it, not one who left before it, never a bot;
// CountsOnly selects the same.
func testMemberWeeksAsOfEnd(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-30, 0), Members: []bot.Member{
		{ID: "UA", Name: "ada", JoinedAt: at(-40, 0)}, {ID: "UL", Name: "Lee", JoinedAt: at(-40, 0)},
		{ID: "UE", Name: "Eli", JoinedAt: at(-40, 0)}, {ID: "UX", Name: "xbot", IsBot: true, JoinedAt: at(-40, 0)},
	}})
	record(t, db,
		membership(bot.KindLeave, "UE", at(-20, 0)),
		membership(bot.KindJoin, "UN", at(-5, 0)),
		msg("UN", "C1", "m1", at(-4, 0)),
		membership(bot.KindLeave, "UL", at(-3, 0)),
	)
	for _, tc := range []struct {
		end  time.Time
		want []string
	}{
		{at(-50, 0), nil},
		{at(-10, 0), []string{"UA", "UL"}},
		{at(0, 0), []string{"UA", "UN"}},
	} {
		for _, countsOnly := range []bool{false, true} {
			got, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: tc.end, Weeks: 1, AsOfEnd: true, CountsOnly: countsOnly})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, mw := range got {
				ids = append(ids, mw.Member.ID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tc.want) {
				t.Errorf("as of %v (counts only %v): members %v, want %v", tc.end, countsOnly, ids, tc.want)
			}
		}
	}
}

// TestMemberWeeksLeftSince: with LeftSince, the members as of End and
// those who left in [LeftSince, End), each with LeftAt when they left
// before End; never one who left before LeftSince, a bot, or one known
// only after End.
func testMemberWeeksLeftSince(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-30, 0), Members: []bot.Member{
		{ID: "UA", Name: "ada", JoinedAt: at(-40, 0)}, {ID: "UL", Name: "Lee", JoinedAt: at(-40, 0)},
		{ID: "UE", Name: "Eli", JoinedAt: at(-40, 0)}, {ID: "UX", Name: "xbot", IsBot: true, JoinedAt: at(-40, 0)},
	}})
	record(t, db,
		membership(bot.KindLeave, "UE", at(-20, 0)),
		membership(bot.KindJoin, "UN", at(-5, 0)),
		msg("UN", "C1", "m1", at(-4, 0)),
		membership(bot.KindLeave, "UL", at(-3, 0)),
		membership(bot.KindJoin, "UZ", at(1, 0)),
	)
	for _, tc := range []struct {
		end, since time.Time
		want       []string // id@day it left, before end
	}{
		{at(0, 0), at(-10, 0), []string{"UA", "UL@-3", "UN"}},
		{at(0, 0), at(-25, 0), []string{"UA", "UE@-20", "UL@-3", "UN"}},
		{at(0, 0), at(-3, 0), []string{"UA", "UL@-3", "UN"}},
		{at(0, 0), at(-2, 0), []string{"UA", "UN"}},
		{at(-10, 0), at(-25, 0), []string{"UA", "UE@-20", "UL"}},
		{at(0, 0), time.Time{}, []string{"UA", "UN"}},
		{at(0, 0), at(5, 0), []string{"UA", "UN"}}, // after End: as of End
	} {
		for _, countsOnly := range []bool{false, true} {
			got, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: tc.end, Weeks: 1, AsOfEnd: true, LeftSince: tc.since, CountsOnly: countsOnly})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, mw := range got {
				id := mw.Member.ID
				if !mw.LeftAt.IsZero() {
					id += fmt.Sprintf("@%d", int(mw.LeftAt.Sub(t0)/day))
				}
				ids = append(ids, id)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tc.want) {
				t.Errorf("as of [%v, %v] (counts only %v): members %v, want %v", tc.since, tc.end, countsOnly, ids, tc.want)
			}
		}
	}
}
