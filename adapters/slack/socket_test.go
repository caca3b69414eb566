package slack

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/reporting"
)

func TestStartSyncsMembersPaged(t *testing.T) {
	h := start(t, setup{fake: fakeslack.Options{MaxPageSize: 3}})
	d := h.rec.waitDirs(func(d bot.Directory) bool { return d.Complete })

	if want := (bot.Community{ID: "slack:" + fakeslack.DefaultTeamID, Platform: bot.Slack, Name: fakeslack.DefaultTeamName}); d.Community != want {
		t.Errorf("community = %+v, want %+v", d.Community, want)
	}
	if !d.At.Equal(epoch.Add(6 * time.Second)) { // two 3s pauses between three pages
		t.Errorf("directory At = %v", d.At)
	}
	got := map[string]bot.Member{}
	var ids []string
	for _, m := range d.Members {
		got[m.ID] = m
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	wantIDs := []string{ada.ID, alice.ID, bob.ID, fakeslack.DefaultBotUserID, olu.ID, robot.ID}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("members = %v, want %v (no deleted users, no Slackbot)", ids, wantIDs)
	}
	if m := got[alice.ID]; m.Name != "alice" || m.TZ != "Europe/Paris" || m.Admin || m.IsBot {
		t.Errorf("alice = %+v", m)
	}
	if m := got[bob.ID]; m.Name != "Bob Marley" {
		t.Errorf("bob's name = %q, want the real name when there is no display name", m.Name)
	}
	if !got[ada.ID].Admin || !got[olu.ID].Admin {
		t.Errorf("admin and owner must be flagged Admin: %+v %+v", got[ada.ID], got[olu.ID])
	}
	if !got[robot.ID].IsBot || !got[fakeslack.DefaultBotUserID].IsBot {
		t.Errorf("bots must be flagged: %+v %+v", got[robot.ID], got[fakeslack.DefaultBotUserID])
	}

	calls := h.fake.Calls("users.list")
	if len(calls) != 3 {
		t.Fatalf("users.list called %d times, want 3 pages", len(calls))
	}
	if calls[0].Params.Get("cursor") != "" || calls[1].Params.Get("cursor") == "" || calls[2].Params.Get("cursor") == "" {
		t.Errorf("cursors: %q %q %q", calls[0].Params.Get("cursor"), calls[1].Params.Get("cursor"), calls[2].Params.Get("cursor"))
	}
	if waits := h.sleep.snapshot(); !slices.Equal(waits, []time.Duration{3 * time.Second, 3 * time.Second}) {
		t.Errorf("pauses between pages = %v", waits)
	}
}

func TestMemberSyncWaitsOutRateLimit(t *testing.T) {
	h := start(t, setup{fake: fakeslack.Options{MaxPageSize: 5}, before: func(f *fakeslack.Server) {
		f.RateLimit("users.list", 20*time.Second)
	}})
	d := h.rec.waitDirs(func(d bot.Directory) bool { return d.Complete })
	if len(d.Members) != 6 {
		t.Errorf("members = %+v", d.Members)
	}
	calls := h.fake.Calls("users.list")
	if len(calls) != 3 || calls[0].Status != 429 || !calls[1].OK() || calls[1].Params.Get("cursor") != "" || !calls[2].OK() {
		t.Errorf("users.list calls = %+v", calls)
	}
	if w := h.sleep.snapshot(); !slices.Equal(w, []time.Duration{20 * time.Second, 3 * time.Second}) {
		t.Errorf("waits = %v", w)
	}
}

