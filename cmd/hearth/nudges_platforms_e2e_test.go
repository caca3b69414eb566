package main

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"

	_ "modernc.org/sqlite" // the "sqlite" driver, to read the database as it is left
)

// The nudges test's Slack workspace: alice (A) lives in Tokyo, bob (B)
// keeps posting, carol (O) opts out, ada (F) is a workspace admin, a bot
// user posts once, and dave (N) joins late.
var (
	nuSlackAlice = fakeslack.User{ID: platSlackAlice.ID, Name: platSlackAlice.Name, RealName: platSlackAlice.RealName, TZ: "Asia/Tokyo"}
	nuSlackRobot = fakeslack.User{ID: "U0ROBOT", Name: "robot", RealName: "Deploy Robot", IsBot: true, BotID: "B0ROBOT"}
)

// The nudges test's Discord guild has the same roles: alice (A), bob (B),
// carol (O), dana (F, a facilitator by HEARTH_FACILITATORS), this bot user,
// and erin (N) joining late. Bob, who keeps posting, owns the guild, so
// dana is the only facilitator who is quiet.
var nuDiscordRobot = fakediscord.User{ID: "600", Username: "robot", Bot: true}

// nuSide is one platform of the nudges test.
type nuSide struct {
	*ciSide                        // DMs and clicks on them
	a, b, o, f, n ciMember         // quiet, regular, opted out, facilitator, newcomer
	robot         string           // the bot user's platform id
	settings      string           // the facilitator's `nudge settings`
	quietHours    string           // how the policy's answer says them
	sendAt        time.Time        // when A's quiet hours end
	queued        string           // how the run's answer names A and that time
	post          func(m ciMember) // m posts in #general, now
	botPost       func()           // the bot user posts in #general, now
	join          func()           // N joins the community, now
	// command runs `/hearth text` as m and returns the private answer and
	// its buttons.
	command func(m ciMember, text string) (string, []ciButton)
	// press presses a button of a private answer as m and returns the
	// private answer.
	press func(m ciMember, b ciButton) string
	// dmTo reports whether Hearth ever opened a DM with the user id.
	dmTo func(id string) bool
	// posted is how many messages Hearth posted anywhere (not answers).
	posted func() int
	// sentAt is when Hearth posted p, by the platform.
	sentAt func(p ciPost) time.Time
}

