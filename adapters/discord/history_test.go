package discord_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
)

// historyReader is an adapter that only reads history from f (it is not
// run: history is REST), waiting through a sleeper that moves clock, which
// is also the fake's: a rate limit's wait takes no real time.
func historyReader(t testing.TB, f *fakediscord.Server, clock *bot.ManualClock, members bool) (*discord.Adapter, *clockSleeper) {
	t.Helper()
	sl := &clockSleeper{clock: clock, advance: true}
	log := slog.New(slog.DiscardHandler)
	if tt, ok := t.(*testing.T); ok {
		log = testLogger(tt)
	}
	a, err := discord.New(discord.Config{BotToken: f.Token(), APIURL: f.URL(), Handler: newRecorder(), Clock: clock,
		Sleep: sl.sleep, Log: log, MembersIntent: members})
	if err != nil {
		t.Fatal(err)
	}
	return a, sl
}

// historyPage is one call of the page function.
type historyPage struct {
	events []bot.Event
	cursor string
}

// readChannel reads one channel from cursor to its end.
func readChannel(t testing.TB, a *discord.Adapter, channel, cursor string, since time.Time) []historyPage {
	t.Helper()
	var pages []historyPage
	err := a.ReadHistory(context.Background(), bot.HistoryQuery{Community: community, Channel: channel, Since: since, Cursor: cursor},
		func(_ context.Context, events []bot.Event, cursor string) error {
			pages = append(pages, historyPage{events: slices.Clone(events), cursor: cursor})
			return nil
		})
	if err != nil {
		t.Fatalf("ReadHistory(%s, %q): %v", channel, cursor, err)
	}
	return pages
}

// readGuild reads every channel HistoryChannels lists.
func readGuild(t testing.TB, a *discord.Adapter, since time.Time) []bot.Event {
	t.Helper()
	chans, err := a.HistoryChannels(context.Background(), community)
	if err != nil {
		t.Fatal(err)
	}
	var out []bot.Event
	for _, c := range chans {
		for _, p := range readChannel(t, a, c.ID, "", since) {
			out = append(out, p.events...)
		}
	}
	return out
}

// final is what a sequence of live events leaves recorded: the last event
// of each key, unless it was retracted.
func final(events []bot.Event) map[string]bot.Event {
	out := map[string]bot.Event{}
	for _, e := range events {
		if e.Retract {
			delete(out, e.Key)
			continue
		}
		out[e.Key] = e
	}
	return out
}

// comparable drops what history cannot know as live does: a reaction's
// own time (history dates it at its message's).
func comparable(e bot.Event) bot.Event {
	if e.Kind == bot.KindReaction {
		e.At = time.Time{}
	}
	return e
}