func TestMessagesThreadsEditsDeletesAndBots(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	envs := []string{
		f.PushEvent(fakeslack.Message(general.ID, alice.ID, ts(1))),
		f.PushEvent(fakeslack.Reply(general.ID, bob.ID, ts(2), ts(1))),
		f.PushEvent(fakeslack.ThreadBroadcast(general.ID, ada.ID, ts(3), ts(1))),
		f.PushEvent(fakeslack.MessageChanged(general.ID, alice.ID, ts(1), ts(4))),
		f.PushEvent(fakeslack.MessageDeleted(general.ID, bob.ID, ts(2), ts(5)).WithPreviousThread(ts(1))),
		f.PushEvent(fakeslack.BotMessage(general.ID, robot.BotID, ts(6))),
		f.PushEvent(fakeslack.AppPost(general.ID, f.BotUserID(), f.BotID(), ts(7))),
		f.PushEvent(fakeslack.Message(general.ID, robot.ID, ts(8))), // a bot user without bot_id
		f.PushEvent(fakeslack.Message(design.ID, alice.ID, ts(9))),
	}
	for _, id := range envs {
		if ack := f.WaitAck(id); ack.Payload != nil {
			t.Errorf("event ack carried a payload: %s", ack.Payload)
		}
	}
	h.rec.waitEvent(messageKey(design.ID, ts(9)))
	events := h.rec.eventsSnapshot()
	if len(events) != 8 {
		t.Fatalf("got %d events, want 8 (the edit records nothing): %+v", len(events), events)
	}
	com := h.community()
	want := []bot.Event{
		{Kind: bot.KindMessage, Community: com, Channel: general.ID, ChannelName: "general", Member: alice.ID, MemberName: "alice",
			At: tsTime(1), Key: messageKey(general.ID, ts(1)), Message: ts(1)},
		{Kind: bot.KindReply, Community: com, Channel: general.ID, ChannelName: "general", Member: bob.ID, MemberName: "Bob Marley",
			At: tsTime(2), Key: messageKey(general.ID, ts(2)), Message: ts(2), Parent: ts(1)},
		{Kind: bot.KindReply, Community: com, Channel: general.ID, ChannelName: "general", Member: ada.ID, MemberName: "Ada",
			At: tsTime(3), Key: messageKey(general.ID, ts(3)), Message: ts(3), Parent: ts(1)},
		{Kind: bot.KindReply, Community: com, Channel: general.ID, ChannelName: "general", Member: bob.ID, MemberName: "Bob Marley",
			At: tsTime(5), Key: messageKey(general.ID, ts(2)), Message: ts(2), Parent: ts(1), Retract: true},
		{Kind: bot.KindMessage, Community: com, Channel: general.ID, Member: robot.BotID, IsBot: true,
			At: tsTime(6), Key: messageKey(general.ID, ts(6)), Message: ts(6)},
		{Kind: bot.KindMessage, Community: com, Channel: general.ID, Member: f.BotUserID(), IsBot: true,
			At: tsTime(7), Key: messageKey(general.ID, ts(7)), Message: ts(7)},
		{Kind: bot.KindMessage, Community: com, Channel: general.ID, ChannelName: "general", Member: robot.ID, MemberName: "Deploy Bot", IsBot: true,
			At: tsTime(8), Key: messageKey(general.ID, ts(8)), Message: ts(8)},
		{Kind: bot.KindMessage, Community: com, Channel: design.ID, ChannelName: "design", Member: alice.ID, MemberName: "alice",
			At: tsTime(9), Key: messageKey(design.ID, ts(9)), Message: ts(9)},
	}
	for i := range want {
		if events[i] != want[i] {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, events[i], want[i])
		}
	}
	// Channel names are looked up once per channel.
	if n := len(f.Calls("conversations.info")); n != 2 {
		t.Errorf("conversations.info called %d times, want 2", n)
	}
}

func TestDMIsRoutedNotCounted(t *testing.T) {
	h := start(t, setup{})
	h.fake.PushEvent(fakeslack.DM("D0ALICE", alice.ID, ts(1)))
	e := h.rec.waitEvent(messageKey("D0ALICE", ts(1)))
	if !e.DM || e.Kind != bot.KindMessage || e.Member != alice.ID || e.ChannelName != "" || !e.At.Equal(tsTime(1)) {
		t.Errorf("DM event = %+v", e)
	}
	for _, c := range h.fake.Calls("conversations.info") {
		t.Errorf("conversations.info called for a DM: %v", c.Params)
	}
}

func TestReactions(t *testing.T) {
	h := start(t, setup{})
	h.fake.PushEvent(fakeslack.ReactionAdded(bob.ID, "tada", general.ID, ts(1), ts(2)))
	h.fake.PushEvent(fakeslack.ReactionRemoved(bob.ID, "tada", general.ID, ts(1), ts(3)))
	evs := h.rec.waitEvents(2)
	key := "react:" + general.ID + ":" + ts(1) + ":" + bob.ID + ":tada"
	add := bot.Event{Kind: bot.KindReaction, Community: h.community(), Channel: general.ID, ChannelName: "general",
		Member: bob.ID, MemberName: "Bob Marley", At: tsTime(2), Key: key, Message: ts(1)}
	if evs[0] != add {
		t.Errorf("reaction_added:\n got %+v\nwant %+v", evs[0], add)
	}
	rm := add
	rm.At, rm.Retract = tsTime(3), true
	if evs[1] != rm {
		t.Errorf("reaction_removed:\n got %+v\nwant %+v", evs[1], rm)
	}
}