// TestNudgesThroughSlackAndDiscord is issue 7's "done when" through the
// real Slack and Discord adapters against their fakes, in one `hearth run`
// with a simulated clock: on each platform A posts on day 1 and nothing
// since, B every four days through day 20, O posts on day 1 and turns
// nudges off, the facilitator F posts on day 1 only, a bot posts on day 1,
// and N joins on day 18 and never posts. On day 21 at 06:00 UTC F sets
// mode=auto with quiet hours that hold A's local time then (15:00 in Tokyo
// for Slack's A, whose users.list tz is Asia/Tokyo; 06:00 in the community's
// UTC for Discord's, which has no tz) and runs `/hearth nudge run`: A's
// nudge is queued until their quiet hours end, and O, F and N are left
// out (the bot is no member). Nothing is sent until then; at the end of A's
// quiet hours A gets one DM with the three buttons, and nobody else ever
// gets one. A second run sends nothing ("nudged recently"). A's "I'm still
// here" counts as activity (the report's active members and still_here,
// /hearth quiet); after A's `/hearth forget me` and "Erase my data", no
// TEXT value in the database names A (platform id or name) and no row
// points at A's member row.
func TestNudgesThroughSlackAndDiscord(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	platCheck(t, err)
	// Day 1 is Monday Nov 2 2026; activity happens at 09:00 UTC.
	start := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return time.Date(2026, 11, 1+n, 9, 0, 0, 0, time.UTC) }
	// Day 21, 06:00 UTC: 15:00 in Tokyo.
	runAt := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	slackSend := time.Date(2026, 11, 22, 17, 0, 0, 0, tokyo) // 08:00 UTC: quiet=13-17 ends in Tokyo
	discordSend := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	rig := startPlatRig(t, platRigOptions{start: start,
		slackUsers:   []fakeslack.User{nuSlackAlice, platSlackBob, platSlackCarol, platSlackAda, nuSlackRobot},
		discordOwner: platDiscordBob, discordUsers: []fakediscord.User{platDiscordAlice, platDiscordBob, platDiscordCarol, platDiscordDana, nuDiscordRobot},
		vars: nil, slackMembers: 6, discordMembers: 5})
	clock, sim, sl, dc, db, logs, stop, began := rig.clock, rig.sim, rig.sl, rig.dc, rig.db, rig.logs, rig.stop, rig.began

	slack := nuSlackSide(t, sl, clock, logs)
	slack.settings = "mode=auto quiet=13-17"
	slack.quietHours = "never between 13:00 and 17:00 in the member's time zone (quiet=13-17)"
	slack.sendAt = slackSend
	slack.queued = slack.a.shown + " (Sun Nov 22 17:00 JST)"
	discord := nuDiscordSide(t, dc, clock, logs)
	discord.settings = "mode=auto quiet=22-9"
	discord.quietHours = "never between 22:00 and 09:00 in the member's time zone (quiet=22-9)"
	discord.sendAt = discordSend
	discord.queued = discord.a.shown + " (Sun Nov 22 09:00 UTC)"
	sides := []*nuSide{slack, discord}

	// Day 1: everyone posts, the bot too; O turns nudges off.
	sim.advance(t, day(1), logs)
	for _, s := range sides {
		for _, m := range []ciMember{s.a, s.b, s.o, s.f} {
			s.post(m)
		}
		s.botPost()
		if got, _ := s.command(s.o, "nudges off"); !strings.Contains(got, "Nudges are off") {
			t.Errorf("%s: %s's /hearth nudges off = %q", s.name, s.o.name, got)
		}
		// The newcomer's welcome DM is not a nudge; without it every DM
		// Hearth sends below is one.
		if got, _ := s.command(s.f, "welcome off"); !strings.Contains(got, "no longer welcomed") {
			t.Errorf("%s: /hearth welcome off = %q", s.name, got)
		}
	}
	// B keeps posting through day 20; N joins on day 18.
	for _, d := range []int{4, 8, 12, 16, 18, 20} {
		sim.advance(t, day(d), logs)
		for _, s := range sides {
			if d == 18 {
				s.join()
			} else {
				s.post(s.b)
			}
		}
	}
	// Every event recorded: 9 messages (A, F, O once, B six times; the
	// bot's is not recorded) and N's join.
	for _, s := range sides {
		nuWaitCount(t, db, logs, s.name+"'s messages recorded", 9, sqlNuEvents, s.community, "message")
		nuWaitCount(t, db, logs, s.name+"'s join recorded", 1, sqlNuEvents, s.community, "join")
	}

	// Day 21, 06:00 UTC: F lists the quiet members, sets the policy and
	// runs it. A's nudge waits for their quiet hours to end.
	sim.advance(t, runAt, logs)
	for _, s := range sides {
		got, _ := s.command(s.f, "quiet")
		if !strings.Contains(ciPlain(got), "• "+s.a.shown+": last active Nov 2") {
			t.Errorf("%s: /hearth quiet before the run does not list %s:\n%s", s.name, s.a.shown, got)
		}
		got, _ = s.command(s.f, "nudge settings "+s.settings)
		if want := s.quietHours; !strings.Contains(got, want) || !strings.Contains(got, "(mode=auto)") {
			t.Errorf("%s: /hearth nudge settings %s = %q, want %q and mode=auto", s.name, s.settings, got, want)
		}
		got, _ = s.command(s.f, "nudge run")
		want := "Nudges\n" + s.queued + " after their quiet hours end.\n_Left out: 1 facilitator, 1 new, 1 opted out._"
		if ciPlain(got) != want {
			t.Errorf("%s: /hearth nudge run =\n%q\nwant\n%q\nthe log:\n%s", s.name, got, want, logs)
		}
		if n := s.posted(); n != 0 {
			t.Errorf("%s: Hearth posted %d messages at the run, want none before %s's quiet hours end", s.name, n, s.a.name)
		}
	}

	// 08:00 UTC, 17:00 in Tokyo: Slack's A gets the nudge; Discord's A,
	// still in quiet hours, does not. 09:00 UTC: Discord's A gets it.
	sim.advance(t, slackSend, logs)
	if n := discord.posted(); n != 0 {
		t.Errorf("discord: Hearth posted %d messages before 09:00 UTC, the end of %s's quiet hours", n, discord.a.name)
	}
	sim.advance(t, discordSend, logs)
	nudges := map[*nuSide]ciPost{}
	for _, s := range sides {
		dms := s.dms(s.a)
		if len(dms) != 1 {
			t.Fatalf("%s: %s got %d DMs, want the nudge: %+v\nthe log:\n%s", s.name, s.a.name, len(dms), dms, logs)
		}
		p := dms[0]
		if at := s.sentAt(p); !at.Equal(s.sendAt) {
			t.Errorf("%s: %s's nudge came at %v, want %v, the end of their quiet hours", s.name, s.a.name, at, s.sendAt)
		}
		for _, want := range []string{"Hi " + s.a.shown + ", we've missed you in the community lately.", "`/hearth nudges off` stops these."} {
			if !strings.Contains(p.Text, want) {
				t.Errorf("%s: %s's nudge lacks %q:\n%s", s.name, s.a.name, want, p.Text)
			}
		}
		d := nuExport(t, db, s.community, s.a.id)
		if len(d.Nudges) != 1 {
			t.Fatalf("%s: %s's export holds %d nudges, want 1: %+v", s.name, s.a.name, len(d.Nudges), d.Nudges)
		}
		n := d.Nudges[0]
		if n.Status != members.NudgeSent || !n.QueuedAt.Equal(runAt) || !n.SendAt.Equal(s.sendAt) || !n.SentAt.Equal(s.sendAt) {
			t.Errorf("%s: %s's nudge is %s, queued %v, send at %v, sent %v; want sent, queued %v, sent at %v",
				s.name, s.a.name, n.Status, n.QueuedAt, n.SendAt, n.SentAt, runAt, s.sendAt)
		}
		id := fmt.Sprint(n.ID)
		want := [][]ciButton{{
			{Label: "I'm still here", Key: s.key(members.ActionNudgeHere, id, 0)},
			{Label: "Pause for a month", Key: s.key(members.ActionNudgePause, id, 1)},
			{Label: "No more nudges", Key: s.key(members.ActionNudgeStop, id, 2)},
		}}
		if !slices.EqualFunc(p.Rows, want, slices.Equal[[]ciButton]) {
			t.Errorf("%s: %s's nudge has the buttons %+v, want %+v", s.name, s.a.name, p.Rows, want)
		}
		nudges[s] = p
	}

	// A second run sends nothing: A was nudged recently.
	for _, s := range sides {
		got, _ := s.command(s.f, "nudge run")
		want := "Nudges\nNobody to nudge.\n_Left out: 1 facilitator, 1 new, 1 opted out, 1 nudged recently._"
		if ciPlain(got) != want {
			t.Errorf("%s: the second /hearth nudge run =\n%q\nwant\n%q", s.name, got, want)
		}
	}
	sim.advance(t, discordSend.Add(3*time.Hour), logs) // whatever is due by then has run
	for _, s := range sides {
		if n := s.posted(); n != 1 {
			t.Errorf("%s: Hearth posted %d messages in all three hours after the second run, want A's one nudge", s.name, n)
		}
	}

	// A answers "I'm still here": that is activity. A minute later, A is
	// among the report's active members (with B, who posted on day 20) and
	// no longer among its quiet ones or in /hearth quiet.
	for _, s := range sides {
		got := s.click(s.a, nudges[s], nudges[s].Rows[0][0])
		if !strings.Contains(got, "Lovely to hear from you!") {
			t.Errorf("%s: %s clicked I'm still here and was told %q", s.name, s.a.name, got)
		}
	}
	sim.advance(t, clock.Now().Add(time.Minute), logs)
	for _, s := range sides {
		r := nuWaitReport(t, db, s.community, clock.Now().Format(time.RFC3339), "7d", logs, "the still_here",
			func(r bot.Report) bool { return r.Activity.StillHere == 1 })
		var quiet []string
		for _, q := range r.QuietMembers {
			quiet = append(quiet, q.ID)
		}
		slices.Sort(quiet)
		if want := slices.Sorted(slices.Values([]string{s.o.id, s.f.id})); r.Members.Active != 2 || !slices.Equal(quiet, want) {
			t.Errorf("%s: after %s's answer the report has %d active members and the quiet ones %q; want 2 (%s and %s) and %q",
				s.name, s.a.name, r.Members.Active, quiet, s.a.name, s.b.name, want)
		}
		got, _ := s.command(s.f, "quiet")
		if strings.Contains(got, s.a.shown) || !strings.Contains(ciPlain(got), "Quiet for 14 days or more (2)") {
			t.Errorf("%s: /hearth quiet after %s's answer:\n%s\nwant O and F only", s.name, s.a.name, got)
		}
	}

	// A forgets themself; before that, note A's member rows.
	rowIDs := map[int64]string{}
	for _, s := range sides {
		rowIDs[nuMemberRow(t, db, s.community, s.a.id)] = s.name + " " + s.a.name
	}
	for _, s := range sides {
		got, buttons := s.command(s.a, "forget me")
		if !strings.Contains(got, "This erases everything Hearth keeps about you") || len(buttons) != 1 || buttons[0].Label != "Erase my data" {
			t.Fatalf("%s: %s's /hearth forget me = %q with buttons %+v", s.name, s.a.name, got, buttons)
		}
		if got := s.press(s.a, buttons[0]); !strings.Contains(got, "Done: Hearth has erased what it kept about you.") {
			t.Errorf("%s: %s pressed Erase my data and was told %q", s.name, s.a.name, got)
		}
	}
	simulated := time.Since(began)

	if err := stop(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	// Over the whole run Hearth posted one message on each platform, A's
	// nudge, and opened no DM with anyone else.
	for _, s := range sides {
		if n := s.posted(); n != 1 {
			t.Errorf("%s: Hearth posted %d messages in all, want A's one nudge", s.name, n)
		}
		for _, m := range []ciMember{s.b, s.o, s.f, s.n, {id: s.robot, name: "the bot user"}} {
			if s.dmTo(m.id) {
				t.Errorf("%s: Hearth opened a DM with %s (%s)", s.name, m.name, m.id)
			}
		}
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

	// The database as Hearth left it: no TEXT value names either A, by
	// platform id (a whole token: Discord's ids are digits, found inside
	// others' snowflakes) or by name; no row points at their member rows.
	// B is found, by id and by name, so the scan does look.
	forbidden := map[string]string{slack.a.id: "slack A's id", discord.a.id: "discord A's id"}
	names := []string{slack.a.shown, discord.a.shown, slack.a.name} // matched ignoring case: "alice" too
	control := map[string]bool{slack.b.id: false, discord.b.id: false, slack.b.shown: false, discord.b.shown: false}
	nuScan(t, db, func(table, column string, v any) {
		switch v := v.(type) {
		case string:
			for _, tok := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				if who, ok := forbidden[tok]; ok {
					t.Errorf("%s.%s names %s: %q", table, column, who, v)
				}
				if _, ok := control[tok]; ok {
					control[tok] = true
				}
			}
			for _, name := range names {
				if strings.Contains(strings.ToLower(v), strings.ToLower(name)) {
					t.Errorf("%s.%s holds the name %q: %q", table, column, name, v)
					break
				}
			}
			if _, ok := control[v]; ok {
				control[v] = true
			}
		case int64:
			if who, ok := rowIDs[v]; ok && (column == "member_id" || table == "members" && column == "id") {
				t.Errorf("%s.%s points at %s's member row %d", table, column, who, v)
			}
		}
	})
	for id, seen := range control {
		if !seen {
			t.Errorf("the scan found no value naming %s, who was not forgotten: it does not look", id)
		}
	}
	sim.mu.Lock()
	passes := sim.passes
	sim.mu.Unlock()
	t.Logf("simulated %v in %d scheduler passes; start-up to the erasure took %v", clock.Now().Sub(start), passes, simulated.Round(time.Millisecond))
}

