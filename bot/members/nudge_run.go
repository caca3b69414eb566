package members

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Nudge actions: the member's three answers (Value: the nudge id) and the
// facilitators' approval of a review list (Value: empty).
const (
	ActionNudgeHere    = "nudge.here"
	ActionNudgePause   = "nudge.pause"
	ActionNudgeStop    = "nudge.stop"
	ActionNudgeApprove = "nudge.approve"
)

// nudgeCandidate is a member due a nudge.
type nudgeCandidate struct {
	Member     bot.Member
	LastActive time.Time
	Level      Level
}

// nudgeSkips counts why quiet members were left out, for facilitators.
type nudgeSkips map[string]int

func (s nudgeSkips) String() string {
	var parts []string
	for _, k := range []string{"facilitator", "new", "never active", "opted out", "paused", "unreachable by DM", "nudged recently", "not answering nudges"} {
		if s[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", s[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

// nudgeCandidates are the community's members due a nudge at now: quiet
// for the threshold, and none of: a bot, a facilitator, joined less than
// the threshold ago, never active (an observer was never "back" to
// invite), opted out or paused, unreachable by DM since their last
// activity, nudged within the cooldown (or one queued), or MaxUnanswered
// nudges in a row without an answer or a return.
func (b *Members) nudgeCandidates(ctx context.Context, community string, now time.Time, p NudgePolicy) ([]nudgeCandidate, nudgeSkips, error) {
	members, err := b.store.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: now, Weeks: LevelWeeks})
	if err != nil {
		return nil, nil, err
	}
	prefs, err := b.store.AllPrefs(ctx, community)
	if err != nil {
		return nil, nil, err
	}
	pl, err := b.core.Pilot(ctx, community)
	if err != nil {
		return nil, nil, err
	}
	skips := nudgeSkips{}
	var out []nudgeCandidate
	for _, mw := range members {
		m := mw.Member
		if !pl.ForMember(m.ID) {
			continue // outside the pilot: Hearth is not there yet
		}
		quiet := mw.LastActive.IsZero() || now.Sub(mw.LastActive) >= p.Threshold
		if m.IsBot || m.Left || !quiet {
			continue
		}
		joined := mw.FirstSeen
		if !m.JoinedAt.IsZero() {
			joined = m.JoinedAt
		}
		pr := prefs[m.ID]
		fac, err := b.core.IsFacilitator(ctx, community, m.ID, m.Admin)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case fac:
			skips["facilitator"]++
			continue
		case now.Sub(joined) < p.Threshold:
			skips["new"]++
			continue
		case mw.LastActive.IsZero():
			skips["never active"]++
			continue
		case pr.NudgesOff:
			skips["opted out"]++
			continue
		case pr.PausedUntil.After(now):
			skips["paused"]++
			continue
		case !pr.UnreachableSince.IsZero() && pr.UnreachableSince.After(mw.LastActive):
			skips["unreachable by DM"]++
			continue
		}
		past, err := b.store.MemberNudges(ctx, community, m.ID, 0)
		if err != nil {
			return nil, nil, err
		}
		recent, unanswered, counting := false, 0, true
		for _, n := range past {
			switch n.Status {
			case NudgeQueued, NudgeSending:
				// One waiting for its hour (or going out) blocks another;
				// one whose send was missed (Hearth was down) does not.
				recent = recent || now.Sub(n.SendAt) <= nudgeSendGrace
			case NudgeSent:
				recent = recent || now.Sub(n.SentAt) < p.Cooldown
				if counting && n.Response == NudgeNoResponse && !mw.LastActive.After(n.SentAt) {
					unanswered++
				} else {
					counting = false
				}
			}
		}
		if recent {
			skips["nudged recently"]++
			continue
		}
		if unanswered >= p.MaxUnanswered {
			skips["not answering nudges"]++
			continue
		}
		out = append(out, nudgeCandidate{Member: m, LastActive: mw.LastActive, Level: LevelOf(mw.Weeks)})
	}
	return out, skips, nil
}

// nudgeOutcome is what a nudge run did.
type nudgeOutcome struct {
	Sent, Queued, Unreachable, Failed []string // names
}

func (o nudgeOutcome) String() string {
	var parts []string
	if len(o.Sent) > 0 {
		parts = append(parts, fmt.Sprintf("nudged %s", bot.Names(o.Sent)))
	}
	if len(o.Queued) > 0 {
		parts = append(parts, fmt.Sprintf("%s after their quiet hours end", bot.Names(o.Queued)))
	}
	if len(o.Unreachable) > 0 {
		parts = append(parts, fmt.Sprintf("could not reach %s (DMs closed)", bot.Names(o.Unreachable)))
	}
	if len(o.Failed) > 0 {
		parts = append(parts, fmt.Sprintf("failed for %s (see the log)", bot.Names(o.Failed)))
	}
	if len(parts) == 0 {
		return "nobody to nudge"
	}
	return strings.Join(parts, "; ")
}

