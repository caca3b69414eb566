package intros

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// ActionIntroAnswer is a member's answer to a round's follow-up; Value is
// "GROUP:met" or "GROUP:not_yet".
const ActionIntroAnswer = "intros.answer"

func (b *Intros) introCommands() []bot.CommandSpec {
	return []bot.CommandSpec{
		{Path: []string{"intros", "on"}, Summary: "Be introduced to other members, two or three at a time", Run: b.cmdIntrosOn},
		{Path: []string{"intros", "off"}, Summary: "Stop being introduced to other members", Run: b.cmdIntrosOff},
		{Path: []string{"intros", "schedule"}, Summary: "When intro rounds happen (replaces the previous schedule)",
			Args: []bot.Arg{{Name: "spec", Kind: bot.ArgText, Required: true, Quoted: true,
				Help: "when: `every 2 weeks on monday at 10:00`, `monthly on day 1 at 9:00`, or cron like `0 10 * * MON`"},
				{Name: "tz", Kind: bot.ArgText, Shape: "tz=ZONE", Help: "time zone, like tz=Europe/Paris (default: the community's)"}},
			Facilitator: true, Run: b.cmdIntrosSchedule},
		{Path: []string{"intros", "now"}, Summary: "Run an intro round now", Facilitator: true, Run: b.cmdIntrosNow},
		{Path: []string{"intros", "list"}, Summary: "Who opted in to intros, and the recent rounds", Facilitator: true, Run: b.cmdIntrosList},
	}
}

func (b *Intros) cmdIntrosOn(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	if err := b.store.SetIntroOptIn(ctx, inv.Community, inv.Member, true, inv.At); err != nil {
		return bot.Reply{}, err
	}
	when := "when the facilitators run the next round"
	if next, ok := b.nextIntroRound(ctx, inv.Community, inv.At); ok {
		when = "in the next round, " + bot.WhenIn(next, b.loc)
	}
	return bot.PrivateText("You're in! Hearth will introduce you to one or two other members %s, by direct message, "+
		"and suggest a short call. `/hearth intros off` stops it.", when), nil
}

func (b *Intros) cmdIntrosOff(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	if err := b.store.SetIntroOptIn(ctx, inv.Community, inv.Member, false, inv.At); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Done: no more introductions. `/hearth intros on` if you change your mind."), nil
}

// nextIntroRound is when the community's intro schedule next runs.
func (b *Intros) nextIntroRound(ctx context.Context, community string, at time.Time) (time.Time, bool) {
	all, err := b.store.Schedules(ctx, community)
	if err != nil {
		return time.Time{}, false
	}
	for _, s := range all {
		if s.Kind != ScheduleIntros || s.Paused {
			continue
		}
		if sp, err := b.core.ParseSpecIn(s.Spec, b.core.Zone(s.TZ)); err == nil {
			if next := sp.Next(at); !next.IsZero() {
				return next, true
			}
		}
	}
	return time.Time{}, false
}

