package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// TestSeveralInstances is issue 16's end-to-end test: three `hearth run`
// processes on one PostgreSQL database serve a Slack workspace (once in
// Socket Mode, once in HTTP mode) and a Discord guild for three weeks of
// simulated time: a weekly prompt, digest and check-in (with its reminder
// and close), daily nudges, and daily activity on both platforms with
// Slack events redelivered to other instances and Discord messages
// replayed. On day 8 the instance owning the Discord shard is killed with
// SIGKILL. What each fleet leaves must equal what one instance leaves after
// the same three weeks: every post in a channel, every DM (nobody gets one
// twice), and the participation report of both communities; the Discord
// shard must have been taken over.
func TestSeveralInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("runs seven processes through three simulated weeks")
	}
	one := runFleet(t, "socket", 1)
	if t.Failed() {
		t.FailNow()
	}
	for _, mode := range []string{"socket", "http"} {
		t.Run(mode, func(t *testing.T) {
			three := runFleet(t, mode, 3)
			if three.takeovers == 0 {
				t.Error("nobody took the killed owner's Discord shard over")
			}
			sameLines(t, "posts in channels", one.posts, three.posts)
			sameLines(t, "DMs", one.dms, three.dms)
			for community, want := range one.reports {
				if got := three.reports[community]; got != want {
					t.Errorf("%s's report differs from one instance's:\n got %s\nwant %s", community, got, want)
				}
			}
		})
	}
}

// fleetOutcome is what a fleet left: the posts, the DMs (recipient and
// text), and each community's report as JSON.
type fleetOutcome struct {
	posts, dms []string
	reports    map[string]string
	takeovers  int // Discord IDENTIFYs after the first
}

// Three weeks from a Monday morning, and the check-in of the last Monday
// closed.
var (
	fleetStart = time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC)
	fleetEnd   = fleetStart.AddDate(0, 0, 23).Add(12 * time.Hour)
	fleetKill  = fleetStart.AddDate(0, 0, 8).Add(5 * time.Hour) // a Tuesday, 13:00
)

const fleetSecret = "fleet-signing-secret"

