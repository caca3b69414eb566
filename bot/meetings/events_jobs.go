package meetings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// runEventSchedule does an event schedule's work: announce a series' next
// occurrence, remind, ask for attendance, or send the feedback check-in.
// One-shot schedules are removed when done, or when their event was
// cancelled or is gone.
func (b *Meetings) runEventSchedule(ctx context.Context, s bot.Schedule, at time.Time) error {
	if s.Kind == ScheduleEvent {
		return b.nextOccurrence(ctx, s, at)
	}
	e, err := b.store.CommunityEvent(ctx, s.Community, bot.PayloadID(s))
	if errors.Is(err, bot.ErrNotFound) {
		return b.core.RemoveSpent(ctx, s)
	}
	if err != nil {
		return err
	}
	if !e.Cancelled() && s.Kind == ScheduleEventRemind && e.Message == "" {
		// Created offline: announce it now that a chat may be attached.
		if e, err = b.announceEvent(ctx, e); err != nil {
			return err
		}
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
	return b.core.RemoveSpent(ctx, s)
}

// nextOccurrence creates and announces a series' next occurrence after at
// (after now, when the firing ran late).
func (b *Meetings) nextOccurrence(ctx context.Context, s bot.Schedule, at time.Time) error {
	var series EventSeries
	if err := json.Unmarshal([]byte(s.Payload), &series); err != nil {
		return fmt.Errorf("event series %d: %w", s.ID, err)
	}
	sp, err := b.core.ParseSpecIn(s.Spec, b.core.Zone(s.TZ))
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
func (b *Meetings) going(ctx context.Context, e CommunityEvent) ([]RSVP, error) {
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
func (b *Meetings) remindEvent(ctx context.Context, e CommunityEvent, at time.Time) error {
	if !at.Before(e.Start) {
		return nil
	}
	rs, err := b.going(ctx, e)
	if err != nil {
		return err
	}
	chat, err := b.core.Chat(e.Community)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("Reminder: **%s** starts %s (%s).", e.Title, startsIn(e.Start.Sub(at)), b.eventWhen(e))
	if e.Link != "" {
		text += "\nJoin: " + e.Link
	}
	// Each DM is claimed first: this firing run again, or by another
	// Hearth on the database, reminds nobody twice.
	job := bot.DeliveryJob("event-remind", e.ID, at)
	n := 0
	for _, r := range rs {
		if ok, err := b.store.ClaimDelivery(ctx, e.Community, job, r.Member, b.clock.Now()); err != nil {
			return err
		} else if !ok {
			continue
		}
		if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: e.Community, Member: r.Member}, bot.Post{Text: text}); err != nil {
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
		return "in " + bot.Plural(int(math.Round(d.Hours())), "hour")
	case d >= 55*time.Minute:
		return "in 1 hour"
	}
	return "in " + bot.Plural(max(1, int(math.Round(d.Minutes()))), "minute")
}

// askAttendance DMs those who were going and are not marked there yet.
func (b *Meetings) askAttendance(ctx context.Context, e CommunityEvent) error {
	rs, err := b.going(ctx, e)
	if err != nil {
		return err
	}
	chat, err := b.core.Chat(e.Community)
	if err != nil {
		return err
	}
	post := bot.Post{Text: fmt.Sprintf("Did you make it to **%s** (%s)? One click tells the facilitators you were there. If you couldn't come, no need to answer.", e.Title, b.eventWhen(e)),
		Buttons: []bot.Button{{ActionID: ActionEventAttended, Label: "I was there", Value: strconv.FormatInt(e.ID, 10), Style: bot.StylePrimary}}}
	job := bot.DeliveryJob("event-attendance", e.ID) // each member is asked once (see remindEvent)
	for _, r := range rs {
		if !r.AttendedAt.IsZero() {
			continue
		}
		if ok, err := b.store.ClaimDelivery(ctx, e.Community, job, r.Member, b.clock.Now()); err != nil {
			return err
		} else if !ok {
			continue
		}
		if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: e.Community, Member: r.Member}, post); err != nil {
			b.log.WarnContext(ctx, "attendance question not delivered", "community", e.Community, "event", e.ID, "member", r.Member, "err", err)
		}
	}
	return nil
}

// sendEventFeedback sends the event-feedback check-in to those marked
// there, or to those who were going when nobody was marked.
func (b *Meetings) sendEventFeedback(ctx context.Context, e CommunityEvent, at time.Time) error {
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
	launcher, ok := bot.Find[bot.SurveyLauncher](b.core)
	if !ok {
		log.WarnContext(ctx, "event feedback not sent: check-ins are not part of this Hearth")
		return nil
	}
	run, sent, total, err := launcher.LaunchSurvey(ctx, bot.SurveyLaunch{Community: e.Community, Survey: FeedbackSurvey,
		TitleSuffix: ": " + e.Title, Members: there, By: e.CreatedBy, At: at})
	if bot.ErrorCode(err) == bot.ENotFound {
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
func (b *Meetings) fillEvents(ctx context.Context, rep *bot.Report, channel string) error {
	es := b.store
	evs, err := es.CommunityEvents(ctx, rep.Community, EventQuery{EndFrom: rep.From, EndBefore: rep.To})
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	rep.Events = []bot.EventSummary{}
	for _, e := range evs {
		if channel != "" && e.Channel != channel {
			continue
		}
		rs, err := es.RSVPs(ctx, rep.Community, e.ID)
		if err != nil {
			return fmt.Errorf("RSVPs of event %d: %w", e.ID, err)
		}
		sum := bot.EventSummary{ID: e.ID, Title: e.Title, Start: e.Start, Channel: e.Channel}
		sum.Going, sum.Maybe, sum.Attended = rsvpCounts(rs)
		if launcher, ok := bot.Find[bot.SurveyLauncher](b.core); ok && e.FeedbackRun != 0 {
			run, err := launcher.RunSummary(ctx, rep.Community, e.FeedbackRun)
			if err != nil && bot.ErrorCode(err) != bot.ENotFound {
				return err
			}
			if err == nil {
				sum.Feedback = &bot.EventFeedback{Run: e.FeedbackRun, Delivered: run.Delivered, Respondents: run.Respondents, Mean: run.Mean}
			}
		}
		rep.Events = append(rep.Events, sum)
	}
	return nil
}
