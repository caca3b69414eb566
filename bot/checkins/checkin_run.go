package checkins

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// runOptions say how one run of a survey goes out.
type runOptions struct {
	Delivery Delivery      // "" for the survey's own
	Channel  string        // channel delivery: where to post; channel audience: whose members
	Window   time.Duration // 0 for the survey's own
	By       string        // the member starting it ("" for a schedule)
	Schedule int64
	At       time.Time
	// Progress, when set, hears how a DM fan-out goes, every progressEvery
	// recipients.
	Progress func(sent, total int)
}

// progressEvery is how often a long fan-out reports progress.
const progressEvery = 100

// delivery is how a run's sending went.
type delivery struct {
	Total       int
	Sent        int
	Unreachable []string // names of those the platform refused
	Failed      []string // names of those an error kept from it
}

func (d delivery) summary() string {
	s := fmt.Sprintf("sent %d/%d", d.Sent, d.Total)
	if len(d.Unreachable) > 0 {
		s += fmt.Sprintf("; could not reach %s (DMs closed or not allowed)", bot.Names(d.Unreachable))
	}
	if len(d.Failed) > 0 {
		s += fmt.Sprintf("; failed for %s (see the log)", bot.Names(d.Failed))
	}
	return s
}

// findSurvey returns the community's survey by name.
func (b *Checkins) findSurvey(ctx context.Context, community, name string) (Survey, error) {
	all, _, err := b.surveys(ctx, community)
	if err != nil {
		return Survey{}, err
	}
	name = strings.ToLower(strings.TrimSpace(name))
	var known []string
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
		known = append(known, "`"+s.Name+"`")
	}
	return Survey{}, bot.Errorf(bot.ENotFound, "There is no survey %q. The surveys are %s (`/hearth checkin templates` describes them).", bot.Clip(name, 40), strings.Join(known, ", "))
}

// audience resolves who a run of s goes to.
func (b *Checkins) audience(ctx context.Context, community string, s Survey, channel string, at time.Time) ([]bot.Member, error) {
	var out []bot.Member
	switch s.Settings.Audience {
	case AudienceChannel:
		if channel == "" {
			return nil, bot.Errorf(bot.EArgument, "Survey %s goes to a channel's members: name the channel, like `#general`, or start it from there.", s.Name)
		}
		ms, err := b.store.ChannelMembers(ctx, community, channel, at.Add(-AudienceHorizon))
		if err != nil {
			return nil, err
		}
		out = ms
	case AudienceList:
		for _, tok := range s.Settings.Members {
			m, err := b.listedMember(ctx, community, tok)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
	default:
		ms, err := b.store.ActiveMembers(ctx, community)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !m.IsBot {
				out = append(out, m)
			}
		}
	}
	pl, err := b.core.Pilot(ctx, community)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	keep := out[:0]
	for _, m := range out {
		if !seen[m.ID] && !m.IsBot && pl.ForMember(m.ID) {
			seen[m.ID] = true
			keep = append(keep, m)
		}
	}
	return keep, nil
}

// AudienceHorizon is how far back activity in a channel makes a member part
// of a channel's audience.
const AudienceHorizon = 90 * 24 * time.Hour

// listedMember resolves a survey's member list entry: an id, or a name.
func (b *Checkins) listedMember(ctx context.Context, community, tok string) (bot.Member, error) {
	tok = strings.TrimSpace(tok)
	if _, _, ok := bot.ParseMemberRef(tok); ok {
		return b.core.ResolveMember(ctx, community, tok)
	}
	if m, err := b.store.Member(ctx, community, tok); err == nil {
		return m, nil
	} else if !errors.Is(err, bot.ErrNotFound) {
		return bot.Member{}, err
	}
	return b.core.ResolveMember(ctx, community, "@"+tok)
}

