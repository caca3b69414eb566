package intros

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// introSkips counts why opted-in members were left out of a round.
type introSkips map[string]int

// introCandidates are the members a round at now may introduce: opted in,
// not a bot, not left, not paused (nudges' "pause for a month"), and not
// unreachable by DM since they last took part or opted in (a member who
// opts in again after a failed DM is tried again).
func (b *Intros) introCandidates(ctx context.Context, community string, now time.Time) ([]IntroCandidate, introSkips, error) {
	opted, err := b.store.IntroOptIns(ctx, community)
	if err != nil || len(opted) == 0 {
		return nil, nil, err
	}
	members, err := b.store.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: now, Weeks: 1})
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]bot.MemberWeeks{}
	for _, mw := range members {
		byID[mw.Member.ID] = mw
	}
	prefs, err := b.store.AllPrefs(ctx, community)
	if err != nil {
		return nil, nil, err
	}
	skips := introSkips{}
	var out []IntroCandidate
	for _, o := range opted {
		mw, ok := byID[o.Member]
		pr := prefs[o.Member]
		switch {
		case !ok || mw.Member.Left || mw.Member.IsBot:
			skips["left"]++
			continue
		case pr.PausedUntil.After(now):
			skips["paused"]++
			continue
		case !pr.UnreachableSince.IsZero() && pr.UnreachableSince.After(mw.LastActive) && !pr.UnreachableSince.Before(o.Since):
			skips["unreachable by DM"]++
			continue
		}
		c := IntroCandidate{ID: o.Member}
		if mw.Member.TZ != "" {
			if loc, err := time.LoadLocation(mw.Member.TZ); err == nil {
				_, off := now.In(loc).Zone()
				c.Offset, c.KnownTZ = time.Duration(off)*time.Second, true
			}
		}
		out = append(out, c)
	}
	return out, skips, nil
}

// introSeed is a round's seed: fixed by the community and the time, so a
// replayed shell session pairs the same way.
func introSeed(community string, at time.Time) int64 {
	h := fnv.New64a()
	h.Write([]byte(community + "|" + at.UTC().Format(time.RFC3339Nano)))
	return int64(h.Sum64() >> 1)
}

// introOutcome is what a round did.
type introOutcome struct {
	Round       IntroRound
	Groups      []string // names, per group
	Opted       int      // candidates, when there were too few for a round
	Skips       introSkips
	ByGroupDM   bool
	Unreachable []string
	Failed      []string
}

// runIntroRound pairs the candidates, stores the round, schedules its
// follow-up and sends the introductions.
func (b *Intros) runIntroRound(ctx context.Context, community string, at time.Time, by string) (introOutcome, error) {
	cands, skips, err := b.introCandidates(ctx, community, at)
	if err != nil {
		return introOutcome{}, err
	}
	out := introOutcome{Skips: skips, Opted: len(cands)}
	if len(cands) < 2 {
		return out, nil
	}
	past, err := b.store.IntroRounds(ctx, community, IntroAvoidRounds)
	if err != nil {
		return out, err
	}
	r := IntroRound{Community: community, Seed: introSeed(community, at), At: at, CreatedBy: by}
	for _, g := range PairIntros(cands, HistoryOf(past), r.Seed) {
		r.Groups = append(r.Groups, IntroGroup{Members: g})
	}
	if r, err = b.store.AddIntroRound(ctx, r); err != nil {
		return out, err
	}
	out.Round = r
	if _, err := b.store.AddSchedule(ctx, bot.Schedule{Community: community, Kind: ScheduleIntrosFollowUp, Spec: bot.OnceSpec(at.Add(IntroFollowUpAfter)),
		Payload: strconv.FormatInt(r.ID, 10), CreatedBy: by, CreatedAt: at}); err != nil {
		return out, fmt.Errorf("schedule the follow-up of intro round %d: %w", r.ID, err)
	}
	chat, err := b.core.Chat(community)
	if err != nil {
		return out, err
	}
	since := at.Add(-IntroCommonWindow)
	for _, g := range r.Groups {
		out.Groups = append(out.Groups, b.groupNames(ctx, community, g.Members))
		common, err := b.commonChannels(ctx, community, g.Members, since)
		if err != nil {
			return out, err
		}
		if gm, ok := chat.(GroupMessenger); ok {
			_, err := gm.PostGroup(ctx, community, g.Members, b.introPost(ctx, chat, community, g.Members, "", common))
			if err == nil {
				out.ByGroupDM = true
				continue
			}
			b.log.WarnContext(ctx, "intro group DM failed; sending DMs", "community", community, "round", r.ID, "err", err)
		}
		for _, m := range g.Members {
			post := b.introPost(ctx, chat, community, g.Members, m, common)
			if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: m}, post); err != nil {
				if err := b.introUndelivered(ctx, community, m, at, err, &out.Unreachable, &out.Failed); err != nil {
					return out, err
				}
			}
		}
	}
	b.log.InfoContext(ctx, "intro round", "community", community, "round", r.ID, "groups", len(r.Groups))
	return out, nil
}

