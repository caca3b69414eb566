package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// historyPage is one call of the page function.
type historyPage struct {
	events []bot.Event
	cursor string
}

// readHistory reads one channel through, from cursor, and returns its pages.
func readHistory(t testing.TB, a *Adapter, community, channel, cursor string) []historyPage {
	t.Helper()
	var pages []historyPage
	err := a.ReadHistory(context.Background(), bot.HistoryQuery{Community: community, Channel: channel, Cursor: cursor},
		func(_ context.Context, events []bot.Event, cursor string) error {
			pages = append(pages, historyPage{events: events, cursor: cursor})
			return nil
		})
	if err != nil {
		t.Fatalf("ReadHistory(%s): %v", channel, err)
	}
	return pages
}

func allEvents(pages []historyPage) []bot.Event {
	var out []bot.Event
	for _, p := range pages {
		out = append(out, p.events...)
	}
	return out
}

// scenario is a channel's activity, delivered live by push or kept as
// history by the fake.
func scenario(f *fakeslack.Server) []fakeslack.Event {
	g := general.ID
	return []fakeslack.Event{
		fakeslack.Message(g, alice.ID, ts(1)),
		fakeslack.Reply(g, bob.ID, ts(2), ts(1)),
		fakeslack.ThreadBroadcast(g, ada.ID, ts(3), ts(1)),
		fakeslack.ReactionAdded(bob.ID, "tada", g, ts(1), ts(4)),
		fakeslack.ReactionAdded(alice.ID, "eyes", g, ts(2), ts(5)), // on a reply
		fakeslack.ReactionAdded(ada.ID, "tada", g, ts(1), ts(6)),
		fakeslack.ReactionRemoved(ada.ID, "tada", g, ts(1), ts(7)),
		fakeslack.BotMessage(g, robot.BotID, ts(8)),
		fakeslack.AppPost(g, f.BotUserID(), f.BotID(), ts(9)),
		fakeslack.MemberJoinedChannel(olu.ID, g, ts(10)),
		fakeslack.Message(g, olu.ID, ts(11)),
		fakeslack.MessageChanged(g, olu.ID, ts(11), ts(12)),
		fakeslack.Message(g, bob.ID, ts(13)),
		fakeslack.MessageDeleted(g, bob.ID, ts(13), ts(14)),
		fakeslack.Message(g, alice.ID, ts(15)),
		fakeslack.Reply(g, bob.ID, ts(16), ts(15)),
		fakeslack.Reply(g, olu.ID, ts(17), ts(15)),
		fakeslack.MessageDeleted(g, olu.ID, ts(17), ts(18)).WithPreviousThread(ts(15)),
		fakeslack.MessageDeleted(g, alice.ID, ts(15), ts(19)), // a parent with a reply left: a tombstone
		fakeslack.Message(g, robot.ID, ts(20)).With("bot_id", robot.BotID),
		fakeslack.Message(design.ID, bob.ID, ts(21)), // another channel
		fakeslack.Message(g, ada.ID, ts(22)),
	}
}

// liveState is what live events leave recorded: each key's last event,
// retracted ones removed.
func liveState(evs []bot.Event) map[string]bot.Event {
	out := map[string]bot.Event{}
	for _, e := range evs {
		if e.Retract {
			delete(out, e.Key)
			continue
		}
		out[e.Key] = e
	}
	return out
}

func TestHistoryGivesTheKeysOfLiveEvents(t *testing.T) {
	h := start(t, setup{})
	for _, ev := range scenario(h.fake) {
		h.fake.PushEvent(ev)
	}
	h.rec.waitEvent(messageKey(general.ID, ts(22)))
	live := liveState(h.rec.eventsSnapshot())
	for k, e := range live {
		if e.Channel != general.ID {
			delete(live, k)
		}
	}

	got := allEvents(readHistory(t, h.a, h.community(), general.ID, ""))
	hist := map[string]bot.Event{}
	for _, e := range got {
		if _, dup := hist[e.Key]; dup {
			t.Errorf("history gave %s twice", e.Key)
		}
		hist[e.Key] = e
	}
	if len(hist) != len(live) {
		t.Errorf("history has %d events, live %d", len(hist), len(live))
	}
	for k, le := range live {
		he, ok := hist[k]
		if !ok {
			t.Errorf("live %s (%s) missing from history", k, le.Kind)
			continue
		}
		if le.Kind == bot.KindReaction {
			// Slack keeps no reaction time: history counts it at the message's.
			le.At = he.At
		}
		if he != le {
			t.Errorf("%s:\nhistory %+v\n   live %+v", k, he, le)
		}
	}
	for k := range hist {
		if _, ok := live[k]; !ok {
			t.Errorf("history %s was not in the live events", k)
		}
	}
	// What the scenario must exercise.
	want := []string{
		messageKey(general.ID, ts(2)), // reply
		messageKey(general.ID, ts(3)), // broadcast, once
		messageKey(general.ID, ts(8)), // bot_message
		messageKey(general.ID, ts(16)),
		"react:" + general.ID + ":" + ts(2) + ":" + alice.ID + ":eyes",
		channelJoinKey(general.ID, olu.ID, tsTime(10)),
	}
	for _, k := range want {
		if _, ok := hist[k]; !ok {
			t.Errorf("history lacks %s", k)
		}
	}
	if e := hist[messageKey(general.ID, ts(16))]; e.Kind != bot.KindReply || e.Parent != ts(15) {
		t.Errorf("reply under a deleted parent = %+v", e)
	}
	if e := hist[messageKey(general.ID, ts(8))]; !e.IsBot {
		t.Errorf("bot message not flagged: %+v", e)
	}
	if e := hist[messageKey(general.ID, ts(1))]; e.ChannelName != "general" || e.MemberName == "" {
		t.Errorf("names not filled: %+v", e)
	}
}

