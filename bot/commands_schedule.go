package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

func scheduleCommands() []CommandSpec {
	spec := Arg{Name: "spec", Kind: ArgText, Required: true, Quoted: true,
		Help: "when: `every monday at 9:00`, `weekdays at 10:30`, `daily at 9:00`, `monthly on day 1 at 9:00`, `every 2 weeks on friday at 15:00`, or cron like `0 9 * * MON`"}
	id := Arg{Name: "id", Kind: ArgNumber, Required: true, Help: "the schedule's number, from `/hearth schedule list`"}
	channel := Arg{Name: "channel", Kind: ArgChannel, Help: "where to post (default: here)"}
	tz := Arg{Name: "tz", Kind: ArgText, Shape: "tz=ZONE", Help: "this schedule's time zone, like tz=Europe/Paris (default: the community's)"}
	return []CommandSpec{
		{Path: []string{"schedule", "list"}, Summary: "Everything Hearth does on a rhythm, with next times and skipped runs",
			Facilitator: true, run: (*Bot).cmdScheduleList},
		{Path: []string{"schedule", "pause"}, Summary: "Pause a schedule", Args: []Arg{id}, Facilitator: true, run: (*Bot).cmdSchedulePause},
		{Path: []string{"schedule", "resume"}, Summary: "Resume a paused schedule", Args: []Arg{id}, Facilitator: true, run: (*Bot).cmdScheduleResume},
		{Path: []string{"schedule", "remove"}, Summary: "Remove a schedule", Args: []Arg{id}, Facilitator: true, run: (*Bot).cmdScheduleRemove},
		{Path: []string{"schedule", "preview"}, Summary: "The next five times a schedule would run",
			Args: []Arg{spec, tz}, Facilitator: true, run: (*Bot).cmdSchedulePreview},
		{Path: []string{"prompt", "add"}, Summary: "Post a discussion prompt on a schedule",
			Args:        []Arg{spec, {Name: "text", Kind: ArgText, Required: true, Quoted: true, Help: "the prompt"}, channel, tz},
			Facilitator: true, run: (*Bot).cmdPromptAdd},
		{Path: []string{"prompt", "now"}, Summary: "Post the deck's next prompt (or prompt ID) here now",
			Args:        []Arg{{Name: "id", Kind: ArgNumber, Help: "a deck prompt's number, from `/hearth prompt deck list`"}, channel},
			Facilitator: true, run: (*Bot).cmdPromptNow},
		{Path: []string{"prompt", "deck", "add"}, Summary: "Add a prompt to the deck",
			Args: []Arg{{Name: "text", Kind: ArgText, Required: true, Quoted: true, Help: "the prompt"}}, Facilitator: true, run: (*Bot).cmdDeckAdd},
		{Path: []string{"prompt", "deck", "list"}, Summary: "The prompt deck, least used first", Facilitator: true, run: (*Bot).cmdDeckList},
		{Path: []string{"prompt", "deck", "schedule"}, Summary: "Post the deck's next unused prompt on a schedule",
			Args: []Arg{spec, channel, tz}, Facilitator: true, run: (*Bot).cmdDeckSchedule},
		{Path: []string{"digest", "channel"}, Summary: "Where the weekly digest goes",
			Args: []Arg{{Name: "channel", Kind: ArgChannel, Required: true, Help: "the facilitators' channel"}}, Facilitator: true, run: (*Bot).cmdDigestChannel},
		{Path: []string{"digest", "schedule"}, Summary: "When the digest goes out (default every monday at 9:00)",
			Args: []Arg{{Name: "spec", Kind: ArgText, Quoted: true, Help: spec.Help}, tz}, Facilitator: true, run: (*Bot).cmdDigestSchedule},
		{Path: []string{"digest", "now"}, Summary: "The digest of the last 7 days, now", Facilitator: true, run: (*Bot).cmdDigestNow},
		{Path: []string{"digest", "off"}, Summary: "Stop the weekly digest", Facilitator: true, run: (*Bot).cmdDigestOff},
	}
}

// DefaultDigestSpec is when the digest goes out unless told otherwise.
const DefaultDigestSpec = "every monday at 9:00"

