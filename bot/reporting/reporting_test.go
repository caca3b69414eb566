package reporting_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/reporting"
)

var t0 = bottest.T0

const community = bottest.Community

const day = 24 * time.Hour

func TestReportCommandAndButtons(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	r.AddChannels(bot.Channel{ID: "C1", Name: "design"})
	// m1 to m5 were there before Hearth; m6 joined 10 days ago.
	var members []bot.Member
	for i := 1; i <= 5; i++ {
		members = append(members, bot.Member{ID: fmt.Sprintf("m%d", i), Name: fmt.Sprintf("M%d", i)})
	}
	r.AddMembers(append(members, bot.Member{ID: "m6", Name: "M6", JoinedAt: t0.Add(-10 * day)})...)
	in := func(member, key string, at time.Time) bot.Event { return bottest.Message(member, "C1", key, at) }
	// The 30 days before the report's: 5 members active in #design, 4 messages.
	before := t0.Add(-45 * day)
	r.Record(in("m1", "p1", before), in("m2", "p2", before), in("m3", "p3", before), in("m4", "p4", before),
		bot.Event{Kind: bot.KindReaction, Community: community, Channel: "C1", Member: "m5", At: before, Key: "p5", Message: "p1"})
	// The report's 30 days: 3 active in #design, 4 messages again.
	during := t0.Add(-5 * day)
	r.Record(in("m1", "c1", during), in("m1", "c2", during), in("m2", "c3", during), in("m6", "c4", during))
	reply := r.CarolSays("report 30d #design")
	if reply.Code != "" {
		t.Fatalf("report: %+v", reply)
	}
	queries := r.Store.ReportQueries()
	if len(queries) != 2 {
		t.Fatalf("report made %d queries, want the period and the one before", len(queries))
	}
	q, prev := queries[0], queries[1]
	if q.Channel != "C1" || q.To.Sub(q.From) != 30*day || !q.To.Equal(t0) {
		t.Errorf("query = %+v", q)
	}
	if !prev.To.Equal(q.From) || prev.To.Sub(prev.From) != q.To.Sub(q.From) || !prev.SummaryOnly {
		t.Errorf("previous query = %+v, want the 30 days before, summary only", prev)
	}
	// Members count the whole community (6, 5 before); active members and
	// messages count #design's.
	for _, want := range []string{"**Members** 6 (▲1) · active 3 (▼2)", "4 messages (=)", "#design"} {
		if !strings.Contains(reply.Text, want) {
			t.Errorf("report text lacks %q:\n%s", want, reply.Text)
		}
	}
	if len(reply.Buttons) != 2 || reply.Buttons[0].Label != "Last 7 days" || reply.Buttons[1].Value != "90d <#C1>" {
		t.Fatalf("buttons = %+v", reply.Buttons)
	}
	reply = r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "carol", ActionID: reply.Buttons[1].ActionID, Value: reply.Buttons[1].Value})
	queries = r.Store.ReportQueries()[2:]
	if reply.Code != "" || len(queries) != 2 || queries[0].To.Sub(queries[0].From) != 90*day || queries[0].Channel != "C1" {
		t.Errorf("90-day button: %+v, queries %+v", reply, queries)
	}
	// A member who got hold of the button is still refused.
	reply = r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "bob", ActionID: reporting.ActionReport, Value: "90d"})
	if reply.Code != bot.EForbidden {
		t.Errorf("member pressing the report button: %+v", reply)
	}
	reply = r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "bob", ActionID: "nonsense"})
	if reply.Code != bot.ECommand {
		t.Errorf("unknown action: %+v", reply)
	}
}

