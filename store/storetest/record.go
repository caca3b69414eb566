package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/simulate"
)

var recordTests = []test{
	{name: "RecordCountsOnlyNewEvents", run: testRecordCountsOnlyNewEvents},
	{name: "RecordRejectsInvalidEvents", run: testRecordRejectsInvalidEvents},
	{name: "Retraction", run: testRetraction},
	{name: "AnsweredOutOfOrder", run: testAnsweredOutOfOrder},
	{name: "ConcurrentRecord", run: testConcurrentRecord},
	{name: "SimulateTwice", run: testSimulateTwice},
	{name: "MembershipAsOf", fresh: testMembershipAsOf},
}

func testRecordCountsOnlyNewEvents(t *testing.T, db Store) {
	events := []bot.Event{
		msg("U1", "C1", "1", at(0, 9)),
		reply("U2", "C1", "2", "1", at(0, 10)),
		react("U3", "C1", "1", "heart", at(0, 11)),
		msg("U1", "C1", "1", at(0, 9)), // the same key twice in one call
	}
	for _, tc := range []struct {
		name   string
		events []bot.Event
		want   int
	}{
		{"first delivery", events, 3},
		{"redelivery", events, 0},
		{"one new among old", append(events[:2:2], msg("U4", "C2", "3", at(1, 0))), 1},
		{"bots and DMs are not recorded", []bot.Event{
			{Kind: bot.KindMessage, Community: community, Channel: "C1", Member: "B1", IsBot: true, At: at(1, 1), Key: "C1:b"},
			{Kind: bot.KindMessage, Community: community, Member: "U1", DM: true, At: at(1, 1), Key: "D1:d"},
		}, 0},
		{"nothing", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := record(t, db, tc.events...); n != tc.want {
				t.Errorf("Record = %d, want %d", n, tc.want)
			}
		})
	}
	a, err := db.MemberActivity(context.Background(), community, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Counts[bot.KindMessage] != 1 {
		t.Errorf("U1 has %d messages, want 1", a.Counts[bot.KindMessage])
	}
	if _, err := db.Member(context.Background(), community, "B1"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a bot's event created its member: %v", err)
	}
}

func testRecordRejectsInvalidEvents(t *testing.T, db Store) {
	good := msg("U1", "C1", "1", at(0, 9))
	for _, tc := range []struct {
		name string
		edit func(*bot.Event)
	}{
		{"no kind", func(e *bot.Event) { e.Kind = "" }},
		{"no community", func(e *bot.Event) { e.Community = "" }},
		{"no member", func(e *bot.Event) { e.Member = "" }},
		{"no key", func(e *bot.Event) { e.Key = "" }},
		{"no time", func(e *bot.Event) { e.At = time.Time{} }},
		{"a reply without its parent", func(e *bot.Event) { e.Kind, e.Parent = bot.KindReply, "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			tc.edit(&bad)
			if n, err := db.Record(context.Background(), good, bad); err == nil || n != 0 {
				t.Errorf("Record = %d, %v; want an error", n, err)
			}
		})
	}
	// A rejected call records nothing, not even its good events.
	if n := record(t, db, good); n != 1 {
		t.Errorf("the good event was recorded by a rejected call")
	}
	// A retraction names what to undo by its key alone (bot.Event.Validate,
	// the one definition): platforms do not always say who deleted what.
	if n, err := db.Record(context.Background(), bot.Event{Kind: bot.KindMessage, Community: community, Key: good.Key, Retract: true}); err != nil || n != 1 {
		t.Errorf("a retraction by key alone = %d, %v; want it applied", n, err)
	}
}