func TestJoinsLeavesAndProfiles(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	f.PushEvent(fakeslack.MemberJoinedChannel(bob.ID, design.ID, ts(1)))
	f.PushEvent(fakeslack.MemberLeftChannel(bob.ID, design.ID, ts(2)))
	f.PushEvent(fakeslack.MemberJoinedChannel(f.BotUserID(), design.ID, ts(3)))
	// A channel join is keyed by its day, which history's channel_join
	// message and the live member_joined_channel agree on (channelJoinKey).
	day := tsTime(1).Format("2006-01-02")
	join := h.rec.waitEvent("join:" + design.ID + ":" + bob.ID + ":" + day)
	if join.Kind != bot.KindJoin || join.Channel != design.ID || !join.At.Equal(tsTime(1)) || join.IsBot {
		t.Errorf("join = %+v", join)
	}
	leave := h.rec.waitEvent("leave:" + design.ID + ":" + bob.ID + ":" + ts(2))
	if leave.Kind != bot.KindLeave || !leave.At.Equal(tsTime(2)) {
		t.Errorf("leave = %+v", leave)
	}
	if self := h.rec.waitEvent("join:" + design.ID + ":" + f.BotUserID() + ":" + day); !self.IsBot {
		t.Errorf("Hearth joining a channel must be flagged as a bot: %+v", self)
	}

	newbie := fakeslack.User{ID: "U0NEW", Name: "newbie", DisplayName: "Newbie", TZ: "Asia/Tokyo"}
	f.PushEvent(f.TeamJoin(newbie, ts(4)))
	tj := h.rec.waitEvent("join:" + f.TeamID() + ":U0NEW")
	if tj.Kind != bot.KindJoin || tj.Channel != "" || tj.MemberName != "Newbie" || !tj.At.Equal(tsTime(4)) {
		t.Errorf("team_join event = %+v", tj)
	}
	d := h.rec.waitDirs(func(d bot.Directory) bool { return !d.Complete && len(d.Members) == 1 && d.Members[0].ID == "U0NEW" })
	if m := d.Members[0]; m.Name != "Newbie" || m.TZ != "Asia/Tokyo" || !m.JoinedAt.Equal(tsTime(4)) {
		t.Errorf("team_join member = %+v", m)
	}
	if d.Community.ID != h.community() {
		t.Errorf("directory community = %q", d.Community.ID)
	}

	// bob is made an admin and renames himself: the cache follows, so his
	// next command runs as a facilitator.
	promoted := bob
	promoted.IsAdmin, promoted.DisplayName = true, "Bobby"
	f.PushEvent(f.UserChange(promoted, ts(5)))
	d = h.rec.waitDirs(func(d bot.Directory) bool { return len(d.Members) == 1 && d.Members[0].ID == bob.ID })
	if m := d.Members[0]; !m.Admin || m.Name != "Bobby" || d.Complete {
		t.Errorf("user_change directory = %+v", d)
	}
	h.rec.setCommand(func(bot.Command) bot.Reply { return bot.Reply{} })
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: bob.ID, UserName: "bob", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	if c := h.rec.waitCommands(1)[0]; !c.Admin || c.MemberName != "Bobby" {
		t.Errorf("command after user_change = %+v", c)
	}
	if n := len(f.Calls("users.info")); n != 0 {
		t.Errorf("users.info called %d times for known members", n)
	}
}

func TestRedeliveredEnvelopeKeepsItsKey(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	id := f.PushEvent(fakeslack.Message(general.ID, alice.ID, ts(1)))
	f.WaitAck(id)
	f.Redeliver(id) // Slack did not see the ack in time
	f.WaitAck(id, 2)
	evs := h.rec.waitEvents(2)
	if evs[0].Key != evs[1].Key || evs[0] != evs[1] {
		t.Errorf("a redelivered event must be identical, with the same key:\n%+v\n%+v", evs[0], evs[1])
	}
	if len(f.Unacked()) != 0 {
		t.Errorf("unacked envelopes: %v", f.Unacked())
	}
}

func TestUnseenMemberIsLookedUpOnce(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	carol := fakeslack.User{ID: "U0CAROL", Name: "carol", RealName: "Carol Shaw", TZ: "America/Chicago", IsOwner: true}
	f.AddUser(carol) // joined while Hearth was down: not in the start-up sync
	f.PushEvent(fakeslack.Message(general.ID, carol.ID, ts(1)))
	f.PushEvent(fakeslack.Message(general.ID, carol.ID, ts(2)))
	h.rec.waitEvent(messageKey(general.ID, ts(2)))
	e := h.rec.waitEvent(messageKey(general.ID, ts(1)))
	if e.Member != carol.ID || e.IsBot {
		t.Errorf("event = %+v", e)
	}
	// Her name and flags come in the directory the lookup gives the core.
	d := h.rec.waitDirs(func(d bot.Directory) bool { return !d.Complete && len(d.Members) == 1 && d.Members[0].ID == carol.ID })
	if m := d.Members[0]; m.Name != "Carol Shaw" || !m.Admin || m.TZ != "America/Chicago" {
		t.Errorf("looked-up member = %+v", m)
	}
	if n := len(f.Calls("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1", n)
	}
	// Known now: her next event carries her name, with no second lookup.
	f.PushEvent(fakeslack.Message(general.ID, carol.ID, ts(3)))
	if e := h.rec.waitEvent(messageKey(general.ID, ts(3))); e.MemberName != "Carol Shaw" {
		t.Errorf("event member name = %q", e.MemberName)
	}
	if n := len(f.Calls("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1", n)
	}
}