func TestDigestCommands(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	chat := r.Chat
	reply := r.CarolSays("digest now")
	if reply.Code != "" || !reply.Private || !strings.Contains(reply.Text, "Weekly digest · Oct 26 – Nov 2, 2026") || reply.Image == nil {
		t.Fatalf("digest now without a channel: %+v", reply)
	}
	if n := len(r.Store.ReportQueries()); n != 2+reporting.DigestWeeks {
		t.Errorf("digest made %d report queries, want the week, the week before and %d chart weeks", n, reporting.DigestWeeks)
	}
	reply = r.CarolSays("digest schedule")
	if !strings.Contains(reply.Text, "every monday at 9:00") {
		// The fake parser reads only "every N hours": the default spec is refused by it.
		if reply.Code != bot.EArgument {
			t.Fatalf("digest schedule with the default spec: %+v", reply)
		}
	}
	reply = r.CarolSays(`digest schedule "every 168 hours"`)
	if reply.Code != "" || !strings.Contains(reply.Text, "It goes to #general") {
		t.Fatalf("digest schedule: %+v", reply)
	}
	reply = r.CarolSays("digest channel #facilitators")
	if ch, err := r.Store.Setting(ctx, community, bot.SettingDigestChannel); reply.Code != "" || ch != "facilitators" {
		t.Fatalf("digest channel: %+v %q %v", reply, ch, err)
	}
	r.CarolSays(`digest schedule "every 24 hours"`)
	scheds := r.Schedules()
	if n := len(scheds); n != 1 || scheds[0].Spec != "every 24 hours" {
		t.Fatalf("a new digest schedule must replace the old: %+v", scheds)
	}
	if err := r.Bot.RunSchedule(ctx, scheds[0], t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	last := chat.Posts()[len(chat.Posts())-1]
	if last.To.Channel != "facilitators" || !strings.Contains(last.Post.Text, "Weekly digest · Oct 27 – Nov 3, 2026") || last.Post.Image == nil {
		t.Errorf("scheduled digest: %+v", last)
	}
	reply = r.CarolSays("digest now")
	if !strings.Contains(reply.Text, "Posted the digest of the last 7 days in #facilitators") {
		t.Errorf("digest now with a channel: %+v", reply)
	}
	if reply = r.CarolSays("digest off"); !strings.Contains(reply.Text, "off") || len(r.Schedules()) != 0 {
		t.Errorf("digest off: %+v %+v", reply, r.Schedules())
	}
	if reply = r.CarolSays("digest off"); !strings.Contains(reply.Text, "was not scheduled") {
		t.Errorf("digest off twice: %+v", reply)
	}
}

func TestReportLevels(t *testing.T) {
	r := bottest.New(t)
	r.AddMembers(bot.Member{ID: "alice", Name: "Alice"}, bot.Member{ID: "bob", Name: "Bob"})
	// week(i) is a day into week i of the 8 before now (0 the oldest).
	week := func(i int) time.Time { return t0.Add(-time.Duration(8-i)*7*day + day) }
	post := func(kind bot.EventKind, member, key string, at time.Time) bot.Event {
		e := bottest.Message(member, "general", key, at)
		e.Kind = kind
		if kind == bot.KindReply {
			e.Parent = "b0m"
		}
		return e
	}
	// bob leads now and a month before: in 3 of each 4 weeks, 2 messages
	// and 2 replies.
	for _, i := range []int{0, 4} {
		k := fmt.Sprintf("b%d", i)
		r.Record(post(bot.KindMessage, "bob", k+"m", week(i)), post(bot.KindReply, "bob", k+"r", week(i)),
			post(bot.KindMessage, "bob", k+"m2", week(i+1)), post(bot.KindReply, "bob", k+"r2", week(i+2)))
	}
	// alice reacted once, 8 weeks ago.
	r.Record(bot.Event{Kind: bot.KindReaction, Community: community, Channel: "general", Member: "alice", At: week(0), Key: "a0", Message: "b0m"})
	reply := r.CarolSays("report 7d")
	if !strings.Contains(reply.Text, "**Levels** (last 4 weeks) 1 leading") {
		t.Fatalf("report:\n%s", reply.Text)
	}
}

// TestImpactWritesSectionsInOrder: the impact report writes the features'
// parts by their Order, whatever order the modules gave them in, and a
// section without Markdown writes nothing.
func TestImpactWritesSectionsInOrder(t *testing.T) {
	part := func(order int, text string) bot.Section {
		return bot.Section{Order: order, Markdown: func(map[string]string) string { return "\n## " + text + "\n" }}
	}
	im := reporting.Impact{From: t0, To: t0.Add(28 * 24 * time.Hour), Sections: []bot.Section{part(30, "Pilot"), part(10, "Check-ins"), {Key: "x", Order: 20}}}
	md := reporting.FormatImpact(im, reporting.ImpactView{})
	if i, j := strings.Index(md, "## Check-ins"), strings.Index(md, "## Pilot"); i < 0 || j < 0 || i > j {
		t.Errorf("sections out of order:\n%s", md)
	}
}

// TestReportShowsEvents: the events a report sums up (see the meetings
// tests for how they are counted) are in its text and its CSV.
func TestReportShowsEvents(t *testing.T) {
	rep := bot.Report{Community: community, From: t0, To: t0.Add(14 * day), Previous: &bot.Summary{},
		Events: []bot.EventSummary{{ID: 1, Title: "Show & tell, December", Start: time.Date(2026, 11, 10, 16, 0, 0, 0, time.UTC),
			Channel: "general", Going: 1, Maybe: 1, Attended: 2, Feedback: &bot.EventFeedback{Run: 2, Delivered: 2}}}}
	if text := reporting.FormatReport(rep, reporting.ReportView{}); !strings.Contains(text, "**Events**\n• Show & tell, December (Nov 10): 1 going, 1 maybe, 2 there · feedback 0/2") {
		t.Fatalf("report text:\n%s", text)
	}
	var csv bytes.Buffer
	if err := reporting.WriteReportCSV(&csv, rep); err != nil || !strings.Contains(csv.String(), "events,1,\"Show & tell, December\",attended,2,") {
		t.Fatalf("csv: %v\n%s", err, csv.String())
	}
}

// TestDigestSaysWhereTheRestIs: a digest of a large community shows ten
// of each list and, for the rest, how many and where they are.
func TestDigestSaysWhereTheRestIs(t *testing.T) {
	var d reporting.Digest
	for i := range 25 {
		id := fmt.Sprintf("m%02d", i)
		d.Report.QuietMembers = append(d.Report.QuietMembers, bot.QuietMember{ID: id})
		d.Report.Unanswered = append(d.Report.Unanswered, bot.Unanswered{Channel: "C1", Author: id, PostedAt: t0})
		d.Newcomers = append(d.Newcomers, bot.Newcomer{ID: id, JoinedAt: t0})
	}
	text := reporting.FormatDigest(d, reporting.DigestView{})
	for _, want := range []string{
		"• and 15 more (`/hearth quiet` lists them all)",
		"• and 15 more (`hearth report --format json` has them all)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the digest lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "(`/hearth quiet` lists them all)"); n != 2 {
		t.Errorf("%d lists send to /hearth quiet, want 2 (quiet members, newcomers):\n%s", n, text)
	}
}

// TestReportLevelsCountOnlyMembersWhoExisted: levels count the members a
// report counts, so a period before anyone joined has no levels at either
// end, and the members who joined during it are levelled at its end only.
func TestReportLevelsCountOnlyMembersWhoExisted(t *testing.T) {
	r := bottest.New(t)
	r.Record(bot.Event{Kind: bot.KindJoin, Community: community, Member: "alice", At: t0.Add(-3 * day), Key: "j1"},
		bot.Event{Kind: bot.KindJoin, Community: community, Member: "bob", At: t0.Add(-2 * day), Key: "j2"})
	before, err := r.Bot.Report(context.Background(), bot.ReportQuery{Community: community, From: t0.Add(-60 * day), To: t0.Add(-30 * day)})
	if err != nil {
		t.Fatal(err)
	}
	if before.Members.Total != 0 || before.Levels != (bot.LevelCounts{}) || before.Previous.Levels != (bot.LevelCounts{}) {
		t.Errorf("before anyone joined: members %d, levels %+v, previous levels %+v; want none", before.Members.Total, before.Levels, before.Previous.Levels)
	}
	week, err := r.Bot.Report(context.Background(), bot.ReportQuery{Community: community, From: t0.Add(-7 * day), To: t0})
	if err != nil {
		t.Fatal(err)
	}
	if week.Members.Total != 2 || week.Levels.Observing != 2 || week.Previous.Levels != (bot.LevelCounts{}) {
		t.Errorf("the week they joined: members %d, levels %+v, previous levels %+v; want 2 observing now, none before", week.Members.Total, week.Levels, week.Previous.Levels)
	}
}
