package storetest

import (
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
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/bot/simulate"
)

var privacyTests = []test{
	{name: "ForgetMember", run: testForgetMember},
	{name: "PruneEvents", run: testPruneEvents},
	{name: "ExportMember", run: testExportMember},
}

// The member forgotten in TestForgetMember: an id and a name found nowhere
// else, so a scan of the database for either finds only what names them.
const (
	gone     = "UGONE7"
	goneName = "Zelda Quillfeather"
)

// seedMember puts the member gone in every table that can name a member,
// beside the members UA (Ada) and UB (Bo). Run 1 is attributed, run 2
// anonymous; nudge 1 is theirs, nudge 2 Ada's, approved by them. Resources
// 1 and 3 and stories 1 and 3 are theirs; resource 2 and story 2 Ada's.
// The free text of one resource and one story of theirs names them, so a
// scan for their name finds what is left of those rows; Ada's never does:
// the store does not scrub others' text.
func seedMember(t *testing.T, db Store) {
	t.Helper()
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-30, 0), Members: []bot.Member{
		{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}, {ID: gone, Name: goneName, TZ: "Europe/Oslo"},
	}, Channels: []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "help"}}})
	threadReply := reply(gone, "C1", "fx", "a1", at(0, 9))
	threadReply.Key = "thread:C1:" + gone + ":fx" // a key that names them (a retracted reply leaves a tombstone)
	record(t, db,
		msg("UA", "C1", "a1", at(0, 8)),
		reply(gone, "C1", "f0", "a1", at(0, 10)), // the only answer to Ada's a1
		msg(gone, "C1", "f1", at(0, 11)),
		reply("UB", "C1", "b1", "f1", at(0, 12)),   // Bo answers in their thread: stays
		react("UB", "C1", "f1", "tada", at(0, 13)), // Bo reacts to their message: stays
		react(gone, "C2", "a1", "eyes", at(1, 0)),  // key C2:a1:UGONE7:eyes
		membership(bot.KindJoin, gone, at(-1, 0)),  // key join:UGONE7:...
		bot.Event{Kind: bot.KindJoin, Community: community, Channel: "C2", Member: gone, At: at(1, 1), Key: "cjoin:C2:" + gone},
		checkin(gone, "1", at(2, 0)),
		stillHere(gone, 1, at(2, 1)),
		bot.Event{Kind: bot.KindPromptReply, Community: community, Channel: "C1", Member: gone, At: at(2, 2), Key: "prompt:C1:f2", Message: "f2", Parent: "p1"},
		msg(gone, "C2", "f3", at(2, 3)),
		threadReply,
		msg("UB", "C2", "b2", at(3, 0)),
	)
	record(t, db, retract(msg(gone, "C2", "f3", at(2, 3)), at(2, 4)), retract(threadReply, at(2, 5)))
	survey := testSurvey(t, "pulse")
	survey.Settings.Members = []string{gone, "UA"}
	if err := db.SaveSurvey(ctx, community, survey, at(0, 0)); err != nil {
		t.Fatal(err)
	}
	run := createRun(t, db, checkins.CheckinRun{Community: community, Survey: survey, Delivery: checkins.DeliverDM,
		StartedBy: gone, OpenedAt: at(2, 0), ClosesAt: at(4, 0)}, gone, "UA")
	anon := createRun(t, db, checkins.CheckinRun{Community: community, Survey: testSurvey(t, "health"), Delivery: checkins.DeliverDM,
		Anonymous: true, Salt: []byte("salt"), StartedBy: "UA", OpenedAt: at(2, 0), ClosesAt: at(4, 0)}, gone, "UB")
	for _, a := range []struct {
		run        int64
		respondent string
	}{{run.ID, gone}, {run.ID, "UA"}, {anon.ID, "tok-1"}, {anon.ID, "tok-2"}} {
		if err := db.SaveAnswers(ctx, a.run, a.respondent, map[string]string{"energy": "4", "more": "fine"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetRecipient(ctx, run.ID, checkins.Recipient{Member: gone, Status: checkins.RecipientSent, SentAt: at(2, 0), Awaiting: "more"}); err != nil {
		t.Fatal(err)
	}
	addNudge(t, db, members.Nudge{Community: community, Member: gone, QueuedAt: at(1, 0), SendAt: at(1, 1), SentAt: at(1, 1),
		Status: members.NudgeSent, Response: members.NudgeHere, RespondedAt: at(2, 1), ApprovedBy: "UA"})
	addNudge(t, db, members.Nudge{Community: community, Member: "UA", QueuedAt: at(1, 0), SendAt: at(1, 1), Status: members.NudgeQueued, ApprovedBy: gone})
	for _, m := range []string{gone, "UA"} {
		if ok, err := db.ClaimDelivery(ctx, community, "event-remind:1:0", m, at(2, 0)); !ok || err != nil {
			t.Fatalf("ClaimDelivery(%s): %v, %v", m, ok, err)
		}
	}
	for _, m := range []string{gone, "UA"} {
		if err := db.SetPrefs(ctx, community, m, bot.MemberPrefs{NudgesOff: true, PausedUntil: at(9, 0), WelcomedAt: at(-1, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	record(t, db, share(gone, "C1", 1, at(2, 6)), share("UA", "", 2, at(2, 7)), share(gone, "", 3, at(2, 8)))
	for _, r := range []library.Resource{
		{Community: community, Member: gone, Channel: "C1", URL: "https://example.org/pairing", Tags: []string{"#Teaching"},
			Note: "Slides from " + goneName + "'s talk", SharedAt: at(2, 6)},
		{Community: community, Member: "UA", URL: "https://example.org/rubrics", Tags: []string{"assessment"}, Note: "Rubrics that worked", SharedAt: at(2, 7)},
		{Community: community, Member: gone, URL: "https://example.org/reading", SharedAt: at(2, 8)},
	} {
		addResource(t, db, r)
	}
	for _, s := range []library.Story{
		{Community: community, Member: gone, Text: goneName + " here: pairing changed how I teach", Consent: library.ConsentNamed, Run: run.ID, At: at(2, 9)},
		{Community: community, Member: "UA", Text: "Rubrics made grading fairer", Consent: library.ConsentAnonymous, Run: run.ID, At: at(2, 10)},
		{Community: community, Member: gone, Text: "Less lecturing, more questions", At: at(2, 11)},
	} {
		addStory(t, db, s)
	}
	if err := db.AddFacilitator(ctx, community, gone, "UA", at(0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := db.AddFacilitator(ctx, community, "UB", gone, at(0, 0)); err != nil {
		t.Fatal(err)
	}
	addSchedule(t, db, bot.Schedule{Community: community, Kind: reporting.ScheduleDigest, Spec: "@weekly", CreatedBy: gone, CreatedAt: at(0, 0)})
	if _, err := db.AddDeckPrompts(ctx, community, gone, at(0, 0), "What are you reading?"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordPromptPost(ctx, bot.PromptPost{Community: community, Channel: "C1", Message: "p1", Text: "Why?", At: at(2, 0)}); err != nil {
		t.Fatal(err)
	}
	seedEvents(t, db)
	seedIntros(t, db)
	if _, err := db.RequestImport(ctx, community, gone, at(-90, 0), at(2, 0)); err != nil {
		t.Fatal(err)
	}
}

// seedIntros opts them and Ada in to intros; round 1, which they ran,
// paired them with Ada (they said "We met", Ada "Not yet"); round 2 paired
// Ada and Bo.
func seedIntros(t *testing.T, db Store) {
	t.Helper()
	ctx := context.Background()
	for _, m := range []string{gone, "UA"} {
		if err := db.SetIntroOptIn(ctx, community, m, true, at(1, 0)); err != nil {
			t.Fatal(err)
		}
	}
	r := addRound(t, db, at(1, 1), gone, []string{"UA", gone})
	addRound(t, db, at(2, 1), "UA", []string{"UA", "UB"})
	for _, a := range []struct {
		member string
		answer intros.IntroAnswer
	}{{gone, intros.IntroMet}, {"UA", intros.IntroNotYet}} {
		if err := db.AnswerIntro(ctx, community, r.Groups[0].ID, a.member, a.answer, at(2, 2)); err != nil {
			t.Fatal(err)
		}
	}
}

// seededPlaces are the places (Scanner.Holding) where seedMember names the
// member gone: every column of the SQLite store that can name a member.
// Another store names the fields that mirror them alike.
var seededPlaces = []string{"members.ext_id", "members.name", "members.name_fold", "events.key", "tombstones.key",
	"checkin_runs.started_by", "checkin_runs.definition", "checkin_answers.respondent", "surveys.definition",
	"facilitators.member_ext", "facilitators.added_by", "schedules.created_by", "deck_prompts.added_by", "nudges.approved_by",
	"resources.note", "resources.search", "stories.text", "community_events.created_by", "intro_rounds.created_by",
	"history_imports.requested_by"}

func testForgetMember(t *testing.T, db Store) {
	ctx := context.Background()
	seedMember(t, db)
	scan, _ := db.(Scanner)
	if scan == nil {
		t.Log("the store is no Scanner: what it keeps is read through bot.Store only")
	}
	needles := []string{gone, goneName, strings.ToLower(goneName)}
	var days []string
	if scan != nil {
		where, err := scan.Holding(ctx, needles...)
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range seededPlaces {
			if !slices.Contains(where, col) {
				t.Errorf("the seed does not name them in %s", col)
			}
		}
		days = rollups(t, scan)["channel_days"]
		if len(days) == 0 {
			t.Error("no channel days before ForgetMember")
		}
	}
	past := bot.ReportQuery{Community: community, From: at(-1, 0), To: at(3, 12), QuietAfter: day}
	before := report(t, db, past)
	others := map[string]features.MemberData{}
	for _, m := range []string{"UA", "UB"} {
		others[m] = export(t, db, m)
	}

	if err := db.ForgetMember(ctx, community, gone); err != nil {
		t.Fatal(err)
	}

	if scan != nil {
		if hits, err := scan.Holding(ctx, needles...); err != nil || len(hits) > 0 {
			t.Errorf("still named after ForgetMember: %+v (%v)", hits, err)
		}
		if orphans, err := scan.Orphans(ctx); err != nil || len(orphans) > 0 {
			t.Errorf("rows of a member that is gone: %+v (%v)", orphans, err)
		}
		if got := rollups(t, scan)["channel_days"]; !slices.Equal(got, days) {
			t.Errorf("channel days changed:\n%s", firstDiff(got, days))
		}
	}
	after := report(t, db, past)
	if after.Activity != before.Activity || after.Members.Total != before.Members.Total-1 || after.Members.Active != before.Members.Active-1 {
		t.Errorf("the past report: activity %+v, members %+v; before: %+v, %+v (want the same activity, one member less)",
			after.Activity, after.Members, before.Activity, before.Members)
	}
	if len(before.Unanswered) != 0 || len(after.Unanswered) != 1 || after.Unanswered[0].Message != "a1" {
		t.Errorf("unanswered before %+v, after %+v; want Ada's a1 unanswered once its only reply is gone", before.Unanswered, after.Unanswered)
	}
	for m, want := range others {
		got := export(t, db, m)
		if !reflect.DeepEqual(got.Events, want.Events) || !reflect.DeepEqual(got.Counts, want.Counts) ||
			!reflect.DeepEqual(got.Answers, want.Answers) || got.Prefs != want.Prefs || len(got.Nudges) != len(want.Nudges) ||
			!reflect.DeepEqual(got.Resources, want.Resources) || !reflect.DeepEqual(got.Stories, want.Stories) {
			t.Errorf("%s changed:\n got %+v\nwant %+v", m, got, want)
		}
	}
	if a, err := db.Answers(ctx, 2); err != nil || len(a) != 4 {
		t.Errorf("the anonymous run's answers: %+v, %v; want all 4 kept", a, err)
	}
	if s, err := db.Surveys(ctx, community); err != nil || len(s) != 1 || !slices.Equal(s[0].Settings.Members, []string{"UA"}) {
		t.Errorf("surveys: %+v, %v; want the list without them", s, err)
	}
	if f, err := db.Facilitators(ctx, community); err != nil || len(f) != 1 || f[0].ID != "UB" {
		t.Errorf("facilitators: %+v, %v", f, err)
	}
	if r, err := db.Resources(ctx, community, library.ResourceQuery{}); err != nil || len(r) != 1 || r[0].ID != 2 {
		t.Errorf("resources: %+v, %v; want Ada's only", r, err)
	}
	if s, err := db.Stories(ctx, community, time.Time{}); err != nil || len(s) != 1 || s[0].ID != 2 {
		t.Errorf("stories: %+v, %v; want Ada's only", s, err)
	}

	// Ada keeps her opt-in and her places in groups; the group of round 1
	// keeps its "met" (it belongs to the group, like channels' day totals).
	if o, err := db.IntroOptIns(ctx, community); err != nil || len(o) != 1 || o[0].Member != "UA" {
		t.Errorf("intro opt-ins: %+v, %v; want Ada's only", o, err)
	}
	if r, err := db.IntroRound(ctx, community, 1); err != nil || r.CreatedBy != "" || len(r.Groups) != 1 ||
		!slices.Equal(r.Groups[0].Members, []string{"UA"}) || !reflect.DeepEqual(r.Groups[0].Answers, map[string]intros.IntroAnswer{"UA": intros.IntroNotYet}) ||
		!r.Groups[0].MetAt.Equal(at(2, 2)) {
		t.Errorf("intro round 1: %+v, %v; want Ada alone, her answer, the group's met time", r, err)
	}
	if r, err := db.IntroRound(ctx, community, 2); err != nil || !slices.Equal(r.Groups[0].Members, []string{"UA", "UB"}) || r.CreatedBy != "UA" {
		t.Errorf("intro round 2: %+v, %v", r, err)
	}

	if err := db.ForgetMember(ctx, community, gone); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("forgetting again: %v, want bot.ErrNotFound", err)
	}
	if err := db.ForgetMember(ctx, "slack:T404", "UA"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("another community: %v, want bot.ErrNotFound", err)
	}
	// They can come back: a new row, nothing of the old one.
	record(t, db, msg(gone, "C1", "g1", at(5, 0)))
	if a, err := db.MemberActivity(ctx, community, gone); err != nil || !reflect.DeepEqual(a.Counts, map[bot.EventKind]int{bot.KindMessage: 1}) {
		t.Errorf("back: %+v, %v", a, err)
	}
	if n := addNudge(t, db, members.Nudge{Community: community, Member: gone, QueuedAt: at(5, 0), SendAt: at(5, 0)}); n.ID != 3 {
		t.Errorf("a new nudge got id %d: ids of forgotten nudges must not be given again", n.ID)
	}
	// Their URL is free to share again, under a new id.
	if id := addResource(t, db, library.Resource{Community: community, Member: gone, URL: "https://example.org/reading", SharedAt: at(5, 0)}); id != 4 {
		t.Errorf("a new resource got id %d: ids of forgotten resources must not be given again", id)
	}
	if id := addStory(t, db, library.Story{Community: community, Member: gone, Text: "Back", At: at(5, 0)}); id != 4 {
		t.Errorf("a new story got id %d: ids of forgotten stories must not be given again", id)
	}
}

func export(t *testing.T, db Store, member string) features.MemberData {
	t.Helper()
	d, err := db.ExportMember(context.Background(), community, member)
	if err != nil {
		t.Fatalf("ExportMember(%s): %v", member, err)
	}
	return d
}

func testExportMember(t *testing.T, db Store) {
	ctx := context.Background()
	seedMember(t, db)
	got := export(t, db, gone)
	ev := func(kind bot.EventKind, channel string, when time.Time) features.MemberEvent {
		return features.MemberEvent{Kind: kind, Channel: channel, At: when}
	}
	want := features.MemberData{
		Community:   community,
		Member:      bot.Member{ID: gone, Name: goneName, TZ: "Europe/Oslo", JoinedAt: at(-1, 0)},
		FirstSeen:   at(-30, 0),
		LastActive:  at(2, 8),
		Facilitator: true,
		Counts: map[bot.EventKind]int{bot.KindJoin: 2, bot.KindReply: 1, bot.KindMessage: 1, bot.KindReaction: 1,
			bot.KindCheckinAnswer: 1, bot.KindStillHere: 1, bot.KindPromptReply: 1, bot.KindResourceShare: 2},
		Events: []features.MemberEvent{
			ev(bot.KindJoin, "", at(-1, 0)),
			ev(bot.KindReply, "C1", at(0, 10)),
			ev(bot.KindMessage, "C1", at(0, 11)),
			ev(bot.KindReaction, "C2", at(1, 0)),
			ev(bot.KindJoin, "C2", at(1, 1)),
			ev(bot.KindCheckinAnswer, "", at(2, 0)),
			ev(bot.KindStillHere, "", at(2, 1)),
			ev(bot.KindPromptReply, "C1", at(2, 2)),
			ev(bot.KindResourceShare, "C1", at(2, 6)),
			ev(bot.KindResourceShare, "", at(2, 8)),
		},
		// The attributed run's answers; the anonymous run's cannot be tied to them.
		Answers: []checkins.MemberAnswer{{Run: 1, Survey: "pulse", Question: "energy", Value: "4"}, {Run: 1, Survey: "pulse", Question: "more", Value: "fine"}},
		Nudges: []members.Nudge{{ID: 1, Community: community, Member: gone, QueuedAt: at(1, 0), SendAt: at(1, 1), SentAt: at(1, 1),
			Status: members.NudgeSent, Response: members.NudgeHere, RespondedAt: at(2, 1), ApprovedBy: "UA"}},
		Prefs: bot.MemberPrefs{NudgesOff: true, PausedUntil: at(9, 0), WelcomedAt: at(-1, 1)},
		Resources: []library.Resource{
			{ID: 1, Community: community, Member: gone, MemberName: goneName, Channel: "C1", URL: "https://example.org/pairing",
				Tags: []string{"teaching"}, Note: "Slides from " + goneName + "'s talk", SharedAt: at(2, 6)},
			{ID: 3, Community: community, Member: gone, MemberName: goneName, URL: "https://example.org/reading", Tags: []string{}, SharedAt: at(2, 8)},
		},
		Stories: []library.Story{
			{ID: 1, Community: community, Member: gone, MemberName: goneName, Text: goneName + " here: pairing changed how I teach",
				Consent: library.ConsentNamed, Source: "checkin", Run: 1, At: at(2, 9)},
			{ID: 3, Community: community, Member: gone, MemberName: goneName, Text: "Less lecturing, more questions",
				Consent: library.ConsentPrivate, Source: "command", At: at(2, 11)},
		},
		RSVPs:  []meetings.RSVP{{Event: 1, Member: gone, MemberName: goneName, Choice: meetings.RSVPGoing, At: at(1, 0), AttendedAt: at(2, 17)}},
		Intros: intros.MemberIntros{OptedInSince: at(1, 0), Groups: []intros.MemberIntroGroup{{Round: 1, MadeAt: at(1, 1), Answer: "met"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExportMember:\n got %+v\nwant %+v", got, want)
	}
	if d := export(t, db, "UB"); !d.Facilitator || len(d.Answers) != 0 || len(d.Nudges) != 0 || d.Nudges == nil || d.Answers == nil ||
		d.Resources == nil || d.Stories == nil || len(d.Resources)+len(d.Stories) != 0 {
		t.Errorf("Bo: %+v", d)
	}
	for _, c := range [][2]string{{community, "U404"}, {"slack:T404", "UA"}} {
		if _, err := db.ExportMember(ctx, c[0], c[1]); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("ExportMember(%s, %s): %v, want bot.ErrNotFound", c[0], c[1], err)
		}
	}
}

// TestPruneEvents prunes a simulated history at a time in the middle of a
// day: the reports of periods after it stay as they were, and so do the
// whole-day figures (members and activity) of a period before it; the day
// rollups do not change; it counts what it deleted, in every community.
func testPruneEvents(t *testing.T, db Store) {
	ctx := context.Background()
	end := t0.Add(15 * time.Hour)
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(end)})
	if err != nil {
		t.Fatal(err)
	}
	h := &tee{core: core}
	if _, err := simulate.Run(ctx, h, simulate.Options{Community: makers, Members: 50, Days: 30, Events: 3000, Seed: 9, End: end, Batch: 500}); err != nil {
		t.Fatal(err)
	}
	if err := h.HandleEvents(ctx, answerEvents(rand.New(rand.NewPCG(5, 6)), h.events, end.Add(-30*day), end, 200)...); err != nil {
		t.Fatal(err)
	}
	record(t, db, bot.Event{Kind: bot.KindMessage, Community: elsewhere, Channel: "C1", Member: "U1", At: end.Add(-20 * day), Key: "m1", Message: "m1"},
		bot.Event{Kind: bot.KindMessage, Community: elsewhere, Channel: "C1", Member: "U1", At: end.Add(-day), Key: "m2", Message: "m2"})
	prune := end.Add(-12*day - 5*time.Hour)
	// The events kept before the time, as every member's export lists them.
	members := map[[2]string]bool{{elsewhere, "U1"}: true}
	for _, e := range h.events {
		members[[2]string{e.Community, e.Member}] = true
	}
	olderThan := func() int {
		n := 0
		for m := range members {
			d, err := db.ExportMember(ctx, m[0], m[1])
			if errors.Is(err, bot.ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range d.Events {
				if e.At.Before(prune) {
					n++
				}
			}
		}
		return n
	}
	older := olderThan()
	if older <= 1000 {
		t.Fatalf("%d events to prune: want a few batches", older)
	}
	scan, _ := db.(Scanner)
	var days map[string][]string
	if scan != nil {
		days = rollups(t, scan)
	}
	after := []bot.ReportQuery{
		{Community: community, From: prune, To: end, QuietAfter: 5 * day},
		{Community: community, From: prune.Add(3 * time.Hour), To: end, QuietAfter: 3 * day, Channel: "C0001"},
		{Community: community, From: end.Add(-7 * day), To: end, SummaryOnly: true},
	}
	beforeDays := bot.ReportQuery{Community: community, From: end.Add(-25 * day).Truncate(day), To: prune.Truncate(day), QuietAfter: 2 * day, SummaryOnly: true}
	var want []bot.Report
	for _, q := range append(after, beforeDays) {
		want = append(want, report(t, db, q))
	}

	if want[0].Activity.Messages == 0 || want[len(after)].Activity.Messages == 0 {
		t.Fatalf("the periods test little: activity %+v after, %+v before", want[0].Activity, want[len(after)].Activity)
	}
	n, err := db.PruneEvents(ctx, prune)
	if err != nil || n != older {
		t.Fatalf("PruneEvents = %d, %v; want %d", n, err, older)
	}
	if left := olderThan(); left != 0 {
		t.Errorf("%d events before the time left", left)
	}
	if scan != nil {
		got := rollups(t, scan)
		for _, table := range []string{"member_days", "member_channel_days", "channel_days"} {
			if len(days[table]) == 0 {
				t.Errorf("%s: empty", table)
			}
			if !slices.Equal(got[table], days[table]) {
				t.Errorf("%s changed:\n%s", table, firstDiff(got[table], days[table]))
			}
		}
	}
	for i, q := range after {
		t.Run(fmt.Sprintf("after %d", i), func(t *testing.T) {
			got := report(t, db, q)
			checkReport(t, got, want[i])
			if !reflect.DeepEqual(got.Prompts, want[i].Prompts) {
				t.Errorf("prompts: %+v, want %+v", got.Prompts, want[i].Prompts)
			}
		})
	}
	if got, w := report(t, db, beforeDays), want[len(after)]; got.Members != w.Members || got.Activity != w.Activity {
		t.Errorf("whole days before: members %+v activity %+v; want %+v %+v", got.Members, got.Activity, w.Members, w.Activity)
	}
	if n, err := db.PruneEvents(ctx, prune); err != nil || n != 0 {
		t.Errorf("pruning again: %d, %v", n, err)
	}
}

// rollups returns the day totals a Scanner keeps.
func rollups(t *testing.T, s Scanner) map[string][]string {
	t.Helper()
	r, err := s.Rollups(context.Background())
	if err != nil {
		t.Fatalf("Rollups: %v", err)
	}
	return r
}

// firstDiff shows the first rows that differ between two sorted lists:
// those now only in a, those only in b (before).
func firstDiff(a, b []string) string { return FirstDiff(a, b, "now only:   ", "before only:") }
