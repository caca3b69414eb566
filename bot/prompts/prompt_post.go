package prompts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// postPrompt posts a discussion prompt: payload's text, or the deck's next
// prompt when payload is PayloadDeck (or a deck prompt's id when deckID > 0).
func (b *Prompts) postPrompt(ctx context.Context, community, channel, payload string, schedule int64, at time.Time) (bot.PostRef, error) {
	if channel == "" {
		return bot.PostRef{}, bot.Errorf(bot.EArgument, "Which channel should the prompt go to? Name one, like `#general`.")
	}
	if pl, err := b.core.Pilot(ctx, community); err != nil {
		return bot.PostRef{}, err
	} else if !pl.InChannel(channel) {
		return bot.PostRef{}, bot.Errorf(bot.EConflict, "#%s is outside the pilot; the prompt waits for the launch (or `/hearth pilot add #%s`).", b.core.ChannelName(ctx, community, channel), b.core.ChannelName(ctx, community, channel))
	}
	text, promptID := payload, int64(0)
	if payload == PayloadDeck {
		p, err := b.nextDeckPrompt(ctx, community, at)
		if err != nil {
			return bot.PostRef{}, err
		}
		text, promptID = p.Text, p.ID
	}
	return b.postPromptText(ctx, community, channel, text, promptID, schedule, at)
}

func (b *Prompts) postPromptText(ctx context.Context, community, channel, text string, promptID, schedule int64, at time.Time) (bot.PostRef, error) {
	chat, err := b.core.Chat(community)
	if err != nil {
		return bot.PostRef{}, err
	}
	ref, err := chat.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: community, Channel: channel},
		bot.Post{Text: "**Discussion prompt**\n" + text + "\n_Reply in the thread: every voice counts._"})
	if err != nil {
		return bot.PostRef{}, fmt.Errorf("post prompt to %s: %w", channel, err)
	}
	if ref.Channel == "" {
		ref.Channel = channel
	}
	if err := b.core.RememberPromptPost(ctx, bot.PromptPost{Community: community, Channel: ref.Channel, Message: ref.ID,
		Prompt: promptID, Schedule: schedule, Text: text, At: at}); err != nil {
		return ref, err
	}
	return ref, nil
}

// nextDeckPrompt returns the deck's next prompt, filling an empty deck with
// the starter deck first.
func (b *Prompts) nextDeckPrompt(ctx context.Context, community string, at time.Time) (Prompt, error) {
	p, err := b.store.NextDeckPrompt(ctx, community)
	if errors.Is(err, bot.ErrNotFound) {
		if _, err := b.store.AddDeckPrompts(ctx, community, "hearth", at, StarterDeck...); err != nil {
			return Prompt{}, fmt.Errorf("load the starter deck: %w", err)
		}
		p, err = b.store.NextDeckPrompt(ctx, community)
	}
	if err != nil {
		return Prompt{}, fmt.Errorf("next deck prompt: %w", err)
	}
	return p, nil
}