func (b *Bot) cmdPromptAdd(ctx context.Context, inv invocation) (Reply, error) {
	ch, err := b.targetChannel(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	text := strings.TrimSpace(inv.arg("text"))
	if text == "" || len(text) > 2000 {
		return Reply{}, Errorf(EArgument, "A prompt needs text, 2,000 characters at most.")
	}
	s, next, err := b.addSchedule(ctx, inv, Schedule{Kind: SchedulePrompt, Spec: inv.arg("spec"), Channel: ch.ID, Payload: text})
	if err != nil {
		return Reply{}, err
	}
	return privateText("Prompt schedule #%d: %q in #%s, %s. First one: %s.", s.ID, clip(text, 80), channelLabel(ch.ID, ch.Name), s.Spec, whenIn(next, b.zone(s.TZ))), nil
}

func (b *Bot) cmdDeckSchedule(ctx context.Context, inv invocation) (Reply, error) {
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
	s, next, err := b.addSchedule(ctx, inv, Schedule{Kind: SchedulePrompt, Spec: inv.arg("spec"), Channel: ch.ID, Payload: PayloadDeck})
	if err != nil {
		return Reply{}, err
	}
	return privateText("Deck schedule #%d: the next unused prompt in #%s, %s. First one: %s.%s", s.ID, channelLabel(ch.ID, ch.Name), s.Spec, whenIn(next, b.zone(s.TZ)), note), nil
}

func (b *Bot) cmdDeckAdd(ctx context.Context, inv invocation) (Reply, error) {
	text := strings.TrimSpace(inv.arg("text"))
	if text == "" || len(text) > 2000 {
		return Reply{}, Errorf(EArgument, "A prompt needs text, 2,000 characters at most.")
	}
	ids, err := b.store.AddDeckPrompts(ctx, inv.Community, inv.Member, inv.At, text)
	if err != nil {
		return Reply{}, err
	}
	return privateText("Added prompt #%d to the deck.", ids[0]), nil
}

func (b *Bot) cmdDeckList(ctx context.Context, inv invocation) (Reply, error) {
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

func (b *Bot) cmdPromptNow(ctx context.Context, inv invocation) (Reply, error) {
	ch, err := b.targetChannel(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	var p Prompt
	if tok := inv.arg("id"); tok != "" {
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

func (b *Bot) scheduleArg(ctx context.Context, inv invocation) (Schedule, error) {
	id, _ := strconv.ParseInt(strings.TrimPrefix(inv.arg("id"), "#"), 10, 64)
	s, err := b.store.Schedule(ctx, inv.Community, id)
	if errors.Is(err, ErrNotFound) {
		return Schedule{}, Errorf(ENotFound, "There is no schedule #%d. `/hearth schedule list` shows them.", id)
	}
	return s, err
}

func (b *Bot) cmdScheduleList(ctx context.Context, inv invocation) (Reply, error) {
	all, err := b.store.Schedules(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	if len(all) == 0 {
		return privateText("Nothing is scheduled. Try `/hearth prompt deck schedule \"every monday at 9:00\"` or `/hearth digest schedule`."), nil
	}
	var sb strings.Builder
	sb.WriteString("**Schedules**\n")
	for _, s := range all {
		fmt.Fprintf(&sb, "• #%d %s: %s", s.ID, b.describeSchedule(ctx, s), s.Spec)
		if s.TZ != "" {
			sb.WriteString(" (" + s.TZ + ")")
		}
		if s.Paused {
			sb.WriteString(", paused")
		} else if sp, err := b.parseSpecIn(s.Spec, b.zone(s.TZ)); err == nil {
			if next := sp.Next(inv.At); !next.IsZero() {
				sb.WriteString(", next " + whenIn(next, b.zone(s.TZ)))
			}
		} else {
			sb.WriteString(", unreadable: remove it and schedule again")
		}
		recent, err := b.store.RecentFirings(ctx, s.ID, 5)
		if err != nil {
			return Reply{}, err
		}
		for _, f := range recent {
			switch f.Status {
			case Skipped:
				fmt.Fprintf(&sb, "; skipped %s (Hearth was down)", missedLabel(f, b.when(f.At)))
			case Failed:
				fmt.Fprintf(&sb, "; failed %s", b.when(f.At))
			}
		}
		sb.WriteString("\n")
	}
	return Reply{Post: Post{Text: strings.TrimRight(sb.String(), "\n")}, Private: true}, nil
}

func missedLabel(f Firing, when string) string {
	if f.Missed > 1 {
		return fmt.Sprintf("%d runs up to %s", f.Missed, when)
	}
	return when
}

func (b *Bot) describeSchedule(ctx context.Context, s Schedule) string {
	where := ""
	if s.Channel != "" {
		name := s.Channel
		if ch, err := b.store.Channel(ctx, s.Community, s.Channel); err == nil {
			name = channelLabel(ch.ID, ch.Name)
		}
		where = " in #" + name
	}
	switch {
	case s.Kind == SchedulePrompt && s.Payload == PayloadDeck:
		return "deck prompt" + where
	case s.Kind == SchedulePrompt:
		return fmt.Sprintf("prompt %q%s", clip(s.Payload, 40), where)
	case s.Kind == ScheduleDigest:
		return "weekly digest"
	case s.Kind == ScheduleCheckin:
		var p CheckinPayload
		_ = json.Unmarshal([]byte(s.Payload), &p)
		return "check-in " + p.Survey + where
	case s.Kind == ScheduleCheckinRemind:
		return "reminder of check-in #" + s.Payload
	case s.Kind == ScheduleCheckinClose:
		return "close of check-in #" + s.Payload
	case s.Kind == ScheduleNudge:
		return "nudges for quiet members"
	case s.Kind == ScheduleWelcome:
		return "welcome of a new member"
	case s.Kind == ScheduleNudgeSend:
		return "nudge #" + s.Payload + " after quiet hours"
	case s.Kind == ScheduleIntros:
		return "intro rounds"
	case s.Kind == ScheduleIntrosFollowUp:
		return "follow-up of intro round #" + s.Payload
	}
	return string(s.Kind) + where
}

func (b *Bot) cmdSchedulePause(ctx context.Context, inv invocation) (Reply, error) {
	return b.setPaused(ctx, inv, true)
}

func (b *Bot) cmdScheduleResume(ctx context.Context, inv invocation) (Reply, error) {
	return b.setPaused(ctx, inv, false)
}

func (b *Bot) setPaused(ctx context.Context, inv invocation, paused bool) (Reply, error) {
	s, err := b.scheduleArg(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	if s.Paused == paused {
		state := "running"
		if paused {
			state = "paused"
		}
		return privateText("Schedule #%d is already %s.", s.ID, state), nil
	}
	if err := b.store.SetSchedulePaused(ctx, inv.Community, s.ID, paused); err != nil {
		return Reply{}, err
	}
	if paused {
		return privateText("Paused schedule #%d (%s). `/hearth schedule resume %d` starts it again.", s.ID, b.describeSchedule(ctx, s), s.ID), nil
	}
	return privateText("Resumed schedule #%d (%s).", s.ID, b.describeSchedule(ctx, s)), nil
}

func (b *Bot) cmdScheduleRemove(ctx context.Context, inv invocation) (Reply, error) {
	s, err := b.scheduleArg(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	if err := b.store.RemoveSchedule(ctx, inv.Community, s.ID); err != nil {
		return Reply{}, err
	}
	b.log.InfoContext(ctx, "schedule removed", "community", inv.Community, "schedule", s.ID, "by", inv.Member)
	return privateText("Removed schedule #%d (%s).", s.ID, b.describeSchedule(ctx, s)), nil
}

func (b *Bot) cmdSchedulePreview(ctx context.Context, inv invocation) (Reply, error) {
	tz, err := zoneArg(inv)
	if err != nil {
		return Reply{}, err
	}
	loc := b.zone(tz)
	sp, err := b.parseSpecIn(inv.arg("spec"), loc)
	if err != nil {
		return Reply{}, err
	}
	var times []string
	for t := inv.At; len(times) < 5; {
		if t = sp.Next(t); t.IsZero() {
			break
		}
		times = append(times, "• "+whenIn(t, loc))
	}
	if len(times) == 0 {
		return Reply{}, Errorf(EArgument, "The schedule %q never falls due.", inv.arg("spec"))
	}
	return privateText("%q runs next at (%s):\n%s", inv.arg("spec"), loc, strings.Join(times, "\n")), nil
}

func (b *Bot) cmdDigestChannel(ctx context.Context, inv invocation) (Reply, error) {
	ch, err := b.resolveChannel(ctx, inv.Community, inv.arg("channel"))
	if err != nil {
		return Reply{}, err
	}
	if err := b.store.SetSetting(ctx, inv.Community, SettingDigestChannel, ch.ID); err != nil {
		return Reply{}, err
	}
	return privateText("The weekly digest goes to #%s. Schedule it with `/hearth digest schedule` (default %s).", channelLabel(ch.ID, ch.Name), DefaultDigestSpec), nil
}

func (b *Bot) cmdDigestSchedule(ctx context.Context, inv invocation) (Reply, error) {
	spec := inv.arg("spec")
	if spec == "" {
		spec = DefaultDigestSpec
	}
	tz, err := zoneArg(inv)
	if err != nil {
		return Reply{}, err
	}
	if _, err := b.parseSpecIn(spec, b.zone(tz)); err != nil { // before changing anything
		return Reply{}, err
	}
	channel, err := b.store.Setting(ctx, inv.Community, SettingDigestChannel)
	if err != nil {
		return Reply{}, err
	}
	note := ""
	if channel == "" {
		if inv.Channel == "" {
			return Reply{}, Errorf(EConflict, "Where should the digest go? Set a channel first: `/hearth digest channel #facilitators`.")
		}
		if err := b.store.SetSetting(ctx, inv.Community, SettingDigestChannel, inv.Channel); err != nil {
			return Reply{}, err
		}
		note = fmt.Sprintf(" It goes to #%s (change it with `/hearth digest channel`).", channelLabel(inv.Channel, inv.ChannelName))
	}
	if _, err := b.removeDigestSchedules(ctx, inv.Community); err != nil {
		return Reply{}, err
	}
	s, next, err := b.addSchedule(ctx, inv, Schedule{Kind: ScheduleDigest, Spec: spec})
	if err != nil {
		return Reply{}, err
	}
	return privateText("Digest schedule #%d: %s. First one: %s.%s", s.ID, spec, whenIn(next, b.zone(s.TZ)), note), nil
}

// removeDigestSchedules keeps one digest schedule per community: a new one
// replaces the old.
func (b *Bot) removeDigestSchedules(ctx context.Context, community string) (int, error) {
	all, err := b.store.Schedules(ctx, community)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range all {
		if s.Kind == ScheduleDigest {
			if err := b.store.RemoveSchedule(ctx, community, s.ID); err != nil && !errors.Is(err, ErrNotFound) {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func (b *Bot) cmdDigestOff(ctx context.Context, inv invocation) (Reply, error) {
	n, err := b.removeDigestSchedules(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	if n == 0 {
		return privateText("The digest was not scheduled."), nil
	}
	return privateText("The weekly digest is off. `/hearth digest schedule` brings it back."), nil
}

func (b *Bot) cmdDigestNow(ctx context.Context, inv invocation) (Reply, error) {
	channel, err := b.store.Setting(ctx, inv.Community, SettingDigestChannel)
	if err != nil {
		return Reply{}, err
	}
	if channel != "" {
		if err := b.postDigest(ctx, inv.Community, inv.At); err != nil {
			return Reply{}, platformError(err, "post the digest")
		}
		return privateText("Posted the digest of the last 7 days in #%s.", b.channelName(ctx, inv.Community, channel)), nil
	}
	// No digest channel: the digest names members, so only the caller sees it.
	post, err := b.digestPost(ctx, inv.Community, inv.At)
	if err != nil {
		return Reply{}, err
	}
	post.Text += "\n_Set a digest channel with `/hearth digest channel #facilitators` to share it with the other facilitators._"
	return Reply{Post: post, Private: true}, nil
}