// startRun opens a run of s and sends it. The run and its recipients are
// stored before anything is sent, and each recipient is claimed before its
// DM goes out: a restart never sends anyone a check-in twice, and whoever
// was not reached gets it with the reminder.
func (b *Checkins) startRun(ctx context.Context, community string, s Survey, o runOptions) (CheckinRun, delivery, error) {
	delivery0 := delivery{}
	if o.Delivery == "" {
		o.Delivery = s.Settings.Delivery
	}
	if o.Window == 0 {
		o.Window = s.Settings.Window
	}
	if o.Delivery == DeliverChannel && o.Channel == "" {
		return CheckinRun{}, delivery0, bot.Errorf(bot.EArgument, "Survey %s is posted in a channel: name it, like `#general`, or start it from there.", s.Name)
	}
	members, err := b.audience(ctx, community, s, o.Channel, o.At)
	if err != nil {
		return CheckinRun{}, delivery0, err
	}
	if len(members) == 0 {
		return CheckinRun{}, delivery0, bot.Errorf(bot.EConflict, "Nobody to ask: survey %s's audience (%s) has no members yet.", s.Name, audienceLabel(s.Settings))
	}
	run := CheckinRun{Community: community, Survey: s, Delivery: o.Delivery, Anonymous: s.Settings.Anonymous,
		StartedBy: o.By, Schedule: o.Schedule, OpenedAt: o.At, ClosesAt: o.At.Add(o.Window)}
	if o.Delivery == DeliverChannel {
		run.Channel = o.Channel
	}
	if run.Anonymous {
		run.Salt = make([]byte, 32)
		if _, err := rand.Read(run.Salt); err != nil {
			return CheckinRun{}, delivery0, fmt.Errorf("salt for an anonymous run: %w", err)
		}
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	if run.ID, err = b.store.CreateRun(ctx, run, ids); err != nil {
		return CheckinRun{}, delivery0, err
	}
	log := b.log.With("community", community, "run", run.ID, "survey", s.Name)
	log.InfoContext(ctx, "check-in started", "recipients", len(ids), "delivery", run.Delivery, "closes", run.ClosesAt, "by", o.By)
	if err := b.scheduleRunEnd(ctx, run); err != nil {
		return run, delivery0, err
	}
	d, err := b.deliverRun(ctx, run, "", o.Progress)
	if err != nil {
		return run, d, err
	}
	log.InfoContext(ctx, "check-in delivered", "sent", d.Sent, "total", d.Total, "unreachable", len(d.Unreachable), "failed", len(d.Failed))
	return run, d, nil
}

// scheduleRunEnd adds the run's reminder and close as one-shot schedules.
func (b *Checkins) scheduleRunEnd(ctx context.Context, r CheckinRun) error {
	payload := strconv.FormatInt(r.ID, 10)
	remindAt := r.ClosesAt.Add(-remindBefore(r.ClosesAt.Sub(r.OpenedAt)))
	for _, s := range []bot.Schedule{
		{Kind: ScheduleCheckinRemind, Spec: bot.OnceSpec(remindAt)},
		{Kind: ScheduleCheckinClose, Spec: bot.OnceSpec(r.ClosesAt)},
	} {
		s.Community, s.Payload, s.Channel, s.CreatedBy, s.CreatedAt = r.Community, payload, r.Channel, r.StartedBy, r.OpenedAt
		if _, err := b.store.AddSchedule(ctx, s); err != nil {
			return fmt.Errorf("schedule the %s of run %d: %w", s.Kind, r.ID, err)
		}
	}
	return nil
}

// deliverRun sends a run to its recipients still pending: one post for a
// channel run, a DM each otherwise (with reminder, when set, above the
// check-in). Members already sent to are counted, not sent again.
func (b *Checkins) deliverRun(ctx context.Context, r CheckinRun, reminder string, progress func(sent, total int)) (delivery, error) {
	chat, err := b.core.Chat(r.Community)
	if err != nil {
		return delivery{}, err
	}
	recips, err := b.store.Recipients(ctx, r.ID)
	if err != nil {
		return delivery{}, err
	}
	d := delivery{Total: len(recips)}
	post := checkinPost(r, b.loc, reminder)
	if r.Delivery == DeliverChannel {
		if reminder != "" {
			return d, nil // the channel's reminder is its own post
		}
		if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: r.Community, Channel: r.Channel}, post); err != nil {
			return d, bot.PlatformError(err, "post the check-in in #"+b.core.ChannelName(ctx, r.Community, r.Channel))
		}
		d.Sent = d.Total
		return d, nil
	}
	var (
		mu   sync.Mutex
		sent atomic.Int64
		next = make(chan Recipient)
		wg   sync.WaitGroup
	)
	for _, rc := range recips {
		if rc.Status == RecipientSent {
			sent.Add(1)
		}
	}
	// As many DMs in flight as the adapter takes; its paced queue keeps
	// each within the platform's rate limits.
	workers := max(1, b.core.Capabilities(r.Community).Concurrent)
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rc := range next {
				status, err := b.sendCheckin(ctx, chat, r, rc, post)
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				mu.Lock()
				switch status {
				case RecipientSent:
					n := sent.Add(1)
					if progress != nil && n%progressEvery == 0 {
						progress(int(n), d.Total)
					}
				case RecipientUnreachable:
					d.Unreachable = append(d.Unreachable, bot.NameOr(rc.Name, rc.Member))
				case RecipientFailed:
					d.Failed = append(d.Failed, bot.NameOr(rc.Name, rc.Member))
				}
				mu.Unlock()
			}
		}()
	}
	for _, rc := range recips {
		if rc.Status != RecipientPending {
			continue
		}
		select {
		case next <- rc:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	d.Sent = int(sent.Load())
	select {
	case err := <-errs:
		return d, err
	default:
	}
	return d, ctx.Err()
}

// sendCheckin claims one recipient and DMs the check-in. The returned error
// is the store's: a platform's refusal is a status.
func (b *Checkins) sendCheckin(ctx context.Context, chat bot.Chat, r CheckinRun, rc Recipient, post bot.Post) (RecipientStatus, error) {
	ok, err := b.store.ClaimRecipient(ctx, r.ID, rc.Member)
	if err != nil || !ok {
		return "", err
	}
	status := RecipientSent
	if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: r.Community, Member: rc.Member}, post); err != nil {
		status = RecipientFailed
		if bot.ErrorCode(err) == bot.EUnreachable {
			status = RecipientUnreachable
		}
		b.log.WarnContext(ctx, "check-in not delivered", "community", r.Community, "run", r.ID, "member", rc.Member, "status", status, "err", err)
	}
	rc.Status, rc.SentAt = status, b.clock.Now()
	if err := b.store.SetRecipient(ctx, r.ID, rc); err != nil {
		return status, err
	}
	return status, nil
}