// introUndelivered notes a DM that did not go: an unreachable member is
// marked so (and left out of rounds until they take part again).
func (b *Intros) introUndelivered(ctx context.Context, community, member string, at time.Time, err error, unreachable, failed *[]string) error {
	name := b.introName(ctx, community, member)
	if bot.ErrorCode(err) != bot.EUnreachable {
		b.log.WarnContext(ctx, "intro DM failed", "community", community, "member", member, "err", err)
		*failed = append(*failed, name)
		return nil
	}
	*unreachable = append(*unreachable, name)
	pr, err := b.store.Prefs(ctx, community, member)
	if err != nil {
		return err
	}
	pr.UnreachableSince = at
	return b.store.SetPrefs(ctx, community, member, pr)
}

// introName is a member's display name (their id when unknown).
func (b *Intros) introName(ctx context.Context, community, member string) string {
	if m, err := b.store.Member(ctx, community, member); err == nil {
		return bot.DisplayName(m)
	}
	return member
}

// groupNames writes "Alice & Bob" or "Alice, Bob & Carol".
func (b *Intros) groupNames(ctx context.Context, community string, members []string) string {
	var ns []string
	for _, m := range members {
		ns = append(ns, b.introName(ctx, community, m))
	}
	return andList(ns, "&")
}

func andList(ns []string, and string) string {
	switch len(ns) {
	case 0:
		return ""
	case 1:
		return ns[0]
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " " + and + " " + ns[len(ns)-1]
}

// commonChannels are the channels at least two members of a group were
// active in since, the most shared first (then by name), three at most.
func (b *Intros) commonChannels(ctx context.Context, community string, members []string, since time.Time) ([]bot.Channel, error) {
	active, err := b.store.ActiveChannels(ctx, community, members, since)
	if err != nil {
		return nil, err
	}
	count, byID := map[string]int{}, map[string]bot.Channel{}
	for _, chs := range active {
		for _, c := range chs {
			count[c.ID]++
			byID[c.ID] = c
		}
	}
	var out []bot.Channel
	for id, n := range count {
		if n >= 2 {
			out = append(out, byID[id])
		}
	}
	slices.SortFunc(out, func(a, c bot.Channel) int {
		if d := count[c.ID] - count[a.ID]; d != 0 {
			return d
		}
		return strings.Compare(bot.ChannelLabel(a.ID, a.Name), bot.ChannelLabel(c.ID, c.Name))
	})
	return out[:min(3, len(out))], nil
}

// introPost is the introduction: to the whole group (to == ""), or to one
// member naming the others.
func (b *Intros) introPost(ctx context.Context, chat bot.Chat, community string, members []string, to string, common []bot.Channel) bot.Post {
	mention := func(m string) string {
		if mn, ok := chat.(Mentioner); ok {
			return mn.Mention(community, m)
		}
		return b.introName(ctx, community, m)
	}
	var others []string
	for _, m := range members {
		if m != to {
			others = append(others, mention(m))
		}
	}
	var sb strings.Builder
	if to == "" {
		fmt.Fprintf(&sb, "**Meet each other!** %s: you all asked Hearth to introduce you to other members of the community, and this round brings you together.\n", andList(others, "and"))
	} else {
		fmt.Fprintf(&sb, "**Meet %s!** Like you, they asked Hearth to introduce them to other members of the community, and this round brings you together.\n",
			andList(others, "and"))
	}
	if len(common) > 0 {
		var chs []string
		for _, c := range common {
			chs = append(chs, "#"+bot.ChannelLabel(c.ID, c.Name))
		}
		fmt.Fprintf(&sb, "You have %s in common.\n", andList(chs, "and"))
	}
	if to == "" {
		sb.WriteString("Why not find 20 minutes for a short call this week: what you're working on, what you're trying, what you could help each other with?\n")
	} else {
		sb.WriteString("Why not write to them and find 20 minutes for a short call this week: what you're working on, what you're trying, what you could help each other with?\n")
	}
	sb.WriteString("_In a week I'll ask whether you met. `/hearth intros off` stops introductions._")
	return bot.Post{Text: sb.String()}
}

func (s introSkips) String() string {
	var parts []string
	for _, k := range []string{"left", "paused", "unreachable by DM"} {
		if s[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", s[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

func (o introOutcome) String(loc *time.Location) string {
	note := ""
	if s := o.Skips.String(); s != "" {
		note = "\n_Left out: " + s + "._"
	}
	if o.Round.ID == 0 {
		return fmt.Sprintf("No intro round: it takes at least two members who opted in and can be reached, and there %s. "+
			"Members opt in with `/hearth intros on`.%s", map[bool]string{true: "is 1", false: "are " + strconv.Itoa(o.Opted)}[o.Opted == 1], note)
	}
	how := "each member by DM, naming the others"
	if o.ByGroupDM {
		how = "each group in a group DM"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Intro round #%d**: %s, introduced %s.\n", o.Round.ID, bot.Plural(len(o.Groups), "group"), how)
	for _, g := range o.Groups {
		sb.WriteString("• " + g + "\n")
	}
	fmt.Fprintf(&sb, "Each member is asked whether they met on %s.", bot.WhenIn(o.Round.At.Add(IntroFollowUpAfter), loc))
	if len(o.Unreachable) > 0 {
		fmt.Fprintf(&sb, "\nCould not reach %s (DMs closed).", bot.Names(o.Unreachable))
	}
	if len(o.Failed) > 0 {
		fmt.Fprintf(&sb, "\nFailed for %s (see the log).", bot.Names(o.Failed))
	}
	return sb.String() + note
}
