package discord_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
)

const community = "discord:" + guildID

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func msg(ch string, u fakediscord.User) fakediscord.Message {
	return fakediscord.Message{GuildID: guildID, ChannelID: ch, Author: u}
}

func TestParticipation(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	post := must[fakediscord.Message](t)
	react := fakediscord.Reaction{GuildID: guildID, ChannelID: generalID, User: bob, EmojiName: "👍"}

	top := post(f.MessageCreate(msg(generalID, alice)))
	// A thread started from top has top's id.
	check(t, f.ThreadCreate(guildID, fakediscord.Channel{ID: top.ID, Name: "about that", Type: fakediscord.ChannelPublicThread, ParentID: generalID}))
	inThread := post(f.MessageCreate(msg(top.ID, bob)))
	inOldThread := post(f.MessageCreate(msg(threadID, carol)))
	inline := post(f.MessageCreate(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: carol, ReplyTo: top.ID}))
	inline2 := post(f.MessageCreate(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: bob, ReplyTo: inline.ID}))
	// A forum post is a thread whose starter message has the thread's id.
	forumPost := f.NewID()
	check(t, f.ThreadCreate(guildID, fakediscord.Channel{ID: forumPost, Name: "How do I?", Type: fakediscord.ChannelPublicThread, ParentID: forumID}))
	post(f.MessageCreate(fakediscord.Message{ID: forumPost, GuildID: guildID, ChannelID: forumPost, Author: alice}))
	forumReply := post(f.MessageCreate(msg(forumPost, bob)))
	// A thread the adapter was never told about: it asks Discord.
	f.AddChannel(guildID, fakediscord.Channel{ID: "302", Name: "older thread", Type: fakediscord.ChannelPublicThread, ParentID: generalID})
	inUnknown := post(f.MessageCreate(msg("302", alice)))
	byBot := post(f.MessageCreate(msg(generalID, fakediscord.User{ID: "600", Username: "otherbot", Bot: true})))
	byHook := post(f.MessageCreate(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: fakediscord.User{ID: "700", Username: "hook"}, WebhookID: "700"}))
	post(f.MessageCreate(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: carol, Type: fakediscord.MessageMemberJoin}))
	dm := post(f.MessageCreate(fakediscord.Message{ChannelID: "800", Author: bob}))
	react.MessageID = top.ID
	check(t, f.ReactionAdd(react))
	custom := fakediscord.Reaction{GuildID: guildID, ChannelID: top.ID, MessageID: inThread.ID, User: alice, EmojiID: "900", EmojiName: "sprout"}
	check(t, f.ReactionAdd(custom))
	check(t, f.ReactionRemove(react))
	check(t, f.MessageDelete(guildID, generalID, inline2.ID))
	// A message recorded before a restart: the key alone retracts it.
	check(t, f.MessageDelete(guildID, generalID, "123456789"))

	now := h.clock.Now()
	at := fakediscord.SnowflakeTime
	want := []bot.Event{
		{Kind: bot.KindMessage, Community: community, Channel: generalID, ChannelName: "general", Member: aliceID, MemberName: "Alice", At: at(top.ID), Key: "msg:" + top.ID, Message: top.ID},
		{Kind: bot.KindReply, Community: community, Channel: generalID, ChannelName: "general", Member: bobID, MemberName: "bob", At: at(inThread.ID), Key: "msg:" + inThread.ID, Message: inThread.ID, Parent: top.ID},
		{Kind: bot.KindReply, Community: community, Channel: generalID, ChannelName: "general", Member: carolID, MemberName: "carol", At: at(inOldThread.ID), Key: "msg:" + inOldThread.ID, Message: inOldThread.ID, Parent: threadID},
		{Kind: bot.KindReply, Community: community, Channel: generalID, ChannelName: "general", Member: carolID, MemberName: "carol", At: at(inline.ID), Key: "msg:" + inline.ID, Message: inline.ID, Parent: top.ID},
		{Kind: bot.KindReply, Community: community, Channel: generalID, ChannelName: "general", Member: bobID, MemberName: "bob", At: at(inline2.ID), Key: "msg:" + inline2.ID, Message: inline2.ID, Parent: top.ID},
		{Kind: bot.KindMessage, Community: community, Channel: forumID, ChannelName: "questions", Member: aliceID, MemberName: "Alice", At: at(forumPost), Key: "msg:" + forumPost, Message: forumPost},
		{Kind: bot.KindReply, Community: community, Channel: forumID, ChannelName: "questions", Member: bobID, MemberName: "bob", At: at(forumReply.ID), Key: "msg:" + forumReply.ID, Message: forumReply.ID, Parent: forumPost},
		{Kind: bot.KindReply, Community: community, Channel: generalID, ChannelName: "general", Member: aliceID, MemberName: "Alice", At: at(inUnknown.ID), Key: "msg:" + inUnknown.ID, Message: inUnknown.ID, Parent: "302"},
		{Kind: bot.KindMessage, Community: community, Channel: generalID, ChannelName: "general", Member: "600", MemberName: "otherbot", IsBot: true, At: at(byBot.ID), Key: "msg:" + byBot.ID, Message: byBot.ID},
		{Kind: bot.KindMessage, Community: community, Channel: generalID, ChannelName: "general", Member: "700", MemberName: "hook", IsBot: true, At: at(byHook.ID), Key: "msg:" + byHook.ID, Message: byHook.ID},
		{Kind: bot.KindMessage, Community: community, Member: bobID, MemberName: "bob", DM: true, At: at(dm.ID), Key: "msg:" + dm.ID, Message: dm.ID},
		{Kind: bot.KindReaction, Community: community, Channel: generalID, ChannelName: "general", Member: bobID, MemberName: "bob", At: now, Key: "react:" + top.ID + ":" + bobID + ":👍", Message: top.ID},
		{Kind: bot.KindReaction, Community: community, Channel: generalID, ChannelName: "general", Member: aliceID, MemberName: "Alice", At: now, Key: "react:" + inThread.ID + ":" + aliceID + ":900", Message: inThread.ID},
		{Kind: bot.KindReaction, Community: community, Channel: generalID, ChannelName: "general", Member: bobID, At: now, Key: "react:" + top.ID + ":" + bobID + ":👍", Message: top.ID, Retract: true},
		{Kind: bot.KindReply, Community: community, Channel: generalID, ChannelName: "general", Member: bobID, MemberName: "bob", At: now, Key: "msg:" + inline2.ID, Message: inline2.ID, Parent: top.ID, Retract: true},
		{Kind: bot.KindMessage, Community: community, At: now, Key: "msg:123456789", Message: "123456789", Retract: true},
	}
	got := h.rec.waitEvents(t, len(want))
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if n := len(f.RequestsTo("GET /channels/302")); n != 1 {
		t.Errorf("the unknown thread was fetched %d times, want once", n)
	}
}