// runFleet plays the three weeks with n instances in the Slack mode
// ("socket" or "http"), killing the Discord shard's owner on day 8 when n
// is more than one.
func runFleet(t *testing.T, mode string, n int) fleetOutcome {
	t.Helper()
	clock := bot.NewManualClock(fleetStart)
	sl := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	sl.AddUser(platSlackAlice, platSlackBob, platSlackAda, platSlackCarol, platSlackDave)
	sl.AddChannel(platSlackGeneral)
	dc := fakediscord.New(fakediscord.Options{MembersIntent: true, Now: clock.Now,
		Guilds: []fakediscord.Guild{platGuild(fleetStart.AddDate(0, -2, 0))}})
	t.Cleanup(dc.Close)
	slackCommunity, discordCommunity := "slack:"+sl.TeamID(), "discord:"+platGuildID
	db := postgresSchema(t)

	vars := platformVars(sl, dc)
	if mode == "http" {
		delete(vars, "SLACK_APP_TOKEN")
		vars["SLACK_SIGNING_SECRET"] = fleetSecret
	}
	vars["DISCORD_SHARDS"] = "1"
	vars["HEARTH_DB"] = db
	vars["HEARTH_TZ"] = "UTC"
	vars["HEARTH_HTTP_ADDR"] = "127.0.0.1:0"
	f := &fleet{clock: clock}
	for i := range n {
		f.instances = append(f.instances, startInstance(t, fmt.Sprintf("%s-%d", mode, i), vars, fleetStart))
	}
	logs := f.instances[0].logs
	if mode == "socket" {
		sl.WaitConnections(n)
	}
	platWaitDiscord(t, dc, "the Discord shard connected", func() bool { return len(dc.LiveShards()) == 1 })
	platWaitDiscord(t, dc, "/hearth registered in the guild", func() bool { return dc.Commands(platGuildID) != nil })
	now := fleetStart.Format(time.RFC3339)
	platWaitReport(t, db, slackCommunity, now, logs, "Slack's members synced", func(r bot.Report) bool { return r.Members.Total == 5 })
	platWaitReport(t, db, discordCommunity, now, logs, "Discord's members synced", func(r bot.Report) bool { return r.Members.Total == 6 })

	s := &fleetSlack{t: t, sl: sl, f: f, mode: mode}
	for _, c := range []string{
		`prompt add "every monday at 9:00" "What did you try last week that surprised you?"`,
		`digest channel <#` + platSlackGeneral.ID + `|general>`,
		`digest schedule "every monday at 9:30"`,
		`checkin schedule pulse "every monday at 10:00" dm closes=48h`,
		`nudge settings mode=auto threshold=14d`,
		`nudge schedule "daily at 11:00"`,
	} {
		if text := s.command(platSlackAda, c); strings.Contains(text, "Sorry") || strings.Contains(text, "can't") {
			t.Fatalf("/hearth %s: %s", c, text)
		}
	}

	killed := false
	days := 0
	for day := 0; fleetStart.AddDate(0, 0, day).Before(fleetEnd); day++ {
		days++
		noon := fleetStart.AddDate(0, 0, day).Add(4 * time.Hour)
		f.advance(t, noon)
		s.activity(day, noon)
		fleetDiscordActivity(t, dc, day)
		if n > 1 && !killed && !noon.Before(fleetKill.Add(-time.Hour)) {
			f.advance(t, fleetKill)
			// Discord's gateway has no acknowledgements: what an owner
			// received but had not recorded dies with it (a new session
			// of another instance does not replay it; the README says so).
			// The kill falls between the day's messages and the next.
			upTo := fleetStart.AddDate(0, 0, day).Format(time.DateOnly)
			nuWaitReport(t, db, discordCommunity, fleetKill.Format(time.RFC3339), fleetStart.Format(time.DateOnly)+".."+upTo, logs,
				"the day's Discord activity recorded", func(r bot.Report) bool {
					return r.Activity.Messages == day+2 && r.Activity.Reactions == day+1
				})
			owner := fleetShardOwner(t, f)
			identified := len(dc.Identifies())
			owner.kill(t)
			killed = true
			// Leases run on the real clock: another instance takes the
			// shard within about instanceLeaseTTL, before the next message.
			platWaitDiscord(t, dc, "another instance took the shard over", func() bool {
				return len(dc.LiveShards()) == 1 && len(dc.Identifies()) > identified
			})
		}
	}
	f.advance(t, fleetEnd)
	// The clock waits for the schedulers, not for the events: those of the
	// last day may still be on their way to the database. Every event
	// counted, by both fleets, is what the comparison below relies on; one
	// never recorded fails here, by name.
	period, end := fleetStart.Format(time.DateOnly)+".."+fleetEnd.Format(time.DateOnly), fleetEnd.Format(time.RFC3339)
	nuWaitReport(t, db, slackCommunity, end, period, logs, "every Slack event recorded", func(r bot.Report) bool {
		return r.Activity.Messages == days+1 && r.Activity.Replies == days && r.Activity.Reactions == days
	})
	nuWaitReport(t, db, discordCommunity, end, period, logs, "every Discord event recorded", func(r bot.Report) bool {
		return r.Activity.Messages == days+1 && r.Activity.Reactions == days
	})
	if n > 1 && !killed {
		t.Fatal("no instance was killed")
	}

	if t.Failed() {
		for _, in := range f.instances {
			for _, l := range strings.Split(in.logs.String(), "\n") {
				if strings.Contains(l, "shard") || strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
					t.Logf("%s: %.300s", in.name, l)
				}
			}
		}
	}
	out := fleetOutcome{reports: map[string]string{}, takeovers: len(dc.Identifies()) - 1}
	for _, p := range sl.Posts() {
		line := fleetNormal(fmt.Sprintf("slack %s %s", p.Channel, p.Text))
		if strings.HasPrefix(p.Channel, "D") {
			out.dms = append(out.dms, line)
		} else {
			out.posts = append(out.posts, line)
		}
	}
	for _, m := range dc.Messages("") {
		line := fleetNormal(fmt.Sprintf("discord %s %s", m.ChannelID, m.Content))
		if m.ChannelID != platGeneralID && m.ChannelID != platShowcaseID {
			out.dms = append(out.dms, line)
		} else {
			out.posts = append(out.posts, line)
		}
	}
	for _, c := range []string{slackCommunity, discordCommunity} {
		r := reportJSON(t, db, "--community", c, "--period", "2026-11-09..2026-12-02", "--now", fleetEnd.Format(time.RFC3339))
		b, err := json.Marshal(r)
		platCheck(t, err)
		out.reports[c] = fleetNormal(string(b))
	}
	if n == 1 {
		fleetSanity(t, out)
	}
	return out
}