// A slow users.info for an unseen author holds up no event: those behind
// it, from known members and from the same author, are recorded in the
// order they came while the lookup waits, and the member reaches the core
// once Slack answers. Nothing is lost, nothing is recorded twice.
func TestSlowLookupHoldsUpNoEvent(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	carol := fakeslack.User{ID: "U0CAROL", Name: "carol", RealName: "Carol Shaw", IsOwner: true}
	f.AddUser(carol) // joined while Hearth was down: not in the start-up sync
	release := f.Hold("users.info")
	defer release() // before the harness stops, should the test fail

	f.PushEvent(fakeslack.Message(general.ID, carol.ID, ts(1)))
	f.WaitHeld("users.info", 1) // Slack is asked about carol, and does not answer
	f.PushEvent(fakeslack.Message(general.ID, alice.ID, ts(2)))
	f.PushEvent(fakeslack.Reply(general.ID, bob.ID, ts(3), ts(1)))
	f.PushEvent(fakeslack.ReactionAdded(carol.ID, "tada", general.ID, ts(2), ts(4)))
	f.PushEvent(fakeslack.Message(design.ID, ada.ID, ts(5)))
	want := []string{
		messageKey(general.ID, ts(1)),
		messageKey(general.ID, ts(2)),
		messageKey(general.ID, ts(3)),
		"react:" + general.ID + ":" + ts(2) + ":" + carol.ID + ":tada",
		messageKey(design.ID, ts(5)),
	}
	evs := h.rec.waitEvents(len(want)) // with users.info still unanswered
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, e := range evs {
		if e.Key != want[i] {
			t.Errorf("event %d = %s, want %s", i, e.Key, want[i])
		}
	}
	if evs[0].Member != carol.ID || evs[0].MemberName != "" || evs[1].MemberName != "alice" || evs[4].MemberName != "Ada" {
		t.Errorf("members: %+v", evs)
	}
	if n := len(f.Calls("users.info")); n != 0 {
		t.Errorf("%d users.info calls answered while held", n)
	}

	release()
	d := h.rec.waitDirs(func(d bot.Directory) bool { return len(d.Members) == 1 && d.Members[0].ID == carol.ID })
	if m := d.Members[0]; m.Name != "Carol Shaw" || !m.Admin || d.Complete {
		t.Errorf("carol's directory = %+v", d)
	}
	if n := len(f.Calls("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1: carol was pending", n)
	}
	f.PushEvent(fakeslack.Message(general.ID, carol.ID, ts(6)))
	if e := h.rec.waitEvent(messageKey(general.ID, ts(6))); e.MemberName != "Carol Shaw" {
		t.Errorf("carol's event after the lookup = %+v", e)
	}
	seen := map[string]int{}
	for _, e := range h.rec.eventsSnapshot() {
		seen[e.Key]++
	}
	if len(seen) != len(want)+1 {
		t.Errorf("events %v, want %d", seen, len(want)+1)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s recorded %d times", k, n)
		}
	}
}

// A lookup under way when the adapter stops is finished, not dropped: the
// event loop that started it waits for it before Run returns.
func TestStopFinishesAPendingLookup(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	carol := fakeslack.User{ID: "U0CAROL", Name: "carol", RealName: "Carol Shaw"}
	f.AddUser(carol)
	release := f.Hold("users.info")
	defer release()
	f.PushEvent(fakeslack.Message(general.ID, carol.ID, ts(1)))
	f.WaitHeld("users.info", 1)
	h.rec.waitEvent(messageKey(general.ID, ts(1)))

	h.cancel() // Run stops; the harness checks that it returns
	release()
	d := h.rec.waitDirs(func(d bot.Directory) bool { return len(d.Members) == 1 && d.Members[0].ID == carol.ID })
	if d.Members[0].Name != "Carol Shaw" {
		t.Errorf("carol's directory = %+v", d)
	}
}

func TestUnknownEnvelopeIsStillAcked(t *testing.T) {
	h := start(t, setup{})
	id := h.fake.PushEvent(fakeslack.Event{"type": "hearth_unheard_of", "event_ts": ts(1)})
	h.fake.WaitAck(id)
	id = h.fake.PushEvent(fakeslack.Message(general.ID, alice.ID, ts(2)))
	h.fake.WaitAck(id)
	h.rec.waitEvent(messageKey(general.ID, ts(2)))
	if evs := h.rec.eventsSnapshot(); len(evs) != 1 {
		t.Errorf("events = %+v", evs)
	}
}

