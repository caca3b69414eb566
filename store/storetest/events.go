package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
)

var eventTests = []test{
	{name: "Events", run: testEvents},
	{name: "RSVPs", run: testRSVPs},
	{name: "EventActivityInReports", run: testEventActivityInReports},
}

func addEvent(t testing.TB, db Store, e meetings.CommunityEvent) int64 {
	t.Helper()
	id, err := db.AddEvent(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func rsvpEvent(member, channel string, event int64, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindRSVP, Community: community, Channel: channel, Member: member, At: when, Key: fmt.Sprintf("rsvp:%d:%s", event, member)}
}

func attendedEvent(member, channel string, event int64, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindAttended, Community: community, Channel: channel, Member: member, At: when, Key: fmt.Sprintf("attended:%d:%s", event, member)}
}

func testEvents(t *testing.T, db Store) {
	ctx := context.Background()
	one := meetings.CommunityEvent{Community: community, Title: "Show, tell; learn", Start: at(3, 16), End: at(3, 17), Link: "https://meet.example.com/x",
		Channel: "C1", CreatedBy: "UA", CreatedAt: at(0, 9)}
	id1 := addEvent(t, db, one)
	two := one
	two.Title, two.Start, two.End, two.Series, two.Link = "Office hours", at(1, 10), at(1, 11), 4, ""
	id2 := addEvent(t, db, two)
	three := one
	three.Title, three.Start, three.End = "Later", at(9, 10), at(9, 11)
	id3 := addEvent(t, db, three)
	addEvent(t, db, meetings.CommunityEvent{Community: "discord:G1", Title: "Elsewhere", Start: at(3, 16), End: at(3, 17), CreatedAt: at(0, 0)})

	got, err := db.CommunityEvent(ctx, community, id1)
	one.ID = id1
	if err != nil || got != one {
		t.Fatalf("CommunityEvent = %+v, %v; want %+v", got, err, one)
	}
	if _, err := db.CommunityEvent(ctx, "discord:G1", id1); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("another community's event: %v", err)
	}
	got.Message, got.External, got.CancelledAt, got.FeedbackRun = "m1", "ext1", at(1, 0), 9
	if err := db.UpdateEvent(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.CommunityEvent(ctx, community, id1); again != got {
		t.Errorf("after UpdateEvent: %+v, want %+v", again, got)
	}
	if err := db.UpdateEvent(ctx, meetings.CommunityEvent{ID: 99, Community: community}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("UpdateEvent of an unknown event: %v", err)
	}
	for _, c := range []struct {
		name string
		q    meetings.EventQuery
		want []int64
	}{
		{"all but the cancelled", meetings.EventQuery{}, []int64{id2, id3}},
		{"with the cancelled, by start", meetings.EventQuery{Cancelled: true}, []int64{id2, id1, id3}},
		{"ended in a period", meetings.EventQuery{EndFrom: at(1, 11), EndBefore: at(9, 11), Cancelled: true}, []int64{id2, id1}},
		{"upcoming", meetings.EventQuery{EndFrom: at(2, 0)}, []int64{id3}},
		{"limit", meetings.EventQuery{Cancelled: true, Limit: 1}, []int64{id2}},
	} {
		evs, err := db.CommunityEvents(ctx, community, c.q)
		var ids []int64
		for _, e := range evs {
			ids = append(ids, e.ID)
		}
		if err != nil || fmt.Sprint(ids) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, %v; want %v", c.name, ids, err, c.want)
		}
	}
	if evs, err := db.CommunityEvents(ctx, "slack:nobody", meetings.EventQuery{}); err != nil || evs == nil || len(evs) != 0 {
		t.Errorf("events of an unknown community = %#v, %v", evs, err)
	}
	if _, err := db.AddEvent(ctx, meetings.CommunityEvent{Community: community, Title: "x", Start: at(1, 0), End: at(0, 0), CreatedAt: at(0, 0)}); err == nil {
		t.Error("an event ending before it starts was stored")
	}
}

func testRSVPs(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(-1, 0), Members: []bot.Member{{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}}})
	id := addEvent(t, db, meetings.CommunityEvent{Community: community, Title: "Webinar", Start: at(3, 16), End: at(3, 17), Channel: "C1", CreatedAt: at(0, 0)})
	set := func(member string, c meetings.RSVPChoice, when time.Time) {
		t.Helper()
		if err := db.SetRSVP(ctx, community, meetings.RSVP{Event: id, Member: member, Choice: c, At: when}); err != nil {
			t.Fatal(err)
		}
	}
	set("UA", meetings.RSVPGoing, at(0, 1))
	set("UB", meetings.RSVPGoing, at(0, 2))
	set("UB", meetings.RSVPMaybe, at(0, 3)) // the latest choice counts
	set("UNEW", meetings.RSVPNotGoing, at(0, 4))
	for _, c := range []struct {
		member string
		want   bool
	}{{"UA", true}, {"UA", false}, {"UC", true}} {
		added, err := db.MarkAttended(ctx, community, id, c.member, at(3, 17))
		if err != nil || added != c.want {
			t.Errorf("MarkAttended(%s) = %v, %v; want %v", c.member, added, err, c.want)
		}
	}
	set("UA", meetings.RSVPMaybe, at(3, 18)) // attendance is kept
	rs, err := db.RSVPs(ctx, community, id)
	want := []meetings.RSVP{
		{Event: id, Member: "UB", MemberName: "Bo", Choice: meetings.RSVPMaybe, At: at(0, 3)},
		{Event: id, Member: "UNEW", Choice: meetings.RSVPNotGoing, At: at(0, 4)},
		{Event: id, Member: "UC", Choice: meetings.NoRSVP, At: at(3, 17), AttendedAt: at(3, 17)},
		{Event: id, Member: "UA", MemberName: "Ada", Choice: meetings.RSVPMaybe, At: at(3, 18), AttendedAt: at(3, 17)},
	}
	if err != nil || fmt.Sprint(rs) != fmt.Sprint(want) {
		t.Errorf("RSVPs =\n%+v, %v; want\n%+v", rs, err, want)
	}
	if err := db.SetRSVP(ctx, community, meetings.RSVP{Event: 99, Member: "UA", Choice: meetings.RSVPGoing, At: at(0, 1)}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("RSVP to an unknown event: %v", err)
	}
	if err := db.SetRSVP(ctx, community, meetings.RSVP{Event: id, Member: "UA", Choice: "yes", At: at(0, 1)}); err == nil {
		t.Error("an unknown choice was stored")
	}
	if rs, err := db.RSVPs(ctx, "discord:G1", id); err != nil || len(rs) != 0 {
		t.Errorf("RSVPs through another community: %+v, %v", rs, err)
	}
}

