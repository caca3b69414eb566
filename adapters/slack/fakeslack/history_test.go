package fakeslack_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

func ts(n int) string { return fmt.Sprintf("1700000000.%06d", n) }

// History is served as Slack serves it: newest first, paged with a cursor,
// thread parents with reply_count, replies after their parent.
func TestHistoryAsSlackServesIt(t *testing.T) {
	f := fakeslack.New(t, fakeslack.Options{})
	f.AddChannel(fakeslack.Channel{ID: "C1", Name: "general"}, fakeslack.Channel{ID: "C2", Name: "quiet", NotMember: true})
	api := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()))
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		f.PushEvent(fakeslack.Message("C1", "U1", ts(i*10))) // delivered live, kept as history
	}
	f.Record(fakeslack.Reply("C1", "U2", ts(21), ts(20)))
	f.Record(fakeslack.Reply("C1", "U3", ts(22), ts(20)))
	f.Record(fakeslack.ReactionAdded("U2", "tada", "C1", ts(30), ts(31)))
	f.Record(fakeslack.MessageDeleted("C1", "U1", ts(40), ts(41)))
	f.Record(fakeslack.MemberJoinedChannel("U4", "C1", ts(60)))

	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		resp, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: "C1", Cursor: cursor, Limit: 2, Oldest: ts(20), Inclusive: true})
		if err != nil || pages > 5 {
			t.Fatalf("conversations.history: %v (page %d)", err, pages)
		}
		for _, m := range resp.Messages {
			got = append(got, m.Timestamp+m.SubType)
			switch m.Timestamp {
			case ts(20):
				if m.ReplyCount != 2 || m.ThreadTimestamp != ts(20) {
					t.Errorf("parent = %+v", m)
				}
			case ts(30):
				if len(m.Reactions) != 1 || m.Reactions[0].Name != "tada" || m.Reactions[0].Users[0] != "U2" {
					t.Errorf("reactions = %+v", m.Reactions)
				}
			}
		}
		cursor = resp.ResponseMetaData.NextCursor
		if !resp.HasMore {
			break
		}
	}
	want := []string{ts(60) + "channel_join", ts(50), ts(30), ts(20)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history = %v, want %v (newest first, deleted absent, since ts(20))", got, want)
	}

	msgs, _, _, err := api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: ts(20), Limit: 1})
	if err != nil || len(msgs) != 2 || msgs[0].Timestamp != ts(20) || msgs[1].Timestamp != ts(21) {
		t.Errorf("replies page = %+v, %v (the parent, then the first reply)", msgs, err)
	}
	if _, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C2"}); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("history where not a member: %v", err)
	}
	chans, _, err := api.GetConversationsForUserContext(ctx, &slack.GetConversationsForUserParameters{Types: []string{"public_channel"}})
	if err != nil || len(chans) != 1 || chans[0].ID != "C1" {
		t.Errorf("users.conversations = %+v, %v", chans, err)
	}
}

// A method's tier answers 429 past its calls a minute, with the seconds
// left in the minute, on the fake's clock.
func TestTierLimits(t *testing.T) {
	clock := bot.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	f := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	f.AddChannel(fakeslack.Channel{ID: "C1", Name: "general"})
	f.LimitRate("conversations.history", 2)
	api := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()))
	read := func() error {
		_, err := api.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
		return err
	}
	for i := 0; i < 2; i++ {
		if err := read(); err != nil {
			t.Fatalf("call %d within the tier: %v", i, err)
		}
	}
	clock.Advance(20 * time.Second)
	var rl *slack.RateLimitedError
	if err := read(); !errors.As(err, &rl) || rl.RetryAfter != 40*time.Second {
		t.Errorf("third call in the minute = %v, want 429 with Retry-After 40s", err)
	}
	clock.Advance(40 * time.Second)
	if err := read(); err != nil {
		t.Errorf("after Retry-After: %v", err)
	}
}
