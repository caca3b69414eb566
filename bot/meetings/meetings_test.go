package meetings_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/meetings"
)

var t0 = bottest.T0

const community = bottest.Community

// publishingChat is a bottest.Chat that also publishes events on the
// platform's calendar (as Discord does).
type publishingChat struct {
	*bottest.Chat
	published []meetings.CommunityEvent
	cancelled []string
	fail      bool
}

func (c *publishingChat) PublishEvent(_ context.Context, _ string, e meetings.CommunityEvent) (string, error) {
	if c.fail {
		return "", errors.New("platform down")
	}
	c.published = append(c.published, e)
	return fmt.Sprintf("ext-%d", e.ID), nil
}

func (c *publishingChat) CancelEvent(_ context.Context, _ string, id string) error {
	c.cancelled = append(c.cancelled, id)
	return nil
}

// newEventBot is the bottest community on a chat that publishes events.
func newEventBot(t *testing.T) (*bottest.Rig, *publishingChat) {
	t.Helper()
	r := bottest.NewCommunity(t)
	pc := &publishingChat{Chat: r.Chat}
	r.Bot.AttachChat(bot.Shell, pc)
	return r, pc
}

// event returns the community's event id as the store keeps it.
func event(t *testing.T, r *bottest.Rig, id int64) meetings.CommunityEvent {
	t.Helper()
	e, err := r.Store.CommunityEvent(context.Background(), community, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// allEvents returns every event of the community, cancelled or not, by
// start.
func allEvents(t *testing.T, r *bottest.Rig) []meetings.CommunityEvent {
	t.Helper()
	es, err := r.Store.CommunityEvents(context.Background(), community, meetings.EventQuery{Cancelled: true})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// onceAt is when a "once" schedule falls due.
func onceAt(t *testing.T, sc bot.Schedule) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, strings.TrimPrefix(sc.Spec, "once "))
	if err != nil {
		t.Fatalf("schedule %+v: %v", sc, err)
	}
	return at
}

// fire runs every schedule of kind as the scheduler would at its time.
func fire(t *testing.T, r *bottest.Rig, kind bot.ScheduleKind) {
	t.Helper()
	for _, sc := range r.Schedules(kind) {
		at := onceAt(t, sc)
		r.Clock.Set(at)
		if err := r.Bot.RunSchedule(context.Background(), sc, at); err != nil {
			t.Fatalf("run %s: %v", kind, err)
		}
	}
}

func TestEventAddValidation(t *testing.T) {
	r, _ := newEventBot(t)
	for _, c := range []struct {
		text, code, want string
	}{
		{`event add "" "2026-11-10 16:00"`, bot.EArgument, "needs a title"},
		{`event add "Show and tell" "2026-11-01 16:00"`, bot.EArgument, "in the past"},
		{`event add "Show and tell" "2026-13-01 16:00"`, bot.EArgument, `like "2026-12-03 16:00"`},
		{`event add "Show and tell" "next thursday"`, bot.EArgument, "a rhythm for a recurring event"},
		{`event add "Show and tell" "2026-11-10 16:00" 3d`, bot.EArgument, "not a duration"},
		{`event add "Show and tell" "2026-11-10 16:00" 1m`, bot.EArgument, "5 minutes to 24 hours"},
		{`event add "Show and tell" "2026-11-10 16:00" http://meet.example.com/x`, bot.EArgument, "must start with https://"},
		{`event add "Show and tell" "2026-11-10 16:00" 60m 90m`, bot.EArgument, "don't know what to do"},
		{`event add "Show and tell" "2029-11-10 16:00"`, bot.EArgument, "two years"},
		{`event add "Show and tell" "2026-11-10 16:00" #nowhere`, bot.ENotFound, "#nowhere"},
		{`event cancel 9`, bot.ENotFound, "no event #9"},
		{`event attend 9 @alice`, bot.ENotFound, "no event #9"},
	} {
		reply := r.CarolSays(c.text)
		if reply.Code != c.code || !strings.Contains(reply.Text, c.want) {
			t.Errorf("%s: got %s %q, want %s containing %q", c.text, reply.Code, reply.Text, c.code, c.want)
		}
	}
	if reply := r.Says("alice", `event add "Mine" "2026-11-10 16:00"`); reply.Code != bot.EForbidden {
		t.Errorf("a member adding an event: %+v", reply)
	}
	if reply := r.Says("alice", `event list`); reply.Code != "" || !strings.Contains(reply.Text, "No events coming up") {
		t.Errorf("members may list events: %+v", reply)
	}
}

func TestEventLifecycle(t *testing.T) {
	ctx := context.Background()
	r, chat := newEventBot(t)
	// The link and the duration in any order.
	reply := r.CarolSays(`event add "Show & tell, December" "2026-11-10 16:00" https://meet.example.com/cop 90m`)
	if reply.Code != "" || !strings.Contains(reply.Text, "Event #1 **Show & tell, December** is announced in #general") {
		t.Fatalf("add: %+v", reply)
	}
	e := event(t, r, 1)
	if !e.Start.Equal(time.Date(2026, 11, 10, 16, 0, 0, 0, time.UTC)) || e.End.Sub(e.Start) != 90*time.Minute ||
		e.Link != "https://meet.example.com/cop" || e.Channel != "general" || e.Message == "" || e.External != "ext-1" {
		t.Fatalf("stored event: %+v", e)
	}
	ann := chat.Posts()[0]
	if ann.To.Kind != bot.ToChannel || ann.To.Channel != "general" || len(ann.Post.Buttons) != 3 ||
		ann.Post.Buttons[0].Value != "1:going" || ann.Post.Image == nil || ann.Post.Image.Name != "event-1.ics" ||
		ann.Post.Image.ContentType != "text/calendar" || !strings.Contains(ann.Post.Text, "Join: https://meet.example.com/cop") {
		t.Fatalf("announcement: %+v", ann)
	}
	if got := len(r.Schedules(meetings.ScheduleEventRemind)); got != 2 {
		t.Fatalf("%d reminders, want 24 h and 1 h", got)
	}
	// RSVPs: bob changes his mind, dave declines; each member is one rsvp event.
	at := r.Clock.Now()
	for _, c := range []struct{ member, choice, want string }{
		{"alice", "going", "You're going"}, {"bob", "going", "You're going"}, {"bob", "maybe", "maybe"}, {"dave", "not_going", "not going"},
	} {
		if reply := r.Click(c.member, meetings.ActionEventRSVP, "1:"+c.choice, at); !reply.Private || !strings.Contains(reply.Text, c.want) {
			t.Fatalf("%s %s: %+v", c.member, c.choice, reply)
		}
	}
	rsvps := 0
	for _, ev := range r.Store.Kept() {
		if ev.Kind == bot.KindRSVP {
			rsvps++
			if ev.Channel != "general" || !strings.HasPrefix(ev.Key, "rsvp:1:") {
				t.Errorf("rsvp event %s: %+v", ev.Key, ev)
			}
		}
	}
	if rsvps != 3 {
		t.Fatalf("%d rsvp events, want one per member (3)", rsvps)
	}
	if reply := r.Says("bob", "event list"); !strings.Contains(reply.Text, "#1 Show & tell, December: Tue Nov 10, 16:00–17:30 UTC in #general · 1 going, 1 maybe (you: maybe)") {
		t.Fatalf("list: %q", reply.Text)
	}
	// Reminders: only alice, once each.
	fire(t, r, meetings.ScheduleEventRemind)
	dms := chat.DMsTo("alice")
	if len(dms) != 2 || !strings.Contains(dms[0].Text, "starts in 24 hours") || !strings.Contains(dms[1].Text, "starts in 1 hour") {
		t.Fatalf("alice's reminders: %+v", dms)
	}
	if len(chat.DMsTo("bob"))+len(chat.DMsTo("dave")) != 0 || len(r.Schedules(meetings.ScheduleEventRemind)) != 0 {
		t.Fatal("reminders went beyond those going, or their schedules stayed")
	}
	// Too early for attendance.
	if reply := r.Click("alice", meetings.ActionEventAttended, "1", r.Clock.Now()); reply.Code != bot.EConflict {
		t.Fatalf("attendance before the start: %+v", reply)
	}
	// The end asks those going.
	fire(t, r, meetings.ScheduleEventEnd)
	dms = chat.DMsTo("alice")
	if len(dms) != 3 || dms[2].Buttons[0].ActionID != meetings.ActionEventAttended || !strings.Contains(dms[2].Text, "Did you make it") {
		t.Fatalf("attendance question: %+v", dms)
	}
	if reply := r.Click("alice", meetings.ActionEventAttended, "1", r.Clock.Now()); !strings.Contains(reply.Text, "marked as there") {
		t.Fatalf("I was there: %+v", reply)
	}
	if reply := r.Click("alice", meetings.ActionEventAttended, "1", r.Clock.Now()); !strings.Contains(reply.Text, "already") {
		t.Fatalf("I was there, twice: %+v", reply)
	}
	if reply := r.CarolSays("event attend 1 @bob @alice"); !strings.Contains(reply.Text, "Marked Bob as there") || !strings.Contains(reply.Text, "Alice: marked already") {
		t.Fatalf("attend: %+v", reply)
	}
	attended := 0
	for _, ev := range r.Store.Kept() {
		if ev.Kind == bot.KindAttended {
			attended++
		}
	}
	if attended != 2 {
		t.Fatalf("%d attended events, want 2", attended)
	}
	// Feedback goes to those who were there.
	fire(t, r, meetings.ScheduleEventFeedback)
	if e = event(t, r, 1); e.FeedbackRun == 0 {
		t.Fatal("no feedback run")
	}
	for _, m := range []string{"alice", "bob"} {
		dms := chat.DMsTo(m)
		if len(dms) == 0 || !strings.Contains(dms[len(dms)-1].Text, "Event feedback: Show & tell, December") {
			t.Fatalf("%s's feedback check-in: %+v", m, dms)
		}
	}
	if n := len(chat.DMsTo("dave")); n != 0 {
		t.Fatalf("dave got %d DMs", n)
	}
	// The report lists it.
	rep, err := r.Bot.Report(ctx, bot.ReportQuery{Community: community, From: t0, To: r.Clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Events) != 1 || rep.Events[0].Going != 1 || rep.Events[0].Maybe != 1 || rep.Events[0].Attended != 2 ||
		rep.Events[0].Feedback == nil || rep.Events[0].Feedback.Delivered != 2 {
		t.Fatalf("report events: %+v", rep.Events)
	}
	if text := r.CarolSays("report 30d").Text; !strings.Contains(text, "**Events**\n• Show & tell, December (Nov 10): 1 going, 1 maybe, 2 there · feedback 0/2") {
		t.Fatalf("report text:\n%s", text)
	}
	// reporting's TestReportShowsEvents checks the report's CSV of events.
	// Nothing is left to fire.
	for _, k := range []bot.ScheduleKind{meetings.ScheduleEventRemind, meetings.ScheduleEventEnd, meetings.ScheduleEventFeedback} {
		if n := len(r.Schedules(k)); n != 0 {
			t.Errorf("%d %s schedules left", n, k)
		}
	}
	// After the end, RSVPs are refused.
	if reply := r.Click("dave", meetings.ActionEventRSVP, "1:going", r.Clock.Now()); reply.Code != bot.EConflict {
		t.Fatalf("RSVP after the end: %+v", reply)
	}
}

func TestEventSoonHasOnlyTheHourReminder(t *testing.T) {
	r, chat := newEventBot(t)
	chat.fail = true // publishing fails: the event stands
	// A date and time without quotes is read as one.
	if reply := r.CarolSays(`event add "Quick sync" 2026-11-02 15:00 30m`); reply.Code != "" {
		t.Fatalf("add: %+v", reply)
	}
	rs := r.Schedules(meetings.ScheduleEventRemind)
	if len(rs) != 1 || onceAt(t, rs[0]) != time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC) {
		t.Fatalf("reminders: %+v", rs)
	}
	if e := event(t, r, 1); e.External != "" || e.Message == "" {
		t.Fatalf("event after a failed publish: %+v", e)
	}
}

func TestEventCancel(t *testing.T) {
	r, chat := newEventBot(t)
	r.CarolSays(`event add "Webinar" "2026-11-05 16:00"`)
	at := r.Clock.Now()
	r.Click("alice", meetings.ActionEventRSVP, "1:going", at)
	r.Click("bob", meetings.ActionEventRSVP, "1:maybe", at)
	r.Click("dave", meetings.ActionEventRSVP, "1:not_going", at)
	remind := r.Schedules(meetings.ScheduleEventRemind)
	if reply := r.Says("alice", "event cancel 1"); reply.Code != bot.EForbidden {
		t.Fatalf("member cancelling: %+v", reply)
	}
	reply := r.CarolSays("event cancel 1")
	if !strings.Contains(reply.Text, "is cancelled; 2 members (going or maybe) told by DM") {
		t.Fatalf("cancel: %+v", reply)
	}
	if len(chat.DMsTo("alice")) != 1 || len(chat.DMsTo("bob")) != 1 || len(chat.DMsTo("dave")) != 0 {
		t.Fatal("cancellation DMs went to the wrong members")
	}
	if len(chat.cancelled) != 1 || chat.cancelled[0] != "ext-1" {
		t.Fatalf("platform event not cancelled: %v", chat.cancelled)
	}
	for _, k := range []bot.ScheduleKind{meetings.ScheduleEventRemind, meetings.ScheduleEventEnd, meetings.ScheduleEventFeedback} {
		if n := len(r.Schedules(k)); n != 0 {
			t.Errorf("%d %s schedules left after the cancel", n, k)
		}
	}
	// A reminder that fires anyway (claimed before the cancel) says nothing.
	if err := r.Bot.RunSchedule(context.Background(), remind[0], onceAt(t, remind[0])); err != nil {
		t.Fatal(err)
	}
	if len(chat.DMsTo("alice")) != 1 {
		t.Fatal("a cancelled event's reminder went out")
	}
	if reply := r.Click("dave", meetings.ActionEventRSVP, "1:going", at); reply.Code != bot.EConflict || !strings.Contains(reply.Text, "cancelled") {
		t.Fatalf("RSVP to a cancelled event: %+v", reply)
	}
	if reply := r.CarolSays("event cancel 1"); reply.Code != bot.EConflict {
		t.Fatalf("cancel twice: %+v", reply)
	}
	if reply := r.Says("alice", "event list"); !strings.Contains(reply.Text, "No events") {
		t.Fatalf("a cancelled event listed: %q", reply.Text)
	}
}

func TestRecurringEventAnnouncesTheNextOccurrence(t *testing.T) {
	r, chat := newEventBot(t)
	reply := r.CarolSays(`event add "Office hours" "every 24 hours" 45m`)
	if reply.Code != "" || !strings.Contains(reply.Text, "It repeats every 24 hours (schedule #1)") {
		t.Fatalf("add: %+v", reply)
	}
	series := r.Schedules(meetings.ScheduleEvent)
	events := allEvents(t, r)
	if len(series) != 1 || len(events) != 1 || events[0].Series != series[0].ID {
		t.Fatalf("series %+v, events %+v", series, events)
	}
	first := events[0]
	if first.End.Sub(first.Start) != 45*time.Minute {
		t.Fatalf("first occurrence: %+v", first)
	}
	r.Clock.Set(first.Start)
	if err := r.Bot.RunSchedule(context.Background(), series[0], first.Start); err != nil {
		t.Fatal(err)
	}
	if events = allEvents(t, r); len(events) != 2 {
		t.Fatalf("events after the first start: %+v", events)
	}
	second := events[1]
	if !second.Start.Equal(first.Start.Add(24*time.Hour)) || second.Title != "Office hours" || second.Series != series[0].ID {
		t.Fatalf("second occurrence: %+v", second)
	}
	if n := len(chat.published); n != 2 {
		t.Fatalf("%d published", n)
	}
}

func TestEventICS(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	e := meetings.CommunityEvent{ID: 7, Community: "slack:T1", Title: "Show; tell, and \\ learn — a rather long title that needs folding, surely, ünïcödé",
		Start: time.Date(2026, 12, 3, 16, 0, 0, 0, paris), End: time.Date(2026, 12, 3, 17, 30, 0, 0, paris), Link: "https://meet.example.com/cop?x=1"}
	ics := string(meetings.EventICS(e, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)))
	if !strings.HasSuffix(ics, "END:VCALENDAR\r\n") || strings.Count(ics, "\n") != strings.Count(ics, "\r\n") {
		t.Fatalf("not CRLF:\n%q", ics)
	}
	for _, l := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
	}
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "BEGIN:VEVENT\r\n", "UID:event-7-slack:T1@hearth\r\n",
		"DTSTAMP:20261102T090000Z\r\n", "DTSTART:20261203T150000Z\r\n", "DTEND:20261203T163000Z\r\n",
		`SUMMARY:Show\; tell\, and \\ learn — a rather long title that needs folding\, surely\, ünïcödé` + "\r\n",
		"URL:https://meet.example.com/cop?x=1\r\n", "DESCRIPTION:Join: https://meet.example.com/cop?x=1\r\n", "END:VEVENT\r\n"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("missing %q in\n%s", want, unfolded)
		}
	}
	if !strings.Contains(ics, "\r\n ") {
		t.Error("the long summary was not folded")
	}
}

