package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event actions.
const (
	ActionEventRSVP     = "event.rsvp"     // Value "ID:going|maybe|not_going"
	ActionEventAttended = "event.attended" // Value "ID"
)

func (b *Bot) eventCommands() []CommandSpec {
	id := Arg{Name: "id", Kind: ArgNumber, Required: true, Help: "the event's number, from `/hearth event list`"}
	return []CommandSpec{
		{Path: []string{"event", "add"}, Summary: "Announce an event (meeting, webinar) with RSVP buttons, reminders and a calendar file",
			Args: []Arg{
				{Name: "title", Kind: ArgText, Required: true, Quoted: true, Help: "what it is"},
				{Name: "when", Kind: ArgText, Required: true, Quoted: true, Shape: "YYYY-MM-DD HH:MM|SPEC", Help: "a date and time (community time zone), or a rhythm like \"every thursday at 16:00\" to repeat it"},
				{Name: "duration", Kind: ArgText, Shape: "DURATION", Help: "how long, like 60m or 1h30m (default 1h)"},
				{Name: "link", Kind: ArgText, Shape: "LINK", Help: "the meeting link (https://…)"},
				{Name: "channel", Kind: ArgChannel, Help: "where to announce it (default: here)"},
			}, Facilitator: true, Run: b.cmdEventAdd},
		{Path: []string{"event", "list"}, Summary: "Upcoming events, with how many are going", Run: b.cmdEventList},
		{Path: []string{"event", "cancel"}, Summary: "Cancel an event: those going or maybe are told by DM", Args: []Arg{id}, Facilitator: true, Run: b.cmdEventCancel},
		{Path: []string{"event", "attend"}, Summary: "Mark members as having been at an event",
			Args:        []Arg{id, {Name: "members", Kind: ArgText, Required: true, Rest: true, Shape: "@member…", Help: "who was there"}},
			Facilitator: true, Run: b.cmdEventAttend},
	}
}

var (
	dateOnly  = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}$`)
	clockOnly = regexp.MustCompile(`^\d{1,2}:\d{2}$`)
	looksDate = regexp.MustCompile(`^\d{4}-\d`)
)

// eventArgs is what `event add` read.
type eventArgs struct {
	title    string
	start    time.Time // a one-off's start
	spec     string    // a recurring event's rhythm
	duration time.Duration
	link     string
	channel  string // the channel token, "" for here
}

// parseEventArgs reads and checks `event add`'s arguments. The optional
// ones are told apart by their shape, in any order: a link starts with
// https://, a channel with #, anything else is the duration. A date
// followed by a separate HH:MM (forgotten quotes) is read as one time.
func (b *Bot) parseEventArgs(inv Invocation) (eventArgs, error) {
	a := eventArgs{title: strings.TrimSpace(inv.Arg("title")), duration: DefaultEventDuration}
	if a.title == "" || utf8.RuneCountInString(a.title) > MaxEventTitle {
		return a, Errorf(EArgument, "An event needs a title in quotes, %d characters at most: `/hearth event add \"Monthly show and tell\" \"2026-12-03 16:00\"`.", MaxEventTitle)
	}
	when := strings.TrimSpace(inv.Arg("when"))
	var durTok string
	for _, tok := range []string{inv.Arg("duration"), inv.Arg("link"), inv.Arg("channel")} {
		tok = strings.TrimSpace(tok)
		lower := strings.ToLower(strings.Trim(tok, "<>"))
		_, _, isChannel := ParseChannelRef(tok)
		switch {
		case tok == "":
		case dateOnly.MatchString(when) && clockOnly.MatchString(tok):
			when += " " + tok
		case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://"):
			if a.link != "" {
				return a, Errorf(EArgument, "One link per event, please.")
			}
			a.link = strings.Trim(tok, "<>")
		case isChannel:
			a.channel = tok
		case durTok == "":
			durTok = tok
		default:
			return a, Errorf(EArgument, "I don't know what to do with %q. Usage: `/hearth event add \"TITLE\" \"YYYY-MM-DD HH:MM\" [60m] [https://…] [#channel]`.", clip(tok, 40))
		}
	}
	if durTok != "" {
		d, err := time.ParseDuration(strings.ToLower(durTok))
		if err != nil || d < MinEventDuration || d > MaxEventDuration {
			return a, Errorf(EArgument, "%q is not a duration I can use: write it like `60m`, `90m` or `1h30m` (5 minutes to 24 hours).", clip(durTok, 40))
		}
		a.duration = d
	}
	if a.link != "" {
		u, err := url.Parse(a.link)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(a.link) > MaxURLLength {
			return a, Errorf(EArgument, "%q is not a meeting link I can use: it must start with https://, like `https://meet.example.com/cop`.", clip(a.link, 60))
		}
		a.link = u.String()
	}
	zone := b.loc.String()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-1-2 15:04"} {
		if t, err := time.ParseInLocation(layout, when, b.loc); err == nil {
			a.start = t
			break
		}
	}
	switch {
	case !a.start.IsZero():
		if !a.start.After(inv.At) {
			return a, Errorf(EArgument, "%s is in the past (it is %s now). Events are for the future.", whenIn(a.start, b.loc), whenIn(inv.At, b.loc))
		}
		if a.start.After(inv.At.AddDate(2, 0, 0)) {
			return a, Errorf(EArgument, "That is more than two years ahead; announce it nearer the time.")
		}
	case looksDate.MatchString(when):
		return a, Errorf(EArgument, "I can't read %q as a date and time. Write it like \"2026-12-03 16:00\" (in quotes, %s time).", clip(when, 40), zone)
	default:
		if _, err := b.parseSpec(when); err != nil {
			if ErrorCode(err) == EConflict {
				return a, err
			}
			return a, Errorf(EArgument, "I can't read %q as a time. Write a date and time in quotes, like \"2026-12-03 16:00\" (%s time), or a rhythm for a recurring event, like \"every thursday at 16:00\" or \"monthly on day 1 at 16:00\".", clip(when, 60), zone)
		}
		a.spec = when
	}
	return a, nil
}