// nuSlackSide is the Slack workspace of the nudges test: messages as
// Events API events with the clock's ts, commands as slash commands
// answered through response_url, buttons of those answers as block_actions
// on an ephemeral message.
func nuSlackSide(t *testing.T, sl *fakeslack.Server, clock *bot.ManualClock, logs *platLog) *nuSide {
	member := func(u fakeslack.User) ciMember { return ciMember{id: u.ID, name: u.Name, shown: u.RealName} }
	dave := fakeslack.User{ID: platSlackDave.ID, Name: platSlackDave.Name, RealName: platSlackDave.RealName}
	s := &nuSide{
		ciSide: ciSlackSide(t, sl, logs),
		a:      member(nuSlackAlice), b: member(platSlackBob), o: member(platSlackCarol), f: member(platSlackAda), n: member(dave),
		robot: nuSlackRobot.ID,
	}
	seq := 0
	ts := func() string {
		seq++
		return fmt.Sprintf("%d.%06d", clock.Now().Unix(), seq)
	}
	s.post = func(m ciMember) { sl.PushEvent(fakeslack.Message(platSlackGeneral.ID, m.id, ts())) }
	s.botPost = func() {
		sl.PushEvent(fakeslack.Message(platSlackGeneral.ID, nuSlackRobot.ID, ts()).With("bot_id", nuSlackRobot.BotID))
	}
	s.join = func() { sl.PushEvent(sl.TeamJoin(dave, ts())) }
	buttons := map[string]fakeslack.Button{}
	s.command = func(m ciMember, text string) (string, []ciButton) {
		t.Helper()
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: m.id, UserName: m.name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: text})
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" {
			t.Errorf("slack: /hearth %s from %s answered %s, want ephemeral: %q", text, m.name, r.ResponseType, r.Text)
		}
		var out []ciButton
		for _, b := range fakeslack.Buttons(r.Blocks) {
			key := b.ActionID + " " + b.Value
			buttons[key] = b
			out = append(out, ciButton{Label: b.Label, Key: key})
		}
		return r.Text, out
	}
	s.press = func(m ciMember, b ciButton) string {
		t.Helper()
		btn, ok := buttons[b.Key]
		if !ok {
			t.Fatalf("slack: no button %q was shown", b.Key)
		}
		in := sl.PushBlockAction(fakeslack.BlockAction{UserID: m.id, UserName: m.name, ChannelID: platSlackGeneral.ID,
			ChannelName: platSlackGeneral.Name, MessageTS: ts(), Ephemeral: true, Button: btn})
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" {
			t.Errorf("slack: the answer to %s's press of %q is %s, want ephemeral", m.name, b.Label, r.ResponseType)
		}
		return r.Text
	}
	s.dmTo = func(id string) bool { return sl.DMChannel(id) != "" }
	s.posted = func() int { return len(sl.Posts()) }
	s.sentAt = func(p ciPost) time.Time {
		for _, q := range sl.Posts() {
			if q.Channel == p.Channel && q.TS == p.ID {
				return q.At
			}
		}
		t.Fatalf("slack: no post %s in %s", p.ID, p.Channel)
		return time.Time{}
	}
	return s
}

