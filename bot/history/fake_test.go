package history_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/history"
)

// pastChat is the rig's Chat that can also read history: a hand-written
// bot.HistoryReader serving pages of events per channel, with the cursor
// the index of the next page.
type pastChat struct {
	*bottest.Chat
	channels []bot.Channel
	pages    map[string][][]bot.Event
	joins    []bot.Event
	// before, when set, is called before each page is handed over: a test
	// cancels, advances the clock or looks around there.
	before func(ctx context.Context, channel string, page int)

	mu    sync.Mutex
	reads map[string][]int // pages handed over, by channel
}

var (
	_ bot.HistoryReader      = (*pastChat)(nil)
	_ bot.HistoryJoinsReader = (*pastChat)(nil)
)

func (c *pastChat) HistoryChannels(context.Context, string) ([]bot.Channel, error) {
	return c.channels, nil
}

func (c *pastChat) HistoryJoins(_ context.Context, _ string, since time.Time) ([]bot.Event, error) {
	var out []bot.Event
	for _, e := range c.joins {
		if !e.At.Before(since) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (c *pastChat) ReadHistory(ctx context.Context, q bot.HistoryQuery, page bot.HistoryPageFunc) error {
	start := 0
	if q.Cursor != "" {
		start, _ = strconv.Atoi(q.Cursor)
	}
	pages := c.pages[q.Channel]
	for i := start; i < len(pages); i++ {
		if c.before != nil {
			c.before(ctx, q.Channel, i)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var evs []bot.Event
		for _, e := range pages[i] {
			if !e.At.Before(q.Since) {
				evs = append(evs, e)
			}
		}
		c.mu.Lock()
		if c.reads == nil {
			c.reads = map[string][]int{}
		}
		c.reads[q.Channel] = append(c.reads[q.Channel], i)
		c.mu.Unlock()
		if err := page(ctx, evs, strconv.Itoa(i+1)); err != nil {
			return err
		}
	}
	return nil
}

func (c *pastChat) read(channel string) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.reads[channel]...)
}

// day is n days before the rig's T0, at 10:00.
func day(n int) time.Time { return bottest.T0.Add(-time.Duration(n)*24*time.Hour + time.Hour) }

func msg(member, channel, id string, at time.Time) bot.Event {
	return bot.Event{Kind: bot.KindMessage, Community: bottest.Community, Channel: channel, Member: member, At: at, Key: channel + ":" + id, Message: id}
}

func reply(member, channel, id, parent string, at time.Time) bot.Event {
	e := msg(member, channel, id, at)
	e.Kind, e.Parent = bot.KindReply, parent
	return e
}

func react(member, channel, on string, at time.Time) bot.Event {
	return bot.Event{Kind: bot.KindReaction, Community: bottest.Community, Channel: channel, Member: member, At: at,
		Key: channel + ":" + on + ":" + member + ":+1", Message: on}
}

func botMsg(channel, id string, at time.Time) bot.Event {
	e := msg("robot", channel, id, at)
	e.IsBot = true
	return e
}

// community is a rig whose chat serves three channels of history over
// the last 50 days: #general (3 pages), #design (2), #help (1); a bot
// posts in two; nina joined 40 days ago; a reply answers a prompt Hearth
// posted.
func community(t *testing.T) (*bottest.Rig, *pastChat) {
	t.Helper()
	r := bottest.NewCommunity(t)
	c := &pastChat{Chat: r.Chat,
		channels: []bot.Channel{{ID: "general", Name: "general"}, {ID: "design", Name: "design"}, {ID: "help", Name: "help"}},
		pages: map[string][][]bot.Event{
			"general": {
				{msg("alice", "general", "g1", day(50)), reply("bob", "general", "g2", "g1", day(49)), botMsg("general", "g3", day(49))},
				{msg("dave", "general", "g4", day(30)), react("alice", "general", "g4", day(30)), reply("alice", "general", "g5", "p1", day(29))},
				{msg("bob", "general", "g6", day(5))},
			},
			"design": {
				{msg("alice", "design", "d1", day(20)), botMsg("design", "d2", day(20))},
				{msg("nina", "design", "d3", day(10)), reply("bob", "design", "d4", "d3", day(9))},
			},
			"help": {{msg("dave", "help", "h1", day(2))}},
		},
		joins: []bot.Event{{Kind: bot.KindJoin, Community: bottest.Community, Member: "nina", MemberName: "Nina", At: day(40), Key: "join:nina"}},
	}
	r.Bot.AttachChat(bot.Shell, c)
	if err := r.Store.RecordPromptPost(context.Background(), bot.PromptPost{Community: bottest.Community, Channel: "general", Message: "p1", Text: "What are you reading?", At: day(31)}); err != nil {
		t.Fatal(err)
	}
	return r, c
}

// historyEvents is how many non-bot events community serves since n days
// ago (with the join).
func historyEvents(c *pastChat, days int) int {
	n := 0
	for _, pages := range c.pages {
		for _, p := range pages {
			for _, e := range p {
				if !e.IsBot && !e.At.Before(day(days)) {
					n++
				}
			}
		}
	}
	return n
}

func newRunner(t *testing.T, r *bottest.Rig, holder string) *history.Runner {
	t.Helper()
	run, err := history.NewRunner(history.RunnerConfig{Core: r.Bot, Store: r.Store, Holder: holder})
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func pass(t *testing.T, run *history.Runner) {
	t.Helper()
	if err := run.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
}