func testRetraction(t *testing.T, db Store) {
	m := msg("U1", "C1", "1", at(0, 9))
	r := reply("U2", "C1", "2", "1", at(0, 10))
	x := react("U3", "C1", "1", "heart", at(0, 11))
	week := bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0)}
	steps := []struct {
		name   string
		events []bot.Event
		want   int
		check  func(t *testing.T, rep bot.Report)
	}{
		{"record", []bot.Event{m, r, x}, 3, func(t *testing.T, rep bot.Report) {
			if rep.Activity != (bot.ActivityCounts{Messages: 1, Replies: 1, Reactions: 1}) {
				t.Errorf("activity %+v", rep.Activity)
			}
		}},
		{"delete the reply", []bot.Event{retract(r, at(0, 12))}, 1, func(t *testing.T, rep bot.Report) {
			if rep.Activity.Replies != 0 || len(rep.Unanswered) != 1 {
				t.Errorf("after the reply went: activity %+v, unanswered %v", rep.Activity, rep.Unanswered)
			}
		}},
		{"the deleted reply comes again", []bot.Event{r}, 0, func(t *testing.T, rep bot.Report) {
			if rep.Activity.Replies != 0 {
				t.Errorf("a deleted reply came back: %+v", rep.Activity)
			}
		}},
		{"delete again", []bot.Event{retract(r, at(0, 13))}, 0, nil},
		{"remove the reaction", []bot.Event{retract(x, at(0, 14))}, 1, func(t *testing.T, rep bot.Report) {
			if rep.Activity.Reactions != 0 {
				t.Errorf("activity %+v", rep.Activity)
			}
		}},
		{"react again", []bot.Event{x}, 1, func(t *testing.T, rep bot.Report) {
			if rep.Activity.Reactions != 1 {
				t.Errorf("a re-added reaction is not counted: %+v", rep.Activity)
			}
		}},
		{"a message deleted before it arrived", []bot.Event{retract(msg("U1", "C1", "9", at(1, 0)), at(1, 1)), msg("U1", "C1", "9", at(1, 0))}, 0, func(t *testing.T, rep bot.Report) {
			if rep.Activity.Messages != 1 {
				t.Errorf("activity %+v", rep.Activity)
			}
		}},
		{"record and delete in one call", []bot.Event{msg("U4", "C2", "8", at(3, 0)), retract(msg("U4", "C2", "8", at(3, 0)), at(3, 1))}, 2, func(t *testing.T, rep bot.Report) {
			if rep.Activity.Messages != 1 || rep.Members.Active != 2 {
				t.Errorf("a message recorded and deleted at once left %+v, %d active", rep.Activity, rep.Members.Active)
			}
		}},
		{"delete the message", []bot.Event{retract(m, at(2, 0))}, 1, func(t *testing.T, rep bot.Report) {
			if rep.Activity != (bot.ActivityCounts{Reactions: 1}) || rep.Members.Active != 1 || len(rep.Unanswered) != 0 {
				t.Errorf("after the message went: %+v active %d unanswered %v", rep.Activity, rep.Members.Active, rep.Unanswered)
			}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if n := record(t, db, s.events...); n != s.want {
				t.Errorf("Record = %d, want %d", n, s.want)
			}
			if s.check != nil {
				s.check(t, report(t, db, week))
			}
		})
	}
	// The latest activity follows retractions.
	a, err := db.MemberActivity(context.Background(), community, "U2")
	if err != nil {
		t.Fatal(err)
	}
	if !a.LastActive.IsZero() || len(a.Counts) != 0 {
		t.Errorf("U2 after their only reply was deleted: %+v", a)
	}
}

func testAnsweredOutOfOrder(t *testing.T, db Store) {
	week := bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0)}
	// The reply arrives before its message; a self-reply does not answer.
	record(t, db, reply("U2", "C1", "2", "1", at(0, 10)), reply("U1", "C1", "3", "1", at(0, 10)))
	record(t, db, msg("U1", "C1", "1", at(0, 9)), msg("U1", "C1", "4", at(0, 9)), reply("U1", "C1", "5", "4", at(0, 11)))
	// A reply in another channel to a message with the same id answers nothing.
	record(t, db, reply("U2", "C2", "6", "4", at(0, 12)))
	// Nor does one to a message without a channel; one without a channel
	// itself, there first, answers it.
	record(t, db, reply("U2", "C1", "9", "7", at(0, 12)), reply("U3", "", "8", "7", at(0, 13)))
	record(t, db, msg("U1", "", "7", at(0, 9)))
	got := report(t, db, week).Unanswered
	want := []bot.Unanswered{{Channel: "C1", Message: "4", Author: "U1", PostedAt: at(0, 9)}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("unanswered = %v, want %v", got, want)
	}
}