// An event added with no chat attached (`hearth plan apply`) is kept with
// its schedules, unannounced, and its first reminder announces it.
func TestEventAddedOfflineIsAnnouncedAtItsReminder(t *testing.T) {
	ctx := context.Background()
	r, chat := newEventBot(t)
	offline, err := bot.New(bot.Config{Store: r.Store, Clock: r.Clock, Facilitators: []string{"carol"}, Specs: bottest.Specs{}})
	if err == nil {
		err = features.Register(offline, r.Store)
	}
	if err != nil {
		t.Fatal(err)
	}
	reply := offline.HandleCommand(ctx, bot.Command{Community: community, Channel: "general", ChannelName: "general", Member: "carol",
		Text: `event add "Show and tell" "2026-11-10 16:00"`})
	if reply.Code != "" || reply.Err != nil || !strings.Contains(reply.Text, "set up but not announced yet") {
		t.Fatalf("offline add: %+v", reply)
	}
	if e := event(t, r, 1); e.Message != "" || len(chat.Posts()) != 0 {
		t.Fatalf("announced without a chat: %+v, %d posts", e, len(chat.Posts()))
	}
	if got := len(r.Schedules(meetings.ScheduleEventRemind)); got != 2 {
		t.Fatalf("%d reminders, want 2", got)
	}
	fire(t, r, meetings.ScheduleEventRemind)
	posts := chat.Posts()
	if len(posts) != 1 || posts[0].To.Channel != "general" || !strings.Contains(posts[0].Post.Text, "Event: Show and tell") {
		t.Fatalf("posts after the reminders: %+v", posts)
	}
	if e := event(t, r, 1); e.Message == "" {
		t.Fatalf("announcement not kept: %+v", e)
	}
}
