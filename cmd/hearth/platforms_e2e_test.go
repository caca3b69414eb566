package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/store"
)

// platWait bounds every wait of the platforms test: a failing test fails
// instead of hanging. Nothing sleeps; waits end as soon as their condition
// holds.
const platWait = 30 * time.Second

// The fake Slack workspace: two plain members, an admin, a member who only
// posts in #design and one who never takes part.
var (
	platSlackAlice = fakeslack.User{ID: "U0ALICE", Name: "alice", RealName: "Alice Liddell"}
	platSlackBob   = fakeslack.User{ID: "U0BOB", Name: "bob", RealName: "Bob Marley"}
	platSlackAda   = fakeslack.User{ID: "U0ADA", Name: "ada", RealName: "Ada Lovelace", IsAdmin: true}
	platSlackCarol = fakeslack.User{ID: "U0CAROL", Name: "carol", RealName: "Carol Shaw"}
	platSlackDave  = fakeslack.User{ID: "U0DAVE", Name: "dave", RealName: "Dave Quiet"}

	platSlackGeneral = fakeslack.Channel{ID: "C0GENERAL", Name: "general"}
	platSlackDesign  = fakeslack.Channel{ID: "C0DESIGN", Name: "design"}
)

// The fake Discord guild: its owner, three members who take part, dana who
// facilitates by configuration (HEARTH_FACILITATORS), and erin who never
// takes part. The Server Members Intent is on, so the member list is synced
// and members who never post count as observers.
const (
	platGuildID    = "100"
	platGeneralID  = "201"
	platShowcaseID = "202"
	platDanaID     = "505"
)

var (
	platDiscordOwner = fakediscord.User{ID: "500", Username: "owner"}
	platDiscordAlice = fakediscord.User{ID: "501", Username: "alice", GlobalName: "Alice"}
	platDiscordBob   = fakediscord.User{ID: "502", Username: "bob"}
	platDiscordCarol = fakediscord.User{ID: "503", Username: "carol"}
	platDiscordDana  = fakediscord.User{ID: platDanaID, Username: "dana"}
	platDiscordErin  = fakediscord.User{ID: "506", Username: "erin"}
)

func platGuild(joined time.Time) fakediscord.Guild {
	g := fakediscord.Guild{
		ID: platGuildID, Name: "Gardeners", OwnerID: platDiscordOwner.ID,
		Channels: []fakediscord.Channel{
			{ID: platGeneralID, Name: "general", Type: fakediscord.ChannelText},
			{ID: platShowcaseID, Name: "showcase", Type: fakediscord.ChannelText},
		},
		Roles: []fakediscord.Role{
			{ID: platGuildID, Name: "@everyone", Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages},
		},
	}
	for _, u := range []fakediscord.User{platDiscordOwner, platDiscordAlice, platDiscordBob, platDiscordCarol, platDiscordDana, platDiscordErin} {
		g.Members = append(g.Members, fakediscord.Member{User: u, JoinedAt: joined})
	}
	return g
}

