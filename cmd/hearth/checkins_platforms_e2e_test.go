package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/schedules"
)

// ciFacilitatorsID is the Discord guild's facilitators' channel, where the
// check-in's notes and results go.
const ciFacilitatorsID = "203"

var ciSlackFacilitators = fakeslack.Channel{ID: "C0FACIL", Name: "facilitators"}

// ciSim is the scheduler's wait in TestCheckinsThroughSlackAndDiscord:
// instead of sleeping it moves the shared clock, up to the instant the test
// last asked for (advance), and blocks there until the test asks for a
// later one. A wait of MaxWait (nothing due sooner) skips ahead to the next
// of stops, the instants the test's schedules fall due, so each job runs at
// its intended instant and two days pass in a handful of passes.
type ciSim struct {
	clock *bot.ManualClock
	stops []time.Time

	mu      sync.Mutex
	target  time.Time     // where the test wants the clock (zero: hold still)
	at      time.Time     // where the latest finished pass left the clock
	changed chan struct{} // closed and replaced when target or at changes
	passes  int
}

func newCISim(clock *bot.ManualClock, stops ...time.Time) *ciSim {
	return &ciSim{clock: clock, stops: stops, changed: make(chan struct{})}
}

func (s *ciSim) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *ciSim) wait(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	now := s.clock.Now()
	s.at = now
	s.passes++
	s.notifyLocked()
	for !now.Before(s.target) {
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		s.mu.Lock()
	}
	next := s.target
	if d < schedules.MaxWait && now.Add(d).Before(next) {
		next = now.Add(d) // something falls due sooner than the stops say
	}
	for _, st := range s.stops {
		if st.After(now) && st.Before(next) {
			next = st
		}
	}
	s.clock.Set(next)
	s.mu.Unlock()
	return nil
}

// advance lets the clock run to to and returns once the scheduler's pass
// at to is over: every job due until then has run.
func (s *ciSim) advance(t *testing.T, to time.Time, logs *platLog) {
	t.Helper()
	s.mu.Lock()
	s.target = to
	s.notifyLocked()
	s.mu.Unlock()
	deadline := time.NewTimer(platWait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		done, ch, at, passes := !s.at.Before(to), s.changed, s.at, s.passes
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("the scheduler did not reach %v within %v (at %v after %d passes)\nthe log:\n%s", to, platWait, at, passes, logs)
		}
	}
}

// ciMember is a member on one platform: name is their handle, shown the
// display name Hearth knows them by (in results and exports).
type ciMember struct{ id, name, shown string }

// ciButton is a button as the platform rendered it. Key is what a click
// sends back: Slack's action_id and value, Discord's custom_id.
type ciButton struct{ Label, Key string }

// ciPost is a message Hearth sent, with its rows of buttons.
type ciPost struct {
	ID, Channel, Text string
	Rows              [][]ciButton
}

// ciSide is one platform of the check-in test: who is there, and how a
// member reads their DMs, clicks and fills in a form there.
type ciSide struct {
	name      string
	community string
	members   []ciMember // everyone a check-in goes to, the facilitator included
	a, b, c   ciMember   // a clicks, b writes, c is late
	// key is the Key a check-in button has: the core's action id and value,
	// and its index in the post.
	key func(action, value string, index int) string
	// dms are the posts Hearth sent to m's DM channel, in order.
	dms func(m ciMember) []ciPost
	// facilitators are the texts posted in #facilitators, in order.
	facilitators func() []string
	// click presses b of p as m and returns the private answer.
	click func(m ciMember, p ciPost, b ciButton) string
	// write presses b of p as m, checks the form it opens (one input per
	// written question, learned and help, for run), submits values and
	// returns the private answer.
	write func(m ciMember, p ciPost, b ciButton, run int64, values map[string]string) string
}

var ciRunRef = regexp.MustCompile(`check-in #(\d+)\)`)

// ciPlain drops the emphasis markup the platforms differ in.
func ciPlain(s string) string { return strings.ReplaceAll(s, "*", "") }