// The same activity, received live through the gateway or read back as
// history, records the same events: same keys, kinds, parents, channels,
// members and bots; a deleted message and a removed reaction are absent.
func TestHistoryMatchesLiveEvents(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	post := must[fakediscord.Message](t)
	say := func(m fakediscord.Message) fakediscord.Message {
		h.clock.Advance(time.Minute)
		return post(f.MessageCreate(m))
	}

	top := say(msg(generalID, alice))
	check(t, f.ThreadCreate(guildID, fakediscord.Channel{ID: top.ID, Name: "about that", Type: fakediscord.ChannelPublicThread, ParentID: generalID}))
	inThread := say(msg(top.ID, bob))
	inOldThread := say(msg(threadID, carol))
	inline := say(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: carol, ReplyTo: top.ID})
	inline2 := say(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: bob, ReplyTo: inline.ID})
	// Three and four deep: history climbs the chain as live remembers it.
	inline3 := say(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: alice, ReplyTo: inline2.ID})
	say(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: carol, ReplyTo: inline3.ID})
	gone := say(msg(generalID, carol))
	// A thread archived since: read from the archived list.
	second := say(msg(generalID, bob))
	check(t, f.ThreadCreate(guildID, fakediscord.Channel{ID: second.ID, Name: "archived", Type: fakediscord.ChannelPublicThread, ParentID: generalID}))
	say(msg(second.ID, alice))
	say(msg(second.ID, carol))
	private := f.NewID()
	check(t, f.ThreadCreate(guildID, fakediscord.Channel{ID: private, Name: "private", Type: fakediscord.ChannelPrivateThread, ParentID: generalID}))
	say(msg(private, alice))
	// A forum post and its answer.
	forumPost := f.NewID()
	check(t, f.ThreadCreate(guildID, fakediscord.Channel{ID: forumPost, Name: "How do I?", Type: fakediscord.ChannelPublicThread, ParentID: forumID}))
	say(fakediscord.Message{ID: forumPost, GuildID: guildID, ChannelID: forumPost, Author: alice})
	say(msg(forumPost, bob))
	say(msg(generalID, fakediscord.User{ID: "600", Username: "otherbot", Bot: true}))
	say(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: fakediscord.User{ID: "700", Username: "hook"}, WebhookID: "700"})
	say(fakediscord.Message{GuildID: guildID, ChannelID: generalID, Author: carol, Type: fakediscord.MessageMemberJoin})
	thumbs := fakediscord.Reaction{GuildID: guildID, ChannelID: generalID, MessageID: top.ID, User: bob, EmojiName: "👍"}
	check(t, f.ReactionAdd(thumbs))
	check(t, f.ReactionAdd(fakediscord.Reaction{GuildID: guildID, ChannelID: generalID, MessageID: top.ID, User: carol, EmojiName: "👍"}))
	check(t, f.ReactionAdd(fakediscord.Reaction{GuildID: guildID, ChannelID: top.ID, MessageID: inThread.ID, User: alice, EmojiID: "900", EmojiName: "sprout"}))
	check(t, f.ReactionAdd(fakediscord.Reaction{GuildID: guildID, ChannelID: forumPost, MessageID: forumPost, User: fakediscord.User{ID: "600", Username: "otherbot", Bot: true}, EmojiName: "🤖"}))
	check(t, f.ReactionAdd(fakediscord.Reaction{GuildID: guildID, ChannelID: threadID, MessageID: inOldThread.ID, User: bob, EmojiName: "🌱"}))
	check(t, f.ReactionRemove(thumbs))
	check(t, f.MessageDelete(guildID, generalID, gone.ID))
	const liveEvents = 23
	live := final(h.rec.waitEvents(t, liveEvents))
	f.ArchiveThread(guildID, second.ID, h.clock.Now())
	f.ArchiveThread(guildID, private, h.clock.Now())

	a, _ := historyReader(t, f, h.clock, false)
	got := map[string]bot.Event{}
	for _, e := range readGuild(t, a, t0.Add(-time.Hour)) {
		if _, dup := got[e.Key]; dup {
			t.Errorf("history gave %s twice", e.Key)
		}
		got[e.Key] = e
	}
	if len(got) != len(live) {
		t.Errorf("history has %d events, live %d:\n history %v\n    live %v", len(got), len(live), slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(live)))
	}
	for k, want := range live {
		if g, ok := got[k]; !ok {
			t.Errorf("history lacks %s (%+v)", k, want)
		} else if comparable(g) != comparable(want) {
			t.Errorf("%s:\nhistory %+v\n   live %+v", k, g, want)
		}
		if g := got[k]; g.Kind == bot.KindReaction && !g.At.Equal(fakediscord.SnowflakeTime(g.Message)) {
			t.Errorf("%s is dated %v, want its message's time", k, g.At)
		}
	}
}