func TestHistoryResumesMidThreadExactlyOnce(t *testing.T) {
	h := start(t, setup{config: func(c *Config) { c.HistoryPageSize = 2 }})
	g := general.ID
	for i := 1; i <= 5; i++ {
		h.fake.Record(fakeslack.Message(g, alice.ID, ts(i*100)))
	}
	for i := 1; i <= 5; i++ {
		h.fake.Record(fakeslack.Reply(g, bob.ID, ts(300+i), ts(300)))
	}
	pages := readHistory(t, h.a, h.community(), g, "")
	all := allEvents(pages)
	if len(all) != 10 {
		t.Fatalf("read %d events, want 10", len(all))
	}
	midThread := 0
	for i, p := range pages {
		if pos, _ := decodePosition(p.cursor); pos.Replies != "" {
			midThread++
		}
		rest := allEvents(readHistory(t, h.a, h.community(), g, p.cursor))
		want := allEvents(pages[i+1:])
		if fmt.Sprint(keys(rest)) != fmt.Sprint(keys(want)) {
			t.Errorf("resuming after page %d:\n got %v\nwant %v", i, keys(rest), keys(want))
		}
	}
	if midThread == 0 {
		t.Errorf("no cursor fell inside a thread; the test does not test what it says")
	}
	if _, err := decodePosition("not a cursor!"); err == nil {
		t.Errorf("a foreign cursor was accepted")
	}
}

func keys(evs []bot.Event) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.Key)
	}
	return out
}

func TestHistoryWaitsOutRetryAfter(t *testing.T) {
	h := start(t, setup{})
	h.fake.Record(fakeslack.Message(general.ID, alice.ID, ts(1)))
	h.fake.Record(fakeslack.Reply(general.ID, bob.ID, ts(2), ts(1)))
	h.fake.RateLimit("conversations.history", 30*time.Second)
	h.fake.RateLimit("conversations.replies", 7*time.Second)
	before := h.clock.Now()
	evs := allEvents(readHistory(t, h.a, h.community(), general.ID, ""))
	if len(evs) != 2 {
		t.Fatalf("events = %v", keys(evs))
	}
	var waited []time.Duration
	for _, d := range h.sleep.snapshot() {
		if d >= time.Second*7 {
			waited = append(waited, d)
		}
	}
	if len(waited) != 2 || waited[0] != 30*time.Second || waited[1] != 7*time.Second {
		t.Errorf("Retry-After waits = %v, want [30s 7s]", waited)
	}
	if h.clock.Now().Sub(before) < 37*time.Second {
		t.Errorf("clock moved %v, want the Retry-After waited out on it", h.clock.Now().Sub(before))
	}
}

func TestHistoryStaysWithinTheTiers(t *testing.T) {
	h := start(t, setup{config: func(c *Config) { c.HistoryPageSize = 20 }})
	h.fake.LimitRates(fakeslack.HistoryTiers)
	g := general.ID
	for i := 0; i < 400; i++ {
		h.fake.Record(fakeslack.Message(g, alice.ID, ts(10*i+1)))
		if i%4 == 0 { // a thread of two replies on every fourth message
			h.fake.Record(fakeslack.Reply(g, bob.ID, ts(10*i+2), ts(10*i+1)))
			h.fake.Record(fakeslack.Reply(g, ada.ID, ts(10*i+3), ts(10*i+1)))
		}
	}
	start := h.clock.Now()
	if got := len(allEvents(readHistory(t, h.a, h.community(), g, ""))); got != 600 {
		t.Errorf("read %d events, want 600", got)
	}
	calls := 0
	for _, m := range []string{"conversations.history", "conversations.replies"} {
		for _, c := range h.fake.Calls(m) {
			calls++
			if c.Status == http.StatusTooManyRequests {
				t.Errorf("%s was rate limited at %v: pacing exceeds the tier", m, c.At)
			}
		}
	}
	// 20 history pages and 100 threads, each Tier 3 method paced at 50 a minute.
	if took, want := h.clock.Now().Sub(start), time.Duration(99)*tier3Interval; took < want {
		t.Errorf("took %v on the clock for %d calls, want at least %v", took, calls, want)
	}
}