// Events apply in the order Discord sent them, though discordgo would run
// handlers concurrently: a delete never overtakes its create.
func TestOrderPreserved(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	var keys []string
	for range 50 {
		m, err := f.MessageCreate(msg(generalID, alice))
		check(t, err)
		check(t, f.MessageDelete(guildID, generalID, m.ID))
		keys = append(keys, "msg:"+m.ID, "msg:"+m.ID)
	}
	got := h.rec.waitEvents(t, len(keys))
	for i, e := range got {
		if e.Key != keys[i] || e.Retract != (i%2 == 1) {
			t.Fatalf("event %d = %s retract=%v, want %s retract=%v", i, e.Key, e.Retract, keys[i], i%2 == 1)
		}
	}
}

// A dispatch Discord sends again (a replay) gives the same event, same key:
// the core counts it once.
func TestReplayedEventSameKey(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	m := fakediscord.Message{ID: f.NewID(), GuildID: guildID, ChannelID: generalID, Author: bob}
	must[fakediscord.Message](t)(f.MessageCreate(m))
	must[fakediscord.Message](t)(f.MessageCreate(m))
	r := fakediscord.Reaction{GuildID: guildID, ChannelID: generalID, MessageID: m.ID, User: alice, EmojiName: "🌱"}
	check(t, f.ReactionAdd(r))
	h.clock.Advance(time.Minute)
	check(t, f.ReactionAdd(r))
	got := h.rec.waitEvents(t, 4)
	if got[0] != got[1] {
		t.Errorf("replayed message differs:\n%+v\n%+v", got[0], got[1])
	}
	if got[2].Key != got[3].Key {
		t.Errorf("replayed reaction keys differ: %s, %s", got[2].Key, got[3].Key)
	}
}