// TestSlackAndDiscordInOneProcess is the platforms' "done when" for the
// whole binary: `hearth run` serves a Slack workspace (Socket Mode) and a
// Discord guild at once, each its own community in one database; activity
// on each platform is recorded once (redeliveries and replays included),
// deletions are retracted, and /hearth report from a facilitator on either
// platform gives, privately, the same numbers as `hearth report` on the
// database, while plain members are refused.
func TestSlackAndDiscordInOneProcess(t *testing.T) {
	// One clock for the binary and both fakes. Activity happens at t0; once
	// it is recorded the clock moves to t1 for the commands, so every
	// platform timestamp (Slack ts, Discord snowflakes, Discord reactions
	// dated by the clock) falls inside the 7 days before t1.
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := bot.NewManualClock(t0)

	sl := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	sl.AddUser(platSlackAlice, platSlackBob, platSlackAda, platSlackCarol, platSlackDave)
	sl.AddChannel(platSlackGeneral, platSlackDesign)
	slackCommunity := "slack:" + sl.TeamID()

	dc := fakediscord.New(fakediscord.Options{MembersIntent: true, Now: clock.Now,
		Guilds: []fakediscord.Guild{platGuild(t0.Add(-60 * 24 * time.Hour))}})
	t.Cleanup(dc.Close)
	discordCommunity := "discord:" + platGuildID

	db := filepath.Join(t.TempDir(), "hearth.db")
	vars := platformVars(sl, dc)
	vars["HEARTH_HTTP_ADDR"] = "127.0.0.1:0"
	logs := &platLog{}
	e := platformEnv(vars, clock.Now, logs)
	stop := runInBackground(t, db, e)

	// Commands and reports run at t1, an hour after the activity at t0.
	t1 := t0.Add(time.Hour)
	now := t1.Format(time.RFC3339)

	// Start-up: both adapters connect and sync their member lists (Discord's
	// through the gateway's member chunks), each into its own community.
	// The Discord sync must be over before the test drops the connection:
	// a member request lost with a dropped connection is not sent again.
	sl.WaitConnections(1)
	platWaitDiscord(t, dc, "/hearth registered in the guild", func() bool { return dc.Commands(platGuildID) != nil })
	platWaitReport(t, db, slackCommunity, now, logs, "5 members synced", func(r bot.Report) bool { return r.Members.Total == 5 })
	platWaitReport(t, db, discordCommunity, now, logs, "6 members synced", func(r bot.Report) bool { return r.Members.Total == 6 })

	// Slack: a message, a second one deleted later, a thread reply, a
	// reaction, a message in #design, an integration's post (never counted),
	// the first message's envelope redelivered (same envelope id) and the
	// reply sent again in a new envelope. The deletion goes last: events
	// apply in order, so once it shows everything before it was applied.
	ts := func(n int) string { return fmt.Sprintf("%d.%06d", t0.Unix(), n) }
	first := sl.PushEvent(fakeslack.Message(platSlackGeneral.ID, platSlackAlice.ID, ts(100)))
	sl.PushEvent(fakeslack.Message(platSlackGeneral.ID, platSlackBob.ID, ts(200)))
	reply := fakeslack.Reply(platSlackGeneral.ID, platSlackBob.ID, ts(300), ts(100))
	sl.PushEvent(reply)
	sl.PushEvent(fakeslack.ReactionAdded(platSlackAda.ID, "tada", platSlackGeneral.ID, ts(100), ts(400)))
	sl.PushEvent(fakeslack.Message(platSlackDesign.ID, platSlackCarol.ID, ts(500)))
	sl.PushEvent(fakeslack.BotMessage(platSlackGeneral.ID, "B0ROBOT", ts(600)))
	sl.WaitAck(first)
	sl.Redeliver(first)
	sl.PushEvent(reply)
	sl.PushEvent(fakeslack.MessageDeleted(platSlackGeneral.ID, platSlackBob.ID, ts(200), ts(700)))

	// Discord: a message, a reply in the thread started from it, a reaction,
	// a message dispatched twice (a replay), a message deleted later, another
	// bot's post, then a dropped connection: the message sent meanwhile is
	// replayed on RESUME. The deletion goes last, as on Slack.
	post := func(m fakediscord.Message) fakediscord.Message {
		t.Helper()
		m.GuildID = platGuildID
		got, err := dc.MessageCreate(m)
		if err != nil {
			t.Fatalf("discord message: %v", err)
		}
		return got
	}
	m1 := post(fakediscord.Message{ChannelID: platGeneralID, Author: platDiscordAlice})
	platCheck(t, dc.ThreadCreate(platGuildID, fakediscord.Channel{ID: m1.ID, Name: "about that", Type: fakediscord.ChannelPublicThread, ParentID: platGeneralID}))
	post(fakediscord.Message{ChannelID: m1.ID, Author: platDiscordBob})
	platCheck(t, dc.ReactionAdd(fakediscord.Reaction{GuildID: platGuildID, ChannelID: platGeneralID, MessageID: m1.ID, User: platDiscordCarol, EmojiName: "🌱"}))
	twice := fakediscord.Message{ID: dc.NewID(), ChannelID: platGeneralID, Author: platDiscordBob}
	post(twice)
	post(twice)
	deleted := post(fakediscord.Message{ChannelID: platGeneralID, Author: platDiscordCarol})
	post(fakediscord.Message{ChannelID: platGeneralID, Author: fakediscord.User{ID: "600", Username: "otherbot", Bot: true}})
	sid := dc.SessionID()
	platCheck(t, dc.Drop())
	post(fakediscord.Message{ChannelID: platShowcaseID, Author: platDiscordAlice})
	platWaitDiscord(t, dc, "the gateway session resumed", func() bool { return len(dc.Resumes()) == 1 && dc.Connected() })
	if r := dc.Resumes()[0]; r.SessionID != sid {
		t.Errorf("resumed session %q, want %q", r.SessionID, sid)
	}
	platCheck(t, dc.MessageDelete(platGuildID, platGeneralID, deleted.ID))

	// Wait, reading the database as `hearth report` does, until each
	// community shows its final figures. Every event changes some figure
	// (per member or per channel), so the final figures mean every event,
	// duplicates included, was applied.
	wantSlack := bot.Report{
		Members:  bot.MemberCounts{Total: 5, Active: 4, Quiet: 1},
		Activity: bot.ActivityCounts{Messages: 2, Replies: 1, Reactions: 1},
		Tiers:    bot.Tiers{Creators: 2, Responders: 2, Observers: 1},
		Channels: []bot.ChannelActivity{
			{ID: platSlackGeneral.ID, Name: "general", Messages: 1, Replies: 1, Reactions: 1, ActiveMembers: 3},
			{ID: platSlackDesign.ID, Name: "design", Messages: 1, ActiveMembers: 1},
		},
		TopContributors: []bot.Contributor{
			{ID: platSlackAlice.ID, Messages: 1}, {ID: platSlackBob.ID, Replies: 1},
			{ID: platSlackCarol.ID, Messages: 1}, {ID: platSlackAda.ID, Reactions: 1},
		},
	}
	wantDiscord := bot.Report{
		Members:  bot.MemberCounts{Total: 6, Active: 3, Quiet: 3},
		Activity: bot.ActivityCounts{Messages: 3, Replies: 1, Reactions: 1},
		Tiers:    bot.Tiers{Creators: 2, Responders: 1, Observers: 3},
		Channels: []bot.ChannelActivity{
			{ID: platGeneralID, Name: "general", Messages: 2, Replies: 1, Reactions: 1, ActiveMembers: 3},
			{ID: platShowcaseID, Name: "showcase", Messages: 1, ActiveMembers: 1},
		},
		TopContributors: []bot.Contributor{
			{ID: platDiscordAlice.ID, Messages: 2}, {ID: platDiscordBob.ID, Messages: 1, Replies: 1},
			{ID: platDiscordCarol.ID, Reactions: 1},
		},
	}
	slackRep := platWaitReport(t, db, slackCommunity, now, logs, platFigures(wantSlack),
		func(r bot.Report) bool { return platFigures(r) == platFigures(wantSlack) })
	discordRep := platWaitReport(t, db, discordCommunity, now, logs, platFigures(wantDiscord),
		func(r bot.Report) bool { return platFigures(r) == platFigures(wantDiscord) })
	// Only now does the clock move: Discord dates a reaction when Hearth
	// applies it (Discord gives no time), so it had to be applied at t0.
	clock.Set(t1)

	// Each community holds only its own platform's members and channels.
	for _, c := range slackRep.TopContributors {
		if !strings.HasPrefix(c.ID, "U0") {
			t.Errorf("slack report counts %q, not a Slack member", c.ID)
		}
	}
	for _, c := range discordRep.TopContributors {
		if strings.HasPrefix(c.ID, "U0") {
			t.Errorf("discord report counts %q, a Slack member", c.ID)
		}
	}

	// Three duplicates reached the core and were recorded once: Slack's
	// redelivered envelope, Slack's reply sent again, Discord's replay.
	// The real process's /metrics passes promtool's lint (scrapeMetrics).
	metrics := scrapeMetrics(t, "http://"+platHTTPAddr(t, logs)+"/metrics")
	if n := metrics.sum("hearth_events_total", map[string]string{"outcome": "duplicate"}); n != 3 {
		t.Errorf("metrics: %v duplicates, want 3", n)
	}
	for _, p := range []string{"slack", "discord"} {
		if n := metrics.sum("hearth_platform_api_calls_total", map[string]string{"platform": p, "outcome": "ok"}); n == 0 {
			t.Errorf("metrics: no %s API calls counted", p)
		}
	}

	// Both communities are in the one database: without --community the
	// report names both.
	{
		re, _, _ := testEnv("", nil)
		err := run(context.Background(), []string{"report", "--db", db, "--format", "json", "--now", now}, re)
		if err == nil || !strings.Contains(err.Error(), slackCommunity) || !strings.Contains(err.Error(), discordCommunity) {
			t.Errorf("hearth report without --community: err = %v, want it to list %s and %s", err, slackCommunity, discordCommunity)
		}
	}

	// Discord: dana, a facilitator by HEARTH_FACILITATORS without Manage
	// Server, gets the report as an ephemeral answer (flags 64). Her
	// interaction is dispatched twice (replayed) and answered once.
	invoker := func(u fakediscord.User) fakediscord.Invoker {
		return fakediscord.Invoker{GuildID: platGuildID, ChannelID: platGeneralID, User: u,
			Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}
	}
	in, raw := dc.PrepareSlash(invoker(platDiscordDana), "hearth", fakediscord.SubCommand("report"))
	_, err := dc.Dispatch("INTERACTION_CREATE", json.RawMessage(raw))
	platCheck(t, err)
	_, err = dc.Dispatch("INTERACTION_CREATE", json.RawMessage(raw))
	platCheck(t, err)
	flags, text := platDiscordAnswer(t, dc, in.ID)
	if flags&64 == 0 {
		t.Errorf("facilitator's /hearth report has flags %d, want ephemeral (64)", flags)
	}
	platSameReport(t, "discord /hearth report", text, reportJSON(t, db, "--community", discordCommunity, "--now", in.At.UTC().Format(time.RFC3339Nano)))

	// A plain member is refused, privately.
	in2, err := dc.Slash(invoker(platDiscordBob), "hearth", fakediscord.SubCommand("report"))
	platCheck(t, err)
	flags, text = platDiscordAnswer(t, dc, in2.ID)
	if flags&64 == 0 || !strings.Contains(text, "is for facilitators") {
		t.Errorf("member's /hearth report = %q (flags %d), want an ephemeral refusal", text, flags)
	}
	if n := len(dc.Callbacks(in.ID)); n != 1 {
		t.Errorf("the replayed interaction was answered %d times, want once", n)
	}
	if msgs := dc.Messages(""); len(msgs) != 0 {
		t.Errorf("Hearth posted in a channel: %+v", msgs)
	}

	// Slack: the workspace admin gets the report privately (response_url,
	// ephemeral), with the numbers of `hearth report` at the same instant.
	slash := func(u fakeslack.User, text string) fakeslack.Response {
		t.Helper()
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: u.ID, UserName: u.Name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: text})
		return platSlackResponse(t, sl, in.ResponseURL)
	}
	rep := slash(platSlackAda, "report")
	if rep.ResponseType != "ephemeral" {
		t.Errorf("admin's /hearth report is %q, want ephemeral", rep.ResponseType)
	}
	if len(sl.Posts()) != 0 {
		t.Errorf("a report was posted in a channel: %+v", sl.Posts())
	}
	platSameReport(t, "slack /hearth report", rep.Text, reportJSON(t, db, "--community", slackCommunity, "--now", now))

	// A plain member is refused, privately; their facilitator add changes
	// nothing, so they are still refused afterwards.
	for i, text := range []string{"report", "facilitator add <@" + platSlackBob.ID + ">", "report"} {
		r := slash(platSlackBob, text)
		if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "is for facilitators") {
			t.Errorf("member's /hearth %s (#%d) = %q (%s), want an ephemeral refusal", text, i, r.Text, r.ResponseType)
		}
	}
	{
		sdb, err := store.Open(context.Background(), db)
		platCheck(t, err)
		facs, err := sdb.Facilitators(context.Background(), slackCommunity)
		sdb.Close()
		platCheck(t, err)
		if len(facs) != 0 {
			t.Errorf("a member's /hearth facilitator add stored facilitators: %+v", facs)
		}
	}

	// Graceful shutdown: run returns nil once both adapters have stopped.
	if err := stop(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	if n := len(dc.RequestsTo("POST /interactions/" + in.ID + "/")); n != 1 {
		t.Errorf("the replayed interaction was answered %d times, want once", n)
	}
	out := logs.String()
	if !strings.Contains(out, "shut down cleanly") {
		t.Errorf("no clean shutdown in the log:\n%s", out)
	}
	for _, secret := range []string{fakeslack.SecretText, sl.Options().BotToken, sl.Options().AppToken, dc.Token()} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		// The Discord adapter runs interaction work under Run's context, so
		// stopping right after an answer was received can cancel the HTTP
		// call that carried it before its response is read. The answer
		// itself arrived (the test saw it); only that log line is tolerated.
		if strings.Contains(line, "level=ERROR") &&
			!(strings.Contains(line, `msg="answering an interaction failed"`) && strings.Contains(line, "context canceled")) {
			t.Errorf("an error in the log: %s", line)
		}
	}
}