func TestSlashCommandFromMemberIsEphemeral(t *testing.T) {
	h := start(t, setup{})
	h.rec.setCommand(func(bot.Command) bot.Reply {
		return bot.Reply{Post: bot.Post{Text: "**Report** for you & <me>\n• one"}, Private: true}
	})
	in := h.fake.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "  report 30d "})
	if ack := h.fake.WaitAck(in.EnvelopeID); ack.Payload != nil {
		t.Errorf("slash command ack carried a payload: %s", ack.Payload)
	}
	c := h.rec.waitCommands(1)[0]
	want := bot.Command{Community: h.community(), Channel: general.ID, ChannelName: "general", Member: alice.ID,
		MemberName: "alice", Text: "report 30d", At: epoch}
	if c != want {
		t.Errorf("command:\n got %+v\nwant %+v", c, want)
	}
	r := h.fake.WaitResponses(1)[0]
	if r.URL != in.ResponseURL || r.ResponseType != "ephemeral" || r.ReplaceOriginal {
		t.Errorf("response = %+v", r)
	}
	wantText := "*Report* for you &amp; &lt;me&gt;\n• one"
	if r.Text != wantText || len(r.Blocks) != 1 || r.Blocks[0]["type"] != "section" {
		t.Errorf("response text %q blocks %v", r.Text, r.Blocks)
	}
	if txt, _ := r.Blocks[0]["text"].(map[string]any); txt["type"] != "mrkdwn" || txt["text"] != wantText {
		t.Errorf("section = %v", r.Blocks[0])
	}
	if len(h.fake.Posts()) != 0 {
		t.Errorf("a private reply must not be posted in the channel: %+v", h.fake.Posts())
	}
}