func (b *Intros) cmdIntrosSchedule(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	tz, err := bot.ZoneArg(inv)
	if err != nil {
		return bot.Reply{}, err
	}
	if _, err := b.core.ParseSpecIn(inv.Arg("spec"), b.core.Zone(tz)); err != nil { // before changing anything
		return bot.Reply{}, err
	}
	all, err := b.store.Schedules(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	for _, s := range all { // one intro schedule per community: a new one replaces the old
		if s.Kind == ScheduleIntros {
			if err := b.store.RemoveSchedule(ctx, inv.Community, s.ID); err != nil && !errors.Is(err, bot.ErrNotFound) {
				return bot.Reply{}, err
			}
		}
	}
	s, next, err := b.core.AddSchedule(ctx, inv, bot.Schedule{Kind: ScheduleIntros, Spec: inv.Arg("spec")})
	if err != nil {
		return bot.Reply{}, err
	}
	opted, err := b.store.IntroOptIns(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Intro schedule #%d: %s. First round: %s. %s opted in so far (`/hearth intros on`).",
		s.ID, s.Spec, bot.WhenIn(next, b.core.Zone(s.TZ)), bot.Plural(len(opted), "member")), nil
}

func (b *Intros) cmdIntrosNow(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	out, err := b.runIntroRound(ctx, inv.Community, inv.At, inv.Member)
	if err != nil {
		return bot.Reply{}, bot.PlatformError(err, "send the introductions")
	}
	return bot.PrivateText("%s", out.String(b.loc)), nil
}

func (b *Intros) cmdIntrosList(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	cands, skips, err := b.introCandidates(ctx, inv.Community, inv.At)
	if err != nil {
		return bot.Reply{}, err
	}
	var sb strings.Builder
	var names, groups []string
	sb.WriteString("**Intros**\n")
	if len(cands) == 0 {
		sb.WriteString("Nobody can be introduced yet: members opt in with `/hearth intros on`.\n")
	} else {
		for _, c := range cands {
			names = append(names, b.introName(ctx, inv.Community, c.ID))
		}
		shown := names[:min(len(names), maxNamesInline)]
		fmt.Fprintf(&sb, "Opted in (%d): %s", len(names), strings.Join(shown, ", "))
		if n := len(names) - len(shown); n > 0 {
			fmt.Fprintf(&sb, " and %d more", n)
		}
		sb.WriteString("\n")
	}
	if s := skips.String(); s != "" {
		fmt.Fprintf(&sb, "_Opted in but left out of rounds for now: %s._\n", s)
	}
	if next, ok := b.nextIntroRound(ctx, inv.Community, inv.At); ok {
		fmt.Fprintf(&sb, "Next round: %s.\n", b.core.When(next))
	} else {
		sb.WriteString("No rounds are scheduled: `/hearth intros schedule \"every 2 weeks on monday at 10:00\"`.\n")
	}
	var more []bot.Button
	rounds, err := b.store.IntroRounds(ctx, inv.Community, 5)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(rounds) > 0 {
		sb.WriteString("**Recent rounds**\n")
	}
	for i, r := range rounds {
		met := 0
		for _, g := range r.Groups {
			if !g.MetAt.IsZero() {
				met++
			}
		}
		follow := "follow-up " + r.At.Add(IntroFollowUpAfter).In(b.loc).Format("Jan 2")
		if !r.FollowedUpAt.IsZero() {
			follow = "followed up " + r.FollowedUpAt.In(b.loc).Format("Jan 2")
		}
		fmt.Fprintf(&sb, "• #%d, %s: %s, %d met (%s)\n", r.ID, r.At.In(b.loc).Format("Jan 2"), bot.Plural(len(r.Groups), "group"), met, follow)
		if i == 0 {
			for _, g := range r.Groups {
				line := "    " + b.groupNames(ctx, inv.Community, g.Members)
				if !g.MetAt.IsZero() {
					line += ": met"
				}
				groups = append(groups, line)
			}
			// The latest round's groups, a page at a time.
			text, buttons, _ := bot.List{Lines: groups, PageSize: 20}.Page(inv, bot.Capabilities{Buttons: true})
			sb.WriteString(text + "\n")
			more = buttons
		}
	}
	reply := bot.Reply{Post: bot.Post{Text: strings.TrimRight(sb.String(), "\n"), Buttons: more}, Private: true}
	if len(names) > maxNamesInline || len(groups) > 20 {
		if b.core.Capabilities(inv.Community).Files {
			doc := bot.List{Title: fmt.Sprintf("Opted in (%d)", len(names)), Lines: names}.Markdown() +
				bot.List{Title: "Groups of the latest round", Lines: groups}.Markdown()
			reply.Attachment = &bot.File{Name: "intros.md", ContentType: "text/markdown", Data: []byte(doc)}
			reply.Text += "\n_Everyone opted in and every group are in intros.md._"
		}
	}
	return reply, nil
}

// maxNamesInline is how many opted-in names /hearth intros list writes on
// its line; the attached file has them all.
const maxNamesInline = 30

// followUpIntros asks each member of a round's groups, once, whether they met.
func (b *Intros) followUpIntros(ctx context.Context, community string, round int64, at time.Time) error {
	r, err := b.store.IntroRound(ctx, community, round)
	if errors.Is(err, bot.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if first, err := b.store.MarkIntroFollowedUp(ctx, community, round, at); err != nil || !first {
		return err
	}
	chat, err := b.core.Chat(community)
	if err != nil {
		return err
	}
	var unreachable, failed []string
	for _, g := range r.Groups {
		for _, m := range g.Members {
			mem, err := b.store.Member(ctx, community, m)
			if errors.Is(err, bot.ErrNotFound) || err == nil && mem.Left {
				continue
			}
			if err != nil {
				return err
			}
			var others []string
			for _, o := range g.Members {
				if o != m {
					others = append(others, b.introName(ctx, community, o))
				}
			}
			who := andList(others, "and")
			if who == "" {
				who = "another member"
			}
			gid := strconv.FormatInt(g.ID, 10)
			post := bot.Post{Text: fmt.Sprintf("A week ago Hearth introduced you to %s. Did you manage to meet?", who), Buttons: []bot.Button{
				{ActionID: ActionIntroAnswer, Label: "We met", Value: gid + ":" + string(IntroMet), Style: bot.StylePrimary},
				{ActionID: ActionIntroAnswer, Label: "Not yet", Value: gid + ":" + string(IntroNotYet)},
			}}
			if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: m}, post); err != nil {
				if err := b.introUndelivered(ctx, community, m, at, err, &unreachable, &failed); err != nil {
					return err
				}
			}
		}
	}
	b.log.InfoContext(ctx, "intro follow-up", "community", community, "round", round, "unreachable", len(unreachable), "failed", len(failed))
	return nil
}

