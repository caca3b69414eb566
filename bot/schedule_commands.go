package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SpecArg is the argument of commands that set a schedule.
func SpecArg() Arg {
	return Arg{Name: "spec", Kind: ArgText, Required: true, Quoted: true,
		Help: "when, like `every monday at 9:00`, `weekdays at 10:30` or cron `0 9 * * MON`"}
}

// TZArg is the optional time zone of commands that set a schedule.
func TZArg() Arg {
	return Arg{Name: "tz", Kind: ArgText, Shape: "tz=ZONE", Help: "time zone, like tz=Europe/Paris (default: the community's)"}
}

func (b *Bot) scheduleCommands() []CommandSpec {
	id := Arg{Name: "id", Kind: ArgNumber, Required: true, Help: "the schedule's number, from `/hearth schedule list`"}
	return []CommandSpec{
		{Path: []string{"schedule", "list"}, Summary: "Everything Hearth does on a rhythm, with next times and skipped runs",
			Facilitator: true, Run: b.cmdScheduleList},
		{Path: []string{"schedule", "pause"}, Summary: "Pause a schedule", Args: []Arg{id}, Facilitator: true, Run: b.cmdSchedulePause},
		{Path: []string{"schedule", "resume"}, Summary: "Resume a paused schedule", Args: []Arg{id}, Facilitator: true, Run: b.cmdScheduleResume},
		{Path: []string{"schedule", "remove"}, Summary: "Remove a schedule", Args: []Arg{id}, Facilitator: true, Run: b.cmdScheduleRemove},
		{Path: []string{"schedule", "preview"}, Summary: "The next five times a schedule would run",
			Args: []Arg{SpecArg(), TZArg()}, Facilitator: true, Run: b.cmdSchedulePreview},
	}
}

func (b *Bot) scheduleArg(ctx context.Context, inv Invocation) (Schedule, error) {
	id, _ := strconv.ParseInt(strings.TrimPrefix(inv.Arg("id"), "#"), 10, 64)
	s, err := b.store.Schedule(ctx, inv.Community, id)
	if errors.Is(err, ErrNotFound) {
		return Schedule{}, Errorf(ENotFound, "There is no schedule #%d. `/hearth schedule list` shows them.", id)
	}
	return s, err
}

func (b *Bot) cmdScheduleList(ctx context.Context, inv Invocation) (Reply, error) {
	all, err := b.store.Schedules(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	if len(all) == 0 {
		return PrivateText("Nothing is scheduled. Try `/hearth prompt deck schedule \"every monday at 9:00\"` or `/hearth digest schedule`."), nil
	}
	// The facilitators' rhythms first; the one-off schedules Hearth keeps
	// itself (reminders, closes, queued nudges, welcomes) after, summed up.
	var rhythms, once []string
	for _, s := range all {
		line, err := b.scheduleLine(ctx, inv, s)
		if err != nil {
			return Reply{}, err
		}
		if strings.HasPrefix(s.Spec, "once ") {
			once = append(once, line)
		} else {
			rhythms = append(rhythms, line)
		}
	}
	lists := []List{{Title: "**Schedules**", Lines: rhythms, PageSize: 20, Empty: "No rhythms yet."}}
	if len(once) > 0 {
		lists = append(lists, List{Title: fmt.Sprintf("**Once** (%d): reminders, closes, queued nudges and welcomes Hearth scheduled", len(once)), Lines: once, PageSize: 10})
	}
	text, buttons, file := Pages(inv, b.Capabilities(inv.Community), "schedules.md", lists...)
	return Reply{Post: Post{Text: text, Buttons: buttons, Attachment: file}, Private: true}, nil
}

// scheduleLine is one schedule in /hearth schedule list: what it does, its
// spec, its next time, and runs skipped or failed lately.
func (b *Bot) scheduleLine(ctx context.Context, inv Invocation, s Schedule) (string, error) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "• #%d %s: %s", s.ID, b.describeSchedule(ctx, s), s.Spec)
	if s.TZ != "" {
		sb.WriteString(" (" + s.TZ + ")")
	}
	if s.Paused {
		sb.WriteString(", paused")
	} else if sp, err := b.ParseSpecIn(s.Spec, b.Zone(s.TZ)); err == nil {
		if next := sp.Next(inv.At); !next.IsZero() {
			sb.WriteString(", next " + WhenIn(next, b.Zone(s.TZ)))
		}
	} else {
		sb.WriteString(", unreadable: remove it and schedule again")
	}
	recent, err := b.store.RecentFirings(ctx, s.ID, 5)
	if err != nil {
		return "", err
	}
	for _, f := range recent {
		switch f.Status {
		case Skipped:
			fmt.Fprintf(&sb, "; skipped %s (Hearth was down)", missedLabel(f, b.When(f.At)))
		case Failed:
			fmt.Fprintf(&sb, "; failed %s", b.When(f.At))
		}
	}
	return sb.String(), nil
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
		where = " in #" + b.ChannelName(ctx, s.Community, s.Channel)
	}
	b.mu.RLock()
	job, ok := b.jobs[s.Kind]
	b.mu.RUnlock()
	if ok && job.Describe != nil {
		return job.Describe(s, where)
	}
	return string(s.Kind) + where
}

func (b *Bot) cmdSchedulePause(ctx context.Context, inv Invocation) (Reply, error) {
	return b.setPaused(ctx, inv, true)
}

func (b *Bot) cmdScheduleResume(ctx context.Context, inv Invocation) (Reply, error) {
	return b.setPaused(ctx, inv, false)
}

func (b *Bot) setPaused(ctx context.Context, inv Invocation, paused bool) (Reply, error) {
	s, err := b.scheduleArg(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	if s.Paused == paused {
		state := "running"
		if paused {
			state = "paused"
		}
		return PrivateText("Schedule #%d is already %s.", s.ID, state), nil
	}
	if err := b.store.SetSchedulePaused(ctx, inv.Community, s.ID, paused); err != nil {
		return Reply{}, err
	}
	if paused {
		return PrivateText("Paused schedule #%d (%s). `/hearth schedule resume %d` starts it again.", s.ID, b.describeSchedule(ctx, s), s.ID), nil
	}
	return PrivateText("Resumed schedule #%d (%s).", s.ID, b.describeSchedule(ctx, s)), nil
}

func (b *Bot) cmdScheduleRemove(ctx context.Context, inv Invocation) (Reply, error) {
	s, err := b.scheduleArg(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	if err := b.store.RemoveSchedule(ctx, inv.Community, s.ID); err != nil {
		return Reply{}, err
	}
	b.log.InfoContext(ctx, "schedule removed", "community", inv.Community, "schedule", s.ID, "by", inv.Member)
	return PrivateText("Removed schedule #%d (%s).", s.ID, b.describeSchedule(ctx, s)), nil
}

func (b *Bot) cmdSchedulePreview(ctx context.Context, inv Invocation) (Reply, error) {
	tz, err := ZoneArg(inv)
	if err != nil {
		return Reply{}, err
	}
	loc := b.Zone(tz)
	sp, err := b.ParseSpecIn(inv.Arg("spec"), loc)
	if err != nil {
		return Reply{}, err
	}
	var times []string
	for t := inv.At; len(times) < 5; {
		if t = sp.Next(t); t.IsZero() {
			break
		}
		times = append(times, "• "+WhenIn(t, loc))
	}
	if len(times) == 0 {
		return Reply{}, Errorf(EArgument, "The schedule %q never falls due.", inv.Arg("spec"))
	}
	return PrivateText("%q runs next at (%s):\n%s", inv.Arg("spec"), loc, strings.Join(times, "\n")), nil
}