// A member list requested on a connection that drops before the chunks
// come back is asked for again once the session resumes.
func TestMemberSyncSurvivesAResume(t *testing.T) {
	t.Parallel()
	h := start(t, setup{
		fake:   fakediscord.Options{MembersIntent: true, IgnoreMemberRequests: 1},
		config: func(c *discord.Config) { c.MembersIntent = true },
	})
	f := h.fake
	check(t, f.Wait(guard, func() bool { return len(f.MemberRequests()) == 1 }))
	check(t, f.Drop())
	h.rec.wait(t, "the complete member list after the resume", func() bool {
		for _, d := range h.rec.Dirs() {
			if d.Complete {
				return true
			}
		}
		return false
	})
	if n := len(f.Resumes()); n == 0 {
		t.Error("the session did not resume")
	}
	if n := len(f.MemberRequests()); n != 2 {
		t.Errorf("%d member requests, want the lost one and one after the resume", n)
	}
}

func TestMembersIntentSyncsAndTracksMembers(t *testing.T) {
	t.Parallel()
	h := start(t, setup{
		fake:   fakediscord.Options{MembersIntent: true, ChunkSize: 2},
		config: func(c *discord.Config) { c.MembersIntent = true },
	})
	f := h.fake
	var complete bot.Directory
	h.rec.wait(t, "the complete member list", func() bool {
		for _, d := range h.rec.Dirs() {
			if d.Complete {
				complete = d
				return true
			}
		}
		return false
	})
	if n := len(f.MemberRequests()); n != 1 {
		t.Errorf("%d member requests, want 1", n)
	}
	var req struct {
		Limit int    `json:"limit"`
		Nonce string `json:"nonce"`
	}
	check(t, json.Unmarshal(f.MemberRequests()[0], &req))
	if req.Limit != 0 || req.Nonce == "" {
		t.Errorf("member request %s: want every member (limit 0) and a nonce", f.MemberRequests()[0])
	}
	g := testGuild()
	if len(complete.Members) != len(g.Members) || complete.Community.ID != community || complete.Community.Name != "Gardeners" {
		t.Fatalf("complete directory: %+v", complete)
	}
	admin := map[string]bool{}
	for _, m := range complete.Members {
		admin[m.ID] = m.Admin
	}
	if !admin[ownerID] || !admin[aliceID] || admin[bobID] || admin[carolID] {
		t.Errorf("admins = %v; want the owner and the Manage Server role only", admin)
	}
	for i, m := range complete.Members {
		if !m.JoinedAt.Equal(g.Members[i].JoinedAt) {
			t.Errorf("member %s joined %v, want %v", m.ID, m.JoinedAt, g.Members[i].JoinedAt)
		}
	}

	dave := fakediscord.User{ID: "504", Username: "dave"}
	joined := t0.Add(-time.Hour)
	check(t, f.MemberAdd(guildID, fakediscord.Member{User: dave, JoinedAt: joined}))
	check(t, f.MemberRemove(guildID, dave))
	check(t, f.MemberRemove(guildID, carol))
	got := h.rec.waitEvents(t, 3)
	now := h.clock.Now()
	want := []bot.Event{
		{Kind: bot.KindJoin, Community: community, Member: "504", MemberName: "dave", At: joined, Key: "join:100:504:" + ms(joined)},
		{Kind: bot.KindLeave, Community: community, Member: "504", MemberName: "dave", At: now, Key: "leave:100:504:" + ms(joined)},
		{Kind: bot.KindLeave, Community: community, Member: carolID, MemberName: "carol", At: now, Key: "leave:100:503:" + ms(g.Members[3].JoinedAt)},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	h.rec.wait(t, "carol marked as left", func() bool {
		for _, d := range h.rec.Dirs() {
			if len(d.Members) == 1 && d.Members[0].ID == carolID && d.Members[0].Left {
				return true
			}
		}
		return false
	})
	if i := slices.IndexFunc(f.Identifies(), func(id fakediscord.Identify) bool { return id.Intents&fakediscord.IntentGuildMembers == 0 }); i >= 0 {
		t.Errorf("IDENTIFY %d lacks GUILD_MEMBERS", i)
	}
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
