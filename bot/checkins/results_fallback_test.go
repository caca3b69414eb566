package checkins_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/checkins"
)

// refusingChannels is a chat whose channel posts the platform refuses.
type refusingChannels struct{ *bottest.Chat }

func (c refusingChannels) Post(ctx context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	if to.Kind == bot.ToChannel {
		return bot.PostRef{}, errors.New("msg_blocks_too_long")
	}
	return c.Chat.Post(ctx, to, p)
}

// TestResultsReachTheOwnerWhenThePostFails: a run closes, its results post
// to the digest channel fails, and the facilitator who started it gets them
// by DM, told why; the close does not fail, and nothing is lost.
func TestResultsReachTheOwnerWhenThePostFails(t *testing.T) {
	r := bottest.NewCommunity(t)
	r.CarolSays("digest channel #facilitators")
	r.CarolSays("checkin start pulse")
	r.Click("alice", checkins.ActionCheckinAnswer, "1:value:3", t0)
	r.Bot.AttachChat(bot.Shell, refusingChannels{r.Chat})
	reply := r.CarolSays("checkin close 1")
	if reply.Code != "" || !strings.Contains(reply.Text, "Closed check-in #1") || !strings.Contains(reply.Text, "as the post failed") {
		t.Fatalf("close: %+v", reply)
	}
	dms := r.Chat.DMsTo("carol")
	if len(dms) == 0 || !strings.Contains(dms[len(dms)-1].Text, "could not be posted where they go") || !strings.Contains(dms[len(dms)-1].Text, "1 of 4 answered") {
		t.Fatalf("carol's DMs: %+v", dms)
	}
}