func TestSlashCommandFromAdminsAndInDM(t *testing.T) {
	h := start(t, setup{})
	h.rec.setCommand(func(bot.Command) bot.Reply { return bot.Reply{Post: bot.Post{Text: "ok"}} })
	h.fake.PushSlashCommand(fakeslack.SlashCommand{UserID: ada.ID, UserName: "ada", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	h.rec.waitCommands(1)
	h.fake.PushSlashCommand(fakeslack.SlashCommand{UserID: olu.ID, UserName: "olu", ChannelID: "D0OLU", ChannelName: "directmessage", Text: "report"})
	cmds := h.rec.waitCommands(2)
	if !cmds[0].Admin || !cmds[1].Admin {
		t.Errorf("workspace admins and owners are facilitators: %+v", cmds)
	}
	if cmds[1].Channel != "" || cmds[1].ChannelName != "" {
		t.Errorf("a command in a DM has no channel: %+v", cmds[1])
	}
	rs := h.fake.WaitResponses(2)
	for _, r := range rs {
		if r.ResponseType != "in_channel" {
			t.Errorf("a public reply goes in the channel: %+v", r)
		}
	}
}

func TestButtonClickRoutesToCore(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	h.rec.setCommand(func(bot.Command) bot.Reply {
		return bot.Reply{Private: true, Post: bot.Post{Text: "Pick a period", Buttons: []bot.Button{
			{ActionID: reporting.ActionReport, Label: "Last 30 days", Value: "30d", Style: bot.StylePrimary},
			{ActionID: reporting.ActionReport, Label: "Last 90 days", Value: "90d <#C0DESIGN>"},
		}}}
	})
	h.rec.setAction(func(bot.Action) bot.Reply { return bot.Reply{Post: bot.Post{Text: "90 days"}, Private: true} })
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: ada.ID, UserName: "ada", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	r := f.WaitResponses(1)[0]
	btns := fakeslack.Buttons(r.Blocks)
	if len(btns) != 2 || btns[0].ActionID == btns[1].ActionID || btns[0].Style != "primary" ||
		btns[1].Value != "90d <#C0DESIGN>" || btns[1].Label != "Last 90 days" {
		t.Fatalf("buttons = %+v", btns)
	}

	click := f.PushBlockAction(fakeslack.BlockAction{UserID: ada.ID, UserName: "ada", ChannelID: general.ID, ChannelName: "general",
		MessageTS: ts(50), Ephemeral: true, Button: btns[1]})
	if ack := f.WaitAck(click.EnvelopeID); ack.Payload != nil {
		t.Errorf("block_actions ack carried a payload: %s", ack.Payload)
	}
	a := h.rec.waitActions(1)[0]
	if a.ActionID != reporting.ActionReport || a.Value != "90d <#C0DESIGN>" || a.Member != ada.ID || !a.Admin ||
		a.Channel != general.ID || a.Post.Channel != general.ID || a.Post.ID != ts(50) || a.Community != h.community() || a.At.IsZero() {
		t.Errorf("action = %+v", a)
	}
	rs := f.WaitResponses(2)
	if rs[1].URL != click.ResponseURL || rs[1].ResponseType != "ephemeral" || rs[1].Text != "90 days" {
		t.Errorf("click reply = %+v", rs[1])
	}
}

func TestModalWithFieldErrorsThenSuccess(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	h.rec.setCommand(func(bot.Command) bot.Reply {
		return bot.Reply{Form: &bot.Form{ID: "hearth.checkin", Title: "Weekly check-in for our community", Submit: "Send", Context: "week-48",
			Fields: []bot.Field{
				{ID: "mood", Label: "How was your week?", Placeholder: "A sentence is plenty", Multiline: true, MaxLength: 500},
				{ID: "note", Label: "Anything else?", Optional: true},
			}}}
	})
	h.rec.setAction(func(a bot.Action) bot.Reply {
		if a.Values["mood"] == "" {
			return bot.Reply{FieldErrors: map[string]string{"mood": "Tell us a little about it."}}
		}
		return bot.Reply{Post: bot.Post{Text: "Thanks, **noted**."}, Private: true}
	})
	in := f.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "checkin"})
	v := f.WaitViews(1)[0]
	if v.TriggerID != in.TriggerID || v.CallbackID != "hearth.checkin" || v.Submit != "Send" || len([]rune(v.Title)) > 24 {
		t.Errorf("view = %+v", v)
	}
	if len(v.Blocks) != 2 || v.Blocks[0]["type"] != "input" || v.Blocks[0]["block_id"] != "mood" || v.Blocks[1]["optional"] != true {
		t.Fatalf("view blocks = %v", v.Blocks)
	}
	if el, _ := v.Blocks[0]["element"].(map[string]any); el["action_id"] != "mood" || el["multiline"] != true || el["max_length"] != float64(500) {
		t.Errorf("mood input = %v", el)
	}

	sub := f.PushViewSubmission(alice.ID, "alice", v, map[string]string{"note": "see you"})
	ack := f.WaitAck(sub.EnvelopeID)
	var resp map[string]any
	if err := json.Unmarshal(ack.Payload, &resp); err != nil {
		t.Fatalf("ack payload %q: %v", ack.Payload, err)
	}
	if resp["response_action"] != "errors" || resp["errors"].(map[string]any)["mood"] != "Tell us a little about it." {
		t.Errorf("field errors ack = %v", resp)
	}
	a := h.rec.waitActions(1)[0]
	if a.ActionID != "hearth.checkin" || a.Context != "week-48" || a.Channel != general.ID || a.Member != alice.ID ||
		a.Values["note"] != "see you" || a.Values["mood"] != "" || len(a.Values) != 2 {
		t.Errorf("submission action = %+v", a)
	}

	sub = f.PushViewSubmission(alice.ID, "alice", v, map[string]string{"mood": "great"})
	if ack := f.WaitAck(sub.EnvelopeID); ack.Payload != nil {
		t.Errorf("a successful submission closes the modal with an empty ack, got %s", ack.Payload)
	}
	p := f.WaitPosts(1)[0]
	if p.Method != "chat.postEphemeral" || p.Channel != general.ID || p.User != alice.ID || p.Text != "Thanks, *noted*." {
		t.Errorf("reply after submission = %+v", p)
	}
	if n := len(h.rec.waitActions(2)); n != 2 {
		t.Errorf("actions = %d", n)
	}
}

func TestExpiredTriggerGetsAnApology(t *testing.T) {
	h := start(t, setup{})
	h.rec.setCommand(func(bot.Command) bot.Reply {
		h.clock.Advance(4 * time.Second) // a slow core: the trigger_id has expired
		return bot.Reply{Form: &bot.Form{ID: "f", Title: "Form", Fields: []bot.Field{{ID: "a", Label: "A"}}}}
	})
	in := h.fake.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, ChannelID: general.ID, ChannelName: "general", Text: "checkin"})
	r := h.fake.WaitResponses(1)[0]
	if r.URL != in.ResponseURL || r.ResponseType != "ephemeral" || !strings.Contains(r.Text, "couldn't open the form") {
		t.Errorf("response = %+v", r)
	}
	if calls := h.fake.Calls("views.open"); len(calls) != 1 || calls[0].Error != "expired_trigger_id" {
		t.Errorf("views.open calls = %+v", calls)
	}
}