// nuDiscordSide is the Discord guild of the nudges test: messages as
// MESSAGE_CREATE dispatches (dated by their snowflakes), N's join as
// GUILD_MEMBER_ADD, commands as slash command interactions, buttons of
// their answers as component interactions.
func nuDiscordSide(t *testing.T, dc *fakediscord.Server, clock *bot.ManualClock, logs *platLog) *nuSide {
	users := map[string]fakediscord.User{}
	member := func(u fakediscord.User) ciMember {
		users[u.ID] = u
		return ciMember{id: u.ID, name: u.Username, shown: cmp.Or(u.GlobalName, u.Username)}
	}
	s := &nuSide{
		ciSide: ciDiscordSide(t, dc, logs),
		a:      member(platDiscordAlice), b: member(platDiscordBob), o: member(platDiscordCarol), f: member(platDiscordDana),
		n:     member(platDiscordErin),
		robot: nuDiscordRobot.ID,
	}
	s.post = func(m ciMember) {
		_, err := dc.MessageCreate(fakediscord.Message{ChannelID: platGeneralID, GuildID: platGuildID, Author: users[m.id]})
		platCheck(t, err)
	}
	s.botPost = func() {
		_, err := dc.MessageCreate(fakediscord.Message{ChannelID: platGeneralID, GuildID: platGuildID, Author: nuDiscordRobot})
		platCheck(t, err)
	}
	s.join = func() {
		platCheck(t, dc.MemberAdd(platGuildID, fakediscord.Member{User: platDiscordErin, JoinedAt: clock.Now()}))
	}
	invoker := func(m ciMember) fakediscord.Invoker {
		return fakediscord.Invoker{GuildID: platGuildID, ChannelID: platGeneralID, User: users[m.id],
			Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}
	}
	s.command = func(m ciMember, text string) (string, []ciButton) {
		t.Helper()
		var opt fakediscord.Option
		switch {
		case strings.HasPrefix(text, "nudge settings "):
			opt = fakediscord.Group("nudge", fakediscord.SubCommand("settings", fakediscord.String("settings", strings.TrimPrefix(text, "nudge settings "))))
		case text == "nudge run":
			opt = fakediscord.Group("nudge", fakediscord.SubCommand("run"))
		case text == "nudges off":
			opt = fakediscord.SubCommand("nudges", fakediscord.String("choice", "off"))
		case text == "quiet":
			opt = fakediscord.Group("nudge", fakediscord.SubCommand("quiet"))
		case text == "welcome off":
			opt = fakediscord.Group("welcome", fakediscord.SubCommand("off"))
		case text == "forget me":
			opt = fakediscord.Group("forget", fakediscord.SubCommand("me"))
		default:
			t.Fatalf("discord: no interaction for /hearth %s", text)
		}
		in, err := dc.Slash(invoker(m), "hearth", opt)
		platCheck(t, err)
		flags, content, buttons := nuDiscordReply(t, dc, in.ID)
		if flags&64 == 0 {
			t.Errorf("discord: /hearth %s from %s answered with flags %d, want ephemeral (64): %q", text, m.name, flags, content)
		}
		return content, buttons
	}
	s.press = func(m ciMember, b ciButton) string {
		t.Helper()
		in, err := dc.Click(invoker(m), dc.NewID(), b.Key)
		platCheck(t, err)
		flags, content, _ := nuDiscordReply(t, dc, in.ID)
		if flags&64 == 0 {
			t.Errorf("discord: the answer to %s's press of %q has flags %d, want ephemeral (64)", m.name, b.Label, flags)
		}
		return content
	}
	s.dmTo = func(id string) bool { return dc.DMChannel(id) != "" }
	s.posted = func() int { return len(dc.Messages("")) }
	s.sentAt = func(p ciPost) time.Time { return fakediscord.SnowflakeTime(p.ID) }
	return s
}