// platWaitReport polls `hearth report --format json --community C --now
// NOW` on the database until ok holds, and returns that report. Before the
// community exists the report fails; that is waited out too.
func platWaitReport(t *testing.T, db, community, now string, logs *platLog, want string, ok func(bot.Report) bool) bot.Report {
	t.Helper()
	deadline := time.Now().Add(platWait)
	var last string
	for {
		e, stdout, stderr := testEnv("", nil)
		err := run(context.Background(), []string{"report", "--db", db, "--format", "json", "--community", community, "--now", now}, e)
		if err == nil {
			var r bot.Report
			if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
				t.Fatalf("report json: %v\n%s", err, stdout)
			}
			if ok(r) {
				return r
			}
			last = platFigures(r)
		} else {
			last = err.Error() + " " + stderr.String()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: timed out waiting for %s\n got %s\nthe log:\n%s", community, want, last, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// platFigures is the part of a report the test pins down, comparable as a string.
func platFigures(r bot.Report) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "members %+v activity %+v tiers %+v channels", r.Members, r.Activity, r.Tiers)
	for _, c := range r.Channels {
		fmt.Fprintf(&sb, " %s(%s) %d/%d/%d/%d", c.ID, c.Name, c.Messages, c.Replies, c.Reactions, c.ActiveMembers)
	}
	sb.WriteString(" top")
	for _, c := range r.TopContributors {
		fmt.Fprintf(&sb, " %s %d/%d/%d", c.ID, c.Messages, c.Replies, c.Reactions)
	}
	return sb.String()
}