// Reactions past the cap are skipped and counted, not read a hundred at a
// time; those under it are read in one request.
func TestHistoryReactionCap(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	busy := f.Post(msg(generalID, alice))
	quiet := f.Post(msg(generalID, bob))
	for i := range discord.ReactionCap + 1 {
		f.React(fakediscord.Reaction{GuildID: guildID, ChannelID: generalID, MessageID: busy.ID, User: fakediscord.User{ID: strconv.Itoa(10000 + i)}, EmojiName: "🎉"})
	}
	for i := range discord.ReactionCap {
		f.React(fakediscord.Reaction{GuildID: guildID, ChannelID: generalID, MessageID: quiet.ID, User: fakediscord.User{ID: strconv.Itoa(20000 + i)}, EmojiName: "🎉"})
	}
	a, _ := historyReader(t, f, clock, false)
	reactions := map[string]int{}
	for _, p := range readChannel(t, a, generalID, "", t0.Add(-time.Hour)) {
		for _, e := range p.events {
			if e.Kind == bot.KindReaction {
				reactions[e.Message]++
			}
		}
	}
	if reactions[quiet.ID] != discord.ReactionCap || reactions[busy.ID] != 0 {
		t.Errorf("reactions read: %v; want %d on %s, none on %s", reactions, discord.ReactionCap, quiet.ID, busy.ID)
	}
	if got := a.Stats().HistoryReactionsSkipped; got != discord.ReactionCap+1 {
		t.Errorf("HistoryReactionsSkipped = %d, want %d", got, discord.ReactionCap+1)
	}
	if n := len(f.RequestsTo("GET /channels/" + generalID + "/messages/" + busy.ID + "/reactions")); n != 0 {
		t.Errorf("%d requests for the reactors past the cap", n)
	}
}

// busyThread posts n messages in a thread of #general started from a
// message, two in #general around it, and returns the thread's id.
func busyThread(f *fakediscord.Server, clock *bot.ManualClock, n int) string {
	f.Post(msg(generalID, carol))
	top := f.Post(msg(generalID, alice))
	f.AddChannel(guildID, fakediscord.Channel{ID: top.ID, Name: "busy", Type: fakediscord.ChannelPublicThread, ParentID: generalID})
	for range n {
		clock.Advance(time.Second)
		f.Post(msg(top.ID, bob))
	}
	return top.ID
}

// A read resumed from a cursor in the middle of a thread gives the rest,
// exactly once: what the full read gave after that page.
func TestHistoryResumesMidThread(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	thread := busyThread(f, clock, 250)
	f.Post(msg(threadID, carol))
	a, _ := historyReader(t, f, clock, false)
	since := t0.Add(-time.Hour)
	full := readChannel(t, a, generalID, "", since)
	keys := func(pages []historyPage) []string {
		var out []string
		for _, p := range pages {
			for _, e := range p.events {
				out = append(out, e.Key)
			}
		}
		return out
	}
	all := keys(full)
	if len(all) != 2+250+1 || len(slices.Compact(slices.Sorted(slices.Values(all)))) != len(all) {
		t.Fatalf("the full read gave %d keys (%d distinct), want 253", len(all), len(slices.Compact(slices.Sorted(slices.Values(all)))))
	}
	resumed := 0
	for i, p := range full {
		if !strings.HasPrefix(p.cursor, "t:"+thread+":") {
			continue
		}
		resumed++
		rest := readChannel(t, a, generalID, p.cursor, since)
		if got, want := keys(rest), keys(full[i+1:]); !slices.Equal(got, want) {
			t.Errorf("resumed at %q: got %d keys, want %d", p.cursor, len(got), len(want))
		}
	}
	if resumed < 2 {
		t.Errorf("only %d cursors inside the thread; the test reads none mid-thread", resumed)
	}
	// A cursor past every thread reads nothing more.
	if last := readChannel(t, a, generalID, full[len(full)-1].cursor, since); len(keys(last)) != 0 {
		t.Errorf("resuming at the end read %d more events", len(keys(last)))
	}
}