func (b *Bot) cmdEventAdd(ctx context.Context, inv Invocation) (Reply, error) {
	a, err := b.parseEventArgs(inv)
	if err != nil {
		return Reply{}, err
	}
	inv.args["channel"] = a.channel
	ch, err := b.targetChannel(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	e := CommunityEvent{Community: inv.Community, Title: a.title, Link: a.link, Channel: ch.ID, CreatedBy: inv.Member, CreatedAt: inv.At, Start: a.start}
	var series Schedule
	if a.spec != "" {
		payload, err := json.Marshal(EventSeries{Title: a.title, Minutes: int(a.duration / time.Minute), Link: a.link})
		if err != nil {
			return Reply{}, err
		}
		if series, e.Start, err = b.addSchedule(ctx, inv, Schedule{Kind: ScheduleEvent, Spec: a.spec, Channel: ch.ID, Payload: string(payload)}); err != nil {
			return Reply{}, err
		}
		e.Series = series.ID
	}
	e.End = e.Start.Add(a.duration)
	if e, err = b.createEvent(ctx, e); err != nil {
		return Reply{}, err
	}
	text := fmt.Sprintf("Event #%d **%s** is announced in #%s for %s. Those going get a reminder a day (when there is a day left) and an hour before; at the end they are asked whether they made it, and two hours later the `%s` check-in goes to those who were there.",
		e.ID, e.Title, channelLabel(ch.ID, ch.Name), b.eventWhen(e), FeedbackSurvey)
	if series.ID != 0 {
		text += fmt.Sprintf("\nIt repeats %s (schedule #%d): each time one starts, the next is announced. `/hearth schedule remove %d` ends the series.", series.Spec, series.ID, series.ID)
	}
	return privateText("%s", text), nil
}

// createEvent stores an event, schedules its reminders, end and feedback,
// announces it and publishes it on the platform's calendar if it has one.
func (b *Bot) createEvent(ctx context.Context, e CommunityEvent) (CommunityEvent, error) {
	var err error
	if e.ID, err = b.store.AddEvent(ctx, e); err != nil {
		return e, err
	}
	log := b.log.With("community", e.Community, "event", e.ID)
	payload := strconv.FormatInt(e.ID, 10)
	var once []Schedule
	for _, before := range EventReminders {
		if t := e.Start.Add(-before); t.After(e.CreatedAt) {
			once = append(once, Schedule{Kind: ScheduleEventRemind, Spec: OnceSpec(t)})
		}
	}
	once = append(once, Schedule{Kind: ScheduleEventEnd, Spec: OnceSpec(e.End)},
		Schedule{Kind: ScheduleEventFeedback, Spec: OnceSpec(e.End.Add(FeedbackAfter))})
	for _, s := range once {
		s.Community, s.Payload, s.Channel, s.CreatedBy, s.CreatedAt = e.Community, payload, e.Channel, e.CreatedBy, e.CreatedAt
		if _, err := b.store.AddSchedule(ctx, s); err != nil {
			return e, fmt.Errorf("schedule the %s of event %d: %w", s.Kind, e.ID, err)
		}
	}
	chat, err := b.chat(e.Community)
	if err != nil {
		return e, err
	}
	ref, err := chat.Post(ctx, Destination{Kind: ToChannel, Community: e.Community, Channel: e.Channel}, b.eventPost(e))
	if err != nil {
		return e, platformError(err, "announce event "+payload)
	}
	e.Message = ref.ID
	if p, ok := chat.(EventPublisher); ok {
		if e.External, err = p.PublishEvent(ctx, e.Community, e); err != nil {
			log.WarnContext(ctx, "event not published on the platform", "err", err)
			e.External = ""
		}
	}
	if err := b.store.UpdateEvent(ctx, e); err != nil {
		return e, err
	}
	log.InfoContext(ctx, "event created", "start", e.Start, "series", e.Series, "external", e.External != "")
	return e, nil
}

// eventPost is an event's announcement: what, when, the link, the RSVP
// buttons and the .ics file.
func (b *Bot) eventPost(e CommunityEvent) Post {
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Event: %s**\n%s", e.Title, b.eventWhen(e))
	if e.Link != "" {
		sb.WriteString("\nJoin: " + e.Link)
	}
	sb.WriteString("\n_Will you come? Only you see your answer, and you can change it. Those going get a reminder a day and an hour before; the calendar file adds it to yours._")
	v := strconv.FormatInt(e.ID, 10) + ":"
	return Post{Text: sb.String(),
		Buttons: []Button{
			{ActionID: ActionEventRSVP, Label: "Going", Value: v + string(RSVPGoing), Style: StylePrimary},
			{ActionID: ActionEventRSVP, Label: "Maybe", Value: v + string(RSVPMaybe)},
			{ActionID: ActionEventRSVP, Label: "Not going", Value: v + string(RSVPNotGoing)},
		},
		Image: &File{Name: fmt.Sprintf("event-%d.ics", e.ID), ContentType: "text/calendar", Data: EventICS(e, e.CreatedAt)},
	}
}

// eventWhen says when an event is, in the community time zone.
func (b *Bot) eventWhen(e CommunityEvent) string {
	s, end := e.Start.In(b.loc), e.End.In(b.loc)
	if s.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return s.Format("Mon Jan 2, 15:04") + "–" + end.Format("15:04 MST")
	}
	return s.Format("Mon Jan 2, 15:04") + " – " + end.Format("Mon Jan 2, 15:04 MST")
}