// platSameReport checks that the report a person got in chat says what the
// JSON report says: the chat text is the JSON report rendered for chat,
// whatever emphasis markup the platform uses.
func platSameReport(t *testing.T, what, chat string, want bot.Report) {
	t.Helper()
	if want.Activity.Messages == 0 {
		t.Fatalf("%s: the JSON report is empty: %+v", what, want)
	}
	expect := reporting.FormatReport(want, reporting.ReportView{Location: time.UTC, Label: "last 7 days"})
	plain := func(s string) string { return strings.ReplaceAll(s, "*", "") }
	if plain(chat) != plain(expect) {
		t.Errorf("%s differs from hearth report --format json:\n got %q\nwant %q", what, chat, expect)
	}
	// The figures are in the text, whatever the rendering.
	for _, line := range []string{
		fmt.Sprintf("Members %d", want.Members.Total),
		fmt.Sprintf("active %d", want.Members.Active),
		platPlural(want.Activity.Messages, "message"),
		platPlural(want.Activity.Replies, "reply"),
		platPlural(want.Activity.Reactions, "reaction"),
		platPlural(want.Tiers.Creators, "creator"),
	} {
		if !strings.Contains(plain(chat), line) {
			t.Errorf("%s lacks %q:\n%s", what, line, chat)
		}
	}
}

func platPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// platSlackResponse waits for the response_url post of one interaction.
func platSlackResponse(t *testing.T, sl *fakeslack.Server, url string) fakeslack.Response {
	t.Helper()
	deadline := time.Now().Add(platWait)
	for {
		for _, r := range sl.Responses() {
			if r.URL == url {
				return r
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no response to %s; responses: %+v", url, sl.Responses())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// platDiscordAnswer waits for the answer to an interaction and returns its
// flags and content: the immediate message (type 4), or the edit of a
// deferred one (type 5).
func platDiscordAnswer(t *testing.T, dc *fakediscord.Server, id string) (flags int, content string) {
	t.Helper()
	var cbs []fakediscord.Callback
	answered := func() bool {
		cbs = dc.Callbacks(id)
		if len(cbs) == 0 {
			return false
		}
		return cbs[0].Type == 4 || slices.ContainsFunc(cbs, func(c fakediscord.Callback) bool { return c.Kind == "edit" })
	}
	platWaitDiscord(t, dc, "the answer to interaction "+id, answered)
	var first struct {
		Flags   int    `json:"flags"`
		Content string `json:"content"`
	}
	if err := json.Unmarshal(cbs[0].Data, &first); err != nil {
		t.Fatalf("interaction answer %s: %v", cbs[0].Data, err)
	}
	if cbs[0].Type == 4 {
		return first.Flags, first.Content
	}
	if cbs[0].Type != 5 {
		t.Fatalf("interaction answered with type %d", cbs[0].Type)
	}
	for _, c := range cbs {
		if c.Kind == "edit" {
			var edit struct {
				Content string `json:"content"`
			}
			platCheck(t, json.Unmarshal(c.Data, &edit))
			return first.Flags, edit.Content
		}
	}
	panic("unreachable")
}

func platWaitDiscord(t *testing.T, dc *fakediscord.Server, what string, cond func() bool) {
	t.Helper()
	if err := dc.Wait(platWait, cond); err != nil {
		t.Fatalf("timed out waiting for %s", what)
	}
}

func platCheck(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var platListening = regexp.MustCompile(`msg="http listening" addr=(\S+)`)

// platHTTPAddr is the operator endpoint's address, from the log.
// platHTTPAddr waits for the instance to say where it serves HTTP: an
// instance may still be starting when another already has every shard.
func platHTTPAddr(t *testing.T, logs *platLog) string {
	t.Helper()
	m := logs.waitFor(platListening, platWait)
	if m == nil {
		t.Fatalf("no http listening line in the log after %v:\n%s", platWait, logs)
	}
	return m[1]
}

func platGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	platCheck(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	platCheck(t, err)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, b)
	}
	return string(b)
}

// platLog is the binary's standard error, safe to read while it runs;
// waitFor waits for a line to appear in it.
type platLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and replaced at each write
}

func (l *platLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.written != nil {
		close(l.written)
		l.written = nil
	}
	return l.buf.Write(p)
}

// waitFor returns re's first match in the log, waiting up to d for it;
// nil if it did not come.
func (l *platLog) waitFor(re *regexp.Regexp, d time.Duration) []string {
	timeout := time.After(d)
	for {
		l.mu.Lock()
		m := re.FindStringSubmatch(l.buf.String())
		if m == nil && l.written == nil {
			l.written = make(chan struct{})
		}
		written := l.written
		l.mu.Unlock()
		if m != nil {
			return m
		}
		select {
		case <-written:
		case <-timeout:
			return nil
		}
	}
}

func (l *platLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// platformVars is the environment that points hearth at both fakes.
func platformVars(sl *fakeslack.Server, dc *fakediscord.Server) map[string]string {
	return map[string]string{
		"SLACK_BOT_TOKEN":        sl.Options().BotToken,
		"SLACK_APP_TOKEN":        sl.Options().AppToken,
		"SLACK_API_URL":          sl.URL(),
		"DISCORD_BOT_TOKEN":      dc.Token(),
		"DISCORD_API_URL":        dc.URL(),
		"DISCORD_GUILD_ID":       platGuildID,
		"DISCORD_MEMBERS_INTENT": "1",
		"HEARTH_FACILITATORS":    platDanaID,
	}
}

// runInBackground starts `hearth run --db db` in-process and returns the
// function that stops it and reports what run returned. It also stops at
// cleanup, before the fakes close (cleanups run last-registered first).
func runInBackground(t *testing.T, db string, e env) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"run", "--db", db}, e) }()
	var stopOnce sync.Once
	var stopErr error
	stop = func() error {
		stopOnce.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(platWait):
				stopErr = fmt.Errorf("run did not return %v after cancel", platWait)
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// platformEnv is the process environment of an in-process `hearth run`.
func platformEnv(vars map[string]string, now func() time.Time, logs io.Writer) env {
	return env{
		getenv: func(k string) string { return vars[k] },
		stdin:  strings.NewReader(""),
		stdout: io.Discard,
		stderr: logs,
		now:    now,
	}
}
