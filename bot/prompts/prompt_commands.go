package prompts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

func (b *Prompts) promptCommands() []bot.CommandSpec {
	channel := bot.Arg{Name: "channel", Kind: bot.ArgChannel, Help: "where to post (default: here)"}
	return []bot.CommandSpec{
		{Path: []string{"prompt", "add"}, Summary: "Post a discussion prompt on a schedule",
			Args:        []bot.Arg{bot.SpecArg(), {Name: "text", Kind: bot.ArgText, Required: true, Quoted: true, Help: "the prompt"}, channel, bot.TZArg()},
			Facilitator: true, Run: b.cmdPromptAdd},
		{Path: []string{"prompt", "now"}, Summary: "Post the deck's next prompt (or prompt ID) here now",
			Args:        []bot.Arg{{Name: "id", Kind: bot.ArgNumber, Help: "a deck prompt's number, from `/hearth prompt deck list`"}, channel},
			Facilitator: true, Run: b.cmdPromptNow},
		{Path: []string{"prompt", "deck", "add"}, Summary: "Add a prompt to the deck",
			Args: []bot.Arg{{Name: "text", Kind: bot.ArgText, Required: true, Quoted: true, Help: "the prompt"}}, Facilitator: true, Run: b.cmdDeckAdd},
		{Path: []string{"prompt", "deck", "list"}, Summary: "The prompt deck, least used first", Facilitator: true, Run: b.cmdDeckList},
		{Path: []string{"prompt", "deck", "schedule"}, Summary: "Post the deck's next unused prompt on a schedule",
			Args: []bot.Arg{bot.SpecArg(), channel, bot.TZArg()}, Facilitator: true, Run: b.cmdDeckSchedule},
	}
}

func (b *Prompts) cmdPromptAdd(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	ch, err := b.core.TargetChannel(ctx, inv)
	if err != nil {
		return bot.Reply{}, err
	}
	text := strings.TrimSpace(inv.Arg("text"))
	if text == "" || len(text) > 2000 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "A prompt needs text, 2,000 characters at most.")
	}
	s, next, err := b.core.AddSchedule(ctx, inv, bot.Schedule{Kind: SchedulePrompt, Spec: inv.Arg("spec"), Channel: ch.ID, Payload: text})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Prompt schedule #%d: %q in #%s, %s. First one: %s.", s.ID, bot.Clip(text, 80), bot.ChannelLabel(ch.ID, ch.Name), s.Spec, bot.WhenIn(next, b.core.Zone(s.TZ))), nil
}

func (b *Prompts) cmdDeckSchedule(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	ch, err := b.core.TargetChannel(ctx, inv)
	if err != nil {
		return bot.Reply{}, err
	}
	deck, err := b.store.DeckPrompts(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	note := ""
	if len(deck) == 0 {
		if _, err := b.store.AddDeckPrompts(ctx, inv.Community, "hearth", inv.At, StarterDeck...); err != nil {
			return bot.Reply{}, err
		}
		note = fmt.Sprintf(" The deck was empty, so I loaded Hearth's starter deck (%d prompts on reflecting on practice); add your own with `/hearth prompt deck add`.", len(StarterDeck))
	}
	s, next, err := b.core.AddSchedule(ctx, inv, bot.Schedule{Kind: SchedulePrompt, Spec: inv.Arg("spec"), Channel: ch.ID, Payload: PayloadDeck})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Deck schedule #%d: the next unused prompt in #%s, %s. First one: %s.%s", s.ID, bot.ChannelLabel(ch.ID, ch.Name), s.Spec, bot.WhenIn(next, b.core.Zone(s.TZ)), note), nil
}

func (b *Prompts) cmdDeckAdd(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	text := strings.TrimSpace(inv.Arg("text"))
	if text == "" || len(text) > 2000 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "A prompt needs text, 2,000 characters at most.")
	}
	if err := CheckDeckRoom(ctx, b.store, inv.Community, 1); err != nil {
		return bot.Reply{}, err
	}
	ids, err := b.store.AddDeckPrompts(ctx, inv.Community, inv.Member, inv.At, text)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Added prompt #%d to the deck.", ids[0]), nil
}

func (b *Prompts) cmdDeckList(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	deck, err := b.store.DeckPrompts(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(deck) == 0 {
		return bot.PrivateText("The deck is empty. Add prompts with `/hearth prompt deck add \"TEXT\"`, or schedule it with `/hearth prompt deck schedule \"every monday at 9:00\"` to start from Hearth's starter deck."), nil
	}
	var lines, whole []string
	for _, p := range deck {
		used := "never posted"
		if p.TimesPosted > 0 {
			used = fmt.Sprintf("posted %s, last %s", bot.Plural(p.TimesPosted, "time"), p.LastPosted.In(b.loc).Format("Jan 2"))
		}
		lines = append(lines, fmt.Sprintf("• #%d %s (%s)", p.ID, bot.Clip(p.Text, 100), used))
		whole = append(whole, fmt.Sprintf("#%d %s (%s)", p.ID, p.Text, used))
	}
	text, buttons, file := bot.List{Title: "**Prompt deck**", Lines: lines, Whole: whole, File: "prompt-deck.md"}.Page(inv, b.core.Capabilities(inv.Community))
	return bot.Reply{Post: bot.Post{Text: text, Buttons: buttons, Attachment: file}, Private: true}, nil
}

func (b *Prompts) cmdPromptNow(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	ch, err := b.core.TargetChannel(ctx, inv)
	if err != nil {
		return bot.Reply{}, err
	}
	var p Prompt
	if tok := inv.Arg("id"); tok != "" {
		id, _ := strconv.ParseInt(strings.TrimPrefix(tok, "#"), 10, 64)
		if p, err = b.store.DeckPrompt(ctx, inv.Community, id); errors.Is(err, bot.ErrNotFound) {
			return bot.Reply{}, bot.Errorf(bot.ENotFound, "There is no prompt #%d in the deck. `/hearth prompt deck list` shows them.", id)
		} else if err != nil {
			return bot.Reply{}, err
		}
	} else if p, err = b.nextDeckPrompt(ctx, inv.Community, inv.At); err != nil {
		return bot.Reply{}, err
	}
	if _, err := b.postPromptText(ctx, inv.Community, ch.ID, p.Text, p.ID, 0, inv.At); err != nil {
		return bot.Reply{}, bot.PlatformError(err, "post in #"+bot.ChannelLabel(ch.ID, ch.Name))
	}
	return bot.PrivateText("Posted prompt #%d in #%s.", p.ID, bot.ChannelLabel(ch.ID, ch.Name)), nil
}
