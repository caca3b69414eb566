package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PayloadDeck is a prompt schedule's payload when it posts the deck's next
// prompt rather than a text of its own.
const PayloadDeck = "deck"

var _ JobRunner = (*Bot)(nil)

// RunSchedule does a schedule's work when it falls due at the intended time
// at. The scheduler has claimed the firing already: this runs once.
func (b *Bot) RunSchedule(ctx context.Context, s Schedule, at time.Time) error {
	log := b.log.With("schedule", s.ID, "kind", s.Kind, "community", s.Community, "at", at)
	var err error
	switch s.Kind {
	case SchedulePrompt:
		_, err = b.postPrompt(ctx, s.Community, s.Channel, s.Payload, s.ID, at)
	case ScheduleDigest:
		err = b.postDigest(ctx, s.Community, at)
	case ScheduleCheckin:
		err = b.runScheduledCheckin(ctx, s, at)
	case ScheduleCheckinRemind:
		err = b.remindRun(ctx, s.Community, payloadID(s), at)
	case ScheduleNudge:
		err = b.runScheduledNudges(ctx, s, at)
	case ScheduleNudgeSend:
		_, err = b.sendNudge(ctx, s.Community, payloadID(s), at)
		if errors.Is(err, ErrNotFound) {
			err = nil
		}
		if err == nil {
			// Its one firing is done: a spent one-shot schedule would only
			// clutter /hearth schedule list.
			err = b.store.RemoveSchedule(ctx, s.Community, s.ID)
			if errors.Is(err, ErrNotFound) {
				err = nil
			}
		}
	case ScheduleCheckinClose:
		_, _, _, err = b.closeRun(ctx, s.Community, payloadID(s), at)
		if errors.Is(err, ErrNotFound) {
			err = nil
		}
	default:
		err = fmt.Errorf("unknown schedule kind %q", s.Kind)
	}
	if err != nil {
		b.metrics.Errors.Add(1)
		log.ErrorContext(ctx, "scheduled work failed", "err", err)
		return err
	}
	log.InfoContext(ctx, "scheduled work done")
	return nil
}

// postPrompt posts a discussion prompt: payload's text, or the deck's next
// prompt when payload is PayloadDeck (or a deck prompt's id when deckID > 0).
func (b *Bot) postPrompt(ctx context.Context, community, channel, payload string, schedule int64, at time.Time) (PostRef, error) {
	if channel == "" {
		return PostRef{}, Errorf(EArgument, "Which channel should the prompt go to? Name one, like `#general`.")
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

// postDigest posts the weekly digest for the week ending at to the
// community's digest channel, with the chart where the platform takes files.
func (b *Bot) postDigest(ctx context.Context, community string, at time.Time) error {
	channel, err := b.store.Setting(ctx, community, SettingDigestChannel)
	if err != nil {
		return err
	}
	if channel == "" {
		return Errorf(EConflict, "There is no digest channel yet: set one with `/hearth digest channel #facilitators`.")
	}
	post, err := b.digestPost(ctx, community, at)
	if err != nil {
		return err
	}
	chat, err := b.chat(community)
	if err != nil {
		return err
	}
	if _, err := chat.Post(ctx, Destination{Kind: ToChannel, Community: community, Channel: channel}, post); err != nil {
		return fmt.Errorf("post digest to %s: %w", channel, err)
	}
	return nil
}

// digestPost builds the digest as a post, with its chart when the community's
// platform takes files and a Charter is configured.
func (b *Bot) digestPost(ctx context.Context, community string, at time.Time) (Post, error) {
	d, err := BuildDigest(ctx, b.store, community, at, b.quietAfter)
	if err != nil {
		return Post{}, err
	}
	post := Post{Text: FormatDigest(d, DigestView{Location: b.loc, Links: b.permalinker(community)})}
	if b.charter != nil && b.capabilities(community).Files {
		png, err := b.charter.WeeklyChart("Participation, last 8 weeks", d.Weeks)
		if err != nil {
			b.log.ErrorContext(ctx, "digest chart", "community", community, "err", err)
		} else {
			post.Image = &File{Name: "hearth-digest-" + at.In(b.loc).Format(time.DateOnly) + ".png", ContentType: "image/png", Data: png}
		}
	}
	return post, nil
}

// permalinker returns the community's platform's link maker, if it has one.
func (b *Bot) permalinker(community string) Permalinker {
	c, err := b.chat(community)
	if err != nil {
		return nil
	}
	pl, _ := c.(Permalinker)
	return pl
}
