package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
)

// The words of the events test.
const (
	evTitle   = "Show and tell"
	evLink    = "https://meet.example.com/cop"
	evWhen    = "Wed Nov 4, 16:00–17:30 UTC" // as the community's UTC says it
	evWebinar = "Webinar"
)

// evOpt is an option of a command: Discord sends it typed, Slack as the
// next word of the command text (in quotes when quoted).
type evOpt struct {
	name, value string
	quoted      bool // Slack: in double quotes
	integer     bool // Discord: an integer option
}

// evFile is an attachment Hearth sent.
type evFile struct {
	name, contentType string
	data              []byte
}

// evSide is one platform of the events test.
type evSide struct {
	*ciSide          // DMs, clicks on them, and the keys of buttons
	f       ciMember // the facilitator
	// command runs `/hearth PATH` with opts as m and returns the answer.
	command func(m ciMember, path string, opts ...evOpt) libAnswer
	// link is the meeting link as the platform sends it in a command.
	link string
	// scope is `#general @A` as the platform sends it.
	scope string
	// launch is the path of the command that ends the pilot.
	launch string
	// general are Hearth's posts in #general, in order.
	general func() []ciPost
	// ics is the calendar file of event id, as the platform got it.
	ics func(id string) (evFile, bool)
	// pressIn presses b of p, a post in #general, as m and returns the
	// private answer.
	pressIn func(m ciMember, p ciPost, b ciButton) string
	// post makes m post in #general, now.
	post func(m ciMember)
	// sentAt is when Hearth sent p, by the platform.
	sentAt func(p ciPost) time.Time
	// dmTo reports whether Hearth ever opened a DM with the user id.
	dmTo func(id string) bool
	// scheduled are the guild's scheduled events (Discord only).
	scheduled func() []fakediscord.ScheduledEvent
}

var evAnnounced = regexp.MustCompile(`^Event #(\d+) \*{0,2}`)