// TestCheckinsThroughSlackAndDiscord is issue 6's "done when" through the
// real Slack and Discord adapters against their fakes, in one `hearth run`:
// on each platform a facilitator sets the digest channel and schedules
// `pulse` weekly; at the first Monday 10:00 every member gets the check-in
// by DM (a row of scale buttons and a row with "Answer in writing"), and
// #facilitators hears it is out. One member clicks 4, then 5; another
// answers in writing through the platform's modal. The reminder, 12 hours
// before the close, reaches only those who have not answered; at the close
// #facilitators gets the results (2 answered, mean 5.0, the written
// answers); a click after the close is refused and stores nothing; and
// `hearth checkins` gives exactly what was answered, as CSV and as JSON.
func TestCheckinsThroughSlackAndDiscord(t *testing.T) {
	// Monday Nov 2 2026, 08:00 UTC: the facilitators schedule the pulse two
	// hours before its first run. It is open 48 hours, until Wednesday
	// 10:00; its reminder goes a quarter of that before, Tuesday 22:00.
	start := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	opens := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	reminds := time.Date(2026, 11, 3, 22, 0, 0, 0, time.UTC)
	closes := time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)
	late := closes.Add(time.Hour)
	clock := bot.NewManualClock(start)
	sim := newCISim(clock, opens, reminds, closes)

	sl := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	sl.AddUser(platSlackAlice, platSlackBob, platSlackAda, platSlackCarol, platSlackDave)
	sl.AddChannel(platSlackGeneral, platSlackDesign, ciSlackFacilitators)
	slackCommunity := "slack:" + sl.TeamID()

	guild := platGuild(start.Add(-60 * 24 * time.Hour))
	guild.Channels = append(guild.Channels, fakediscord.Channel{ID: ciFacilitatorsID, Name: "facilitators", Type: fakediscord.ChannelText})
	dc := fakediscord.New(fakediscord.Options{MembersIntent: true, Now: clock.Now, Guilds: []fakediscord.Guild{guild}})
	t.Cleanup(dc.Close)
	discordCommunity := "discord:" + platGuildID

	db := filepath.Join(t.TempDir(), "hearth.db")
	logs := &platLog{}
	e := platformEnv(platformVars(sl, dc), clock.Now, logs)
	e.wait = sim.wait
	stop := runInBackground(t, db, e)
	began := time.Now()

	// Both adapters connected, /hearth registered, the members synced: the
	// pulse goes to every member Hearth knows.
	sl.WaitConnections(1)
	platWaitDiscord(t, dc, "/hearth registered in the guild", func() bool { return dc.Commands(platGuildID) != nil })
	now := start.Format(time.RFC3339)
	platWaitReport(t, db, slackCommunity, now, logs, "5 members synced", func(r bot.Report) bool { return r.Members.Total == 5 })
	platWaitReport(t, db, discordCommunity, now, logs, "6 members synced", func(r bot.Report) bool { return r.Members.Total == 6 })

	slack := ciSlackSide(t, sl, logs)
	discord := ciDiscordSide(t, dc, logs)
	sides := []*ciSide{slack, discord}

	// Slack: Ada, a workspace admin, sets it up with slash commands.
	slash := func(text, want string) {
		t.Helper()
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: platSlackAda.ID, UserName: platSlackAda.Name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: text})
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, want) {
			t.Fatalf("slack /hearth %s = %q (%s), want an ephemeral answer with %q\nthe log:\n%s", text, r.Text, r.ResponseType, want, logs)
		}
	}
	const scheduled = "Weekly pulse, every monday at 10:00, open 2 days each time. First one: Mon Nov 2 10:00 UTC."
	slash("digest channel <#"+ciSlackFacilitators.ID+"|"+ciSlackFacilitators.Name+">", "The weekly digest goes to #facilitators")
	slash(`checkin schedule pulse "every monday at 10:00"`, scheduled)

	// Discord: dana, a facilitator by HEARTH_FACILITATORS, with the typed
	// sub-commands.
	discordCmd := func(want string, opt fakediscord.Option) {
		t.Helper()
		in, err := dc.Slash(fakediscord.Invoker{GuildID: platGuildID, ChannelID: platGeneralID, User: platDiscordDana,
			Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}, "hearth", opt)
		platCheck(t, err)
		flags, text := platDiscordAnswer(t, dc, in.ID)
		if flags&64 == 0 || !strings.Contains(text, want) {
			t.Fatalf("discord /hearth %s = %q (flags %d), want an ephemeral answer with %q\nthe log:\n%s", opt.Name, text, flags, want, logs)
		}
	}
	discordCmd("The weekly digest goes to", fakediscord.Group("digest", fakediscord.SubCommand("channel", fakediscord.ChannelOpt("channel", ciFacilitatorsID))))
	discordCmd(scheduled, fakediscord.Group("checkin", fakediscord.SubCommand("schedule",
		fakediscord.String("survey", "pulse"), fakediscord.String("spec", "every monday at 10:00"))))

	// Monday 10:00: the pulse goes out, by DM, to every member.
	sim.advance(t, opens, logs)
	runs := map[*ciSide]int64{}
	first := map[*ciSide]map[string]ciPost{} // each member's check-in
	for _, s := range sides {
		first[s] = map[string]ciPost{}
		for _, m := range s.members {
			dms := s.dms(m)
			if len(dms) != 1 {
				t.Fatalf("%s: %s got %d DMs at the first run, want the check-in: %+v", s.name, m.name, len(dms), dms)
			}
			p := dms[0]
			ref := ciRunRef.FindStringSubmatch(p.Text)
			if ref == nil || !strings.Contains(p.Text, "Weekly pulse") || !strings.Contains(p.Text, "How valuable was the community to you this week?") ||
				!strings.Contains(p.Text, "Open until Wed Nov 4 10:00 UTC") {
				t.Fatalf("%s: %s's check-in reads %q", s.name, m.name, p.Text)
			}
			run, _ := strconv.ParseInt(ref[1], 10, 64)
			if runs[s] == 0 {
				runs[s] = run
			} else if run != runs[s] {
				t.Fatalf("%s: %s got check-in #%d, others #%d", s.name, m.name, run, runs[s])
			}
			ciCheckButtons(t, s, m, p, run)
			first[s][m.id] = p
		}
	}
	if runs[slack] == runs[discord] {
		t.Errorf("both communities' check-ins are run #%d", runs[slack])
	}
	for _, s := range sides {
		want := fmt.Sprintf("Check-in #%d (Weekly pulse) is out: sent %d/%d. It closes Wed Nov 4 10:00 UTC.", runs[s], len(s.members), len(s.members))
		if got := s.facilitators(); len(got) != 1 || ciPlain(got[0]) != want {
			t.Errorf("%s #facilitators: %q, want %q", s.name, got, want)
		}
	}

	// A clicks 4, then changes it to 5; B answers in writing.
	written := map[*ciSide]map[string]string{}
	for _, s := range sides {
		pa := first[s][s.a.id]
		four, five := pa.Rows[0][3], pa.Rows[0][4]
		got := ciPlain(s.click(s.a, pa, four))
		if !strings.Contains(got, `Thanks! "How valuable was the community to you this week?": 4.`) || strings.Contains(got, "(was") {
			t.Errorf("%s: %s clicked 4 and was told %q", s.name, s.a.name, got)
		}
		got = ciPlain(s.click(s.a, pa, five))
		if !strings.Contains(got, `Thanks! "How valuable was the community to you this week?": 5 (was 4).`) {
			t.Errorf("%s: %s changed to 5 and was told %q", s.name, s.a.name, got)
		}

		written[s] = map[string]string{
			"learned": "Pairing with a newcomer on " + s.name,
			"help":    "Running a retro in two time zones",
		}
		pb := first[s][s.b.id]
		got = s.write(s.b, pb, pb.Rows[1][0], runs[s], written[s])
		if !strings.Contains(got, "Thanks! Your written answers are in. You can change them until Wed Nov 4 10:00 UTC.") {
			t.Errorf("%s: %s sent the form and was told %q", s.name, s.b.name, got)
		}
	}

	// Tuesday 22:00: the reminder, only to those who have not answered.
	sim.advance(t, reminds, logs)
	for _, s := range sides {
		for _, m := range s.members {
			var checkins []ciPost
			for _, p := range s.dms(m) {
				if len(p.Rows) > 0 {
					checkins = append(checkins, p)
				} else if !(s == slack && m == s.b && strings.Contains(p.Text, "Your written answers are in")) {
					t.Errorf("%s: %s got an unexpected DM: %q", s.name, m.name, p.Text)
				}
			}
			answered := m == s.a || m == s.b
			switch {
			case answered && len(checkins) != 1:
				t.Errorf("%s: %s answered but got %d check-in DMs: %+v", s.name, m.name, len(checkins), checkins)
			case !answered && len(checkins) != 2:
				t.Errorf("%s: %s has not answered and got %d check-in DMs, want the check-in and its reminder: %+v", s.name, m.name, len(checkins), checkins)
			case !answered:
				r := checkins[1]
				if !strings.Contains(r.Text, "Reminder: this check-in closes Wed Nov 4 10:00 UTC.") || !strings.Contains(r.Text, fmt.Sprintf("check-in #%d)", runs[s])) {
					t.Errorf("%s: %s's reminder reads %q", s.name, m.name, r.Text)
				}
				ciCheckButtons(t, s, m, r, runs[s])
			}
		}
		if got := s.facilitators(); len(got) != 1 {
			t.Errorf("%s #facilitators after the reminder: %q, want only the note that it is out", s.name, got)
		}
	}

	// Wednesday 10:00: it closes, and the results go to #facilitators.
	sim.advance(t, closes, logs)
	for _, s := range sides {
		got := s.facilitators()
		if len(got) != 2 {
			t.Fatalf("%s #facilitators: %q, want the note and the results", s.name, got)
		}
		res := ciPlain(got[1])
		for _, want := range []string{
			"Weekly pulse: results",
			fmt.Sprintf("2 of %d answered (%.0f%%)", len(s.members), 200/float64(len(s.members))),
			"1. How valuable was the community to you this week? (1 answer)",
			"mean 5.0, median 5.0 · 1: 0 · 2: 0 · 3: 0 · 4: 0 · 5: 1",
			"2. What did you learn or try? (1 answer)",
			"• " + s.b.shown + ": " + written[s]["learned"],
			"3. What do you need help with? (1 answer)",
			"• " + s.b.shown + ": " + written[s]["help"],
		} {
			if !strings.Contains(res, want) {
				t.Errorf("%s results lack %q:\n%s", s.name, want, res)
			}
		}
	}

	// An hour later C answers: too late, and told so privately.
	sim.advance(t, late, logs)
	for _, s := range sides {
		pc := first[s][s.c.id]
		got := s.click(s.c, pc, pc.Rows[0][2])
		if !strings.Contains(got, "Thank you, but Weekly pulse closed Wed Nov 4 10:00 UTC, so I can't take answers any more.") {
			t.Errorf("%s: %s clicked after the close and was told %q", s.name, s.c.name, got)
		}
	}
	simulated := time.Since(began)

	// Nobody got anything more by DM: no results, no second reminder.
	for _, s := range sides {
		for _, m := range s.members {
			want := 2
			switch m {
			case s.a:
				want = 1
			case s.b:
				want = 1
				if s == slack {
					want = 2 // the form's acknowledgement comes by DM
				}
			}
			if n := len(s.dms(m)); n != want {
				t.Errorf("%s: %s got %d DMs in all, want %d", s.name, m.name, n, want)
			}
		}
	}

	if err := stop(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	out := logs.String()
	if !strings.Contains(out, "shut down cleanly") {
		t.Errorf("no clean shutdown in the log:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("an error in the log: %s", line)
		}
	}

	// hearth checkins: one row per answer, exactly what was answered (A's
	// changed answer once, as 5; B's written ones; nothing from C), and
	// two respondents of N in the results.
	for _, s := range sides {
		csvOut := hearth(t, "", nil, "checkins", "--db", db, "--survey", "pulse", "--format", "csv", "--community", s.community)
		rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
		platCheck(t, err)
		run := strconv.FormatInt(runs[s], 10)
		row := func(who, qid, prompt, kind, answer string) []string {
			return []string{run, "pulse", "2026-11-02T10:00:00Z", "2026-11-04T10:00:00Z", who, qid, prompt, kind, answer}
		}
		want := [][]string{
			{"run", "survey", "opened_at", "closed_at", "respondent", "question_id", "question", "kind", "answer"},
			row(s.a.shown, "value", "How valuable was the community to you this week?", "scale", "5"),
			row(s.b.shown, "learned", "What did you learn or try?", "text", written[s]["learned"]),
			row(s.b.shown, "help", "What do you need help with?", "text", written[s]["help"]),
		}
		if !slices.EqualFunc(rows, want, slices.Equal[[]string]) {
			t.Errorf("%s: hearth checkins --format csv:\n%s\nwant %q", s.name, csvOut, want)
		}

		jsonOut := hearth(t, "", nil, "checkins", "--db", db, "--survey", "pulse", "--format", "json", "--community", s.community)
		var res struct {
			Community string                   `json:"community"`
			Runs      []checkins.SurveyResults `json:"runs"`
		}
		if err := json.Unmarshal([]byte(jsonOut), &res); err != nil {
			t.Fatalf("%s: checkins json: %v\n%s", s.name, err, jsonOut)
		}
		if res.Community != s.community || len(res.Runs) != 1 {
			t.Fatalf("%s: hearth checkins --format json: %s", s.name, jsonOut)
		}
		r := res.Runs[0]
		if r.Run != runs[s] || r.Respondents != 2 || r.Delivered != len(s.members) || !r.OpenedAt.Equal(opens) || !r.ClosedAt.Equal(closes) {
			t.Errorf("%s: run %d, %d respondents of %d, opened %v, closed %v; want run %d, 2 of %d, %v to %v",
				s.name, r.Run, r.Respondents, r.Delivered, r.OpenedAt, r.ClosedAt, runs[s], len(s.members), opens, closes)
		}
		if len(r.Questions) != 3 || r.Questions[0].ID != "value" || r.Questions[0].Answered != 1 || r.Questions[0].Mean == nil || *r.Questions[0].Mean != 5 {
			t.Errorf("%s: question results %+v, want value answered once, mean 5", s.name, r.Questions)
		}
	}
	sim.mu.Lock()
	passes := sim.passes
	sim.mu.Unlock()
	t.Logf("simulated %v in %d scheduler passes; start-up to the late click took %v", late.Sub(start), passes, simulated.Round(time.Millisecond))
}