// A thousand messages are ten pages of a hundred, newest first, and the
// read stops at Since.
func TestHistoryPagesAThousandMessages(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	for range 1000 {
		clock.Advance(time.Minute)
		f.Post(msg(generalID, alice))
	}
	a, _ := historyReader(t, f, clock, false)
	pages := readChannel(t, a, generalID, "", t0)
	var n int
	var prev time.Time
	for i, p := range pages[:len(pages)-1] {
		if len(p.events) != 100 && i < 10 {
			t.Errorf("page %d holds %d events, want 100", i, len(p.events))
		}
		for _, e := range p.events {
			if !prev.IsZero() && e.At.After(prev) {
				t.Fatalf("page %d is not newest first", i)
			}
			prev = e.At
			n++
		}
	}
	n += len(pages[len(pages)-1].events)
	if n != 1000 {
		t.Errorf("read %d messages, want 1000", n)
	}
	reqs := f.RequestsTo("GET /channels/" + generalID + "/messages")
	if len(reqs) != 11 || reqs[0].Query.Get("limit") != "100" || reqs[1].Query.Get("before") == "" {
		t.Errorf("%d requests (first %v, second %v); want 11 of limit=100, paging with before=", len(reqs), reqs[0].Query, reqs[1].Query)
	}
	// Since in the middle: only what is at or after it.
	half := readChannel(t, a, generalID, "", t0.Add(500*time.Minute+time.Second))
	n = 0
	for _, p := range half {
		n += len(p.events)
	}
	if n != 500 {
		t.Errorf("since the 501st minute: %d messages, want 500", n)
	}
}

// Discord's per-route limits are honoured: a spent bucket's reset and a
// 429's retry_after are waited through Config.Sleep (here a manual clock:
// no real time passes), and the read completes without losing a page.
func TestHistoryHonoursRateLimits(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	for range 1000 {
		clock.Advance(time.Second)
		f.Post(msg(generalID, alice))
	}
	f.LimitRoute("GET /channels/{id}/messages", 5, 5*time.Second)
	f.RateLimit("GET /channels/"+generalID+"/messages", 2, 30*time.Second)
	a, sl := historyReader(t, f, clock, false)
	start := clock.Now()
	var n int
	for _, p := range readChannel(t, a, generalID, "", t0) {
		n += len(p.events)
	}
	if n != 1000 {
		t.Errorf("read %d messages, want 1000", n)
	}
	waits := sl.snapshot()
	thirty := 0
	for _, w := range waits {
		if w == 30*time.Second {
			thirty++
		}
	}
	if thirty != 2 {
		t.Errorf("waits %v: want the two 429s' 30 s", waits)
	}
	// 11 requests at 5 per 5 s: the bucket was spent twice.
	if elapsed := clock.Now().Sub(start); elapsed < 60*time.Second+10*time.Second {
		t.Errorf("the clock moved %v; the bucket's resets were not waited (waits %v)", elapsed, waits)
	}
	if got := f.RateLimited(); got != 0 {
		t.Errorf("the route limit answered %d 429s: the adapter did not wait for the bucket's reset", got)
	}
	if got := a.Stats().RateLimited; got != 2 {
		t.Errorf("Stats().RateLimited = %d, want 2", got)
	}
}

// Without the members intent, HistoryJoins says what to switch on; with
// it, its joins carry the keys of the live GUILD_MEMBER_ADD.
func TestHistoryJoins(t *testing.T) {
	t.Parallel()
	h := start(t, setup{fake: fakediscord.Options{MembersIntent: true}, config: func(c *discord.Config) { c.MembersIntent = true }})
	dave := fakediscord.User{ID: "504", Username: "dave"}
	joined := t0.Add(-2*time.Hour + 123456789*time.Nanosecond)
	check(t, h.fake.MemberAdd(guildID, fakediscord.Member{User: dave, JoinedAt: joined}))
	var live bot.Event
	h.rec.wait(t, "dave's join", func() bool {
		for _, e := range h.rec.Events() {
			if e.Kind == bot.KindJoin && e.Member == dave.ID {
				live = e
				return true
			}
		}
		return false
	})

	off, _ := historyReader(t, h.fake, h.clock, false)
	_, err := off.HistoryJoins(context.Background(), community, t0.Add(-24*time.Hour))
	var be *bot.Error
	if !errors.As(err, &be) || be.Code != bot.EPlatform || !strings.Contains(be.Message, "Server Members Intent") {
		t.Errorf("HistoryJoins without the intent: %v; want a platform error naming the Server Members Intent", err)
	}

	on, _ := historyReader(t, h.fake, h.clock, true)
	joins, err := on.HistoryJoins(context.Background(), community, t0.Add(-11*24*time.Hour))
	check(t, err)
	byMember := map[string]bot.Event{}
	for _, e := range joins {
		byMember[e.Member] = e
	}
	if len(joins) != 2 || byMember[carolID].Key == "" {
		t.Errorf("joins since 11 days: %+v; want carol's and dave's", joins)
	}
	if got := byMember[dave.ID]; got != live {
		t.Errorf("history's join:\n %+v\nlive's:\n %+v", got, live)
	}
}