// TestEventsThroughSlackAndDiscord is issue 8's events and pilot through
// the real Slack and Discord adapters against their fakes, in one `hearth
// run` with a simulated clock. On each platform, on Monday Nov 2 2026, a
// facilitator announces "Show and tell" for Wednesday 16:00 UTC, 90
// minutes, with a meeting link: #general gets the announcement with Going,
// Maybe and Not going and the event's .ics file (UTC times, CRLF lines),
// and on Discord the guild gets one scheduled event at the link. A clicks
// Going, Maybe, Going; B clicks Maybe. A second event, with B going, is
// cancelled: B is told by DM, its guild scheduled event is deleted and
// none of its reminders ever comes. A alone gets the reminders, a day and
// an hour before, once each; at the end A alone is asked "Did you make
// it?", clicks "I was there", and two hours later gets the event-feedback
// check-in. Then a pilot in #general with A: B's message is not recorded
// and B's /hearth resources is refused privately until the launch, after
// which B's next message is. After the run, `hearth report --format json`
// has the event (1 going, 1 maybe, 1 there, the feedback delivered to 1),
// 3 RSVPs (A's three clicks are one), 1 attendance and the 2 messages, and
// `hearth export` counts one RSVP and one attendance for A, one message
// for B.
func TestEventsThroughSlackAndDiscord(t *testing.T) {
	// Monday Nov 2 2026, 09:00 UTC. The event is Wednesday 16:00–17:30:
	// reminders Tuesday 16:00 and Wednesday 15:00, "Did you make it?" at
	// 17:30, the feedback check-in at 19:30.
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	evStart := time.Date(2026, 11, 4, 16, 0, 0, 0, time.UTC)
	evEnd := evStart.Add(90 * time.Minute)
	remind1, remind2 := evStart.Add(-24*time.Hour), evStart.Add(-time.Hour)
	feedback := evEnd.Add(meetings.FeedbackAfter)
	rig := startPlatRig(t, platRigOptions{start: start,
		slackUsers:   []fakeslack.User{platSlackAda, platSlackAlice, platSlackBob},
		discordOwner: platDiscordOwner, discordUsers: []fakediscord.User{platDiscordOwner, platDiscordAlice, platDiscordBob, platDiscordDana},
		vars: map[string]string{"HEARTH_HTTP_ADDR": "127.0.0.1:0"}, slackMembers: 4, discordMembers: 4})
	clock, sim, sl, dc, db, logs, stop, began := rig.clock, rig.sim, rig.sl, rig.dc, rig.db, rig.logs, rig.stop, rig.began
	metrics := "http://" + platHTTPAddr(t, logs) + "/metrics"

	slack := evSlackSide(t, sl, clock, logs)
	discord := evDiscordSide(t, dc, logs)
	sides := []*evSide{slack, discord}

	// 1. The facilitator announces the event.
	events := map[*evSide]string{} // the event's id
	announcements := map[*evSide]ciPost{}
	for _, s := range sides {
		got := s.command(s.f, "event add", evOpt{name: "title", value: evTitle, quoted: true},
			evOpt{name: "when", value: "2026-11-04 16:00", quoted: true}, evOpt{name: "link", value: s.link}, evOpt{name: "duration", value: "90m"})
		ref := evAnnounced.FindStringSubmatch(got.text)
		if !got.private || ref == nil {
			t.Fatalf("%s: /hearth event add = %q (private %v)\nthe log:\n%s", s.name, got.text, got.private, logs)
		}
		id := ref[1]
		events[s] = id
		want := "Event #" + id + " " + evTitle + " is announced in #general for " + evWhen + ". Those going get a reminder a day"
		if !strings.HasPrefix(ciPlain(got.text), want) {
			t.Errorf("%s: /hearth event add =\n%q\nwant it to start %q", s.name, got.text, want)
		}

		p := evAnnouncement(t, s, id)
		announcements[s] = p
		for _, want := range []string{"Event: " + evTitle + "\n" + evWhen + "\nJoin: ", evLink, "Will you come? Only you see your answer"} {
			if !strings.Contains(ciPlain(p.Text), want) {
				t.Errorf("%s: the announcement lacks %q:\n%s", s.name, want, p.Text)
			}
		}
		wantRows := [][]ciButton{{
			{Label: "Going", Key: s.key(meetings.ActionEventRSVP, id+":going", 0)},
			{Label: "Maybe", Key: s.key(meetings.ActionEventRSVP, id+":maybe", 1)},
			{Label: "Not going", Key: s.key(meetings.ActionEventRSVP, id+":not_going", 2)},
		}}
		if !slices.EqualFunc(p.Rows, wantRows, slices.Equal[[]ciButton]) {
			t.Errorf("%s: the announcement has the buttons %+v, want %+v", s.name, p.Rows, wantRows)
		}

		f, ok := s.ics(id)
		if !ok {
			t.Fatalf("%s: no calendar file event-%s.ics was sent to #general\nthe log:\n%s", s.name, id, logs)
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		wantICS := meetings.EventICS(meetings.CommunityEvent{ID: n, Community: s.community, Title: evTitle, Start: evStart, End: evEnd, Link: evLink}, start)
		ics := string(f.data)
		for _, want := range []string{"BEGIN:VCALENDAR\r\n", "BEGIN:VEVENT\r\n", "DTSTART:20261104T160000Z\r\n", "DTEND:20261104T173000Z\r\n",
			"SUMMARY:" + evTitle + "\r\n", "LOCATION:" + evLink + "\r\n", "END:VEVENT\r\nEND:VCALENDAR\r\n"} {
			if !strings.Contains(ics, want) {
				t.Errorf("%s: the calendar file lacks %q:\n%s", s.name, want, ics)
			}
		}
		if strings.Count(ics, "\n") != strings.Count(ics, "\r\n") {
			t.Errorf("%s: the calendar file has lines not ended by CRLF: %q", s.name, ics)
		}
		if !bytes.Equal(f.data, wantICS) {
			t.Errorf("%s: the calendar file is\n%q\nwant\n%q", s.name, f.data, wantICS)
		}
		if f.name != "event-"+id+".ics" || s == discord && f.contentType != "text/calendar" {
			t.Errorf("%s: the calendar file is %q (%q), want event-%s.ics (text/calendar)", s.name, f.name, f.contentType, id)
		}
	}
	// On Discord the guild has it on its Events list: at the link, from
	// 16:00 to 17:30, with the way to RSVP.
	evs := discord.scheduled()
	if len(evs) != 1 {
		t.Fatalf("discord: the guild has %d scheduled events, want 1: %+v\nthe log:\n%s", len(evs), evs, logs)
	}
	published := evs[0]
	if published.Name != evTitle || !published.Start.Equal(evStart) || !published.End.Equal(evEnd) || published.Location != evLink ||
		published.EntityType != fakediscord.EntityExternal || published.PrivacyLevel != fakediscord.PrivacyGuildOnly ||
		!strings.Contains(published.Description, "Join: "+evLink) || !strings.Contains(published.Description, "RSVP in #general") {
		t.Errorf("discord: the scheduled event is %+v; want %q from %v to %v, external at %s, guild only, with the link and where to RSVP",
			published, evTitle, evStart, evEnd, evLink)
	}

	// 2. A clicks Going, then Maybe, then Going again; B clicks Maybe.
	going := "You're going to " + evTitle + " (" + evWhen + "). I'll remind you a day and an hour before."
	maybe := "Noted: maybe for " + evTitle + ". Reminders go to those going; you can change your answer any time."
	for _, s := range sides {
		p := announcements[s]
		for _, c := range []struct {
			m    ciMember
			b    ciButton
			want string
		}{{s.a, p.Rows[0][0], going}, {s.a, p.Rows[0][1], maybe}, {s.a, p.Rows[0][0], going}, {s.b, p.Rows[0][1], maybe}} {
			if got := ciPlain(s.pressIn(c.m, p, c.b)); got != c.want {
				t.Errorf("%s: %s clicked %s and was told %q, want %q", s.name, c.m.name, c.b.Label, got, c.want)
			}
		}
	}

	// 6. A second event, with B going, is cancelled: B is told by DM, and
	// on Discord it leaves the guild's Events list.
	for _, s := range sides {
		got := s.command(s.f, "event add", evOpt{name: "title", value: evWebinar, quoted: true},
			evOpt{name: "when", value: "2026-11-05 12:00", quoted: true}, evOpt{name: "duration", value: "45m"})
		ref := evAnnounced.FindStringSubmatch(got.text)
		if ref == nil {
			t.Fatalf("%s: the second /hearth event add = %q", s.name, got.text)
		}
		id := ref[1]
		p := evAnnouncement(t, s, id)
		if got := ciPlain(s.pressIn(s.b, p, p.Rows[0][0])); !strings.HasPrefix(got, "You're going to "+evWebinar) {
			t.Errorf("%s: %s clicked Going on the webinar and was told %q", s.name, s.b.name, got)
		}
		if s == discord {
			if evs := dc.ScheduledEvents(platGuildID); len(evs) != 2 {
				t.Errorf("discord: the guild has %d scheduled events with the webinar, want 2: %+v", len(evs), evs)
			}
		}
		got = s.command(s.f, "event cancel", evOpt{name: "id", value: id, integer: true})
		want := "Event #" + id + " " + evWebinar + " is cancelled; 1 member (going or maybe) told by DM."
		if !got.private || ciPlain(got.text) != want {
			t.Errorf("%s: /hearth event cancel %s = %q (private %v), want privately %q", s.name, id, got.text, got.private, want)
		}
		dms := s.dms(s.b)
		want = evWebinar + " (Thu Nov 5, 12:00–12:45 UTC) is cancelled. Sorry for the change of plans."
		if len(dms) != 1 || ciPlain(dms[0].Text) != want {
			t.Errorf("%s: after the cancellation %s has the DMs %+v, want %q", s.name, s.b.name, dms, want)
		}
		if s.dmTo(s.a.id) || s.dmTo(s.f.id) {
			t.Errorf("%s: the cancellation went to someone not going", s.name)
		}
		if got := ciPlain(s.pressIn(s.a, p, p.Rows[0][0])); got != evWebinar+" was cancelled." {
			t.Errorf("%s: %s clicked Going on the cancelled webinar and was told %q", s.name, s.a.name, got)
		}
	}
	if evs := discord.scheduled(); len(evs) != 1 || evs[0].ID != published.ID {
		t.Errorf("discord: after the cancellation the guild's scheduled events are %+v, want only %s's", evs, evTitle)
	}

	// 3. The reminders: a day before, then an hour before, to A alone (B,
	// maybe, gets none); the webinar's were dropped with it.
	reminder := func(in string) string {
		return "Reminder: " + evTitle + " starts in " + in + " (" + evWhen + ").\nJoin: " + evLink
	}
	checkDMs := func(when string, want ...string) {
		t.Helper()
		for _, s := range sides {
			dms := s.dms(s.a)
			if len(dms) != len(want) {
				t.Fatalf("%s: %s %s has %d DMs, want %d: %+v\nthe log:\n%s", s.name, s.a.name, when, len(dms), len(want), dms, logs)
			}
			for i, w := range want {
				if got := strings.NewReplacer("<", "", ">", "").Replace(ciPlain(dms[i].Text)); !strings.HasPrefix(got, w) {
					t.Errorf("%s: %s's DM %d %s reads\n%q\nwant it to start\n%q", s.name, s.a.name, i+1, when, got, w)
				}
			}
			if n := len(s.dms(s.b)); n != 1 {
				t.Errorf("%s: %s %s has %d DMs, want only the cancellation", s.name, s.b.name, when, n)
			}
			if s.dmTo(s.f.id) {
				t.Errorf("%s: Hearth opened a DM with %s, who is not going", s.name, s.f.name)
			}
		}
	}
	sim.advance(t, remind1.Add(-time.Minute), logs)
	checkDMs("a minute before the first reminder")
	sim.advance(t, remind1, logs)
	checkDMs("a day before", reminder("24 hours"))
	sim.advance(t, remind2.Add(-time.Minute), logs)
	checkDMs("after the webinar's reminder would have come", reminder("24 hours"))
	sim.advance(t, remind2, logs)
	checkDMs("an hour before", reminder("24 hours"), reminder("1 hour"))
	for _, s := range sides {
		dms := s.dms(s.a)
		for i, at := range []time.Time{remind1, remind2} {
			if got := s.sentAt(dms[i]); !got.Equal(at) {
				t.Errorf("%s: %s's reminder %d came at %v, want %v", s.name, s.a.name, i+1, got, at)
			}
		}
	}
	sim.advance(t, evEnd.Add(-time.Minute), logs)
	checkDMs("during the event", reminder("24 hours"), reminder("1 hour"))

	// 4. At the end A is asked whether they made it, and clicks I was
	// there; two hours later the feedback check-in comes.
	sim.advance(t, evEnd, logs)
	didYou := "Did you make it to " + evTitle + " (" + evWhen + ")? One click tells the facilitators you were there."
	checkDMs("at the end", reminder("24 hours"), reminder("1 hour"), didYou)
	for _, s := range sides {
		p := s.dms(s.a)[2]
		want := [][]ciButton{{{Label: "I was there", Key: s.key(meetings.ActionEventAttended, events[s], 0)}}}
		if !slices.EqualFunc(p.Rows, want, slices.Equal[[]ciButton]) {
			t.Fatalf("%s: the question has the buttons %+v, want %+v", s.name, p.Rows, want)
		}
		if got := ciPlain(s.click(s.a, p, p.Rows[0][0])); got != "Thank you! You're marked as there for "+evTitle+"." {
			t.Errorf("%s: %s clicked I was there and was told %q", s.name, s.a.name, got)
		}
	}
	sim.advance(t, feedback.Add(-time.Minute), logs)
	checkDMs("before the feedback", reminder("24 hours"), reminder("1 hour"), didYou)
	sim.advance(t, feedback, logs)
	checkDMs("after the feedback", reminder("24 hours"), reminder("1 hour"), didYou, "Event feedback: "+evTitle+" (check-in #")
	for _, s := range sides {
		p := s.dms(s.a)[3]
		if !strings.Contains(ciPlain(p.Text), "How useful was the session?") || len(p.Rows) != 3 {
			t.Errorf("%s: %s's feedback check-in reads %q with the buttons %+v", s.name, s.a.name, p.Text, p.Rows)
		}
	}
	// Nothing more comes: no second reminder, question or check-in.
	later := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	sim.advance(t, later, logs)
	checkDMs("the morning after", reminder("24 hours"), reminder("1 hour"), didYou, "Event feedback: "+evTitle+" (check-in #")
	for _, s := range sides {
		if n := len(s.general()); n != 2 {
			t.Errorf("%s: Hearth posted %d messages in #general, want the two announcements", s.name, n)
		}
	}

	// 7. A pilot in #general with A: B's message is not recorded and B may
	// not use Hearth until the launch.
	ignored := libMetric(t, metrics, `hearth_events_total{outcome="ignored"}`)
	for _, s := range sides {
		got := s.command(s.f, "pilot start", evOpt{name: "scope", value: s.scope})
		if !got.private || !strings.HasPrefix(ciPlain(got.text), "The pilot has started. Hearth acts only in #general, for ") ||
			!strings.Contains(got.text, s.a.shown) || !strings.Contains(got.text, s.f.shown) || strings.Contains(got.text, s.b.shown) {
			t.Errorf("%s: /hearth pilot start %s = %q (private %v), want privately the pilot in #general for %s and %s",
				s.name, s.scope, got.text, got.private, s.a.shown, s.f.shown)
		}
		s.post(s.b)
		ignored++
		libWaitMetric(t, metrics, `hearth_events_total{outcome="ignored"}`, ignored, logs)
		s.post(s.a)
		nuWaitCount(t, db, logs, s.name+"'s pilot message recorded", 1, sqlNuEvents, s.community, "message")
		got = s.command(s.b, "resources")
		want := "Hearth is being piloted with a few members for now; it opens to everyone at launch. `/hearth privacy` and `/hearth me` work for everyone."
		if !got.private || got.text != want {
			t.Errorf("%s: %s's /hearth resources during the pilot = %q (private %v), want privately %q", s.name, s.b.name, got.text, got.private, want)
		}
	}
	launched := later.Add(time.Hour)
	sim.advance(t, launched, logs)
	for _, s := range sides {
		got := s.command(s.f, s.launch)
		if want := "Launched! Hearth now acts in every channel, for every member."; !got.private || !strings.HasPrefix(got.text, want) {
			t.Errorf("%s: /hearth %s = %q (private %v), want privately %q", s.name, s.launch, got.text, got.private, want)
		}
		s.post(s.b)
		nuWaitCount(t, db, logs, s.name+"'s message after the launch recorded", 2, sqlNuEvents, s.community, "message")
	}
	simulated := time.Since(began)

	if err := stop(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	out := logs.String()
	if !strings.Contains(out, "shut down cleanly") {
		t.Errorf("no clean shutdown in the log:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=ERROR") &&
			!(strings.Contains(line, `msg="answering an interaction failed"`) && strings.Contains(line, "context canceled")) {
			t.Errorf("an error in the log: %s", line)
		}
	}

	// 5. The report covering the event, and what each member did.
	reportNow := launched.Add(time.Hour).Format(time.RFC3339)
	for _, s := range sides {
		r := reportJSON(t, db, "--community", s.community, "--now", reportNow)
		if len(r.Events) != 1 {
			t.Fatalf("%s: the report has the events %+v, want %s alone (the webinar was cancelled)", s.name, r.Events, evTitle)
		}
		ev := r.Events[0]
		if strconv.FormatInt(ev.ID, 10) != events[s] || ev.Title != evTitle || !ev.Start.Equal(evStart) || ev.Channel != s.channelID() ||
			ev.Going != 1 || ev.Maybe != 1 || ev.Attended != 1 {
			t.Errorf("%s: the report's event is %+v; want #%s %s at %v in #general, 1 going, 1 maybe, 1 there", s.name, ev, events[s], evTitle, evStart)
		}
		if f := ev.Feedback; f == nil || f.Delivered != 1 || f.Respondents != 0 || f.Mean != nil {
			t.Errorf("%s: the event's feedback is %+v, want delivered to 1, unanswered", s.name, f)
		}
		// A's three clicks are one RSVP; B's maybe and their going to the
		// webinar are the other two.
		if r.Activity.RSVPs != 3 || r.Activity.Attendances != 1 || r.Activity.Messages != 2 {
			t.Errorf("%s: the report has %d RSVPs, %d attendances and %d messages; want 3, 1 and 2 (%s's in the pilot, %s's after the launch)",
				s.name, r.Activity.RSVPs, r.Activity.Attendances, r.Activity.Messages, s.a.name, s.b.name)
		}
		a := nuExport(t, db, s.community, s.a.id)
		if a.Counts[bot.KindRSVP] != 1 || a.Counts[bot.KindAttended] != 1 || a.Counts[bot.EventKind("message")] != 1 {
			t.Errorf("%s: %s's export counts %v, want 1 RSVP, 1 attendance and 1 message", s.name, s.a.name, a.Counts)
		}
		b := nuExport(t, db, s.community, s.b.id)
		if b.Counts[bot.KindRSVP] != 2 || b.Counts[bot.KindAttended] != 0 || b.Counts[bot.EventKind("message")] != 1 {
			t.Errorf("%s: %s's export counts %v, want 2 RSVPs and 1 message (the one after the launch)", s.name, s.b.name, b.Counts)
		}
		for _, ev := range b.Events {
			if ev.Kind == "message" && !ev.At.Equal(launched) {
				t.Errorf("%s: %s's recorded message is of %v, want the one after the launch at %v", s.name, s.b.name, ev.At, launched)
			}
		}
	}
	sim.mu.Lock()
	passes := sim.passes
	sim.mu.Unlock()
	t.Logf("simulated %v in %d scheduler passes; start-up to the launch took %v", launched.Sub(start), passes, simulated.Round(time.Millisecond))
}

// channelID is #general's id on the side's platform.
func (s *evSide) channelID() string {
	if s.name == "slack" {
		return platSlackGeneral.ID
	}
	return platGeneralID
}

// evAnnouncement finds the announcement of event id in #general: the post
// whose first button is its Going.
func evAnnouncement(t *testing.T, s *evSide, id string) ciPost {
	t.Helper()
	key := s.key(meetings.ActionEventRSVP, id+":going", 0)
	for _, p := range s.general() {
		if len(p.Rows) > 0 && len(p.Rows[0]) > 0 && p.Rows[0][0].Key == key {
			return p
		}
	}
	t.Fatalf("%s: no announcement of event #%s in #general: %+v", s.name, id, s.general())
	return ciPost{}
}

// evSlackSide is the Slack workspace of the events test: commands as
// slash commands answered through response_url, clicks on the
// announcements as block_actions on the channel message, the calendar file
// as the files.getUploadURLExternal upload shared in #general.
func evSlackSide(t *testing.T, sl *fakeslack.Server, clock *bot.ManualClock, logs *platLog) *evSide {
	member := func(u fakeslack.User) ciMember { return ciMember{id: u.ID, name: u.Name, shown: u.RealName} }
	ci := ciSlackSide(t, sl, logs)
	s := &evSide{
		ciSide: ci,
		f:      member(platSlackAda),
		link:   "<" + evLink + ">",
		scope:  "<#" + platSlackGeneral.ID + "|" + platSlackGeneral.Name + "> <@" + platSlackAlice.ID + "|" + platSlackAlice.Name + ">",
		launch: "launch",
	}
	s.a, s.b = member(platSlackAlice), member(platSlackBob)
	seq := 0
	ts := func() string {
		seq++
		return fmt.Sprintf("%d.%06d", clock.Now().Unix(), seq)
	}
	s.command = func(m ciMember, path string, opts ...evOpt) libAnswer {
		t.Helper()
		words := []string{path}
		for _, o := range opts {
			if o.quoted {
				words = append(words, `"`+o.value+`"`)
			} else {
				words = append(words, o.value)
			}
		}
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: m.id, UserName: m.name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: strings.Join(words, " ")})
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" && r.ResponseType != "in_channel" {
			t.Errorf("slack: /hearth %s from %s answered %q", path, m.name, r.ResponseType)
		}
		var buttons []ciButton
		for _, b := range fakeslack.Buttons(r.Blocks) {
			buttons = append(buttons, ciButton{Label: b.Label, Key: b.ActionID + " " + b.Value})
		}
		return libAnswer{text: r.Text, private: r.ResponseType == "ephemeral", buttons: buttons}
	}
	s.general = func() []ciPost {
		var out []ciPost
		for _, p := range sl.Posts() {
			if p.Channel == platSlackGeneral.ID && p.Method == "chat.postMessage" {
				out = append(out, evSlackPost(p))
			}
		}
		return out
	}
	s.ics = func(id string) (evFile, bool) {
		for _, f := range sl.Files() {
			if f.Channel == platSlackGeneral.ID && f.Name == "event-"+id+".ics" {
				if f.Title != f.Name {
					t.Errorf("slack: the calendar file %s is titled %q", f.Name, f.Title)
				}
				// Slack's external upload takes no content type: Slack
				// goes by the file's name.
				return evFile{name: f.Name, data: f.Data}, true
			}
		}
		return evFile{}, false
	}
	s.pressIn = func(m ciMember, p ciPost, b ciButton) string {
		t.Helper()
		actionID, value, _ := strings.Cut(b.Key, " ")
		for _, btn := range fakeslack.Buttons(ciSlackBlocks(t, sl, p)) {
			if btn.ActionID == actionID && btn.Value == value {
				in := sl.PushBlockAction(fakeslack.BlockAction{UserID: m.id, UserName: m.name,
					ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, MessageTS: p.ID, Button: btn})
				r := platSlackResponse(t, sl, in.ResponseURL)
				if r.ResponseType != "ephemeral" || r.ReplaceOriginal {
					t.Errorf("slack: the answer to %s's click of %q is %s (replace_original %v), want ephemeral, leaving the announcement",
						m.name, b.Label, r.ResponseType, r.ReplaceOriginal)
				}
				return r.Text
			}
		}
		t.Fatalf("slack: no button %q in the post %s", b.Key, p.ID)
		return ""
	}
	s.post = func(m ciMember) { sl.PushEvent(fakeslack.Message(platSlackGeneral.ID, m.id, ts())) }
	s.sentAt = func(p ciPost) time.Time {
		for _, q := range sl.Posts() {
			if q.Channel == p.Channel && q.TS == p.ID {
				return q.At
			}
		}
		t.Fatalf("slack: no post %s in %s", p.ID, p.Channel)
		return time.Time{}
	}
	s.dmTo = func(id string) bool { return sl.DMChannel(id) != "" }
	return s
}