// cut reports whether String leaves names out (bot.Names shows ten).
func (o nudgeOutcome) cut() bool {
	return max(len(o.Sent), len(o.Queued), len(o.Unreachable), len(o.Failed)) > 10
}

// Markdown is every name of the outcome, under what happened to them.
func (o nudgeOutcome) Markdown() string {
	var sb strings.Builder
	for _, l := range []struct {
		title string
		names []string
	}{{"Nudged", o.Sent}, {"Queued until their quiet hours end", o.Queued}, {"Could not reach (DMs closed)", o.Unreachable}, {"Failed (see the log)", o.Failed}} {
		if len(l.names) > 0 {
			sb.WriteString(bot.List{Title: fmt.Sprintf("%s (%d)", l.title, len(l.names)), Lines: l.names}.Markdown())
		}
	}
	return sb.String()
}

// queueNudges queues a nudge for each candidate: sent now when it is
// outside their quiet hours, else by a one-shot schedule when they end.
func (b *Members) queueNudges(ctx context.Context, community string, cands []nudgeCandidate, now time.Time, p NudgePolicy, approvedBy string) (nudgeOutcome, error) {
	var out nudgeOutcome
	for _, c := range cands {
		loc := b.memberZone(c.Member)
		n := Nudge{Community: community, Member: c.Member.ID, QueuedAt: now, SendAt: p.nextAllowed(now, loc), Status: NudgeQueued, ApprovedBy: approvedBy}
		var err error
		if n.ID, err = b.store.AddNudge(ctx, n); err != nil {
			return out, err
		}
		name := bot.NameOr(c.Member.Name, c.Member.ID)
		if n.SendAt.After(now) {
			s := bot.Schedule{Community: community, Kind: ScheduleNudgeSend, Spec: bot.OnceSpec(n.SendAt), Payload: strconv.FormatInt(n.ID, 10),
				CreatedBy: approvedBy, CreatedAt: now}
			if _, err := b.store.AddSchedule(ctx, s); err != nil {
				return out, fmt.Errorf("schedule nudge %d: %w", n.ID, err)
			}
			out.Queued = append(out.Queued, fmt.Sprintf("%s (%s)", name, bot.WhenIn(n.SendAt, loc)))
			continue
		}
		status, err := b.sendNudge(ctx, community, n.ID, now)
		if err != nil {
			return out, err
		}
		switch status {
		case NudgeSent:
			out.Sent = append(out.Sent, name)
		case NudgeUnreachable:
			out.Unreachable = append(out.Unreachable, name)
		case NudgeFailed:
			out.Failed = append(out.Failed, name)
		}
	}
	return out, nil
}

// memberZone is the member's time zone, or the community's.
func (b *Members) memberZone(m bot.Member) *time.Location {
	if m.TZ != "" {
		if loc, err := time.LoadLocation(m.TZ); err == nil {
			return loc
		}
	}
	return b.loc
}

// sendNudge sends a queued nudge, unless the member came back, opted out
// or paused meanwhile (then it is cancelled). It returns the new status.
//
// The nudge is claimed in the database first (ClaimNudge: queued to
// sending), so whoever else tries to send it at the same time (another
// Hearth on the database, a re-run) gets its status and sends nothing.
// Should this process die holding the claim, nothing is lost: before
// anything else the claim gets a watchdog, a one-shot ScheduleNudgeSend at
// the time the claim goes stale (NudgeClaimStale), which any instance's
// scheduler fires and which then takes the claim over and sends. A send
// that ends, or whose DM went out, removes its watchdog; an error before
// the DM leaves it, so the send is tried again then. The next nudge run
// (deliverDueNudges) also takes over stale claims.
func (b *Members) sendNudge(ctx context.Context, community string, id int64, now time.Time) (NudgeStatus, error) {
	claimedAt := b.core.Clock().Now()
	ok, err := b.store.ClaimNudge(ctx, community, id, claimedAt)
	if err != nil {
		return "", err
	}
	n, err := b.store.Nudge(ctx, community, id)
	if err != nil || !ok {
		return n.Status, err
	}
	watch, err := b.store.AddSchedule(ctx, bot.Schedule{Community: community, Kind: ScheduleNudgeSend,
		Spec: bot.OnceSpec(claimedAt.Add(NudgeClaimStale)), Payload: strconv.FormatInt(id, 10), CreatedAt: claimedAt})
	if err != nil {
		return "", fmt.Errorf("watch the send of nudge %d: %w", id, err)
	}
	status, posted, err := b.sendClaimed(ctx, community, n, now)
	if err == nil || posted {
		if rerr := b.store.RemoveSchedule(ctx, community, watch); rerr != nil && !errors.Is(rerr, bot.ErrNotFound) && err == nil {
			err = rerr
		}
	}
	return status, err
}