// remindRun sends the run's one reminder: to those who have not answered
// (a DM each), or one post in the channel. Recipients a restart kept from
// the check-in get it now. A closed run, or one reminded already, is left
// alone.
func (b *Checkins) remindRun(ctx context.Context, community string, id int64, at time.Time) error {
	r, err := b.store.CheckinRun(ctx, community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return nil // removed with its community's data
	}
	if err != nil {
		return err
	}
	if !r.Open(at) || !r.RemindedAt.IsZero() {
		return nil
	}
	if d, err := b.deliverRun(ctx, r, "", nil); err != nil {
		return err
	} else if d.Sent < d.Total {
		b.log.InfoContext(ctx, "check-in delivery resumed", "community", community, "run", id, "sent", d.Sent, "total", d.Total)
	}
	if r.Survey.Settings.NoReminder {
		return nil
	}
	answered, err := b.answeredSet(ctx, r)
	if err != nil {
		return err
	}
	chat, err := b.core.Chat(community)
	if err != nil {
		return err
	}
	left := fmt.Sprintf("_Reminder: this check-in closes %s._", bot.WhenIn(r.ClosesAt, b.loc))
	if r.Delivery == DeliverChannel {
		post := checkinPost(r, b.loc, fmt.Sprintf("_Reminder: %d answered so far; it closes %s._", len(answered), bot.WhenIn(r.ClosesAt, b.loc)))
		if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: community, Channel: r.Channel}, post); err != nil {
			return fmt.Errorf("remind run %d in %s: %w", id, r.Channel, err)
		}
	} else {
		recips, err := b.store.Recipients(ctx, id)
		if err != nil {
			return err
		}
		post := checkinPost(r, b.loc, left)
		// Each reminder is claimed first: the reminder run again (a
		// failure after some went out) or by another Hearth on the
		// database reminds nobody twice.
		job := bot.DeliveryJob("checkin-remind", r.ID)
		n := 0
		for _, rc := range recips {
			if rc.Status != RecipientSent || answered[respondent(r, rc.Member)] {
				continue
			}
			if ok, err := b.store.ClaimDelivery(ctx, community, job, rc.Member, b.clock.Now()); err != nil {
				return err
			} else if !ok {
				continue
			}
			if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: rc.Member}, post); err != nil {
				b.log.WarnContext(ctx, "check-in reminder not delivered", "community", community, "run", id, "member", rc.Member, "err", err)
				continue
			}
			n++
		}
		b.log.InfoContext(ctx, "check-in reminded", "community", community, "run", id, "reminded", n, "answered", len(answered))
	}
	return b.store.MarkReminded(ctx, id, at)
}

// answeredSet is the respondents who have answered a run.
func (b *Checkins) answeredSet(ctx context.Context, r CheckinRun) (map[string]bool, error) {
	answers, err := b.store.Answers(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, a := range answers {
		out[a.Respondent] = true
	}
	return out, nil
}

// MaxTrendRuns is how many runs a check-in trend chart shows.
const MaxTrendRuns = 12