// evSlackPost is a Slack post with its rows of buttons (one per actions
// block).
func evSlackPost(p fakeslack.Posted) ciPost {
	out := ciPost{ID: p.TS, Channel: p.Channel, Text: p.Text}
	block := ""
	for _, b := range fakeslack.Buttons(p.Blocks) {
		if len(out.Rows) == 0 || b.BlockID != block {
			out.Rows = append(out.Rows, nil)
			block = b.BlockID
		}
		out.Rows[len(out.Rows)-1] = append(out.Rows[len(out.Rows)-1], ciButton{Label: b.Label, Key: b.ActionID + " " + b.Value})
	}
	return out
}

// evDiscordSide is the Discord guild of the events test: commands as slash
// command interactions with the typed options of the /hearth schema,
// clicks on the announcements as component interactions in #general, the
// calendar file as the announcement's attachment, and the guild's
// scheduled events as the fake holds them.
func evDiscordSide(t *testing.T, dc *fakediscord.Server, logs *platLog) *evSide {
	users := map[string]fakediscord.User{}
	member := func(u fakediscord.User) ciMember {
		users[u.ID] = u
		return ciMember{id: u.ID, name: u.Username, shown: cmp.Or(u.GlobalName, u.Username)}
	}
	s := &evSide{
		ciSide: ciDiscordSide(t, dc, logs),
		f:      member(platDiscordDana),
		link:   evLink,
		scope:  "<#" + platGeneralID + "> <@" + platDiscordAlice.ID + ">",
		launch: "pilot launch",
	}
	s.a, s.b = member(platDiscordAlice), member(platDiscordBob)
	invoker := func(m ciMember) fakediscord.Invoker {
		return fakediscord.Invoker{GuildID: platGuildID, ChannelID: platGeneralID, User: users[m.id],
			Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}
	}
	s.command = func(m ciMember, path string, opts ...evOpt) libAnswer {
		t.Helper()
		var typed []fakediscord.Option
		for _, o := range opts {
			if o.integer {
				n, err := strconv.Atoi(o.value)
				platCheck(t, err)
				typed = append(typed, fakediscord.Option{Name: o.name, Type: 4, Value: n})
			} else {
				typed = append(typed, fakediscord.String(o.name, o.value))
			}
		}
		words := strings.Fields(path)
		opt := fakediscord.SubCommand(words[len(words)-1], typed...)
		if len(words) == 2 {
			opt = fakediscord.Group(words[0], opt)
		}
		in, err := dc.Slash(invoker(m), "hearth", opt)
		platCheck(t, err)
		flags, text, buttons := nuDiscordReply(t, dc, in.ID)
		return libAnswer{text: text, private: flags&64 != 0, buttons: buttons}
	}
	s.general = func() []ciPost {
		var out []ciPost
		for _, msg := range dc.Messages(platGeneralID) {
			out = append(out, evDiscordPost(t, msg))
		}
		return out
	}
	s.ics = func(id string) (evFile, bool) {
		for _, msg := range dc.Messages(platGeneralID) {
			for _, f := range msg.Files {
				if f.Name == "event-"+id+".ics" {
					p := evDiscordPost(t, msg)
					if len(p.Rows) == 0 || len(p.Rows[0]) == 0 || p.Rows[0][0].Key != s.key(meetings.ActionEventRSVP, id+":going", 0) {
						t.Errorf("discord: the calendar file of event #%s is attached to a message without its buttons: %+v", id, p)
					}
					return evFile{name: f.Name, contentType: f.ContentType, data: f.Data}, true
				}
			}
		}
		return evFile{}, false
	}
	s.pressIn = func(m ciMember, p ciPost, b ciButton) string {
		t.Helper()
		in, err := dc.Click(invoker(m), p.ID, b.Key)
		platCheck(t, err)
		flags, text, _ := nuDiscordReply(t, dc, in.ID)
		if flags&64 == 0 {
			t.Errorf("discord: the answer to %s's click of %q has flags %d, want ephemeral (64)", m.name, b.Label, flags)
		}
		return text
	}
	s.post = func(m ciMember) {
		_, err := dc.MessageCreate(fakediscord.Message{ChannelID: platGeneralID, GuildID: platGuildID, Author: users[m.id]})
		platCheck(t, err)
	}
	s.sentAt = func(p ciPost) time.Time { return fakediscord.SnowflakeTime(p.ID) }
	s.dmTo = func(id string) bool { return dc.DMChannel(id) != "" }
	s.scheduled = func() []fakediscord.ScheduledEvent { return dc.ScheduledEvents(platGuildID) }
	return s
}

// evDiscordPost is a Discord message with its rows of buttons.
func evDiscordPost(t *testing.T, m fakediscord.SentMessage) ciPost {
	t.Helper()
	out := ciPost{ID: m.ID, Channel: m.ChannelID, Text: m.Content}
	var rows []struct {
		Type       int `json:"type"`
		Components []struct {
			Type     int    `json:"type"`
			CustomID string `json:"custom_id"`
			Label    string `json:"label"`
		} `json:"components"`
	}
	if len(m.Components) > 0 {
		platCheck(t, json.Unmarshal(m.Components, &rows))
	}
	for _, r := range rows {
		var row []ciButton
		for _, c := range r.Components {
			if r.Type == fakediscord.ComponentActionRow && c.Type == fakediscord.ComponentButton {
				row = append(row, ciButton{Label: c.Label, Key: c.CustomID})
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}