func TestDisconnectAndDroppedSocketLoseNothing(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	id := f.PushEvent(fakeslack.Message(general.ID, alice.ID, ts(1)))
	f.WaitAck(id)
	h.rec.waitEvent(messageKey(general.ID, ts(1)))

	f.Disconnect("refresh_requested")
	id = f.PushEvent(fakeslack.Message(general.ID, bob.ID, ts(2))) // queued until the new connection
	f.WaitConnections(2)
	f.WaitAck(id)
	h.rec.waitEvent(messageKey(general.ID, ts(2)))

	f.DropConnections()
	f.WaitConnections(3)
	id = f.PushEvent(fakeslack.Message(general.ID, ada.ID, ts(3)))
	f.WaitAck(id)
	h.rec.waitEvent(messageKey(general.ID, ts(3)))

	f.Disconnect("warning")
	f.WaitConnections(4)
	id = f.PushEvent(fakeslack.Message(general.ID, olu.ID, ts(4)))
	f.WaitAck(id)
	h.rec.waitEvent(messageKey(general.ID, ts(4)))

	seen := map[string]int{}
	for _, e := range h.rec.eventsSnapshot() {
		seen[e.Key]++
	}
	if len(seen) != 4 {
		t.Errorf("events = %v", seen)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	if n := len(f.Calls("apps.connections.open")); n != 4 {
		t.Errorf("apps.connections.open called %d times, want 4", n)
	}
	if len(f.Unacked()) != 0 {
		t.Errorf("unacked: %v", f.Unacked())
	}
}

func TestPostRateLimitedThenDeliveredOnce(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	f.RateLimit("chat.postMessage", 2*time.Second)
	ref, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, bot.Post{Text: "hello"})
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	calls := f.Calls("chat.postMessage")
	if len(calls) != 2 || calls[0].Status != 429 || !calls[1].OK() {
		t.Fatalf("calls = %+v", calls)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].Text != "hello" {
		t.Fatalf("posts = %+v", posts)
	}
	if ref.Channel != general.ID || ref.ID != posts[0].TS {
		t.Errorf("ref = %+v, post ts %s", ref, posts[0].TS)
	}
	if !slices.Contains(h.sleep.snapshot(), 2*time.Second) {
		t.Errorf("Retry-After not obeyed: waits %v", h.sleep.snapshot())
	}
	if calls[1].At.Sub(calls[0].At) != 2*time.Second {
		t.Errorf("retry %v after the 429, want 2s", calls[1].At.Sub(calls[0].At))
	}
	if st := h.a.QueueStats(); st.Sent != 1 || st.Pending != 0 || st.Failed != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestPostsArePacedPerChannel(t *testing.T) {
	h := start(t, setup{})
	ctx := context.Background()
	post := func(ch, text string) {
		t.Helper()
		if _, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: ch}, bot.Post{Text: text}); err != nil {
			t.Fatalf("Post: %v", err)
		}
	}
	post(general.ID, "1")
	post(general.ID, "2")
	post(general.ID, "3")
	post(design.ID, "other channel")
	if w := h.sleep.snapshot(); !slices.Equal(w, []time.Duration{time.Second, time.Second}) {
		t.Errorf("waits = %v, want two 1s pauses in #general and none for #design", w)
	}
	var gen []time.Time
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Params.Get("channel") == general.ID {
			gen = append(gen, c.At)
		}
	}
	for i := 1; i < len(gen); i++ {
		if d := gen[i].Sub(gen[i-1]); d < time.Second {
			t.Errorf("posts %d and %d in #general only %v apart", i-1, i, d)
		}
	}
	var texts []string
	for _, p := range h.fake.Posts() {
		texts = append(texts, p.Text)
	}
	if !slices.Equal(texts, []string{"1", "2", "3", "other channel"}) {
		t.Errorf("posts = %v", texts)
	}
}

