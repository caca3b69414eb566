package meetings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth-community/hearth/bot"
)

// Event actions.
const (
	ActionEventRSVP     = "event.rsvp"     // Value "ID:going|maybe|not_going"
	ActionEventAttended = "event.attended" // Value "ID"
)

func (b *Meetings) eventCommands() []bot.CommandSpec {
	id := bot.Arg{Name: "id", Kind: bot.ArgNumber, Required: true, Help: "the event's number, from `/hearth event list`"}
	return []bot.CommandSpec{
		{Path: []string{"event", "add"}, Summary: "Announce an event (meeting, webinar) with RSVP buttons, reminders and a calendar file",
			Args: []bot.Arg{
				{Name: "title", Kind: bot.ArgText, Required: true, Quoted: true, Help: "what it is"},
				{Name: "when", Kind: bot.ArgText, Required: true, Quoted: true, Shape: "YYYY-MM-DD HH:MM|SPEC", Help: "a date and time (community time zone), or a rhythm like \"every thursday at 16:00\" to repeat it"},
				{Name: "duration", Kind: bot.ArgText, Shape: "DURATION", Help: "how long, like 60m or 1h30m (default 1h)"},
				{Name: "link", Kind: bot.ArgText, Shape: "LINK", Help: "the meeting link (https://…)"},
				{Name: "channel", Kind: bot.ArgChannel, Help: "where to announce it (default: here)"},
			}, Facilitator: true, Run: b.cmdEventAdd},
		{Path: []string{"event", "list"}, Summary: "Upcoming events, with how many are going", Run: b.cmdEventList},
		{Path: []string{"event", "cancel"}, Summary: "Cancel an event: those going or maybe are told by DM", Args: []bot.Arg{id}, Facilitator: true, Run: b.cmdEventCancel},
		{Path: []string{"event", "attend"}, Summary: "Mark members as having been at an event",
			Args:        []bot.Arg{id, {Name: "members", Kind: bot.ArgText, Required: true, Rest: true, Shape: "@member…", Help: "who was there"}},
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
func (b *Meetings) parseEventArgs(inv bot.Invocation) (eventArgs, error) {
	a := eventArgs{title: strings.TrimSpace(inv.Arg("title")), duration: DefaultEventDuration}
	if a.title == "" || utf8.RuneCountInString(a.title) > MaxEventTitle {
		return a, bot.Errorf(bot.EArgument, "An event needs a title in quotes, %d characters at most: `/hearth event add \"Monthly show and tell\" \"2026-12-03 16:00\"`.", MaxEventTitle)
	}
	when := strings.TrimSpace(inv.Arg("when"))
	var durTok string
	for _, tok := range []string{inv.Arg("duration"), inv.Arg("link"), inv.Arg("channel")} {
		tok = strings.TrimSpace(tok)
		lower := strings.ToLower(strings.Trim(tok, "<>"))
		_, _, isChannel := bot.ParseChannelRef(tok)
		switch {
		case tok == "":
		case dateOnly.MatchString(when) && clockOnly.MatchString(tok):
			when += " " + tok
		case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://"):
			if a.link != "" {
				return a, bot.Errorf(bot.EArgument, "One link per event, please.")
			}
			a.link = strings.Trim(tok, "<>")
		case isChannel:
			a.channel = tok
		case durTok == "":
			durTok = tok
		default:
			return a, bot.Errorf(bot.EArgument, "I don't know what to do with %q. Usage: `/hearth event add \"TITLE\" \"YYYY-MM-DD HH:MM\" [60m] [https://…] [#channel]`.", bot.Clip(tok, 40))
		}
	}
	if durTok != "" {
		d, err := time.ParseDuration(strings.ToLower(durTok))
		if err != nil || d < MinEventDuration || d > MaxEventDuration {
			return a, bot.Errorf(bot.EArgument, "%q is not a duration I can use: write it like `60m`, `90m` or `1h30m` (5 minutes to 24 hours).", bot.Clip(durTok, 40))
		}
		a.duration = d
	}
	if a.link != "" {
		u, err := url.Parse(a.link)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(a.link) > bot.MaxURLLength {
			return a, bot.Errorf(bot.EArgument, "%q is not a meeting link I can use: it must start with https://, like `https://meet.example.com/cop`.", bot.Clip(a.link, 60))
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
			return a, bot.Errorf(bot.EArgument, "%s is in the past (it is %s now). Events are for the future.", bot.WhenIn(a.start, b.loc), bot.WhenIn(inv.At, b.loc))
		}
		if a.start.After(inv.At.AddDate(2, 0, 0)) {
			return a, bot.Errorf(bot.EArgument, "That is more than two years ahead; announce it nearer the time.")
		}
	case looksDate.MatchString(when):
		return a, bot.Errorf(bot.EArgument, "I can't read %q as a date and time. Write it like \"2026-12-03 16:00\" (in quotes, %s time).", bot.Clip(when, 40), zone)
	default:
		if _, err := b.core.ParseSpec(when); err != nil {
			if bot.ErrorCode(err) == bot.EConflict {
				return a, err
			}
			return a, bot.Errorf(bot.EArgument, "I can't read %q as a time. Write a date and time in quotes, like \"2026-12-03 16:00\" (%s time), or a rhythm for a recurring event, like \"every thursday at 16:00\" or \"monthly on day 1 at 16:00\".", bot.Clip(when, 60), zone)
		}
		a.spec = when
	}
	return a, nil
}

func (b *Meetings) cmdEventAdd(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	a, err := b.parseEventArgs(inv)
	if err != nil {
		return bot.Reply{}, err
	}
	inv.Args["channel"] = a.channel
	ch, err := b.core.TargetChannel(ctx, inv)
	if err != nil {
		return bot.Reply{}, err
	}
	e := CommunityEvent{Community: inv.Community, Title: a.title, Link: a.link, Channel: ch.ID, CreatedBy: inv.Member, CreatedAt: inv.At, Start: a.start}
	var series bot.Schedule
	if a.spec != "" {
		payload, err := json.Marshal(EventSeries{Title: a.title, Minutes: int(a.duration / time.Minute), Link: a.link})
		if err != nil {
			return bot.Reply{}, err
		}
		if series, e.Start, err = b.core.AddSchedule(ctx, inv, bot.Schedule{Kind: ScheduleEvent, Spec: a.spec, Channel: ch.ID, Payload: string(payload)}); err != nil {
			return bot.Reply{}, err
		}
		e.Series = series.ID
	}
	e.End = e.Start.Add(a.duration)
	if e, err = b.createEvent(ctx, e); err != nil {
		return bot.Reply{}, err
	}
	text := fmt.Sprintf("Event #%d **%s** is announced in #%s for %s. Those going get a reminder a day (when there is a day left) and an hour before; at the end they are asked whether they made it, and two hours later the `%s` check-in goes to those who were there.",
		e.ID, e.Title, bot.ChannelLabel(ch.ID, ch.Name), b.eventWhen(e), FeedbackSurvey)
	if _, err := b.core.Chat(e.Community); err != nil {
		text = fmt.Sprintf("Event #%d **%s** for %s is set up but not announced yet: no chat is attached (an offline command). Its first reminder announces it once Hearth runs with a chat.",
			e.ID, e.Title, b.eventWhen(e))
	}
	if series.ID != 0 {
		text += fmt.Sprintf("\nIt repeats %s (schedule #%d): each time one starts, the next is announced. `/hearth schedule remove %d` ends the series.", series.Spec, series.ID, series.ID)
	}
	return bot.PrivateText("%s", text), nil
}

// createEvent stores an event, schedules its reminders, end and feedback,
// announces it and publishes it on the platform's calendar if it has one.
func (b *Meetings) createEvent(ctx context.Context, e CommunityEvent) (CommunityEvent, error) {
	var err error
	if e.ID, err = b.store.AddEvent(ctx, e); err != nil {
		return e, err
	}
	payload := strconv.FormatInt(e.ID, 10)
	var once []bot.Schedule
	for _, before := range EventReminders {
		if t := e.Start.Add(-before); t.After(e.CreatedAt) {
			once = append(once, bot.Schedule{Kind: ScheduleEventRemind, Spec: bot.OnceSpec(t)})
		}
	}
	once = append(once, bot.Schedule{Kind: ScheduleEventEnd, Spec: bot.OnceSpec(e.End)},
		bot.Schedule{Kind: ScheduleEventFeedback, Spec: bot.OnceSpec(e.End.Add(FeedbackAfter))})
	for _, s := range once {
		s.Community, s.Payload, s.Channel, s.CreatedBy, s.CreatedAt = e.Community, payload, e.Channel, e.CreatedBy, e.CreatedAt
		if _, err := b.store.AddSchedule(ctx, s); err != nil {
			return e, fmt.Errorf("schedule the %s of event %d: %w", s.Kind, e.ID, err)
		}
	}
	return b.announceEvent(ctx, e)
}

// announceEvent posts an event's announcement and publishes it on the
// platform's calendar. With no chat attached (an offline command such as
// `hearth plan apply`) it leaves the event unannounced, Message empty: its
// first reminder announces it once a chat is attached.
func (b *Meetings) announceEvent(ctx context.Context, e CommunityEvent) (CommunityEvent, error) {
	log := b.log.With("community", e.Community, "event", e.ID)
	chat, err := b.core.Chat(e.Community)
	if err != nil {
		log.InfoContext(ctx, "event not announced: no chat attached", "err", err)
		return e, nil
	}
	ref, err := chat.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: e.Community, Channel: e.Channel}, b.eventPost(e))
	if err != nil {
		return e, bot.PlatformError(err, "announce event "+strconv.FormatInt(e.ID, 10))
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
	log.InfoContext(ctx, "event announced", "start", e.Start, "series", e.Series, "external", e.External != "")
	return e, nil
}

// eventPost is an event's announcement: what, when, the link, the RSVP
// buttons and the .ics file.
func (b *Meetings) eventPost(e CommunityEvent) bot.Post {
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Event: %s**\n%s", e.Title, b.eventWhen(e))
	if e.Link != "" {
		sb.WriteString("\nJoin: " + e.Link)
	}
	sb.WriteString("\n_Will you come? Only you see your answer, and you can change it. Those going get a reminder a day and an hour before; the calendar file adds it to yours._")
	v := strconv.FormatInt(e.ID, 10) + ":"
	return bot.Post{Text: sb.String(),
		Buttons: []bot.Button{
			{ActionID: ActionEventRSVP, Label: "Going", Value: v + string(RSVPGoing), Style: bot.StylePrimary},
			{ActionID: ActionEventRSVP, Label: "Maybe", Value: v + string(RSVPMaybe)},
			{ActionID: ActionEventRSVP, Label: "Not going", Value: v + string(RSVPNotGoing)},
		},
		Image: &bot.File{Name: fmt.Sprintf("event-%d.ics", e.ID), ContentType: "text/calendar", Data: EventICS(e, e.CreatedAt)},
	}
}

// eventWhen says when an event is, in the community time zone.
func (b *Meetings) eventWhen(e CommunityEvent) string {
	s, end := e.Start.In(b.loc), e.End.In(b.loc)
	if s.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return s.Format("Mon Jan 2, 15:04") + "–" + end.Format("15:04 MST")
	}
	return s.Format("Mon Jan 2, 15:04") + " – " + end.Format("Mon Jan 2, 15:04 MST")
}

// eventArg finds the event an id argument names.
func (b *Meetings) eventArg(ctx context.Context, community, tok string) (CommunityEvent, error) {
	id, _ := strconv.ParseInt(strings.TrimPrefix(tok, "#"), 10, 64)
	e, err := b.store.CommunityEvent(ctx, community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return e, bot.Errorf(bot.ENotFound, "There is no event #%d. `/hearth event list` shows the upcoming ones.", id)
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

func (b *Meetings) cmdEventList(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	evs, err := b.store.CommunityEvents(ctx, inv.Community, EventQuery{EndFrom: inv.At})
	if err != nil {
		return bot.Reply{}, err
	}
	if len(evs) == 0 {
		return bot.PrivateText("No events coming up. Facilitators announce one with `/hearth event add \"TITLE\" \"YYYY-MM-DD HH:MM\"`."), nil
	}
	lines := make([]string, 0, len(evs))
	for _, e := range evs {
		rs, err := b.store.RSVPs(ctx, inv.Community, e.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		going, maybe, _ := rsvpCounts(rs)
		var sb strings.Builder
		fmt.Fprintf(&sb, "• #%d %s: %s in #%s · %d going, %d maybe", e.ID, e.Title, b.eventWhen(e), b.core.ChannelName(ctx, inv.Community, e.Channel), going, maybe)
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
		lines = append(lines, sb.String())
	}
	title := "**Upcoming events**"
	if len(evs) > eventListPage {
		title += fmt.Sprintf(" (%d)", len(evs))
	}
	text, buttons, file := bot.List{Title: title, Lines: lines, PageSize: eventListPage, File: "events.md"}.Page(inv, b.core.Capabilities(inv.Community))
	return bot.Reply{Post: bot.Post{Text: text, Buttons: buttons, Attachment: file}, Private: true}, nil
}

// eventListPage is how many upcoming events a page of /hearth event list
// shows; More shows the next ones, and events.md has them all.
const eventListPage = 15

func (b *Meetings) cmdEventCancel(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	e, err := b.eventArg(ctx, inv.Community, inv.Arg("id"))
	if err != nil {
		return bot.Reply{}, err
	}
	switch {
	case e.Cancelled():
		return bot.Reply{}, bot.Errorf(bot.EConflict, "Event #%d is cancelled already.", e.ID)
	case !inv.At.Before(e.End):
		return bot.Reply{}, bot.Errorf(bot.EConflict, "Event #%d has taken place already.", e.ID)
	}
	e.CancelledAt = inv.At
	if err := b.store.UpdateEvent(ctx, e); err != nil {
		return bot.Reply{}, err
	}
	if err := b.removeEventSchedules(ctx, e); err != nil {
		return bot.Reply{}, err
	}
	rs, err := b.store.RSVPs(ctx, inv.Community, e.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	chat, err := b.core.Chat(inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	// Two facilitators cancelling at once (on two Hearths) both get here:
	// the claims tell each member once.
	job := bot.DeliveryJob("event-cancel", e.ID)
	told := 0
	for _, r := range rs {
		if r.Choice != RSVPGoing && r.Choice != RSVPMaybe {
			continue
		}
		if ok, err := b.store.ClaimDelivery(ctx, inv.Community, job, r.Member, inv.At); err != nil {
			return bot.Reply{}, err
		} else if !ok {
			continue
		}
		post := bot.Post{Text: fmt.Sprintf("**%s** (%s) is cancelled. Sorry for the change of plans.", e.Title, b.eventWhen(e))}
		if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: inv.Community, Member: r.Member}, post); err != nil {
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
	text := fmt.Sprintf("Event #%d **%s** is cancelled; %s (going or maybe) told by DM.", e.ID, e.Title, bot.Plural(told, "member"))
	if e.Series != 0 {
		text += fmt.Sprintf(" The series goes on; `/hearth schedule remove %d` ends it.", e.Series)
	}
	return bot.PrivateText("%s", text), nil
}

// removeEventSchedules drops an event's pending reminders, end and feedback.
func (b *Meetings) removeEventSchedules(ctx context.Context, e CommunityEvent) error {
	all, err := b.store.Schedules(ctx, e.Community)
	if err != nil {
		return err
	}
	payload := strconv.FormatInt(e.ID, 10)
	for _, s := range all {
		if (s.Kind == ScheduleEventRemind || s.Kind == ScheduleEventEnd || s.Kind == ScheduleEventFeedback) && s.Payload == payload {
			if err := b.store.RemoveSchedule(ctx, e.Community, s.ID); err != nil && !errors.Is(err, bot.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

func (b *Meetings) cmdEventAttend(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	e, err := b.eventArg(ctx, inv.Community, inv.Arg("id"))
	if err != nil {
		return bot.Reply{}, err
	}
	if err := eventHeld(e, inv.At); err != nil {
		return bot.Reply{}, err
	}
	var marked, already []string
	for _, tok := range strings.Fields(inv.Arg("members")) {
		m, err := b.core.ResolveMember(ctx, inv.Community, tok)
		if err != nil {
			return bot.Reply{}, err
		}
		added, err := b.markAttended(ctx, e, m.ID, m.Name, inv.At)
		if err != nil {
			return bot.Reply{}, err
		}
		if added {
			marked = append(marked, bot.DisplayName(m))
		} else {
			already = append(already, bot.DisplayName(m))
		}
	}
	var parts []string
	if len(marked) > 0 {
		parts = append(parts, fmt.Sprintf("Marked %s as there (event #%d %s).", bot.Names(marked), e.ID, e.Title))
	}
	if len(already) > 0 {
		parts = append(parts, fmt.Sprintf("%s: marked already.", bot.Names(already)))
	}
	return bot.PrivateText("%s", strings.Join(parts, " ")), nil
}