// eventArg finds the event an id argument names.
func (b *Bot) eventArg(ctx context.Context, community, tok string) (CommunityEvent, error) {
	id, _ := strconv.ParseInt(strings.TrimPrefix(tok, "#"), 10, 64)
	e, err := b.store.CommunityEvent(ctx, community, id)
	if errors.Is(err, ErrNotFound) {
		return e, Errorf(ENotFound, "There is no event #%d. `/hearth event list` shows the upcoming ones.", id)
	}
	return e, err
}

// rsvpCounts counts an event's RSVPs.
func rsvpCounts(rs []RSVP) (going, maybe, attended int) {
	for _, r := range rs {
		switch r.Choice {
		case RSVPGoing:
			going++
		case RSVPMaybe:
			maybe++
		}
		if !r.AttendedAt.IsZero() {
			attended++
		}
	}
	return
}

func (b *Bot) cmdEventList(ctx context.Context, inv Invocation) (Reply, error) {
	evs, err := b.store.CommunityEvents(ctx, inv.Community, EventQuery{EndFrom: inv.At, Limit: 15})
	if err != nil {
		return Reply{}, err
	}
	if len(evs) == 0 {
		return privateText("No events coming up. Facilitators announce one with `/hearth event add \"TITLE\" \"YYYY-MM-DD HH:MM\"`."), nil
	}
	var sb strings.Builder
	sb.WriteString("**Upcoming events**\n")
	for _, e := range evs {
		rs, err := b.store.RSVPs(ctx, inv.Community, e.ID)
		if err != nil {
			return Reply{}, err
		}
		going, maybe, _ := rsvpCounts(rs)
		fmt.Fprintf(&sb, "• #%d %s: %s in #%s · %d going, %d maybe", e.ID, e.Title, b.eventWhen(e), b.ChannelName(ctx, inv.Community, e.Channel), going, maybe)
		for _, r := range rs {
			if r.Member == inv.Member && r.Choice != NoRSVP {
				fmt.Fprintf(&sb, " (you: %s)", strings.ReplaceAll(string(r.Choice), "_", " "))
			}
		}
		if !inv.At.Before(e.Start) {
			sb.WriteString(" · happening now")
		}
		if e.Link != "" {
			sb.WriteString(" · " + e.Link)
		}
		if e.Series != 0 {
			sb.WriteString(" · recurring")
		}
		sb.WriteString("\n")
	}
	return Reply{Post: Post{Text: strings.TrimRight(sb.String(), "\n")}, Private: true}, nil
}