func testMembershipAsOf(t *testing.T, open Opener) {
	join := membership(bot.KindJoin, "U1", at(0, 0))
	leave := membership(bot.KindLeave, "U1", at(2, 0))
	rejoin := membership(bot.KindJoin, "U1", at(4, 0))
	// members as of the end of [from, to): total and new.
	type asOf struct {
		to         time.Time
		total, new int
	}
	before := []asOf{{at(1, 0), 1, 1}, {at(3, 0), 0, 0}, {at(5, 0), 0, 0}}
	// After the rejoin the member has not left, and joined (latest join) at
	// +4d: as the definitions read, they count from first seen, and are new
	// in the period of the rejoin, not of the first join.
	after := []asOf{{at(1, 0), 1, 0}, {at(3, 0), 1, 0}, {at(5, 0), 1, 1}}
	for _, tc := range []struct {
		name  string
		order []bot.Event
		want  []asOf
	}{
		{"join, leave", []bot.Event{join, leave}, before},
		{"leave, join (out of order)", []bot.Event{leave, join}, before},
		{"join, leave, rejoin", []bot.Event{join, leave, rejoin}, after},
		{"rejoin first", []bot.Event{rejoin, leave, join}, after},
		{"old leave redelivered after the rejoin", []bot.Event{join, leave, rejoin, leave}, after},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := open(t)
			for _, e := range tc.order {
				record(t, db, e)
			}
			for _, w := range tc.want {
				rep := report(t, db, bot.ReportQuery{Community: community, From: w.to.Add(-day), To: w.to})
				if rep.Members.Total != w.total || rep.Members.New != w.new {
					t.Errorf("as of %s: total %d new %d, want %d %d", w.to.Format(time.DateTime), rep.Members.Total, rep.Members.New, w.total, w.new)
				}
			}
		})
	}
}

func testConcurrentRecord(t *testing.T, db Store) {
	const writers, each = 16, 50
	var wg sync.WaitGroup
	counts := make([]int, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Every writer also sends one event another writer sends.
				e := msg(fmt.Sprintf("U%d", w%5), fmt.Sprintf("C%d", w%3), fmt.Sprintf("%d.%d", w, i), at(0, float64(i)/10))
				shared := msg("U9", "C9", fmt.Sprintf("shared.%d", i), at(0, 1))
				n, err := db.Record(context.Background(), e, shared)
				if err != nil {
					t.Error(err)
					return
				}
				counts[w] += n
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	if want := writers*each + each; total != want {
		t.Errorf("writers recorded %d events in all, want %d", total, want)
	}
	rep := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(1, 0)})
	if rep.Activity.Messages != writers*each+each {
		t.Errorf("report counts %d messages, want %d", rep.Activity.Messages, writers*each+each)
	}
}

// TestSimulateTwice feeds a simulated history through the core twice: the
// second run records nothing and changes no figure.
func testSimulateTwice(t *testing.T, db Store) {
	ctx := context.Background()
	end := t0.Add(13 * time.Hour)
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(end)})
	if err != nil {
		t.Fatal(err)
	}
	o := simulate.Options{Members: 80, Days: 30, Seed: 9, End: end}
	st, err := simulate.Run(ctx, core, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := core.Metrics().EventsRecorded.Load(); got != int64(st.Events) {
		t.Errorf("first run recorded %d of %d events", got, st.Events)
	}
	q := bot.ReportQuery{Community: bot.CommunityID(bot.Shell, "local"), From: end.Add(-14 * day), To: end}
	first, err := bot.BuildReport(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	if first.Members.Total == 0 || first.Activity.Messages == 0 || len(first.Channels) == 0 {
		t.Fatalf("an empty report of a simulated history: %+v", first)
	}
	if _, err := simulate.Run(ctx, core, o); err != nil {
		t.Fatal(err)
	}
	if got := core.Metrics().EventsRecorded.Load(); got != int64(st.Events) {
		t.Errorf("the second run recorded %d events", got-int64(st.Events))
	}
	again, err := bot.BuildReport(ctx, db, q)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, again, first)
	if *again.Previous != *first.Previous {
		t.Errorf("previous period changed: %+v, was %+v", again.Previous, first.Previous)
	}
}
