package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// newCheckinBot is a scheduling bot with a small community: carol
// facilitates; alice, bob and dave are members; robot is a bot; erin left.
func newCheckinBot(t *testing.T) (*bot.Bot, *fakeStore, *fakeChat, *bot.ManualClock) {
	t.Helper()
	b, s, chat, clock := newSchedulingBot(t)
	for _, m := range []bot.Member{{ID: "alice", Name: "Alice"}, {ID: "bob", Name: "Bob"}, {ID: "carol", Name: "Carol"},
		{ID: "dave", Name: "Dave"}, {ID: "robot", Name: "Robot", IsBot: true}, {ID: "erin", Name: "Erin", Left: true}} {
		s.members[m.ID] = m
	}
	return b, s, chat, clock
}

func click(b *bot.Bot, member, action, value string, at time.Time) bot.Reply {
	return b.HandleAction(context.Background(), bot.Action{Community: "shell:local", Member: member, MemberName: member,
		ActionID: action, Value: value, At: at})
}

// dmsTo returns the posts sent to member by DM.
func (c *fakeChat) dmsTo(member string) []bot.Post {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []bot.Post
	for _, p := range c.posts {
		if p.to.Kind == bot.ToDM && p.to.Member == member {
			out = append(out, p.post)
		}
	}
	return out
}

func memberSays(b *bot.Bot, member, text string) bot.Reply {
	return b.HandleCommand(context.Background(), bot.Command{Community: "shell:local", Channel: "general", ChannelName: "general", Member: member, MemberName: member, Text: text})
}