func (b *Bot) cmdEventCancel(ctx context.Context, inv Invocation) (Reply, error) {
	e, err := b.eventArg(ctx, inv.Community, inv.Arg("id"))
	if err != nil {
		return Reply{}, err
	}
	switch {
	case e.Cancelled():
		return Reply{}, Errorf(EConflict, "Event #%d is cancelled already.", e.ID)
	case !inv.At.Before(e.End):
		return Reply{}, Errorf(EConflict, "Event #%d has taken place already.", e.ID)
	}
	e.CancelledAt = inv.At
	if err := b.store.UpdateEvent(ctx, e); err != nil {
		return Reply{}, err
	}
	if err := b.removeEventSchedules(ctx, e); err != nil {
		return Reply{}, err
	}
	rs, err := b.store.RSVPs(ctx, inv.Community, e.ID)
	if err != nil {
		return Reply{}, err
	}
	chat, err := b.chat(inv.Community)
	if err != nil {
		return Reply{}, err
	}
	told := 0
	for _, r := range rs {
		if r.Choice != RSVPGoing && r.Choice != RSVPMaybe {
			continue
		}
		post := Post{Text: fmt.Sprintf("**%s** (%s) is cancelled. Sorry for the change of plans.", e.Title, b.eventWhen(e))}
		if _, err := chat.Post(ctx, Destination{Kind: ToDM, Community: inv.Community, Member: r.Member}, post); err != nil {
			b.log.WarnContext(ctx, "event cancellation not delivered", "community", inv.Community, "event", e.ID, "member", r.Member, "err", err)
			continue
		}
		told++
	}
	if p, ok := chat.(EventPublisher); ok && e.External != "" {
		if err := p.CancelEvent(ctx, inv.Community, e.External); err != nil {
			b.log.WarnContext(ctx, "platform event not cancelled", "community", inv.Community, "event", e.ID, "err", err)
		}
	}
	b.log.InfoContext(ctx, "event cancelled", "community", inv.Community, "event", e.ID, "by", inv.Member, "told", told)
	text := fmt.Sprintf("Event #%d **%s** is cancelled; %s (going or maybe) told by DM.", e.ID, e.Title, plural(told, "member"))
	if e.Series != 0 {
		text += fmt.Sprintf(" The series goes on; `/hearth schedule remove %d` ends it.", e.Series)
	}
	return privateText("%s", text), nil
}