// ciCheckButtons checks a check-in post's buttons: a row of the scale, 1
// to 5, and a row with "Answer in writing", each with the key the platform
// gives the core's action and value.
func ciCheckButtons(t *testing.T, s *ciSide, m ciMember, p ciPost, run int64) {
	t.Helper()
	var want [][]ciButton
	var scale []ciButton
	for i := range 5 {
		scale = append(scale, ciButton{Label: strconv.Itoa(i + 1), Key: s.key(checkins.ActionCheckinAnswer, fmt.Sprintf("%d:value:%d", run, i+1), i)})
	}
	want = append(want, scale, []ciButton{{Label: "Answer in writing", Key: s.key(checkins.ActionCheckinWrite, strconv.FormatInt(run, 10), 5)}})
	if !slices.EqualFunc(p.Rows, want, slices.Equal[[]ciButton]) {
		t.Fatalf("%s: %s's check-in has the buttons %+v, want %+v", s.name, m.name, p.Rows, want)
	}
}

// ciSlackSide is the Slack workspace: the check-in's blocks, clicks as
// block_actions answered through response_url, the form as a views.open
// modal submitted as a view_submission.
func ciSlackSide(t *testing.T, sl *fakeslack.Server, logs *platLog) *ciSide {
	member := func(u fakeslack.User) ciMember { return ciMember{id: u.ID, name: u.Name, shown: u.RealName} }
	s := &ciSide{
		name:      "slack",
		community: "slack:" + sl.TeamID(),
		a:         member(platSlackAlice), b: member(platSlackBob), c: member(platSlackCarol),
	}
	for _, u := range []fakeslack.User{platSlackAda, platSlackAlice, platSlackBob, platSlackCarol, platSlackDave} {
		s.members = append(s.members, member(u))
	}
	s.key = func(action, value string, index int) string { return fmt.Sprintf("%s#%d %s", action, index, value) }
	toPost := func(p fakeslack.Posted) ciPost {
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
	s.dms = func(m ciMember) []ciPost {
		ch := sl.DMChannel(m.id)
		var out []ciPost
		for _, p := range sl.Posts() {
			if ch != "" && p.Channel == ch && p.Method == "chat.postMessage" {
				out = append(out, toPost(p))
			}
		}
		return out
	}
	s.facilitators = func() []string {
		var out []string
		for _, p := range sl.Posts() {
			if p.Channel == ciSlackFacilitators.ID {
				out = append(out, p.Text)
			}
		}
		return out
	}
	press := func(m ciMember, p ciPost, b ciButton) fakeslack.Interaction {
		t.Helper()
		actionID, value, _ := strings.Cut(b.Key, " ")
		for _, btn := range fakeslack.Buttons(ciSlackBlocks(t, sl, p)) {
			if btn.ActionID == actionID && btn.Value == value {
				return sl.PushBlockAction(fakeslack.BlockAction{UserID: m.id, UserName: m.name,
					ChannelID: p.Channel, ChannelName: "directmessage", MessageTS: p.ID, Button: btn})
			}
		}
		t.Fatalf("slack: no button %q in %s's post %s", b.Key, m.name, p.ID)
		return fakeslack.Interaction{}
	}
	s.click = func(m ciMember, p ciPost, b ciButton) string {
		t.Helper()
		in := press(m, p, b)
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" || r.ReplaceOriginal {
			t.Errorf("slack: the answer to %s's click is %s (replace_original %v), want ephemeral, leaving the check-in", m.name, r.ResponseType, r.ReplaceOriginal)
		}
		return r.Text
	}
	s.write = func(m ciMember, p ciPost, b ciButton, run int64, values map[string]string) string {
		t.Helper()
		in := press(m, p, b)
		views := sl.WaitViews(len(sl.Views()) + 1)
		view := views[len(views)-1]
		if view.TriggerID != in.TriggerID {
			t.Fatalf("slack: a form opened with trigger %s, want %s's click's %s\nthe log:\n%s", view.TriggerID, m.name, in.TriggerID, logs)
		}
		var meta struct {
			Context string `json:"x"`
		}
		_ = json.Unmarshal([]byte(view.PrivateMetadata), &meta)
		var inputs []string
		for _, blk := range view.Blocks {
			if blk["type"] == "input" {
				id, _ := blk["block_id"].(string)
				inputs = append(inputs, id)
			}
		}
		if view.CallbackID != checkins.FormCheckin || meta.Context != strconv.FormatInt(run, 10) || view.Title != "Weekly pulse" ||
			!slices.Equal(inputs, []string{"learned", "help"}) {
			t.Fatalf("slack: %s's form: callback %q, metadata %q, title %q, inputs %q; want %s for run %d with learned and help",
				m.name, view.CallbackID, view.PrivateMetadata, view.Title, inputs, checkins.FormCheckin, run)
		}
		// No response_url comes with a modal: the answer is a DM, the
		// one post Hearth makes meanwhile.
		posts := len(sl.Posts())
		sub := sl.PushViewSubmission(m.id, m.name, view, values)
		if ack := sl.WaitAck(sub.EnvelopeID); strings.Contains(string(ack.Payload), "errors") {
			t.Errorf("slack: %s's form was refused: %s", m.name, ack.Payload)
		}
		answer := sl.WaitPosts(posts + 1)[posts]
		if answer.Channel != sl.DMChannel(m.id) || answer.Method != "chat.postMessage" {
			t.Fatalf("slack: after %s's form Hearth posted %+v, want a DM to them", m.name, answer)
		}
		return answer.Text
	}
	return s
}