// sendClaimed is sendNudge's work once n is claimed. posted says whether
// the DM went out (then the nudge must not be sent again, even when
// recording it failed).
func (b *Members) sendClaimed(ctx context.Context, community string, n Nudge, now time.Time) (status NudgeStatus, posted bool, err error) {
	ws, err := b.store.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, Member: n.Member, End: now, Weeks: 1})
	if errors.Is(err, bot.ErrNotFound) || err == nil && (len(ws) == 0 || ws[0].Member.Left || ws[0].LastActive.After(n.QueuedAt)) {
		n.Status = NudgeCancelled
		return n.Status, false, b.store.UpdateNudge(ctx, n)
	}
	if err != nil {
		return "", false, err
	}
	pr, err := b.store.Prefs(ctx, community, n.Member)
	if err != nil {
		return "", false, err
	}
	if pr.NudgesOff || pr.PausedUntil.After(now) {
		n.Status = NudgeCancelled
		return n.Status, false, b.store.UpdateNudge(ctx, n)
	}
	post, err := b.nudgePost(ctx, community, ws[0].Member, n)
	if err != nil {
		return "", false, err
	}
	chat, err := b.core.Chat(community)
	if err != nil {
		return "", false, err
	}
	n.Status, n.SentAt = NudgeSent, now
	if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: n.Member}, post); err != nil {
		n.Status, n.SentAt = NudgeFailed, time.Time{}
		if bot.ErrorCode(err) == bot.EUnreachable {
			n.Status = NudgeUnreachable
			pr.UnreachableSince = now
			if err := b.store.SetPrefs(ctx, community, n.Member, pr); err != nil {
				return "", false, err
			}
		}
		b.log.WarnContext(ctx, "nudge not delivered", "community", community, "nudge", n.ID, "member", n.Member, "status", n.Status, "err", err)
	} else {
		posted = true
		b.log.InfoContext(ctx, "nudge sent", "community", community, "nudge", n.ID, "member", n.Member)
	}
	return n.Status, posted, b.store.UpdateNudge(ctx, n)
}

// deliverDueNudges sends the community's nudges whose time has come and
// which are still waiting at now: queued ones whose schedule fired while
// Hearth was down, and those a sender that died left claimed (each goes
// once its claim is NudgeClaimStale old). Nudges due longer ago than
// nudgeSendGrace are left: they would land at a bad hour, and the member
// is queued again. It returns how many it sent. Any number of instances
// may run it at once: sendNudge's claim lets one send each nudge.
func (b *Members) deliverDueNudges(ctx context.Context, community string, now time.Time) (int, error) {
	queued, err := b.store.QueuedNudges(ctx, community)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, n := range queued {
		if n.SendAt.After(now) || now.Sub(n.SendAt) > nudgeSendGrace {
			continue
		}
		status, err := b.sendNudge(ctx, community, n.ID, now)
		if err != nil {
			return sent, err
		}
		if status == NudgeSent {
			sent++
		}
	}
	return sent, nil
}