// actIntroAnswer records a member's "We met" or "Not yet"; only the
// group's members can answer for it.
func (b *Intros) actIntroAnswer(ctx context.Context, a bot.Action) (bot.Reply, error) {
	gidText, ans, _ := strings.Cut(a.Value, ":")
	gid, err := strconv.ParseInt(gidText, 10, 64)
	answer := IntroAnswer(ans)
	if err != nil || gid <= 0 || (answer != IntroMet && answer != IntroNotYet) {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That button doesn't belong to an introduction I know.")
	}
	if err := b.store.AnswerIntro(ctx, a.Community, gid, a.Member, answer, a.At); errors.Is(err, bot.ErrNotFound) {
		return bot.Reply{}, bot.Errorf(bot.EForbidden, "That question was for the members of that introduction.")
	} else if err != nil {
		return bot.Reply{}, err
	}
	if answer == IntroMet {
		return bot.PrivateText("Wonderful, thank you for telling me! I hope it was the first of many conversations."), nil
	}
	return bot.PrivateText("No rush: a short message suggesting a time is often all it takes."), nil
}

// runScheduledIntros runs a round on its schedule and tells the
// facilitators (the digest channel, or the schedule's creator).
func (b *Intros) runScheduledIntros(ctx context.Context, s bot.Schedule, at time.Time) error {
	out, err := b.runIntroRound(ctx, s.Community, at, s.CreatedBy)
	if err != nil {
		return err
	}
	channel, err := b.store.Setting(ctx, s.Community, bot.SettingDigestChannel)
	if err != nil {
		return err
	}
	to := bot.Destination{Kind: bot.ToChannel, Community: s.Community, Channel: channel}
	if channel == "" {
		if s.CreatedBy == "" {
			return nil
		}
		to = bot.Destination{Kind: bot.ToDM, Community: s.Community, Member: s.CreatedBy}
	}
	chat, err := b.core.Chat(s.Community)
	if err != nil {
		return err
	}
	_, err = chat.Post(ctx, to, bot.Post{Text: out.String(b.loc)})
	return err
}
