package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/reporting"
)

// publishingChat is a fakeChat that also publishes events on the
// platform's calendar (as Discord does).
type publishingChat struct {
	*fakeChat
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

func newEventBot(t *testing.T) (*bot.Bot, *fakeStore, *publishingChat, *bot.ManualClock) {
	t.Helper()
	b, s, chat, clock := newCheckinBot(t)
	pc := &publishingChat{fakeChat: chat}
	b.AttachChat(bot.Shell, pc)
	return b, s, pc, clock
}

// schedulesOf returns the fake store's schedules of a kind.
func schedulesOf(s *fakeStore, kind bot.ScheduleKind) []bot.Schedule {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Schedule
	for _, sc := range s.schedules {
		if sc.Kind == kind {
			out = append(out, sc)
		}
	}
	return out
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
func fire(t *testing.T, b *bot.Bot, s *fakeStore, clock *bot.ManualClock, kind bot.ScheduleKind) {
	t.Helper()
	for _, sc := range schedulesOf(s, kind) {
		at := onceAt(t, sc)
		clock.Set(at)
		if err := b.RunSchedule(context.Background(), sc, at); err != nil {
			t.Fatalf("run %s: %v", kind, err)
		}
	}
}

func TestEventAddValidation(t *testing.T) {
	b, _, _, _ := newEventBot(t)
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
		r := carolSays(b, c.text)
		if r.Code != c.code || !strings.Contains(r.Text, c.want) {
			t.Errorf("%s: got %s %q, want %s containing %q", c.text, r.Code, r.Text, c.code, c.want)
		}
	}
	if r := memberSays(b, "alice", `event add "Mine" "2026-11-10 16:00"`); r.Code != bot.EForbidden {
		t.Errorf("a member adding an event: %+v", r)
	}
	if r := memberSays(b, "alice", `event list`); r.Code != "" || !strings.Contains(r.Text, "No events coming up") {
		t.Errorf("members may list events: %+v", r)
	}
}

func TestEventLifecycle(t *testing.T) {
	ctx := context.Background()
	b, s, chat, clock := newEventBot(t)
	// The link and the duration in any order.
	r := carolSays(b, `event add "Show & tell, December" "2026-11-10 16:00" https://meet.example.com/cop 90m`)
	if r.Code != "" || !strings.Contains(r.Text, "Event #1 **Show & tell, December** is announced in #general") {
		t.Fatalf("add: %+v", r)
	}
	e := s.ev().events[0]
	if !e.Start.Equal(time.Date(2026, 11, 10, 16, 0, 0, 0, time.UTC)) || e.End.Sub(e.Start) != 90*time.Minute ||
		e.Link != "https://meet.example.com/cop" || e.Channel != "general" || e.Message == "" || e.External != "ext-1" {
		t.Fatalf("stored event: %+v", e)
	}
	ann := chat.posts[0]
	if ann.to.Kind != bot.ToChannel || ann.to.Channel != "general" || len(ann.post.Buttons) != 3 ||
		ann.post.Buttons[0].Value != "1:going" || ann.post.Image == nil || ann.post.Image.Name != "event-1.ics" ||
		ann.post.Image.ContentType != "text/calendar" || !strings.Contains(ann.post.Text, "Join: https://meet.example.com/cop") {
		t.Fatalf("announcement: %+v", ann)
	}
	if got := len(schedulesOf(s, meetings.ScheduleEventRemind)); got != 2 {
		t.Fatalf("%d reminders, want 24 h and 1 h", got)
	}
	// RSVPs: bob changes his mind, dave declines; each member is one rsvp event.
	at := clock.Now()
	for _, c := range []struct{ member, choice, want string }{
		{"alice", "going", "You're going"}, {"bob", "going", "You're going"}, {"bob", "maybe", "maybe"}, {"dave", "not_going", "not going"},
	} {
		if r := click(b, c.member, meetings.ActionEventRSVP, "1:"+c.choice, at); !r.Private || !strings.Contains(r.Text, c.want) {
			t.Fatalf("%s %s: %+v", c.member, c.choice, r)
		}
	}
	rsvps := 0
	for k, ev := range s.events {
		if ev.Kind == bot.KindRSVP {
			rsvps++
			if ev.Channel != "general" || !strings.HasPrefix(k, "rsvp:1:") {
				t.Errorf("rsvp event %s: %+v", k, ev)
			}
		}
	}
	if rsvps != 3 {
		t.Fatalf("%d rsvp events, want one per member (3)", rsvps)
	}
	if r := memberSays(b, "bob", "event list"); !strings.Contains(r.Text, "#1 Show & tell, December: Tue Nov 10, 16:00–17:30 UTC in #general · 1 going, 1 maybe (you: maybe)") {
		t.Fatalf("list: %q", r.Text)
	}
	// Reminders: only alice, once each.
	fire(t, b, s, clock, meetings.ScheduleEventRemind)
	dms := chat.dmsTo("alice")
	if len(dms) != 2 || !strings.Contains(dms[0].Text, "starts in 24 hours") || !strings.Contains(dms[1].Text, "starts in 1 hour") {
		t.Fatalf("alice's reminders: %+v", dms)
	}
	if len(chat.dmsTo("bob"))+len(chat.dmsTo("dave")) != 0 || len(schedulesOf(s, meetings.ScheduleEventRemind)) != 0 {
		t.Fatal("reminders went beyond those going, or their schedules stayed")
	}
	// Too early for attendance.
	if r := click(b, "alice", meetings.ActionEventAttended, "1", clock.Now()); r.Code != bot.EConflict {
		t.Fatalf("attendance before the start: %+v", r)
	}
	// The end asks those going.
	fire(t, b, s, clock, meetings.ScheduleEventEnd)
	dms = chat.dmsTo("alice")
	if len(dms) != 3 || dms[2].Buttons[0].ActionID != meetings.ActionEventAttended || !strings.Contains(dms[2].Text, "Did you make it") {
		t.Fatalf("attendance question: %+v", dms)
	}
	if r := click(b, "alice", meetings.ActionEventAttended, "1", clock.Now()); !strings.Contains(r.Text, "marked as there") {
		t.Fatalf("I was there: %+v", r)
	}
	if r := click(b, "alice", meetings.ActionEventAttended, "1", clock.Now()); !strings.Contains(r.Text, "already") {
		t.Fatalf("I was there, twice: %+v", r)
	}
	if r := carolSays(b, "event attend 1 @bob @alice"); !strings.Contains(r.Text, "Marked Bob as there") || !strings.Contains(r.Text, "Alice: marked already") {
		t.Fatalf("attend: %+v", r)
	}
	attended := 0
	for _, ev := range s.events {
		if ev.Kind == bot.KindAttended {
			attended++
		}
	}
	if attended != 2 {
		t.Fatalf("%d attended events, want 2", attended)
	}
	// Feedback goes to those who were there.
	fire(t, b, s, clock, meetings.ScheduleEventFeedback)
	if e = s.ev().events[0]; e.FeedbackRun == 0 {
		t.Fatal("no feedback run")
	}
	for _, m := range []string{"alice", "bob"} {
		dms := chat.dmsTo(m)
		if len(dms) == 0 || !strings.Contains(dms[len(dms)-1].Text, "Event feedback: Show & tell, December") {
			t.Fatalf("%s's feedback check-in: %+v", m, dms)
		}
	}
	if n := len(chat.dmsTo("dave")); n != 0 {
		t.Fatalf("dave got %d DMs", n)
	}
	// The report lists it.
	rep, err := b.Report(ctx, bot.ReportQuery{Community: "shell:local", From: t0, To: clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Events) != 1 || rep.Events[0].Going != 1 || rep.Events[0].Maybe != 1 || rep.Events[0].Attended != 2 ||
		rep.Events[0].Feedback == nil || rep.Events[0].Feedback.Delivered != 2 {
		t.Fatalf("report events: %+v", rep.Events)
	}
	text := reporting.FormatReport(rep, reporting.ReportView{})
	if !strings.Contains(text, "**Events**\n• Show & tell, December (Nov 10): 1 going, 1 maybe, 2 there · feedback 0/2") {
		t.Fatalf("report text:\n%s", text)
	}
	var csv bytes.Buffer
	if err := reporting.WriteReportCSV(&csv, rep); err != nil || !strings.Contains(csv.String(), "events,1,\"Show & tell, December\",attended,2,") {
		t.Fatalf("csv: %v\n%s", err, csv.String())
	}
	// Nothing is left to fire.
	for _, k := range []bot.ScheduleKind{meetings.ScheduleEventRemind, meetings.ScheduleEventEnd, meetings.ScheduleEventFeedback} {
		if n := len(schedulesOf(s, k)); n != 0 {
			t.Errorf("%d %s schedules left", n, k)
		}
	}
	// After the end, RSVPs are refused.
	if r := click(b, "dave", meetings.ActionEventRSVP, "1:going", clock.Now()); r.Code != bot.EConflict {
		t.Fatalf("RSVP after the end: %+v", r)
	}
}

func TestEventSoonHasOnlyTheHourReminder(t *testing.T) {
	b, s, chat, _ := newEventBot(t)
	chat.fail = true // publishing fails: the event stands
	// A date and time without quotes is read as one.
	if r := carolSays(b, `event add "Quick sync" 2026-11-02 15:00 30m`); r.Code != "" {
		t.Fatalf("add: %+v", r)
	}
	rs := schedulesOf(s, meetings.ScheduleEventRemind)
	if len(rs) != 1 || onceAt(t, rs[0]) != time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC) {
		t.Fatalf("reminders: %+v", rs)
	}
	if e := s.ev().events[0]; e.External != "" || e.Message == "" {
		t.Fatalf("event after a failed publish: %+v", e)
	}
}

func TestEventCancel(t *testing.T) {
	b, s, chat, clock := newEventBot(t)
	carolSays(b, `event add "Webinar" "2026-11-05 16:00"`)
	at := clock.Now()
	click(b, "alice", meetings.ActionEventRSVP, "1:going", at)
	click(b, "bob", meetings.ActionEventRSVP, "1:maybe", at)
	click(b, "dave", meetings.ActionEventRSVP, "1:not_going", at)
	remind := schedulesOf(s, meetings.ScheduleEventRemind)
	if r := memberSays(b, "alice", "event cancel 1"); r.Code != bot.EForbidden {
		t.Fatalf("member cancelling: %+v", r)
	}
	r := carolSays(b, "event cancel 1")
	if !strings.Contains(r.Text, "is cancelled; 2 members (going or maybe) told by DM") {
		t.Fatalf("cancel: %+v", r)
	}
	if len(chat.dmsTo("alice")) != 1 || len(chat.dmsTo("bob")) != 1 || len(chat.dmsTo("dave")) != 0 {
		t.Fatal("cancellation DMs went to the wrong members")
	}
	if len(chat.cancelled) != 1 || chat.cancelled[0] != "ext-1" {
		t.Fatalf("platform event not cancelled: %v", chat.cancelled)
	}
	for _, k := range []bot.ScheduleKind{meetings.ScheduleEventRemind, meetings.ScheduleEventEnd, meetings.ScheduleEventFeedback} {
		if n := len(schedulesOf(s, k)); n != 0 {
			t.Errorf("%d %s schedules left after the cancel", n, k)
		}
	}
	// A reminder that fires anyway (claimed before the cancel) says nothing.
	if err := b.RunSchedule(context.Background(), remind[0], onceAt(t, remind[0])); err != nil {
		t.Fatal(err)
	}
	if len(chat.dmsTo("alice")) != 1 {
		t.Fatal("a cancelled event's reminder went out")
	}
	if r := click(b, "dave", meetings.ActionEventRSVP, "1:going", at); r.Code != bot.EConflict || !strings.Contains(r.Text, "cancelled") {
		t.Fatalf("RSVP to a cancelled event: %+v", r)
	}
	if r := carolSays(b, "event cancel 1"); r.Code != bot.EConflict {
		t.Fatalf("cancel twice: %+v", r)
	}
	if r := memberSays(b, "alice", "event list"); !strings.Contains(r.Text, "No events") {
		t.Fatalf("a cancelled event listed: %q", r.Text)
	}
}

func TestRecurringEventAnnouncesTheNextOccurrence(t *testing.T) {
	b, s, chat, clock := newEventBot(t)
	r := carolSays(b, `event add "Office hours" "every 24 hours" 45m`)
	if r.Code != "" || !strings.Contains(r.Text, "It repeats every 24 hours (schedule #1)") {
		t.Fatalf("add: %+v", r)
	}
	series := schedulesOf(s, meetings.ScheduleEvent)
	if len(series) != 1 || len(s.ev().events) != 1 || s.ev().events[0].Series != series[0].ID {
		t.Fatalf("series %+v, events %+v", series, s.ev().events)
	}
	first := s.ev().events[0]
	if first.End.Sub(first.Start) != 45*time.Minute {
		t.Fatalf("first occurrence: %+v", first)
	}
	clock.Set(first.Start)
	if err := b.RunSchedule(context.Background(), series[0], first.Start); err != nil {
		t.Fatal(err)
	}
	if len(s.ev().events) != 2 {
		t.Fatalf("events after the first start: %+v", s.ev().events)
	}
	second := s.ev().events[1]
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
