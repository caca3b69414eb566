package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// postPrompt posts a discussion prompt: payload's text, or the deck's next
// prompt when payload is PayloadDeck (or a deck prompt's id when deckID > 0).
func (b *Bot) postPrompt(ctx context.Context, community, channel, payload string, schedule int64, at time.Time) (PostRef, error) {
	if channel == "" {
		return PostRef{}, Errorf(EArgument, "Which channel should the prompt go to? Name one, like `#general`.")
	}
	if pl, err := b.pilot(ctx, community); err != nil {
		return PostRef{}, err
	} else if !pl.inChannel(channel) {
		return PostRef{}, Errorf(EConflict, "#%s is outside the pilot; the prompt waits for the launch (or `/hearth pilot add #%s`).", b.ChannelName(ctx, community, channel), b.ChannelName(ctx, community, channel))
	}
	text, promptID := payload, int64(0)
	if payload == PayloadDeck {
		p, err := b.nextDeckPrompt(ctx, community, at)
		if err != nil {
			return PostRef{}, err
		}
		text, promptID = p.Text, p.ID
	}
	return b.postPromptText(ctx, community, channel, text, promptID, schedule, at)
}

func (b *Bot) postPromptText(ctx context.Context, community, channel, text string, promptID, schedule int64, at time.Time) (PostRef, error) {
	chat, err := b.chat(community)
	if err != nil {
		return PostRef{}, err
	}
	ref, err := chat.Post(ctx, Destination{Kind: ToChannel, Community: community, Channel: channel},
		Post{Text: "**Discussion prompt**\n" + text + "\n_Reply in the thread: every voice counts._"})
	if err != nil {
		return PostRef{}, fmt.Errorf("post prompt to %s: %w", channel, err)
	}
	if ref.Channel == "" {
		ref.Channel = channel
	}
	if err := b.rememberPromptPost(ctx, PromptPost{Community: community, Channel: ref.Channel, Message: ref.ID,
		Prompt: promptID, Schedule: schedule, Text: text, At: at}); err != nil {
		return ref, err
	}
	return ref, nil
}

// nextDeckPrompt returns the deck's next prompt, filling an empty deck with
// the starter deck first.
func (b *Bot) nextDeckPrompt(ctx context.Context, community string, at time.Time) (Prompt, error) {
	p, err := b.store.NextDeckPrompt(ctx, community)
	if errors.Is(err, ErrNotFound) {
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
