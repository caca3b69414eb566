package store_test

import (
	"context"
	"database/sql"
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
	"github.com/hearth-community/hearth/store"
)

// The member forgotten in TestForgetMember: an id and a name found nowhere
// else, so a scan of the database for either finds only what names them.
const (
	gone     = "UGONE7"
	goneName = "Zelda Quillfeather"
)

// seedMember puts the member gone in every table that can name a member,
// beside the members UA (Ada) and UB (Bo). Run 1 is attributed, run 2
// anonymous; nudge 1 is theirs, nudge 2 Ada's, approved by them.
func seedMember(t *testing.T, db *store.DB) {
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
	run := createRun(t, db, bot.CheckinRun{Community: community, Survey: survey, Delivery: bot.DeliverDM,
		StartedBy: gone, OpenedAt: at(2, 0), ClosesAt: at(4, 0)}, gone, "UA")
	anon := createRun(t, db, bot.CheckinRun{Community: community, Survey: testSurvey(t, "health"), Delivery: bot.DeliverDM,
		Anonymous: true, Salt: []byte("salt"), StartedBy: "UA", OpenedAt: at(2, 0), ClosesAt: at(4, 0)}, gone, "UB")
	for _, a := range []struct {
		run        int64
		respondent string
	}{{run.ID, gone}, {run.ID, "UA"}, {anon.ID, "tok-1"}, {anon.ID, "tok-2"}} {
		if err := db.SaveAnswers(ctx, a.run, a.respondent, map[string]string{"energy": "4", "more": "fine"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetRecipient(ctx, run.ID, bot.Recipient{Member: gone, Status: bot.RecipientSent, SentAt: at(2, 0), Awaiting: "more"}); err != nil {
		t.Fatal(err)
	}
	addNudge(t, db, bot.Nudge{Community: community, Member: gone, QueuedAt: at(1, 0), SendAt: at(1, 1), SentAt: at(1, 1),
		Status: bot.NudgeSent, Response: bot.NudgeHere, RespondedAt: at(2, 1), ApprovedBy: "UA"})
	addNudge(t, db, bot.Nudge{Community: community, Member: "UA", QueuedAt: at(1, 0), SendAt: at(1, 1), Status: bot.NudgeQueued, ApprovedBy: gone})
	for _, m := range []string{gone, "UA"} {
		if err := db.SetPrefs(ctx, community, m, bot.MemberPrefs{NudgesOff: true, PausedUntil: at(9, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddFacilitator(ctx, community, gone, "UA", at(0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := db.AddFacilitator(ctx, community, "UB", gone, at(0, 0)); err != nil {
		t.Fatal(err)
	}
	addSchedule(t, db, bot.Schedule{Community: community, Kind: bot.ScheduleDigest, Spec: "@weekly", CreatedBy: gone, CreatedAt: at(0, 0)})
	if _, err := db.AddDeckPrompts(ctx, community, gone, at(0, 0), "What are you reading?"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordPromptPost(ctx, bot.PromptPost{Community: community, Channel: "C1", Message: "p1", Text: "Why?", At: at(2, 0)}); err != nil {
		t.Fatal(err)
	}
}

func TestForgetMember(t *testing.T) {
	db, path := openDB(t)
	ctx := context.Background()
	seedMember(t, db)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	needles := []string{gone, goneName, strings.ToLower(goneName)}
	var where []string
	for _, h := range scanFor(t, raw, needles...) {
		where = append(where, h.column)
	}
	for _, col := range []string{"members.ext_id", "members.name", "members.name_fold", "events.key", "tombstones.key",
		"checkin_runs.started_by", "checkin_runs.definition", "checkin_answers.respondent", "surveys.definition",
		"facilitators.member_ext", "facilitators.added_by", "schedules.created_by", "deck_prompts.added_by", "nudges.approved_by"} {
		if !slices.Contains(where, col) {
			t.Errorf("the seed does not name them in %s", col)
		}
	}
	past := bot.ReportQuery{Community: community, From: at(-1, 0), To: at(3, 12), QuietAfter: day}
	before := report(t, db, past)
	days := rows(t, raw, `SELECT * FROM channel_days`)
	others := map[string]bot.MemberData{}
	for _, m := range []string{"UA", "UB"} {
		others[m] = export(t, db, m)
	}

	if err := db.ForgetMember(ctx, community, gone); err != nil {
		t.Fatal(err)
	}

	if hits := scanFor(t, raw, needles...); len(hits) > 0 {
		t.Errorf("still named after ForgetMember: %+v", hits)
	}
	for _, table := range []string{"events", "member_days", "member_channel_days", "checkin_recipients", "nudges", "member_prefs"} {
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM ` + table + ` WHERE member_id NOT IN (SELECT id FROM members)`).Scan(&n); err != nil || n > 0 {
			t.Errorf("%s: %d rows of a member that is gone (%v)", table, n, err)
		}
	}
	if got := rows(t, raw, `SELECT * FROM channel_days`); !slices.Equal(got, days) {
		t.Errorf("channel days changed:\n%s", firstDiff(got, days))
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
			!reflect.DeepEqual(got.Answers, want.Answers) || got.Prefs != want.Prefs || len(got.Nudges) != len(want.Nudges) {
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
	if n := addNudge(t, db, bot.Nudge{Community: community, Member: gone, QueuedAt: at(5, 0), SendAt: at(5, 0)}); n.ID != 3 {
		t.Errorf("a new nudge got id %d: ids of forgotten nudges must not be given again", n.ID)
	}
}

type hit struct {
	column, needle string // table.column
	rows           int
}

// scanFor returns where any column of any table holds one of the strings.
func scanFor(t *testing.T, db *sql.DB, needles ...string) []hit {
	t.Helper()
	var tables []string
	rs, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var name string
		rs.Scan(&name)
		tables = append(tables, name)
	}
	rs.Close()
	var hits []hit
	for _, table := range tables {
		rs, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for rs.Next() {
			var c string
			rs.Scan(&c)
			cols = append(cols, c)
		}
		rs.Close()
		for _, col := range cols {
			for _, needle := range needles {
				var n int
				q := fmt.Sprintf(`SELECT COUNT(*) FROM "%s" WHERE instr(CAST("%s" AS TEXT), ?) > 0`, table, col)
				if err := db.QueryRow(q, needle).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if n > 0 {
					hits = append(hits, hit{column: table + "." + col, needle: needle, rows: n})
				}
			}
		}
	}
	return hits
}

func export(t *testing.T, db *store.DB, member string) bot.MemberData {
	t.Helper()
	d, err := db.ExportMember(context.Background(), community, member)
	if err != nil {
		t.Fatalf("ExportMember(%s): %v", member, err)
	}
	return d
}

func TestExportMember(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	seedMember(t, db)
	got := export(t, db, gone)
	ev := func(kind bot.EventKind, channel string, when time.Time) bot.MemberEvent {
		return bot.MemberEvent{Kind: kind, Channel: channel, At: when}
	}
	want := bot.MemberData{
		Community:   community,
		Member:      bot.Member{ID: gone, Name: goneName, TZ: "Europe/Oslo", JoinedAt: at(-1, 0)},
		FirstSeen:   at(-30, 0),
		LastActive:  at(2, 1),
		Facilitator: true,
		Counts: map[bot.EventKind]int{bot.KindJoin: 2, bot.KindReply: 1, bot.KindMessage: 1, bot.KindReaction: 1,
			bot.KindCheckinAnswer: 1, bot.KindStillHere: 1, bot.KindPromptReply: 1},
		Events: []bot.MemberEvent{
			ev(bot.KindJoin, "", at(-1, 0)),
			ev(bot.KindReply, "C1", at(0, 10)),
			ev(bot.KindMessage, "C1", at(0, 11)),
			ev(bot.KindReaction, "C2", at(1, 0)),
			ev(bot.KindJoin, "C2", at(1, 1)),
			ev(bot.KindCheckinAnswer, "", at(2, 0)),
			ev(bot.KindStillHere, "", at(2, 1)),
			ev(bot.KindPromptReply, "C1", at(2, 2)),
		},
		// The attributed run's answers; the anonymous run's cannot be tied to them.
		Answers: []bot.MemberAnswer{{Run: 1, Survey: "pulse", Question: "energy", Value: "4"}, {Run: 1, Survey: "pulse", Question: "more", Value: "fine"}},
		Nudges: []bot.Nudge{{ID: 1, Community: community, Member: gone, QueuedAt: at(1, 0), SendAt: at(1, 1), SentAt: at(1, 1),
			Status: bot.NudgeSent, Response: bot.NudgeHere, RespondedAt: at(2, 1), ApprovedBy: "UA"}},
		Prefs: bot.MemberPrefs{NudgesOff: true, PausedUntil: at(9, 0)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ExportMember:\n got %+v\nwant %+v", got, want)
	}
	if d := export(t, db, "UB"); d.Facilitator != true || len(d.Answers) != 0 || len(d.Nudges) != 0 || d.Nudges == nil || d.Answers == nil {
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
func TestPruneEvents(t *testing.T) {
	db, path := openDB(t)
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
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var older int
	defer store.SetPruneBatch(500)()
	if err := raw.QueryRow(`SELECT COUNT(*) FROM events WHERE at < ?`, prune.UnixMilli()).Scan(&older); err != nil || older <= 1000 {
		t.Fatalf("%d events to prune (%v): want a few batches", older, err)
	}
	rollups := map[string][]string{}
	for _, table := range []string{"member_days", "member_channel_days", "channel_days"} {
		rollups[table] = rows(t, raw, `SELECT * FROM `+table)
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
	var left int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM events WHERE at < ?`, prune.UnixMilli()).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d events before the time left (%v)", left, err)
	}
	for table, want := range rollups {
		if got := rows(t, raw, `SELECT * FROM `+table); !slices.Equal(got, want) {
			t.Errorf("%s changed:\n%s", table, firstDiff(got, want))
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