// nudgePost is the nudge DM: a rotating wording, something easy to join
// (the latest prompt, an open check-in), and three one-tap answers.
func (b *Members) nudgePost(ctx context.Context, community string, m bot.Member, n Nudge) (bot.Post, error) {
	wordings, _, err := b.nudgeWordings(ctx, community)
	if err != nil {
		return bot.Post{}, err
	}
	past, err := b.store.MemberNudges(ctx, community, m.ID, 0)
	if err != nil {
		return bot.Post{}, err
	}
	sent := 0
	for _, p := range past {
		if p.Status == NudgeSent {
			sent++
		}
	}
	text := strings.ReplaceAll(wordings[sent%len(wordings)], "{name}", bot.NameOr(m.Name, "there"))
	var lines []string
	if pp, err := b.store.PromptPosts(ctx, community); err == nil && len(pp) > 0 {
		latest := slices.MaxFunc(pp, func(a, b bot.PromptPost) int { return a.At.Compare(b.At) })
		line := fmt.Sprintf("This week's prompt in #%s: %q", b.core.ChannelName(ctx, community, latest.Channel), bot.Clip(latest.Text, 140))
		if pl := b.core.Permalinker(community); pl != nil {
			if link := pl.Permalink(community, latest.Channel, latest.Message); link != "" {
				line += " " + link
			}
		}
		lines = append(lines, line)
	} else if err != nil {
		return bot.Post{}, err
	}
	if open, ok := bot.Find[bot.OpenCheckins](b.core); ok {
		if runs, err := open.OpenCheckinsFor(ctx, community, m.ID); err != nil {
			return bot.Post{}, err
		} else if len(runs) > 0 {
			lines = append(lines, fmt.Sprintf("There's a one-minute check-in open until %s: %s.", bot.WhenIn(runs[0].ClosesAt, b.memberZone(m)), runs[0].Title))
		}
	}
	if len(lines) > 0 {
		text += "\n" + strings.Join(lines, "\n")
	}
	text += "\n_Hearth only counts that people take part, never what they write. `/hearth nudges off` stops these._"
	id := strconv.FormatInt(n.ID, 10)
	return bot.Post{Text: text, Buttons: []bot.Button{
		{ActionID: ActionNudgeHere, Label: "I'm still here", Value: id, Style: bot.StylePrimary},
		{ActionID: ActionNudgePause, Label: "Pause for a month", Value: id},
		{ActionID: ActionNudgeStop, Label: "No more nudges", Value: id},
	}}, nil
}

// runNudges applies the policy now: in auto mode (or approved) it queues
// and sends; in review mode it returns the list for facilitators. news is
// false when there was nobody to nudge.
func (b *Members) runNudges(ctx context.Context, community string, now time.Time, approvedBy string) (post bot.Post, news bool, err error) {
	p, err := b.nudgePolicy(ctx, community)
	if err != nil {
		return bot.Post{}, false, err
	}
	// What an earlier run left waiting goes first: it may block a member's
	// new nudge (nudgeCandidates).
	if _, err := b.deliverDueNudges(ctx, community, now); err != nil {
		return bot.Post{}, false, err
	}
	cands, skips, err := b.nudgeCandidates(ctx, community, now, p)
	if err != nil {
		return bot.Post{}, false, err
	}
	note := ""
	if s := skips.String(); s != "" {
		note = "\n_Left out: " + s + "._"
	}
	if p.Mode == NudgeReview && approvedBy == "" {
		if len(cands) == 0 {
			return bot.Post{Text: "**Nudges**\nNobody to nudge: no member has been quiet for " + bot.Spell(p.Threshold) + " without a reason to leave them be." + note}, false, nil
		}
		var lines []string
		for _, c := range cands {
			lines = append(lines, fmt.Sprintf("• %s: last active %s (%s)", bot.NameOr(c.Member.Name, c.Member.ID), c.LastActive.In(b.loc).Format("Jan 2"), c.Level))
		}
		// The review may come from a schedule, with no command to page
		// again: the first page shows, the file has everyone, and Send
		// nudges every one of them.
		text, _, file := bot.List{Title: fmt.Sprintf("**Nudges to approve** (quiet for %s or more) (%d)", bot.Spell(p.Threshold), len(cands)), Lines: lines, File: "nudges-to-approve.md"}.
			Page(bot.Invocation{}, b.core.Capabilities(community))
		text += "\nEach gets a short, warm DM with an easy way back, outside their quiet hours." + note
		return bot.Post{Text: text, Attachment: file, Buttons: []bot.Button{{ActionID: ActionNudgeApprove, Label: fmt.Sprintf("Send %s", bot.Plural(len(cands), "nudge")), Style: bot.StylePrimary}}}, true, nil
	}
	out, err := b.queueNudges(ctx, community, cands, now, p, approvedBy)
	if err != nil {
		return bot.Post{}, false, err
	}
	b.log.InfoContext(ctx, "nudges run", "community", community, "sent", len(out.Sent), "queued", len(out.Queued), "unreachable", len(out.Unreachable), "failed", len(out.Failed))
	post = bot.Post{Text: "**Nudges**\n" + capitalize(out.String()) + "." + note}
	if out.cut() {
		// The names past bot.Names' ten: in a file where the platform
		// takes files, else where Hearth lists them.
		if b.core.Capabilities(community).Files {
			post.Attachment = &bot.File{Name: "nudges.md", ContentType: "text/markdown", Data: []byte(out.Markdown())}
			post.Text += "\n_Every name is in nudges.md._"
		} else {
			post.Text += "\n_`/hearth schedule list` lists every queued nudge; `/hearth member NAME` shows one member's._"
		}
	}
	return post, len(cands) > 0, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// runScheduledNudges runs the policy on its schedule and tells the
// facilitators (the digest channel, or the schedule's creator).
func (b *Members) runScheduledNudges(ctx context.Context, s bot.Schedule, at time.Time) error {
	post, news, err := b.runNudges(ctx, s.Community, at, "")
	if err != nil || !news {
		return err
	}
	channel, err := b.store.Setting(ctx, s.Community, bot.SettingDigestChannel)
	if err != nil {
		return err
	}
	chat, err := b.core.Chat(s.Community)
	if err != nil {
		return err
	}
	to := bot.Destination{Kind: bot.ToChannel, Community: s.Community, Channel: channel}
	if channel == "" {
		to = bot.Destination{Kind: bot.ToDM, Community: s.Community, Member: s.CreatedBy}
	}
	_, err = chat.Post(ctx, to, post)
	return err
}

// actNudgeApprove sends the nudges of a review list, as they stand now.
func (b *Members) actNudgeApprove(ctx context.Context, a bot.Action) (bot.Reply, error) {
	fac, err := b.core.IsFacilitator(ctx, a.Community, a.Member, a.Admin)
	if err != nil {
		return bot.Reply{}, err
	}
	if !fac {
		return bot.Reply{}, bot.Errorf(bot.EForbidden, "Only facilitators can approve nudges.")
	}
	post, _, err := b.runNudges(ctx, a.Community, a.At, a.Member)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: post, Private: true}, nil
}