// TestEventActivityInReports: rsvp and attended events are activity,
// counted once per member and event however often redelivered, in the
// report's activity, active members, channel figures and levels; and
// the report lists the events held in the period.
func testEventActivityInReports(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(-30, 0), Complete: true,
		Members:  []bot.Member{{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}, {ID: "UC", Name: "Cy"}},
		Channels: []bot.Channel{{ID: "C1", Name: "general"}}})
	id := addEvent(t, db, meetings.CommunityEvent{Community: community, Title: "Webinar", Start: at(2, 16), End: at(2, 17), Channel: "C1", CreatedAt: at(0, 0)})
	cancelled := addEvent(t, db, meetings.CommunityEvent{Community: community, Title: "Gone", Start: at(3, 16), End: at(3, 17), Channel: "C1", CreatedAt: at(0, 0), CancelledAt: at(1, 0)})
	addEvent(t, db, meetings.CommunityEvent{Community: community, Title: "Later", Start: at(20, 16), End: at(20, 17), Channel: "C1", CreatedAt: at(0, 0)})
	for _, r := range []meetings.RSVP{{Member: "UA", Choice: meetings.RSVPGoing}, {Member: "UB", Choice: meetings.RSVPMaybe}} {
		r.Event, r.At = id, at(1, 9)
		if err := db.SetRSVP(ctx, community, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.MarkAttended(ctx, community, id, "UA", at(2, 18)); err != nil {
		t.Fatal(err)
	}
	_ = cancelled
	for range 2 { // redelivered: counted once
		record(t, db, rsvpEvent("UA", "C1", id, at(1, 9)), rsvpEvent("UB", "C1", id, at(1, 9)), attendedEvent("UA", "C1", id, at(2, 18)))
	}
	// A period whose edges cut days: the edges are read from the events.
	for _, q := range []bot.ReportQuery{
		{Community: community, From: at(0, 0), To: at(7, 0)},
		{Community: community, From: at(1, 6), To: at(2, 20)},
	} {
		rep, err := fullReport(db, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := (bot.ActivityCounts{RSVPs: 2, Attendances: 1}); rep.Activity != want || rep.Members.Active != 2 || rep.Tiers.Responders != 2 {
			t.Errorf("%v: activity %+v, members %+v, tiers %+v; want %+v, two active responders", q.From, rep.Activity, rep.Members, rep.Tiers, want)
		}
		if len(rep.Events) != 1 || rep.Events[0].ID != id || rep.Events[0].Going != 1 || rep.Events[0].Maybe != 1 || rep.Events[0].Attended != 1 || rep.Events[0].Feedback != nil {
			t.Errorf("%v: events %+v", q.From, rep.Events)
		}
		if rep.Levels.Participating != 2 || rep.Levels.Observing != 1 {
			t.Errorf("%v: levels %+v; RSVPs make a member participating, not contributing", q.From, rep.Levels)
		}
	}
	rep, err := fullReport(db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), Channel: "C1"})
	if err != nil || rep.Members.Active != 2 || len(rep.Events) != 1 {
		t.Errorf("the channel's report: members %+v, events %+v, %v", rep.Members, rep.Events, err)
	}
	a, err := db.MemberActivity(ctx, community, "UA")
	if err != nil || a.Counts[bot.KindRSVP] != 1 || a.Counts[bot.KindAttended] != 1 || !a.LastActive.Equal(at(2, 18)) {
		t.Errorf("MemberActivity = %+v, %v", a, err)
	}
}

// seedEvents adds an event the member gone created, their RSVP and
// attendance rows, beside Ada's (for TestForgetMember).
func seedEvents(t *testing.T, db Store) {
	t.Helper()
	ctx := context.Background()
	id := addEvent(t, db, meetings.CommunityEvent{Community: community, Title: "Webinar", Start: at(2, 16), End: at(2, 17), Channel: "C1",
		CreatedBy: gone, CreatedAt: at(0, 0)})
	for _, m := range []string{gone, "UA"} {
		if err := db.SetRSVP(ctx, community, meetings.RSVP{Event: id, Member: m, Choice: meetings.RSVPGoing, At: at(1, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MarkAttended(ctx, community, id, m, at(2, 17)); err != nil {
			t.Fatal(err)
		}
	}
	// Ada's participation only: theirs would change TestExportMember's
	// hand-written expectation, and events are scanned by key anyway.
	record(t, db, rsvpEvent("UA", "C1", id, at(1, 0)), attendedEvent("UA", "C1", id, at(2, 17)))
}