func TestHistoryOverATightLimitRetries(t *testing.T) {
	h := start(t, setup{config: func(c *Config) { c.HistoryPageSize = 1 }})
	h.fake.LimitRate("conversations.history", 2)
	for i := 1; i <= 5; i++ {
		h.fake.Record(fakeslack.Message(general.ID, alice.ID, ts(i)))
	}
	if got := len(allEvents(readHistory(t, h.a, h.community(), general.ID, ""))); got != 5 {
		t.Errorf("read %d events, want 5", got)
	}
	limited := 0
	for _, c := range h.fake.Calls("conversations.history") {
		if c.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("the fake's limit of 2 a minute never answered 429")
	}
}

func TestHistoryChannelsAndRefusals(t *testing.T) {
	h := start(t, setup{})
	private := fakeslack.Channel{ID: "G0SECRET", Name: "backstage", IsPrivate: true}
	h.fake.AddChannel(private)
	chans, err := h.a.HistoryChannels(context.Background(), h.community())
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Channel{{ID: private.ID, Name: "backstage"}, {ID: design.ID, Name: "design"}, {ID: general.ID, Name: "general"}}
	if fmt.Sprint(chans) != fmt.Sprint(want) {
		t.Errorf("HistoryChannels = %v, want %v (members only, archived left out, by name)", chans, want)
	}
	if _, err := h.a.HistoryChannels(context.Background(), "slack:TOTHER"); err == nil {
		t.Errorf("another workspace's channels were listed")
	}

	for _, tc := range []struct{ channel, want string }{
		{outside.ID, "/invite @Hearth"},
		{"C0NOWHERE", "can't find"},
	} {
		err := h.a.ReadHistory(context.Background(), bot.HistoryQuery{Community: h.community(), Channel: tc.channel},
			func(context.Context, []bot.Event, string) error {
				t.Errorf("page called for %s", tc.channel)
				return nil
			})
		var be *bot.Error
		if !errors.As(err, &be) || be.Code != bot.EPlatform || !strings.Contains(be.Message, tc.want) {
			t.Errorf("ReadHistory(%s) = %v, want a platform error saying %q", tc.channel, err, tc.want)
		}
	}

	// An error from page stops the read and is returned.
	h.fake.Record(fakeslack.Message(general.ID, alice.ID, ts(1)))
	stop := errors.New("stop")
	err = h.a.ReadHistory(context.Background(), bot.HistoryQuery{Community: h.community(), Channel: general.ID},
		func(context.Context, []bot.Event, string) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("ReadHistory after a failing page = %v, want %v", err, stop)
	}
}

func TestHistoryPagesAThousandMessagesSince(t *testing.T) {
	h := start(t, setup{})
	g := general.ID
	for i := 0; i < 1100; i++ {
		h.fake.Record(fakeslack.Message(g, alice.ID, fmt.Sprintf("%d.000100", 1700000000+i)))
	}
	since := time.Unix(1700000100, 100_000).UTC() // the 101st message, inclusive
	var pages []historyPage
	err := h.a.ReadHistory(context.Background(), bot.HistoryQuery{Community: h.community(), Channel: g, Since: since},
		func(_ context.Context, evs []bot.Event, cursor string) error {
			pages = append(pages, historyPage{evs, cursor})
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	evs := allEvents(pages)
	seen := map[string]bool{}
	for _, e := range evs {
		if seen[e.Key] || e.At.Before(since) {
			t.Errorf("event %s (at %v) twice or before since", e.Key, e.At)
		}
		seen[e.Key] = true
	}
	if len(evs) != 1000 || len(pages) != 1000/DefaultHistoryPageSize {
		t.Errorf("read %d events in %d pages, want 1000 in %d", len(evs), len(pages), 1000/DefaultHistoryPageSize)
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	if !evs[0].At.Equal(since) {
		t.Errorf("oldest event at %v, want %v", evs[0].At, since)
	}
}

func TestHistoryCountsTheReactionUsersSlackNames(t *testing.T) {
	h := start(t, setup{})
	g := general.ID
	h.fake.Record(fakeslack.Message(g, alice.ID, ts(1)))
	for i := 0; i < fakeslack.MaxReactionUsers+10; i++ {
		u := fakeslack.User{ID: fmt.Sprintf("U0R%03d", i), Name: fmt.Sprintf("r%d", i)}
		h.fake.AddUser(u)
		h.fake.Record(fakeslack.ReactionAdded(u.ID, "wave", g, ts(1), ts(2+i)))
	}
	reactions := 0
	for _, e := range allEvents(readHistory(t, h.a, h.community(), g, "")) {
		if e.Kind == bot.KindReaction {
			reactions++
			if !e.At.Equal(tsTime(1)) {
				t.Errorf("reaction at %v, want the message's time", e.At)
			}
		}
	}
	if reactions != fakeslack.MaxReactionUsers {
		t.Errorf("%d reactions counted, want the %d Slack names", reactions, fakeslack.MaxReactionUsers)
	}
}