// nudgeOf loads the nudge a member's button names; only its member may answer it.
func (b *Members) nudgeOf(ctx context.Context, a bot.Action) (Nudge, error) {
	id, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil || id <= 0 {
		return Nudge{}, bot.Errorf(bot.EArgument, "That button doesn't belong to a nudge I know.")
	}
	n, err := b.store.Nudge(ctx, a.Community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return Nudge{}, bot.Errorf(bot.ENotFound, "That message is gone; `/hearth nudges off` stops nudges.")
	}
	if err != nil {
		return Nudge{}, err
	}
	if n.Member != a.Member {
		return Nudge{}, bot.Errorf(bot.EForbidden, "That message was for someone else.")
	}
	return n, nil
}

func (b *Members) answerNudge(ctx context.Context, a bot.Action, r NudgeResponse) (Nudge, error) {
	n, err := b.nudgeOf(ctx, a)
	if err != nil {
		return n, err
	}
	n.Response, n.RespondedAt = r, a.At
	return n, b.store.UpdateNudge(ctx, n)
}

func (b *Members) actNudgeHere(ctx context.Context, a bot.Action) (bot.Reply, error) {
	n, err := b.answerNudge(ctx, a, NudgeHere)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := b.core.HandleEvent(ctx, bot.Event{Kind: bot.KindStillHere, Community: a.Community, Member: a.Member, MemberName: a.MemberName,
		At: a.At, Key: "still_here:" + strconv.FormatInt(n.ID, 10)}); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Lovely to hear from you! Jump in whenever you like: even a reaction helps the conversation along."), nil
}

func (b *Members) actNudgePause(ctx context.Context, a bot.Action) (bot.Reply, error) {
	if _, err := b.answerNudge(ctx, a, NudgePause); err != nil {
		return bot.Reply{}, err
	}
	pr, err := b.store.Prefs(ctx, a.Community, a.Member)
	if err != nil {
		return bot.Reply{}, err
	}
	pr.PausedUntil = a.At.Add(NudgePauseFor)
	if err := b.store.SetPrefs(ctx, a.Community, a.Member, pr); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Done: no nudges until %s. Take care!", pr.PausedUntil.In(b.loc).Format("Jan 2")), nil
}

func (b *Members) actNudgeStop(ctx context.Context, a bot.Action) (bot.Reply, error) {
	if _, err := b.answerNudge(ctx, a, NudgeStop); err != nil {
		return bot.Reply{}, err
	}
	if err := b.setNudgesOff(ctx, a.Community, a.Member, true); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Understood: no more nudges. If you change your mind, `/hearth nudges on`."), nil
}

func (b *Members) setNudgesOff(ctx context.Context, community, member string, off bool) error {
	pr, err := b.store.Prefs(ctx, community, member)
	if err != nil {
		return err
	}
	pr.NudgesOff = off
	if !off {
		pr.PausedUntil = time.Time{}
	}
	return b.store.SetPrefs(ctx, community, member, pr)
}

// nudgeSendGrace is how late a queued nudge may still go: later, it could
// land at a bad hour, and the next nudge run queues the member again.
const nudgeSendGrace = 2 * time.Hour
