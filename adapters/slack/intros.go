package slack

import (
	"context"
	"errors"
	"strings"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/intros"
)

var _ intros.GroupMessenger = (*Adapter)(nil)

// PostGroup opens one conversation with several members (a group DM:
// conversations.open with their ids) and posts p there, through the paced
// outbound queue like every post. Slack takes 2 to 8 members besides the
// bot.
func (a *Adapter) PostGroup(ctx context.Context, community string, members []string, p bot.Post) (bot.PostRef, error) {
	if len(members) < 2 || len(members) > 8 {
		return bot.PostRef{}, errors.New("slack: a group DM takes 2 to 8 members")
	}
	to := bot.Destination{Kind: bot.ToChannel, Community: community}
	if err := checkDestination(bot.Destination{Kind: bot.ToDM, Member: members[0]}, p); err != nil {
		return bot.PostRef{}, err
	}
	j := &postJob{a: a, to: to, p: p}
	run := func(ctx context.Context) (bot.PostRef, error) {
		if j.channel == "" { // a retry after a 429 does not open it again
			c, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: members})
			if err != nil {
				return bot.PostRef{}, err
			}
			if c == nil || c.ID == "" {
				return bot.PostRef{}, errors.New("conversations.open returned no channel")
			}
			j.channel = c.ID
		}
		return j.run(ctx)
	}
	ref, err := a.out.submit(ctx, "group:"+strings.Join(members, ","), run)
	if err != nil {
		if errors.Is(err, errStopped) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return ref, err
		}
		return ref, a.platformError(ctx, "group DM", err, to)
	}
	return ref, nil
}