// fleetIDs are the platforms' ids of posts: Slack's ts (also as in a
// permalink) and Discord's snowflakes. The fakes number them by how many calls came before, which
// differs between fleets (a retried call, another instance's sync), so
// they are compared as "ID".
var fleetIDs = regexp.MustCompile(`\b\d{10}\.\d{6}\b|\bp\d{16}\b|\b\d{17,20}\b`)

func fleetNormal(s string) string { return fleetIDs.ReplaceAllString(s, "ID") }

// fleetSanity checks the one instance's three weeks did what the test is
// about, so the comparison with the fleets means something.
func fleetSanity(t *testing.T, o fleetOutcome) {
	t.Helper()
	count := func(lines []string, sub string) int {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, sub) {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		what  string
		lines []string
		sub   string
		want  int
	}{
		{"weekly prompts", o.posts, "*Discussion prompt*", 4},
		{"weekly digests", o.posts, "*Weekly digest", 4},
		{"check-in results", o.posts, "*Weekly pulse: results*", 4},
		{"check-in DMs (5 members, 4 runs)", o.dms, "Three quick questions", 40}, // the invitation and the reminder
		{"check-in reminders", o.dms, "_Reminder: this check-in closes", 20},
		{"nudges (alice, quiet since the first day)", o.dms, "we've missed you", 1},
	} {
		if n := count(c.lines, c.sub); n != c.want {
			t.Errorf("one instance: %s: %d, want %d", c.what, n, c.want)
		}
	}
	if t.Failed() {
		for _, l := range append(o.posts, o.dms...) {
			t.Logf("%.150q", l)
		}
	}
}

// fleetShardOwner is the live instance that holds the Discord shard.
func fleetShardOwner(t *testing.T, f *fleet) *instance {
	t.Helper()
	owning := regexp.MustCompile(`msg="owning shard"`)
	for _, in := range f.alive() {
		if owning.MatchString(in.logs.String()) {
			return in
		}
	}
	t.Fatal("no live instance says it owns the Discord shard")
	return nil
}

// fleetSlack drives the fake Slack in the fleet's mode: through Socket
// Mode, or as Slack's HTTP requests to the instances in turn.
type fleetSlack struct {
	t    *testing.T
	sl   *fakeslack.Server
	f    *fleet
	mode string
	next int // the instance the next HTTP request goes to
}

// to is the address of the next live instance, in turn.
func (s *fleetSlack) to() string {
	alive := s.f.alive()
	in := alive[s.next%len(alive)]
	s.next++
	return "http://" + platHTTPAddr(s.t, in.logs) + "/slack/events"
}

func (s *fleetSlack) post(target, contentType string, body []byte, retry int) {
	s.t.Helper()
	req, err := fakeslack.SignedRequest(target, fleetSecret, s.f.clock.Now(), contentType, body)
	platCheck(s.t, err)
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", fmt.Sprint(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	resp, err := http.DefaultClient.Do(req)
	platCheck(s.t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("POST %s: %s", target, resp.Status)
	}
}

