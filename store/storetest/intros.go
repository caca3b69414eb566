package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/intros"
)

var introTests = []test{
	{name: "IntroOptIns", run: testIntroOptIns},
	{name: "IntroRoundsAndAnswers", run: testIntroRoundsAndAnswers},
	{name: "ActiveChannels", run: testActiveChannels},
}

func addRound(t *testing.T, db Store, when time.Time, by string, groups ...[]string) intros.IntroRound {
	t.Helper()
	r := intros.IntroRound{Community: community, Seed: 42, At: when, CreatedBy: by}
	for _, g := range groups {
		r.Groups = append(r.Groups, intros.IntroGroup{Members: g})
	}
	got, err := db.AddIntroRound(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func testIntroOptIns(t *testing.T, db Store) {
	ctx := context.Background()
	for _, m := range []string{"UB", "UA", "UC"} {
		if err := db.SetIntroOptIn(ctx, community, m, true, at(0, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetIntroOptIn(ctx, community, "UC", false, at(0, 2)); err != nil {
		t.Fatal(err)
	}
	if err := db.SetIntroOptIn(ctx, community, "UA", true, at(1, 0)); err != nil { // again: the time moves
		t.Fatal(err)
	}
	got, err := db.IntroOptIns(ctx, community)
	want := []intros.IntroOptIn{{Member: "UA", Since: at(1, 0)}, {Member: "UB", Since: at(0, 1)}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("opt-ins %+v, %v; want %+v", got, err, want)
	}
	if got, err := db.IntroOptIns(ctx, "slack:T404"); err != nil || len(got) != 0 || got == nil {
		t.Errorf("another community: %+v, %v", got, err)
	}
	// A member Hearth learns of by their opt-in is not new: like a nudge's.
	if m, err := db.Member(ctx, community, "UB"); err != nil || m.ID != "UB" {
		t.Errorf("UB's row: %+v, %v", m, err)
	}
}

func testIntroRoundsAndAnswers(t *testing.T, db Store) {
	ctx := context.Background()
	first := addRound(t, db, at(0, 10), "UF", []string{"UA", "UB"}, []string{"UC", "UD", "UE"})
	second := addRound(t, db, at(14, 10), "UF", []string{"UA", "UC"})
	if first.ID != 1 || second.ID != 2 || first.Groups[0].ID == 0 || first.Groups[1].ID == first.Groups[0].ID || first.Groups[1].Round != 1 {
		t.Fatalf("ids: %+v %+v", first, second)
	}
	got, err := db.IntroRound(ctx, community, 1)
	want := intros.IntroRound{ID: 1, Community: community, Seed: 42, At: at(0, 10), CreatedBy: "UF", Groups: []intros.IntroGroup{
		{ID: first.Groups[0].ID, Round: 1, Members: []string{"UA", "UB"}, Answers: map[string]intros.IntroAnswer{}},
		{ID: first.Groups[1].ID, Round: 1, Members: []string{"UC", "UD", "UE"}, Answers: map[string]intros.IntroAnswer{}},
	}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("round 1:\n got %+v, %v\nwant %+v", got, err, want)
	}
	if _, err := db.IntroRound(ctx, "slack:T404", 1); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("another community's round: %v", err)
	}
	rounds, err := db.IntroRounds(ctx, community, 1)
	if err != nil || len(rounds) != 1 || rounds[0].ID != 2 || !slices.Equal(rounds[0].Groups[0].Members, []string{"UA", "UC"}) {
		t.Fatalf("latest round: %+v, %v", rounds, err)
	}
	if all, err := db.IntroRounds(ctx, community, 0); err != nil || len(all) != 2 || all[1].ID != 1 || len(all[1].Groups) != 2 {
		t.Fatalf("all rounds: %+v, %v", all, err)
	}

	if ok, err := db.MarkIntroFollowedUp(ctx, community, 1, at(7, 10)); !ok || err != nil {
		t.Fatalf("following up: %v, %v", ok, err)
	}
	if ok, err := db.MarkIntroFollowedUp(ctx, community, 1, at(8, 0)); ok || err != nil {
		t.Errorf("following up twice: %v, %v", ok, err)
	}
	if r, _ := db.IntroRound(ctx, community, 1); !r.FollowedUpAt.Equal(at(7, 10)) {
		t.Errorf("followed up at %v", r.FollowedUpAt)
	}
	if _, err := db.MarkIntroFollowedUp(ctx, community, 99, at(8, 0)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("an unknown round: %v", err)
	}

	pair, trio := first.Groups[0].ID, first.Groups[1].ID
	if err := db.AnswerIntro(ctx, community, pair, "UC", intros.IntroMet, at(7, 11)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("UC answering for UA and UB: %v", err)
	}
	if err := db.AnswerIntro(ctx, "slack:T404", pair, "UA", intros.IntroMet, at(7, 11)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("another community: %v", err)
	}
	steps := []struct {
		group  int64
		member string
		answer intros.IntroAnswer
		when   time.Time
		metAt  time.Time // the group's, after
	}{
		{pair, "UA", intros.IntroNotYet, at(7, 11), time.Time{}},
		{pair, "UB", intros.IntroMet, at(7, 12), at(7, 12)},
		{pair, "UA", intros.IntroMet, at(7, 13), at(7, 12)}, // the first "We met" stays
		{trio, "UC", intros.IntroMet, at(8, 0), at(8, 0)},
		{trio, "UC", intros.IntroNotYet, at(8, 1), time.Time{}}, // changed their mind: nobody met
		{trio, "UD", intros.IntroMet, at(9, 0), at(9, 0)},
	}
	for _, s := range steps {
		if err := db.AnswerIntro(ctx, community, s.group, s.member, s.answer, s.when); err != nil {
			t.Fatal(err)
		}
		r, _ := db.IntroRound(ctx, community, 1)
		for _, g := range r.Groups {
			if g.ID == s.group && (!g.MetAt.Equal(s.metAt) || g.Answers[s.member] != s.answer) {
				t.Errorf("after %s's %s: %+v, want met at %v", s.member, s.answer, g, s.metAt)
			}
		}
	}
	for _, tc := range []struct {
		from, to  time.Time
		made, met int
	}{
		{at(0, 0), at(7, 0), 2, 0},
		{at(7, 0), at(14, 0), 0, 2},
		{at(8, 0), at(9, 0), 0, 0},
		{at(0, 0), at(15, 0), 3, 2},
		{at(14, 10), at(14, 11), 1, 0},
	} {
		if got, err := db.IntroCounts(ctx, community, tc.from, tc.to); err != nil || got != (bot.IntroCounts{Made: tc.made, Met: tc.met}) {
			t.Errorf("counts in [%v, %v): %+v, %v; want made %d, met %d", tc.from, tc.to, got, err, tc.made, tc.met)
		}
	}
	if got, err := db.IntroCounts(ctx, "slack:T404", at(0, 0), at(30, 0)); err != nil || got != (bot.IntroCounts{}) {
		t.Errorf("another community: %+v, %v", got, err)
	}
	// The report carries them.
	rep, err := fullReport(db, bot.ReportQuery{Community: community, From: at(7, 0), To: at(14, 0)})
	if err != nil || rep.Intros != (bot.IntroCounts{Met: 2}) {
		t.Errorf("report intros: %+v, %v", rep.Intros, err)
	}
}

func testActiveChannels(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(0, 0), Channels: []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "design"}}})
	record(t, db,
		msg("UA", "C1", "a1", at(0, 1)),
		react("UA", "C2", "a1", "eyes", at(5, 1)),
		msg("UB", "C2", "b1", at(5, 2)),
		msg("UC", "C1", "c1", at(5, 3)),
		share("UC", "", 1, at(5, 4)), // no channel
	)
	got, err := db.ActiveChannels(ctx, community, []string{"UA", "UB", "UD"}, at(3, 12))
	want := map[string][]bot.Channel{"UA": {{ID: "C2", Name: "design"}}, "UB": {{ID: "C2", Name: "design"}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("active channels: %+v, %v; want %+v", got, err, want)
	}
	if got, err := db.ActiveChannels(ctx, community, nil, at(0, 0)); err != nil || len(got) != 0 {
		t.Errorf("nobody: %+v, %v", got, err)
	}
}
