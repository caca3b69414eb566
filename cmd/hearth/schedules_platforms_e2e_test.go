package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/store"
)

// schedFacilitatorsID is the Discord guild's facilitators' channel, where
// the digest goes.
const schedFacilitatorsID = "203"

var schedSlackFacilitators = fakeslack.Channel{ID: "C0FACIL", Name: "facilitators"}

// schedSim is the scheduler's wait in TestSchedulesThroughSlackAndDiscord:
// instead of sleeping d it moves the shared clock forward by d, so a day of
// schedules runs in a moment. It holds still until released (the test sets
// the schedules up first, at the start instant), and once the clock reaches
// limit it blocks until the process stops.
type schedSim struct {
	clock   *bot.ManualClock
	limit   time.Time
	release chan struct{} // closed by the test when the schedules are set up
	reached chan struct{} // closed when the clock is at limit
	once    sync.Once

	mu     sync.Mutex
	passes int // waits that moved the clock
}

func (s *schedSim) wait(ctx context.Context, d time.Duration) error {
	select {
	case <-s.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	if now := s.clock.Now(); now.Before(s.limit) {
		s.clock.Set(now.Add(min(d, s.limit.Sub(now))))
		s.mu.Lock()
		s.passes++
		s.mu.Unlock()
		return nil
	}
	s.once.Do(func() { close(s.reached) })
	<-ctx.Done()
	return ctx.Err()
}

func (s *schedSim) passCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.passes
}