func TestConcurrentPostsAreAllDeliveredOnce(t *testing.T) {
	h := start(t, setup{})
	h.fake.RateLimit("chat.postMessage", time.Second)
	h.fake.RateLimit("chat.postMessage", 3*time.Second)
	const n = 12
	errs := make(chan error, n)
	for i := range n {
		ch := general.ID
		if i%2 == 1 {
			ch = design.ID
		}
		go func() {
			_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: ch}, bot.Post{Text: strings.Repeat("x", i+1)})
			errs <- err
		}()
	}
	for range n {
		select {
		case err := <-errs:
			if err != nil {
				t.Errorf("Post: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Fatal("posts not delivered")
		}
	}
	seen := map[string]int{}
	for _, p := range h.fake.Posts() {
		seen[p.Text]++
	}
	if len(seen) != n {
		t.Errorf("%d distinct posts delivered, want %d", len(seen), n)
	}
	for text, c := range seen {
		if c != 1 {
			t.Errorf("post %q delivered %d times", text, c)
		}
	}
}

func TestPostDMThreadEphemeralAndImage(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	ctx := context.Background()
	ref, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToDM, Member: alice.ID}, bot.Post{Text: "How was your week?"})
	if err != nil {
		t.Fatal(err)
	}
	dm := f.DMChannel(alice.ID)
	if dm == "" || ref.Channel != dm {
		t.Errorf("DM ref = %+v, DM channel %q", ref, dm)
	}
	if _, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToDM, Member: alice.ID}, bot.Post{Text: "again"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Calls("conversations.open")); n != 1 {
		t.Errorf("conversations.open called %d times, want 1", n)
	}
	if _, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToThread, Channel: general.ID, Thread: ts(1)}, bot.Post{Text: "in thread"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToEphemeral, Channel: general.ID, Member: bob.ID}, bot.Post{Text: "just you"}); err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG fake chart bytes")
	ref, err = h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: design.ID}, bot.Post{Text: "Chart", Image: &bot.File{Name: "chart.png", ContentType: "image/png", Data: png}})
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Posts()
	if len(posts) != 5 {
		t.Fatalf("posts = %+v", posts)
	}
	if posts[0].Channel != dm || posts[1].Channel != dm {
		t.Errorf("DMs went to %s and %s", posts[0].Channel, posts[1].Channel)
	}
	if posts[2].ThreadTS != ts(1) || posts[2].Channel != general.ID {
		t.Errorf("thread post = %+v", posts[2])
	}
	if posts[3].Method != "chat.postEphemeral" || posts[3].User != bob.ID {
		t.Errorf("ephemeral post = %+v", posts[3])
	}
	if ref.ID != posts[4].TS {
		t.Errorf("image post ref = %+v", ref)
	}
	files := f.Files()
	if len(files) != 1 || files[0].Channel != design.ID || string(files[0].Data) != string(png) || files[0].Name != "chart.png" {
		t.Errorf("files = %+v", files)
	}
	if len(f.Calls("files.getUploadURLExternal")) != 1 || len(f.Calls("files.completeUploadExternal")) != 1 {
		t.Errorf("upload API not used")
	}
}

func TestPostPlatformErrorsAreClear(t *testing.T) {
	h := start(t, setup{})
	ctx := context.Background()
	cases := []struct {
		channel, code, want string
	}{
		{outside.ID, "not_in_channel", "I'm not in #outside. Invite me with `/invite @Hearth`"},
		{archived.ID, "is_archived", "#old-stuff is archived"},
		{"C0NOPE", "channel_not_found", "I can't find that channel"},
	}
	for _, c := range cases {
		_, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: c.channel}, bot.Post{Text: "hi"})
		var be *bot.Error
		if !errors.As(err, &be) || be.Code != bot.EPlatform || !strings.Contains(be.Message, c.want) {
			t.Errorf("%s: err = %v, want a platform error saying %q", c.code, err, c.want)
		}
		if !strings.Contains(h.logs.String(), `"code":"`+c.code+`"`) {
			t.Errorf("%s not logged", c.code)
		}
	}
	if st := h.a.QueueStats(); st.Failed != 3 || st.Pending != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestReplyFallsBackWhenResponseURLFails(t *testing.T) {
	h := start(t, setup{})
	h.rec.setCommand(func(bot.Command) bot.Reply { return bot.Reply{Post: bot.Post{Text: "private"}, Private: true} })
	in := h.fake.SlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "me"})
	p := in.Payload.(map[string]string)
	p["response_url"] = h.fake.BaseURL() + "/nowhere" // 404
	h.fake.PushInteraction(in)
	post := h.fake.WaitPosts(1)[0]
	if post.Method != "chat.postEphemeral" || post.User != alice.ID || post.Channel != general.ID {
		t.Errorf("fallback = %+v", post)
	}
}

func TestPermalink(t *testing.T) {
	h := start(t, setup{})
	got := h.a.Permalink("", "C0GENERAL", "1700000000.123456")
	if want := "https://hearth-test.slack.com/archives/C0GENERAL/p1700000000123456"; got != want {
		t.Errorf("Permalink = %q, want %q", got, want)
	}
	if got := h.a.Permalink("", "", "1700000000.123456"); got != "" {
		t.Errorf("Permalink without a channel = %q", got)
	}
}

// With a simulated clock that does not move and the real sleep, two posts
// due in one channel at one instant are both delivered: pacing measures
// time on the clock it sleeps with.
func TestPacingWithAStoppedClockAndRealSleep(t *testing.T) {
	h := start(t, setup{config: func(c *Config) {
		c.Sleep = nil
		c.PostInterval = 20 * time.Millisecond
	}})
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		done := make(chan error, 1)
		go func() {
			_, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: "slack:" + fakeslack.DefaultTeamID, Channel: general.ID}, bot.Post{Text: "prompt"})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(waitTimeout):
			t.Fatalf("post %d never went out: pacing waited on a clock that does not move", i+1)
		}
	}
}