// The fake refuses the member list without the intent, as Discord does.
func TestHistoryJoinsRefusedByDiscord(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	a, _ := historyReader(t, f, clock, true) // configured on, switched off in the portal
	_, err := a.HistoryJoins(context.Background(), community, t0.Add(-time.Hour))
	var be *bot.Error
	if !errors.As(err, &be) || !strings.Contains(be.Message, "Server Members Intent") {
		t.Errorf("HistoryJoins refused by Discord: %v; want the intent explained", err)
	}
}

// HistoryChannels lists the channels Hearth can read: text, news and
// forum channels (no categories, voice or threads) where its roles and the
// channel's overwrites give View Channel and Read Message History.
func TestHistoryChannelsReadable(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	g := testGuild()
	deny := func(perm int64) []fakediscord.Overwrite {
		return []fakediscord.Overwrite{{ID: guildID, Type: 0, Deny: perm}}
	}
	g.Channels = append(g.Channels,
		fakediscord.Channel{ID: "203", Name: "mods", Type: fakediscord.ChannelText, Overwrites: deny(fakediscord.PermViewChannel)},
		fakediscord.Channel{ID: "204", Name: "news", Type: fakediscord.ChannelNews},
		fakediscord.Channel{ID: "205", Name: "no-history", Type: fakediscord.ChannelText, Overwrites: []fakediscord.Overwrite{{ID: fakediscord.DefaultBotID, Type: 1, Deny: fakediscord.PermReadHistory}}},
		fakediscord.Channel{ID: "206", Name: "staff", Type: fakediscord.ChannelText, Overwrites: append(deny(fakediscord.PermViewChannel),
			fakediscord.Overwrite{ID: "777", Type: 0, Allow: fakediscord.PermViewChannel})},
		fakediscord.Channel{ID: "207", Name: "voice", Type: 2},
	)
	g.Roles = append(g.Roles, fakediscord.Role{ID: "777", Name: "hearth", Permissions: fakediscord.DefaultBotPermissions})
	g.BotRoles = []string{"777"}
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{g}})
	t.Cleanup(f.Close)
	a, _ := historyReader(t, f, clock, false)
	chans, err := a.HistoryChannels(context.Background(), community)
	check(t, err)
	var got []string
	for _, c := range chans {
		got = append(got, c.ID+" "+c.Name)
	}
	if want := []string{generalID + " general", forumID + " questions", "204 news", "206 staff"}; !slices.Equal(got, want) {
		t.Errorf("HistoryChannels = %q, want %q", got, want)
	}
}