// removeEventSchedules drops an event's pending reminders, end and feedback.
func (b *Bot) removeEventSchedules(ctx context.Context, e CommunityEvent) error {
	all, err := b.store.Schedules(ctx, e.Community)
	if err != nil {
		return err
	}
	payload := strconv.FormatInt(e.ID, 10)
	for _, s := range all {
		if (s.Kind == ScheduleEventRemind || s.Kind == ScheduleEventEnd || s.Kind == ScheduleEventFeedback) && s.Payload == payload {
			if err := b.store.RemoveSchedule(ctx, e.Community, s.ID); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

func (b *Bot) cmdEventAttend(ctx context.Context, inv Invocation) (Reply, error) {
	e, err := b.eventArg(ctx, inv.Community, inv.Arg("id"))
	if err != nil {
		return Reply{}, err
	}
	if err := eventHeld(e, inv.At); err != nil {
		return Reply{}, err
	}
	var marked, already []string
	for _, tok := range strings.Fields(inv.Arg("members")) {
		m, err := b.resolveMember(ctx, inv.Community, tok)
		if err != nil {
			return Reply{}, err
		}
		added, err := b.markAttended(ctx, e, m.ID, m.Name, inv.At)
		if err != nil {
			return Reply{}, err
		}
		if added {
			marked = append(marked, displayName(m))
		} else {
			already = append(already, displayName(m))
		}
	}
	var parts []string
	if len(marked) > 0 {
		parts = append(parts, fmt.Sprintf("Marked %s as there (event #%d %s).", names(marked), e.ID, e.Title))
	}
	if len(already) > 0 {
		parts = append(parts, fmt.Sprintf("%s: marked already.", names(already)))
	}
	return privateText("%s", strings.Join(parts, " ")), nil
}

// eventHeld refuses attendance for an event that was cancelled or has not
// started by at.
func eventHeld(e CommunityEvent, at time.Time) error {
	switch {
	case e.Cancelled():
		return Errorf(EConflict, "Event #%d was cancelled.", e.ID)
	case at.Before(e.Start):
		return Errorf(EConflict, "Event #%d has not started yet: attendance is for after it starts.", e.ID)
	}
	return nil
}

// markAttended marks a member there and records it as participation, once.
func (b *Bot) markAttended(ctx context.Context, e CommunityEvent, member, name string, at time.Time) (bool, error) {
	added, err := b.store.MarkAttended(ctx, e.Community, e.ID, member, at)
	if err != nil {
		return false, err
	}
	err = b.HandleEvent(ctx, Event{Kind: KindAttended, Community: e.Community, Channel: e.Channel, Member: member, MemberName: name,
		At: at, Key: fmt.Sprintf("attended:%d:%s", e.ID, member)})
	return added, err
}

func (b *Bot) actEventRSVP(ctx context.Context, a Action) (Reply, error) {
	idText, choiceText, _ := strings.Cut(a.Value, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	choice := RSVPChoice(choiceText)
	if err != nil || (choice != RSVPGoing && choice != RSVPMaybe && choice != RSVPNotGoing) {
		return Reply{}, Errorf(EArgument, "That button doesn't belong to an event I know.")
	}
	e, err := b.store.CommunityEvent(ctx, a.Community, id)
	if errors.Is(err, ErrNotFound) {
		return Reply{}, Errorf(ENotFound, "That event no longer exists.")
	}
	if err != nil {
		return Reply{}, err
	}
	switch {
	case e.Cancelled():
		return Reply{}, Errorf(EConflict, "**%s** was cancelled.", e.Title)
	case !a.At.Before(e.End):
		return Reply{}, Errorf(EConflict, "**%s** has taken place already.", e.Title)
	}
	if err := b.store.SetRSVP(ctx, a.Community, RSVP{Event: e.ID, Member: a.Member, Choice: choice, At: a.At}); err != nil {
		return Reply{}, err
	}
	if err := b.HandleEvent(ctx, Event{Kind: KindRSVP, Community: a.Community, Channel: e.Channel, Member: a.Member, MemberName: a.MemberName,
		At: a.At, Key: fmt.Sprintf("rsvp:%d:%s", e.ID, a.Member)}); err != nil {
		return Reply{}, err
	}
	switch choice {
	case RSVPGoing:
		return privateText("You're going to **%s** (%s). I'll remind you a day and an hour before.", e.Title, b.eventWhen(e)), nil
	case RSVPMaybe:
		return privateText("Noted: maybe for **%s**. Reminders go to those going; you can change your answer any time.", e.Title), nil
	}
	return privateText("Noted: you're not going to **%s**. Thanks for saying so.", e.Title), nil
}

func (b *Bot) actEventAttended(ctx context.Context, a Action) (Reply, error) {
	id, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil {
		return Reply{}, Errorf(EArgument, "That button doesn't belong to an event I know.")
	}
	e, err := b.store.CommunityEvent(ctx, a.Community, id)
	if errors.Is(err, ErrNotFound) {
		return Reply{}, Errorf(ENotFound, "That event no longer exists.")
	}
	if err != nil {
		return Reply{}, err
	}
	if err := eventHeld(e, a.At); err != nil {
		return Reply{}, err
	}
	added, err := b.markAttended(ctx, e, a.Member, a.MemberName, a.At)
	if err != nil {
		return Reply{}, err
	}
	if !added {
		return privateText("You're marked as there already. Thank you!"), nil
	}
	return privateText("Thank you! You're marked as there for **%s**.", e.Title), nil
}

// runEventSchedule does an event schedule's work: announce a series' next
// occurrence, remind, ask for attendance, or send the feedback check-in.
// One-shot schedules are removed when done, or when their event was
// cancelled or is gone.
func (b *Bot) runEventSchedule(ctx context.Context, s Schedule, at time.Time) error {
	if s.Kind == ScheduleEvent {
		return b.nextOccurrence(ctx, s, at)
	}
	e, err := b.store.CommunityEvent(ctx, s.Community, payloadID(s))
	if errors.Is(err, ErrNotFound) {
		return b.RemoveSpent(ctx, s)
	}
	if err != nil {
		return err
	}
	if !e.Cancelled() {
		switch s.Kind {
		case ScheduleEventRemind:
			err = b.remindEvent(ctx, e, at)
		case ScheduleEventEnd:
			err = b.askAttendance(ctx, e)
		case ScheduleEventFeedback:
			err = b.sendEventFeedback(ctx, e, at)
		}
		if err != nil {
			return err
		}
	}
	return b.RemoveSpent(ctx, s)
}

// nextOccurrence creates and announces a series' next occurrence after at
// (after now, when the firing ran late).
func (b *Bot) nextOccurrence(ctx context.Context, s Schedule, at time.Time) error {
	var series EventSeries
	if err := json.Unmarshal([]byte(s.Payload), &series); err != nil {
		return fmt.Errorf("event series %d: %w", s.ID, err)
	}
	sp, err := b.parseSpecIn(s.Spec, b.zone(s.TZ))
	if err != nil {
		return err
	}
	now := b.clock.Now()
	next := sp.Next(at)
	for !next.IsZero() && !next.After(now) {
		next = sp.Next(next)
	}
	if next.IsZero() {
		return nil
	}
	d := time.Duration(series.Minutes) * time.Minute
	if d <= 0 {
		d = DefaultEventDuration
	}
	_, err = b.createEvent(ctx, CommunityEvent{Community: s.Community, Title: series.Title, Link: series.Link, Channel: s.Channel,
		Start: next, End: next.Add(d), Series: s.ID, CreatedBy: s.CreatedBy, CreatedAt: at})
	return err
}

// going lists an event's members who are going.
func (b *Bot) going(ctx context.Context, e CommunityEvent) ([]RSVP, error) {
	rs, err := b.store.RSVPs(ctx, e.Community, e.ID)
	if err != nil {
		return nil, err
	}
	var out []RSVP
	for _, r := range rs {
		if r.Choice == RSVPGoing {
			out = append(out, r)
		}
	}
	return out, nil
}

// remindEvent DMs those going, unless the event has started.
func (b *Bot) remindEvent(ctx context.Context, e CommunityEvent, at time.Time) error {
	if !at.Before(e.Start) {
		return nil
	}
	rs, err := b.going(ctx, e)
	if err != nil {
		return err
	}
	chat, err := b.chat(e.Community)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("Reminder: **%s** starts %s (%s).", e.Title, startsIn(e.Start.Sub(at)), b.eventWhen(e))
	if e.Link != "" {
		text += "\nJoin: " + e.Link
	}
	n := 0
	for _, r := range rs {
		if _, err := chat.Post(ctx, Destination{Kind: ToDM, Community: e.Community, Member: r.Member}, Post{Text: text}); err != nil {
			b.log.WarnContext(ctx, "event reminder not delivered", "community", e.Community, "event", e.ID, "member", r.Member, "err", err)
			continue
		}
		n++
	}
	b.log.InfoContext(ctx, "event reminded", "community", e.Community, "event", e.ID, "reminded", n)
	return nil
}

// startsIn says how soon something starts: "in 24 hours", "in 1 hour".
func startsIn(d time.Duration) string {
	switch {
	case d >= 90*time.Minute:
		return "in " + plural(int(math.Round(d.Hours())), "hour")
	case d >= 55*time.Minute:
		return "in 1 hour"
	}
	return "in " + plural(max(1, int(math.Round(d.Minutes()))), "minute")
}

// askAttendance DMs those who were going and are not marked there yet.
func (b *Bot) askAttendance(ctx context.Context, e CommunityEvent) error {
	rs, err := b.going(ctx, e)
	if err != nil {
		return err
	}
	chat, err := b.chat(e.Community)
	if err != nil {
		return err
	}
	post := Post{Text: fmt.Sprintf("Did you make it to **%s** (%s)? One click tells the facilitators you were there. If you couldn't come, no need to answer.", e.Title, b.eventWhen(e)),
		Buttons: []Button{{ActionID: ActionEventAttended, Label: "I was there", Value: strconv.FormatInt(e.ID, 10), Style: StylePrimary}}}
	for _, r := range rs {
		if !r.AttendedAt.IsZero() {
			continue
		}
		if _, err := chat.Post(ctx, Destination{Kind: ToDM, Community: e.Community, Member: r.Member}, post); err != nil {
			b.log.WarnContext(ctx, "attendance question not delivered", "community", e.Community, "event", e.ID, "member", r.Member, "err", err)
		}
	}
	return nil
}

// sendEventFeedback sends the event-feedback check-in to those marked
// there, or to those who were going when nobody was marked.
func (b *Bot) sendEventFeedback(ctx context.Context, e CommunityEvent, at time.Time) error {
	if e.FeedbackRun != 0 {
		return nil
	}
	rs, err := b.store.RSVPs(ctx, e.Community, e.ID)
	if err != nil {
		return err
	}
	var there, going []string
	for _, r := range rs {
		if !r.AttendedAt.IsZero() {
			there = append(there, r.Member)
		}
		if r.Choice == RSVPGoing {
			going = append(going, r.Member)
		}
	}
	if len(there) == 0 {
		there = going
	}
	log := b.log.With("community", e.Community, "event", e.ID)
	if len(there) == 0 {
		log.InfoContext(ctx, "event feedback not sent: nobody was going or there")
		return nil
	}
	launcher, ok := Find[SurveyLauncher](b)
	if !ok {
		log.WarnContext(ctx, "event feedback not sent: check-ins are not part of this Hearth")
		return nil
	}
	run, sent, total, err := launcher.LaunchSurvey(ctx, SurveyLaunch{Community: e.Community, Survey: FeedbackSurvey,
		TitleSuffix: ": " + e.Title, Members: there, By: e.CreatedBy, At: at})
	if ErrorCode(err) == ENotFound {
		log.WarnContext(ctx, "event feedback not sent: no event-feedback survey")
		return nil
	}
	if run != 0 {
		e.FeedbackRun = run
		if uerr := b.store.UpdateEvent(ctx, e); uerr != nil && err == nil {
			err = uerr
		}
	}
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "event feedback sent", "run", run, "sent", sent, "total", total)
	return nil
}

// fillEvents lists the events held in the report's period (ended in it,
// not cancelled; in the channel, when the report has one), with their
// RSVPs, attendance and feedback.
func fillEvents(ctx context.Context, es EventStore, rep *Report, channel string) error {
	evs, err := es.CommunityEvents(ctx, rep.Community, EventQuery{EndFrom: rep.From, EndBefore: rep.To})
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	rep.Events = []EventSummary{}
	for _, e := range evs {
		if channel != "" && e.Channel != channel {
			continue
		}
		rs, err := es.RSVPs(ctx, rep.Community, e.ID)
		if err != nil {
			return fmt.Errorf("RSVPs of event %d: %w", e.ID, err)
		}
		sum := EventSummary{ID: e.ID, Title: e.Title, Start: e.Start, Channel: e.Channel}
		sum.Going, sum.Maybe, sum.Attended = rsvpCounts(rs)
		if f, ok := es.(interface {
			CheckinReader
			CheckinRun(ctx context.Context, community string, id int64) (CheckinRun, error)
		}); ok && e.FeedbackRun != 0 {
			r, err := f.CheckinRun(ctx, rep.Community, e.FeedbackRun)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if err == nil {
				res, err := RunResults(ctx, f, r)
				if err != nil {
					return err
				}
				sum.Feedback = &EventFeedback{Run: r.ID, Delivered: res.Delivered, Respondents: res.Respondents}
				for _, q := range res.Questions {
					if q.Kind == QuestionScale {
						sum.Feedback.Mean = q.Mean
						break
					}
				}
			}
		}
		rep.Events = append(rep.Events, sum)
	}
	return nil
}