// nuDiscordReply waits for the answer to an interaction and returns its
// flags, content and buttons: the immediate message (type 4), or the edit
// of a deferred one (type 5).
func nuDiscordReply(t *testing.T, dc *fakediscord.Server, id string) (flags int, content string, buttons []ciButton) {
	t.Helper()
	type message struct {
		Flags      int    `json:"flags"`
		Content    string `json:"content"`
		Components []struct {
			Components []struct {
				Type     int    `json:"type"`
				CustomID string `json:"custom_id"`
				Label    string `json:"label"`
			} `json:"components"`
		} `json:"components"`
	}
	var cbs []fakediscord.Callback
	platWaitDiscord(t, dc, "the answer to interaction "+id, func() bool {
		cbs = dc.Callbacks(id)
		return len(cbs) > 0 && (cbs[0].Type == 4 || slices.ContainsFunc(cbs, func(c fakediscord.Callback) bool { return c.Kind == "edit" }))
	})
	var first, m message
	platCheck(t, json.Unmarshal(cbs[0].Data, &first))
	switch cbs[0].Type {
	case 4:
		m = first
	case 5:
		i := slices.IndexFunc(cbs, func(c fakediscord.Callback) bool { return c.Kind == "edit" })
		platCheck(t, json.Unmarshal(cbs[i].Data, &m))
	default:
		t.Fatalf("discord: interaction %s answered with type %d", id, cbs[0].Type)
	}
	for _, row := range m.Components {
		for _, c := range row.Components {
			if c.Type == fakediscord.ComponentButton {
				buttons = append(buttons, ciButton{Label: c.Label, Key: c.CustomID})
			}
		}
	}
	return first.Flags, m.Content, buttons
}