// command runs `/hearth text` as u and returns the private answer.
func (s *fleetSlack) command(u fakeslack.User, text string) string {
	s.t.Helper()
	c := fakeslack.SlashCommand{UserID: u.ID, UserName: u.Name, ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: text}
	var in fakeslack.Interaction
	if s.mode == "socket" {
		in = s.sl.PushSlashCommand(c)
	} else {
		in = s.sl.SlashCommand(c)
		s.post(s.to(), "application/x-www-form-urlencoded", in.Form(), 0)
	}
	return platSlackResponse(s.t, s.sl, in.ResponseURL).Text
}

// event delivers ev, and when redeliver is set delivers it again (the same
// envelope in Socket Mode, Slack's retry over HTTP) to another instance.
func (s *fleetSlack) event(ev fakeslack.Event, redeliver bool) {
	s.t.Helper()
	if s.mode == "socket" {
		id := s.sl.PushEvent(ev)
		if redeliver {
			s.sl.WaitAck(id)
			s.sl.Redeliver(id)
		}
		return
	}
	body := s.sl.EventBody(ev)
	s.post(s.to(), "application/json", body, 0)
	if redeliver {
		s.post(s.to(), "application/json", body, 1)
	}
}

// activity is day's Slack activity at noon: alice posts on the first day
// only (she will be quiet, and nudged), bob posts, carol replies and dave
// reacts every day; every other day bob's post is delivered twice.
func (s *fleetSlack) activity(day int, noon time.Time) {
	ts := func(n int) string { return fmt.Sprintf("%d.%06d", noon.Unix(), n) }
	if day == 0 {
		s.event(fakeslack.Message(platSlackGeneral.ID, platSlackAlice.ID, ts(1)), false)
	}
	s.event(fakeslack.Message(platSlackGeneral.ID, platSlackBob.ID, ts(2)), day%2 == 0)
	s.event(fakeslack.Reply(platSlackGeneral.ID, platSlackCarol.ID, ts(3), ts(2)), day%3 == 0)
	s.event(fakeslack.ReactionAdded(platSlackDave.ID, "tada", platSlackGeneral.ID, ts(2), ts(4)), false)
}

// fleetDiscordActivity is day's Discord activity: alice posts on the first
// day only, bob posts every day (replayed every third day), carol reacts.
func fleetDiscordActivity(t *testing.T, dc *fakediscord.Server, day int) {
	t.Helper()
	post := func(m fakediscord.Message) fakediscord.Message {
		t.Helper()
		m.GuildID = platGuildID
		got, err := dc.MessageCreate(m)
		platCheck(t, err)
		return got
	}
	if day == 0 {
		post(fakediscord.Message{ChannelID: platGeneralID, Author: platDiscordAlice})
	}
	m := fakediscord.Message{ID: dc.NewID(), ChannelID: platGeneralID, Author: platDiscordBob}
	post(m)
	if day%3 == 0 {
		post(m)
	}
	platCheck(t, dc.ReactionAdd(fakediscord.Reaction{GuildID: platGuildID, ChannelID: platGeneralID, MessageID: m.ID, User: platDiscordCarol, EmojiName: "🌱"}))
}

// sameLines fails unless got and want hold the same lines, as many times
// each, in any order.
func sameLines(t *testing.T, what string, want, got []string) {
	t.Helper()
	want, got = slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))
	if slices.Equal(want, got) {
		return
	}
	counts := map[string]int{}
	for _, l := range want {
		counts[l]++
	}
	for _, l := range got {
		counts[l]--
	}
	for l, n := range counts {
		switch {
		case n > 0:
			t.Errorf("%s: %d fewer than one instance's: %q", what, n, l)
		case n < 0:
			t.Errorf("%s: %d more than one instance's: %q", what, -n, l)
		}
	}
}