// A private thread the bot was never added to is skipped and the rest of
// the channel read; a channel the bot cannot read fails with an error that
// says which permissions to give.
func TestHistoryUnreadable(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	f.Post(msg(generalID, alice))
	secret := f.NewID()
	f.AddChannel(guildID, fakediscord.Channel{ID: secret, Name: "secret", Type: fakediscord.ChannelPrivateThread, ParentID: generalID})
	f.Post(msg(secret, bob))
	f.HideChannel(secret)
	f.Post(msg(threadID, carol))
	a, _ := historyReader(t, f, clock, false)
	var members []string
	for _, p := range readChannel(t, a, generalID, "", t0.Add(-time.Hour)) {
		for _, e := range p.events {
			members = append(members, e.Member)
		}
	}
	if !slices.Equal(members, []string{aliceID, carolID}) {
		t.Errorf("read the messages of %v, want alice's and carol's (not the hidden thread's)", members)
	}
	f.HideChannel(generalID)
	err := a.ReadHistory(context.Background(), bot.HistoryQuery{Community: community, Channel: generalID, Since: t0.Add(-time.Hour)},
		func(context.Context, []bot.Event, string) error { return nil })
	var be *bot.Error
	if !errors.As(err, &be) || be.Code != bot.EPlatform || !strings.Contains(be.Message, "Read Message History") {
		t.Errorf("reading a hidden channel: %v; want a platform error naming Read Message History", err)
	}
}

// A bad cursor is refused, not read from the start.
func TestHistoryRefusesForeignCursor(t *testing.T) {
	t.Parallel()
	clock := bot.NewManualClock(t0)
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	a, _ := historyReader(t, f, clock, false)
	err := a.ReadHistory(context.Background(), bot.HistoryQuery{Community: community, Channel: generalID, Cursor: "1712345.000"},
		func(context.Context, []bot.Event, string) error { return nil })
	if err == nil {
		t.Error("a Slack-like cursor was accepted")
	}
}

// BenchmarkDiscordHistory reads 4 channels of 2,500 messages (a tenth with
// a reaction, a tenth in threads) through the fake. "limits-off" measures
// the adapter's own cost per event (events/s); "discord-limits" gives the
// fake Discord's observed per-channel buckets (5 requests per 5 s for
// messages and for reactions) and reports the rate by the simulated clock
// the waits advance (events/sim-s), one channel at a time.
func BenchmarkDiscordHistory(b *testing.B) {
	for _, limited := range []bool{false, true} {
		name := "limits-off"
		if limited {
			name = "discord-limits"
		}
		b.Run(name, func(b *testing.B) { benchmarkHistory(b, limited) })
	}
}

func benchmarkHistory(b *testing.B, limited bool) {
	clock := bot.NewManualClock(t0)
	g := testGuild()
	g.Threads = nil
	for i := range 3 {
		g.Channels = append(g.Channels, fakediscord.Channel{ID: fmt.Sprint(210 + i), Name: fmt.Sprint("c", i), Type: fakediscord.ChannelText})
	}
	f := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{g}})
	b.Cleanup(f.Close)
	chans := []string{generalID, "210", "211", "212"}
	for _, ch := range chans {
		var thread string
		for i := range 2500 {
			clock.Advance(time.Second)
			switch {
			case i%10 == 5 && thread != "":
				f.Post(msg(thread, bob))
			default:
				m := f.Post(msg(ch, alice))
				if i%100 == 0 {
					thread = m.ID
					f.AddChannel(guildID, fakediscord.Channel{ID: thread, Name: "t", Type: fakediscord.ChannelPublicThread, ParentID: ch})
				}
				if i%10 == 1 {
					f.React(fakediscord.Reaction{GuildID: guildID, ChannelID: ch, MessageID: m.ID, User: carol, EmojiName: "👍"})
				}
			}
		}
	}
	if limited {
		f.LimitRoute("GET /channels/{id}/messages", 5, 5*time.Second)
		f.LimitRoute("GET /channels/{id}/messages/{mid}/reactions/{emoji}", 5, 5*time.Second)
	}
	a, _ := historyReader(b, f, clock, false)
	start := clock.Now()
	b.ResetTimer()
	events := 0
	for b.Loop() {
		for _, ch := range chans {
			for _, p := range readChannel(b, a, ch, "", t0) {
				events += len(p.events)
			}
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if limited {
		b.ReportMetric(float64(events)/clock.Now().Sub(start).Seconds(), "events/sim-s")
		b.ReportMetric(float64(len(f.Requests()))/clock.Now().Sub(start).Seconds(), "req/sim-s")
	}
}