// nuWaitReport polls `hearth report` like platWaitReport, over period.
func nuWaitReport(t *testing.T, db, community, now, period string, logs *platLog, want string, ok func(bot.Report) bool) bot.Report {
	t.Helper()
	deadline := time.Now().Add(platWait)
	for {
		e, stdout, stderr := testEnv("", nil)
		err := run(context.Background(), []string{"report", "--db", db, "--format", "json", "--community", community, "--now", now, "--period", period}, e)
		var r bot.Report
		if err == nil {
			platCheck(t, json.Unmarshal(stdout.Bytes(), &r))
			if ok(r) {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: timed out waiting for %s\n got %s (%v %s)\nthe log:\n%s", community, want, platFigures(r), err, stderr, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// nuTryExport is `hearth export --member id`, and whether it found them.
func nuTryExport(t *testing.T, db, community, id string) (memberExport, bool) {
	t.Helper()
	e, stdout, stderr := testEnv("", nil)
	if err := run(context.Background(), []string{"export", "--db", db, "--community", community, "--member", id}, e); err != nil {
		if !strings.Contains(err.Error(), "keeps nothing") {
			t.Fatalf("hearth export --member %s: %v\n%s", id, err, stderr)
		}
		return memberExport{}, false
	}
	var d memberExport
	platCheck(t, json.Unmarshal(stdout.Bytes(), &d))
	return d, true
}

func nuExport(t *testing.T, db, community, id string) memberExport {
	t.Helper()
	d, ok := nuTryExport(t, db, community, id)
	if !ok {
		t.Fatalf("hearth export: %s keeps nothing about %s", community, id)
	}
	return d
}

// sqlNuMembers counts a community's members; sqlNuEvents its events of a kind.
const (
	sqlNuMembers = `SELECT COUNT(*) FROM members m JOIN communities c ON c.id = m.community_id WHERE c.ext_id = ?`
	sqlNuEvents  = `SELECT COUNT(*) FROM events e JOIN communities c ON c.id = e.community_id WHERE c.ext_id = ? AND e.kind = ?`
)

// nuWaitCount polls a count on the database, read-only, until it is want:
// cheaper than `hearth report`, which opens (and prepares) a whole store.
func nuWaitCount(t *testing.T, path string, logs *platLog, what string, want int, query string, args ...any) {
	t.Helper()
	sdb := nuOpen(t, path)
	defer sdb.Close()
	deadline := time.Now().Add(platWait)
	for {
		var n int
		err := sdb.QueryRow(query, args...).Scan(&n)
		if err == nil && n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %d (%v), want %d\nthe log:\n%s", what, n, err, want, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// nuOpen opens the database read-only, beside Hearth if it runs.
func nuOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	sdb, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	platCheck(t, err)
	return sdb
}

// nuMemberRow is the id of the members row of a member.
func nuMemberRow(t *testing.T, path, community, member string) int64 {
	t.Helper()
	sdb := nuOpen(t, path)
	defer sdb.Close()
	var id int64
	platCheck(t, sdb.QueryRow(`SELECT m.id FROM members m JOIN communities c ON c.id = m.community_id
WHERE c.ext_id = ? AND m.ext_id = ?`, community, member).Scan(&id))
	return id
}

// nuScan calls visit with every value of every row of every table.
func nuScan(t *testing.T, path string, visit func(table, column string, v any)) {
	t.Helper()
	sdb := nuOpen(t, path)
	defer sdb.Close()
	rows, err := sdb.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	platCheck(t, err)
	var tables []string
	for rows.Next() {
		var name string
		platCheck(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	platCheck(t, rows.Err())
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("the database has only the tables %q", tables)
	}
	for _, table := range tables {
		rows, err := sdb.Query(`SELECT * FROM "` + table + `"`)
		platCheck(t, err)
		cols, err := rows.Columns()
		platCheck(t, err)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			platCheck(t, rows.Scan(ptrs...))
			for i, v := range vals {
				visit(table, cols[i], v)
			}
		}
		platCheck(t, rows.Err())
		rows.Close()
	}
}