// TestSchedulesThroughSlackAndDiscord is issue 5's "the same schedules fire
// through the Slack and Discord adapters against their fakes": in one
// `hearth run`, a Slack admin (slash commands) and a Discord facilitator
// (interactions) each set up, in their own community, a digest channel, a
// weekly digest and a weekly deck prompt. The scheduler's wait moves the
// shared clock from Monday 07:00 to 11:00 (Paris): each platform gets
// exactly one prompt at 09:00 in the channel it was scheduled in and one
// digest, with its chart uploaded as a file, at 10:00 in the digest channel;
// the database shows one fired firing per schedule at those instants and
// nothing else; and a member's reply in each prompt's thread counts as a
// prompt reply.
func TestSchedulesThroughSlackAndDiscord(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	platCheck(t, err)
	// Monday Nov 2 2026, 07:00 in Paris (CET, UTC+1): the schedules are
	// set up two hours before the first prompt. The simulated window holds
	// one Monday 09:00 and one Monday 10:00, then an hour in which the
	// scheduler must fire nothing again. It is kept to four hours because
	// the scheduler waits 30 s at most, so each simulated hour is 120
	// passes over the database (a few ms each under -race).
	start := time.Date(2026, 11, 2, 7, 0, 0, 0, paris)
	promptAt := time.Date(2026, 11, 2, 9, 0, 0, 0, paris)
	digestAt := time.Date(2026, 11, 2, 10, 0, 0, 0, paris)
	limit := time.Date(2026, 11, 2, 11, 0, 0, 0, paris)
	clock := bot.NewManualClock(start)
	sim := &schedSim{clock: clock, limit: limit, release: make(chan struct{}), reached: make(chan struct{})}

	sl := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	sl.AddUser(platSlackAlice, platSlackBob, platSlackAda, platSlackCarol, platSlackDave)
	sl.AddChannel(platSlackGeneral, platSlackDesign, schedSlackFacilitators)
	slackCommunity := "slack:" + sl.TeamID()

	guild := platGuild(start.Add(-60 * 24 * time.Hour))
	guild.Channels = append(guild.Channels, fakediscord.Channel{ID: schedFacilitatorsID, Name: "facilitators", Type: fakediscord.ChannelText})
	dc := fakediscord.New(fakediscord.Options{MembersIntent: true, Now: clock.Now, Guilds: []fakediscord.Guild{guild}})
	t.Cleanup(dc.Close)
	discordCommunity := "discord:" + platGuildID

	db := filepath.Join(t.TempDir(), "hearth.db")
	vars := platformVars(sl, dc)
	vars["HEARTH_TZ"] = "Europe/Paris"
	logs := &platLog{}
	e := platformEnv(vars, clock.Now, logs)
	e.wait = sim.wait
	stop := runInBackground(t, db, e)

	// Both adapters connected, /hearth registered in the guild.
	sl.WaitConnections(1)
	platWaitDiscord(t, dc, "/hearth registered in the guild", func() bool { return dc.Commands(platGuildID) != nil })

	// Slack: Ada, a workspace admin, sets the rhythm from #general.
	slash := func(text, want string) {
		t.Helper()
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: platSlackAda.ID, UserName: platSlackAda.Name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: text})
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, want) {
			t.Fatalf("slack /hearth %s = %q (%s), want an ephemeral answer with %q\nthe log:\n%s", text, r.Text, r.ResponseType, want, logs)
		}
	}
	slash("digest channel <#"+schedSlackFacilitators.ID+"|"+schedSlackFacilitators.Name+">", "The weekly digest goes to #facilitators")
	slash(`digest schedule "every monday at 10:00"`, "First one: Mon Nov 2 10:00 CET")
	slash(`prompt deck schedule "every monday at 9:00"`, "First one: Mon Nov 2 09:00 CET")

	// Discord: dana, a facilitator by HEARTH_FACILITATORS, does the same
	// from #general with the typed sub-commands.
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
	discordCmd("The weekly digest goes to", fakediscord.Group("digest", fakediscord.SubCommand("channel", fakediscord.ChannelOpt("channel", schedFacilitatorsID))))
	discordCmd("First one: Mon Nov 2 10:00 CET", fakediscord.Group("digest", fakediscord.SubCommand("schedule", fakediscord.String("spec", "every monday at 10:00"))))
	discordCmd("First one: Mon Nov 2 09:00 CET", fakediscord.Group("prompt", fakediscord.SubCommand("deck-schedule", fakediscord.String("spec", "every monday at 9:00"))))

	// poll waits until cond holds, for platWait at most.
	poll := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(platWait)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (simulated clock at %v after %d scheduler passes)\nthe log:\n%s",
					what, clock.Now().In(paris), sim.passCount(), logs)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// The database, read as another process would.
	sdb, err := store.Open(context.Background(), db)
	platCheck(t, err)
	defer sdb.Close()
	type sched struct {
		community string
		kind      bot.ScheduleKind
		channel   string
		at        time.Time
	}
	want := []sched{
		{slackCommunity, prompts.SchedulePrompt, platSlackGeneral.ID, promptAt},
		{slackCommunity, reporting.ScheduleDigest, "", digestAt},
		{discordCommunity, prompts.SchedulePrompt, platGeneralID, promptAt},
		{discordCommunity, reporting.ScheduleDigest, "", digestAt},
	}
	schedules := map[string][]bot.Schedule{}
	for _, c := range []string{slackCommunity, discordCommunity} {
		list, err := sdb.Schedules(context.Background(), c)
		platCheck(t, err)
		if len(list) != 2 {
			t.Fatalf("%s has %d schedules, want a prompt and a digest: %+v", c, len(list), list)
		}
		schedules[c] = list
	}
	scheduleOf := func(w sched) bot.Schedule {
		t.Helper()
		for _, s := range schedules[w.community] {
			if s.Kind == w.kind {
				return s
			}
		}
		t.Fatalf("%s has no %s schedule: %+v", w.community, w.kind, schedules[w.community])
		return bot.Schedule{}
	}
	for _, w := range want {
		s := scheduleOf(w)
		if s.Channel != w.channel || !s.CreatedAt.Equal(start) {
			t.Errorf("%s %s schedule: channel %q created %v, want channel %q created %v", w.community, w.kind, s.Channel, s.CreatedAt, w.channel, start)
		}
	}

	// Time runs: the scheduler moves the clock, 30 s at most per pass,
	// through Monday 09:00 and 10:00, up to 11:00.
	began := time.Now()
	close(sim.release)

	// Slack's prompt is the first post in #general. Once the prompt post
	// is remembered, alice replies in its thread, five minutes later.
	var slackPrompt fakeslack.Posted
	poll("the Slack prompt", func() bool {
		for _, p := range sl.Posts() {
			if p.Channel == platSlackGeneral.ID && p.Method == "chat.postMessage" {
				slackPrompt = p
				return true
			}
		}
		return false
	})
	poll("the Slack prompt remembered", func() bool { return schedPromptPosted(t, sdb, slackCommunity, slackPrompt.TS) })
	replyTS := fmt.Sprintf("%d.%06d", promptAt.Add(5*time.Minute).Unix(), 100)
	sl.PushEvent(fakeslack.Reply(platSlackGeneral.ID, platSlackAlice.ID, replyTS, slackPrompt.TS))

	// Discord's prompt: bob replies in the thread started from it.
	var discordPrompt fakediscord.SentMessage
	platWaitDiscord(t, dc, "the Discord prompt", func() bool {
		msgs := dc.Messages(platGeneralID)
		if len(msgs) == 0 {
			return false
		}
		discordPrompt = msgs[0]
		return true
	})
	poll("the Discord prompt remembered", func() bool { return schedPromptPosted(t, sdb, discordCommunity, discordPrompt.ID) })
	platCheck(t, dc.ThreadCreate(platGuildID, fakediscord.Channel{ID: discordPrompt.ID, Name: "prompt", Type: fakediscord.ChannelPublicThread, ParentID: platGeneralID}))
	_, err = dc.MessageCreate(fakediscord.Message{ID: fakediscord.Snowflake(promptAt.Add(5 * time.Minute)), ChannelID: discordPrompt.ID,
		GuildID: platGuildID, Author: platDiscordBob})
	platCheck(t, err)

	// The scheduler reaches Monday 11:00; by then everything due has run.
	select {
	case <-sim.reached:
	case <-time.After(platWait):
		t.Fatalf("the scheduler did not reach %v within %v (clock at %v after %d passes)\nthe log:\n%s", limit, platWait, clock.Now(), sim.passCount(), logs)
	}
	simulated := time.Since(began)

	// Each reply is recorded as a prompt reply besides the reply.
	for _, r := range []struct{ community, member string }{
		{slackCommunity, platSlackAlice.ID},
		{discordCommunity, platDiscordBob.ID},
	} {
		var counts map[bot.EventKind]int
		poll(r.community+" prompt reply by "+r.member, func() bool {
			a, err := sdb.MemberActivity(context.Background(), r.community, r.member)
			if err != nil {
				return false
			}
			counts = a.Counts
			return counts[bot.KindPromptReply] == 1
		})
		if counts[bot.KindReply] != 1 {
			t.Errorf("%s %s: counts %v, want 1 reply and 1 prompt reply", r.community, r.member, counts)
		}
	}

	// Firings: one per schedule, fired at its intended instant, and no
	// other row (no skip, no second firing) in all the passes after it.
	for _, w := range want {
		s := scheduleOf(w)
		fs, err := sdb.RecentFirings(context.Background(), s.ID, 10)
		platCheck(t, err)
		if len(fs) != 1 || fs[0].Status != bot.Fired || !fs[0].At.Equal(w.at) || !fs[0].RanAt.Equal(w.at) {
			t.Errorf("%s %s schedule %d: firings %+v, want one fired at %v", w.community, w.kind, s.ID, fs, w.at)
		}
	}

	// Slack: exactly the two scheduled posts, at 09:00 and 10:00 Paris, in
	// the right channels; the digest's chart uploaded once to the digest
	// channel. The deck starts from the starter deck's first prompt.
	posts := sl.Posts()
	if len(posts) != 2 {
		t.Fatalf("slack: %d posts, want a prompt and a digest: %+v", len(posts), posts)
	}
	p, d := posts[0], posts[1]
	if p.Method != "chat.postMessage" || p.Channel != platSlackGeneral.ID || p.ThreadTS != "" ||
		!strings.Contains(p.Text, "Discussion prompt") || !strings.Contains(p.Text, prompts.StarterDeck[0]) || !p.At.Equal(promptAt) {
		t.Errorf("slack prompt: %+v, want a top-level Discussion prompt in #general at %v", p, promptAt)
	}
	if d.Method != "chat.postMessage" || d.Channel != schedSlackFacilitators.ID ||
		!strings.Contains(d.Text, "Weekly digest") || !d.At.Equal(digestAt) {
		t.Errorf("slack digest: %+v, want a Weekly digest in #facilitators at %v", d, digestAt)
	}
	for _, m := range []string{"files.getUploadURLExternal", "files.completeUploadExternal"} {
		calls := sl.Calls(m)
		if len(calls) != 1 || !calls[0].OK() || !calls[0].At.Equal(digestAt) {
			t.Errorf("slack %s: %+v, want one successful call at %v", m, calls, digestAt)
		}
	}
	files := sl.Files()
	if len(files) != 1 || files[0].Channel != schedSlackFacilitators.ID || files[0].Name != "hearth-digest-2026-11-02.png" ||
		!bytes.HasPrefix(files[0].Data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("slack files: %d, want the digest's PNG chart shared in #facilitators: %+v", len(files), schedFileNames(files))
	}

	// Discord: the same two posts, the digest with its chart attached.
	msgs := dc.Messages("")
	if len(msgs) != 2 {
		t.Fatalf("discord: %d messages, want a prompt and a digest: %+v", len(msgs), msgs)
	}
	dp, dd := msgs[0], msgs[1]
	if dp.ChannelID != platGeneralID || !strings.Contains(dp.Content, "Discussion prompt") || !strings.Contains(dp.Content, prompts.StarterDeck[0]) ||
		len(dp.Files) != 0 || !fakediscord.SnowflakeTime(dp.ID).Equal(promptAt) {
		t.Errorf("discord prompt: %+v (at %v), want a Discussion prompt in #general at %v", dp, fakediscord.SnowflakeTime(dp.ID), promptAt)
	}
	if dd.ChannelID != schedFacilitatorsID || !strings.Contains(dd.Content, "Weekly digest") || !fakediscord.SnowflakeTime(dd.ID).Equal(digestAt) {
		t.Errorf("discord digest: %q in %s at %v, want a Weekly digest in #facilitators at %v", dd.Content, dd.ChannelID, fakediscord.SnowflakeTime(dd.ID), digestAt)
	}
	if len(dd.Files) != 1 || dd.Files[0].Name != "hearth-digest-2026-11-02.png" || !bytes.HasPrefix(dd.Files[0].Data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("discord digest attachments: %d, want the PNG chart", len(dd.Files))
	}

	// The reports list each community's prompt with its one reply, as
	// `hearth report` reads them at Monday 11:00.
	now := limit.UTC().Format(time.RFC3339)
	for _, c := range []struct{ community, channel, message string }{
		{slackCommunity, platSlackGeneral.ID, slackPrompt.TS},
		{discordCommunity, platGeneralID, discordPrompt.ID},
	} {
		r := reportJSON(t, db, "--community", c.community, "--now", now)
		if len(r.Prompts) != 1 || r.Prompts[0].Channel != c.channel || r.Prompts[0].Message != c.message ||
			r.Prompts[0].Replies != 1 || r.Prompts[0].Responders != 1 || !r.Prompts[0].PostedAt.Equal(promptAt) {
			t.Errorf("%s report prompts: %+v, want the prompt %s in %s posted at %v with 1 reply", c.community, r.Prompts, c.message, c.channel, promptAt)
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
	t.Logf("simulated %v in %d scheduler passes in %v", limit.Sub(start), sim.passCount(), simulated.Round(time.Millisecond))
}

// schedPromptPosted reports whether the community's posted prompts include
// message: only then is a reply in its thread a prompt reply.
func schedPromptPosted(t *testing.T, db *store.DB, community, message string) bool {
	t.Helper()
	posts, err := db.PromptPosts(context.Background(), community)
	platCheck(t, err)
	for _, p := range posts {
		if p.Message == message {
			return true
		}
	}
	return false
}

func schedFileNames(fs []fakeslack.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Channel+"/"+f.Name)
	}
	return out
}
