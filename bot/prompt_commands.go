package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

func (b *Bot) promptCommands() []CommandSpec {
	channel := Arg{Name: "channel", Kind: ArgChannel, Help: "where to post (default: here)"}
	return []CommandSpec{
		{Path: []string{"prompt", "add"}, Summary: "Post a discussion prompt on a schedule",
			Args:        []Arg{SpecArg(), {Name: "text", Kind: ArgText, Required: true, Quoted: true, Help: "the prompt"}, channel, TZArg()},
			Facilitator: true, Run: b.cmdPromptAdd},
		{Path: []string{"prompt", "now"}, Summary: "Post the deck's next prompt (or prompt ID) here now",
			Args:        []Arg{{Name: "id", Kind: ArgNumber, Help: "a deck prompt's number, from `/hearth prompt deck list`"}, channel},
			Facilitator: true, Run: b.cmdPromptNow},
		{Path: []string{"prompt", "deck", "add"}, Summary: "Add a prompt to the deck",
			Args: []Arg{{Name: "text", Kind: ArgText, Required: true, Quoted: true, Help: "the prompt"}}, Facilitator: true, Run: b.cmdDeckAdd},
		{Path: []string{"prompt", "deck", "list"}, Summary: "The prompt deck, least used first", Facilitator: true, Run: b.cmdDeckList},
		{Path: []string{"prompt", "deck", "schedule"}, Summary: "Post the deck's next unused prompt on a schedule",
			Args: []Arg{SpecArg(), channel, TZArg()}, Facilitator: true, Run: b.cmdDeckSchedule},
	}
}

func (b *Bot) cmdPromptAdd(ctx context.Context, inv Invocation) (Reply, error) {
	ch, err := b.targetChannel(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	text := strings.TrimSpace(inv.Arg("text"))
	if text == "" || len(text) > 2000 {
		return Reply{}, Errorf(EArgument, "A prompt needs text, 2,000 characters at most.")
	}
	s, next, err := b.addSchedule(ctx, inv, Schedule{Kind: SchedulePrompt, Spec: inv.Arg("spec"), Channel: ch.ID, Payload: text})
	if err != nil {
		return Reply{}, err
	}
	return privateText("Prompt schedule #%d: %q in #%s, %s. First one: %s.", s.ID, clip(text, 80), channelLabel(ch.ID, ch.Name), s.Spec, whenIn(next, b.zone(s.TZ))), nil
}

func (b *Bot) cmdDeckSchedule(ctx context.Context, inv Invocation) (Reply, error) {
	ch, err := b.targetChannel(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	deck, err := b.store.DeckPrompts(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	note := ""
	if len(deck) == 0 {
		if _, err := b.store.AddDeckPrompts(ctx, inv.Community, "hearth", inv.At, StarterDeck...); err != nil {
			return Reply{}, err
		}
		note = fmt.Sprintf(" The deck was empty, so I loaded Hearth's starter deck (%d prompts on reflecting on practice); add your own with `/hearth prompt deck add`.", len(StarterDeck))
	}
	s, next, err := b.addSchedule(ctx, inv, Schedule{Kind: SchedulePrompt, Spec: inv.Arg("spec"), Channel: ch.ID, Payload: PayloadDeck})
	if err != nil {
		return Reply{}, err
	}
	return privateText("Deck schedule #%d: the next unused prompt in #%s, %s. First one: %s.%s", s.ID, channelLabel(ch.ID, ch.Name), s.Spec, whenIn(next, b.zone(s.TZ)), note), nil
}

func (b *Bot) cmdDeckAdd(ctx context.Context, inv Invocation) (Reply, error) {
	text := strings.TrimSpace(inv.Arg("text"))
	if text == "" || len(text) > 2000 {
		return Reply{}, Errorf(EArgument, "A prompt needs text, 2,000 characters at most.")
	}
	ids, err := b.store.AddDeckPrompts(ctx, inv.Community, inv.Member, inv.At, text)
	if err != nil {
		return Reply{}, err
	}
	return privateText("Added prompt #%d to the deck.", ids[0]), nil
}

func (b *Bot) cmdDeckList(ctx context.Context, inv Invocation) (Reply, error) {
	deck, err := b.store.DeckPrompts(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	if len(deck) == 0 {
		return privateText("The deck is empty. Add prompts with `/hearth prompt deck add \"TEXT\"`, or schedule it with `/hearth prompt deck schedule \"every monday at 9:00\"` to start from Hearth's starter deck."), nil
	}
	var sb strings.Builder
	sb.WriteString("**Prompt deck**\n")
	for _, p := range deck {
		used := "never posted"
		if p.TimesPosted > 0 {
			used = fmt.Sprintf("posted %s, last %s", plural(p.TimesPosted, "time"), p.LastPosted.In(b.loc).Format("Jan 2"))
		}
		fmt.Fprintf(&sb, "• #%d %s (%s)\n", p.ID, clip(p.Text, 100), used)
	}
	return Reply{Post: Post{Text: strings.TrimRight(sb.String(), "\n")}, Private: true}, nil
}

func (b *Bot) cmdPromptNow(ctx context.Context, inv Invocation) (Reply, error) {
	ch, err := b.targetChannel(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	var p Prompt
	if tok := inv.Arg("id"); tok != "" {
		id, _ := strconv.ParseInt(strings.TrimPrefix(tok, "#"), 10, 64)
		if p, err = b.store.DeckPrompt(ctx, inv.Community, id); errors.Is(err, ErrNotFound) {
			return Reply{}, Errorf(ENotFound, "There is no prompt #%d in the deck. `/hearth prompt deck list` shows them.", id)
		} else if err != nil {
			return Reply{}, err
		}
	} else if p, err = b.nextDeckPrompt(ctx, inv.Community, inv.At); err != nil {
		return Reply{}, err
	}
	if _, err := b.postPromptText(ctx, inv.Community, ch.ID, p.Text, p.ID, 0, inv.At); err != nil {
		return Reply{}, platformError(err, "post in #"+channelLabel(ch.ID, ch.Name))
	}
	return privateText("Posted prompt #%d in #%s.", p.ID, channelLabel(ch.ID, ch.Name)), nil
}