// ciSlackBlocks are the blocks of a post Hearth made, as the fake holds them.
func ciSlackBlocks(t *testing.T, sl *fakeslack.Server, p ciPost) []map[string]any {
	t.Helper()
	for _, q := range sl.Posts() {
		if q.Channel == p.Channel && q.TS == p.ID {
			return q.Blocks
		}
	}
	t.Fatalf("slack: no post %s in %s", p.ID, p.Channel)
	return nil
}

// ciDiscordSide is the Discord guild: the check-in's components, clicks
// as component interactions, the form as a modal (type 9) submitted as a
// MODAL_SUBMIT interaction (type 5).
func ciDiscordSide(t *testing.T, dc *fakediscord.Server, logs *platLog) *ciSide {
	users := map[string]fakediscord.User{}
	member := func(u fakediscord.User) ciMember {
		users[u.ID] = u
		return ciMember{id: u.ID, name: u.Username, shown: cmp.Or(u.GlobalName, u.Username)}
	}
	s := &ciSide{
		name:      "discord",
		community: "discord:" + platGuildID,
		a:         member(platDiscordAlice), b: member(platDiscordBob), c: member(platDiscordCarol),
	}
	for _, u := range []fakediscord.User{platDiscordOwner, platDiscordAlice, platDiscordBob, platDiscordCarol, platDiscordDana, platDiscordErin} {
		s.members = append(s.members, member(u))
	}
	s.key = func(action, value string, _ int) string { return "b|" + action + "|" + value }
	toPost := func(m fakediscord.SentMessage) ciPost {
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
	s.dms = func(m ciMember) []ciPost {
		ch := dc.DMChannel(m.id)
		if ch == "" {
			return nil
		}
		var out []ciPost
		for _, msg := range dc.Messages(ch) {
			out = append(out, toPost(msg))
		}
		return out
	}
	s.facilitators = func() []string {
		var out []string
		for _, msg := range dc.Messages(ciFacilitatorsID) {
			out = append(out, msg.Content)
		}
		return out
	}
	invoker := func(m ciMember, p ciPost) fakediscord.Invoker {
		return fakediscord.Invoker{ChannelID: p.Channel, User: users[m.id]} // in a DM: no guild
	}
	s.click = func(m ciMember, p ciPost, b ciButton) string {
		t.Helper()
		in, err := dc.Click(invoker(m, p), p.ID, b.Key)
		platCheck(t, err)
		flags, text := platDiscordAnswer(t, dc, in.ID)
		if flags&64 == 0 {
			t.Errorf("discord: the answer to %s's click has flags %d, want ephemeral (64)", m.name, flags)
		}
		return text
	}
	s.write = func(m ciMember, p ciPost, b ciButton, run int64, values map[string]string) string {
		t.Helper()
		in, err := dc.Click(invoker(m, p), p.ID, b.Key)
		platCheck(t, err)
		var cbs []fakediscord.Callback
		platWaitDiscord(t, dc, "the answer to "+m.name+"'s click", func() bool {
			cbs = dc.Callbacks(in.ID)
			return len(cbs) > 0
		})
		var modal struct {
			CustomID   string `json:"custom_id"`
			Title      string `json:"title"`
			Components []struct {
				Type       int `json:"type"`
				Components []struct {
					Type     int    `json:"type"`
					CustomID string `json:"custom_id"`
					Label    string `json:"label"`
				} `json:"components"`
			} `json:"components"`
		}
		if cbs[0].Kind != "callback" || cbs[0].Type != 9 || json.Unmarshal(cbs[0].Data, &modal) != nil {
			t.Fatalf("discord: %s's click was answered with %s type %d, want a modal (9): %s\nthe log:\n%s", m.name, cbs[0].Kind, cbs[0].Type, cbs[0].Data, logs)
		}
		var inputs []string
		for _, r := range modal.Components {
			for _, c := range r.Components {
				if c.Type == fakediscord.ComponentTextInput {
					inputs = append(inputs, c.CustomID)
				}
			}
		}
		if modal.CustomID != fmt.Sprintf("f|%s|%d", checkins.FormCheckin, run) || modal.Title != "Weekly pulse" || !slices.Equal(inputs, []string{"learned", "help"}) {
			t.Fatalf("discord: %s's modal: custom id %q, title %q, inputs %q; want the form of run %d with learned and help", m.name, modal.CustomID, modal.Title, inputs, run)
		}
		var fields []fakediscord.FieldValue
		for _, id := range inputs {
			fields = append(fields, fakediscord.FieldValue{ID: id, Value: values[id]})
		}
		sub, err := dc.Submit(invoker(m, p), modal.CustomID, fields...)
		platCheck(t, err)
		flags, text := platDiscordAnswer(t, dc, sub.ID)
		if flags&64 == 0 {
			t.Errorf("discord: the answer to %s's form has flags %d, want ephemeral (64)", m.name, flags)
		}
		return text
	}
	return s
}
