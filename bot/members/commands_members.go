package members

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func (b *Members) memberCommands() []bot.CommandSpec {
	return []bot.CommandSpec{
		{Path: []string{"quiet"}, Summary: "Members who have gone quiet, drifting away, or not posted yet",
			Args:        []bot.Arg{{Name: "days", Kind: bot.ArgNumber, Help: "quiet for at least this many days (default 14)"}},
			Facilitator: true, Run: b.cmdQuiet},
		{Path: []string{"member"}, Summary: "One member's participation history",
			Args: []bot.Arg{{Name: "member", Kind: bot.ArgMember, Required: true, Help: "the member"}}, Facilitator: true, Run: b.cmdMember},
		{Path: []string{"nudge", "run"}, Summary: "Invite quiet members back now (in review mode: the list to approve)", Facilitator: true, Run: b.cmdNudgeRun},
		{Path: []string{"nudge", "settings"}, Summary: "The nudge policy, or change it: threshold=14d cooldown=30d max=2 quiet=21-9 mode=review|auto",
			Args: []bot.Arg{{Name: "settings", Kind: bot.ArgText, Rest: true, Help: "settings to change, like `mode=auto quiet=20-8`"}}, Facilitator: true, Run: b.cmdNudgeSettings},
		{Path: []string{"nudge", "schedule"}, Summary: "When the nudge policy runs (default daily at 10:00)",
			Args:        []bot.Arg{{Name: "spec", Kind: bot.ArgText, Quoted: true, Help: "when, like `daily at 10:00`"}, {Name: "tz", Kind: bot.ArgText, Shape: "tz=ZONE", Help: "this schedule's time zone"}},
			Facilitator: true, Run: b.cmdNudgeSchedule},
		{Path: []string{"nudge", "wording", "add"}, Summary: "Add a nudge wording of your own ({name} is the member's name)",
			Args: []bot.Arg{{Name: "text", Kind: bot.ArgText, Required: true, Quoted: true, Help: "the wording"}}, Facilitator: true, Run: b.cmdNudgeWordingAdd},
		{Path: []string{"nudge", "wording", "list"}, Summary: "The nudge wordings that rotate", Facilitator: true, Run: b.cmdNudgeWordingList},
		{Path: []string{"nudge", "wording", "remove"}, Summary: "Remove one of your nudge wordings",
			Args: []bot.Arg{{Name: "number", Kind: bot.ArgNumber, Required: true, Help: "its number in the list"}}, Facilitator: true, Run: b.cmdNudgeWordingRemove},
		{Path: []string{"nudges"}, Summary: "Turn nudges to you off or on",
			Args: []bot.Arg{{Name: "choice", Kind: bot.ArgChoice, Required: true, Choices: []string{"off", "on"}}}, Run: b.cmdNudgesOnOff},
		{Path: []string{"privacy"}, Summary: "What Hearth records, and what it never records", Run: b.cmdPrivacy},
		{Path: []string{"forget", "me"}, Summary: "Erase what Hearth keeps about you (after you confirm)", Run: b.cmdForgetMe},
	}
}

// memberTrail is how a quiet member is described: last activity and level.
func (b *Members) lastActiveLabel(t time.Time) string {
	if t.IsZero() {
		return "never active"
	}
	return "last active " + t.In(b.loc).Format("Jan 2")
}

func (b *Members) cmdQuiet(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	after := b.quietAfter
	if d := inv.Arg("days"); d != "" {
		n, _ := strconv.Atoi(strings.TrimPrefix(d, "#"))
		if n > 3650 {
			return bot.Reply{}, bot.Errorf(bot.EArgument, "Pick a number of days up to 3650.")
		}
		after = time.Duration(n) * 24 * time.Hour
	}
	weeks := max(DriftWeeks, int((after+6*24*time.Hour)/(7*24*time.Hour)))
	ms, err := b.store.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: inv.Community, End: inv.At, Weeks: weeks})
	if err != nil {
		return bot.Reply{}, err
	}
	cut := inv.At.Add(-after)
	var quiet, newcomers, drifting []string
	for _, mw := range ms {
		m := mw.Member
		joined := mw.FirstSeen
		if !m.JoinedAt.IsZero() {
			joined = m.JoinedAt
		}
		name := bot.NameOr(m.Name, m.ID)
		switch {
		case joined.After(cut) && mw.LastActive.IsZero():
			newcomers = append(newcomers, fmt.Sprintf("%s, joined %s", name, joined.In(b.loc).Format("Jan 2")))
		case !joined.After(cut) && (mw.LastActive.IsZero() || mw.LastActive.Before(cut)):
			line := fmt.Sprintf("%s: %s (%s)", name, b.lastActiveLabel(mw.LastActive), LevelOf(mw.Weeks))
			if ns, err := b.store.MemberNudges(ctx, inv.Community, m.ID, 1); err == nil && len(ns) > 0 && ns[0].Status == NudgeSent {
				line += ", nudged " + ns[0].SentAt.In(b.loc).Format("Jan 2")
			} else if err != nil {
				return bot.Reply{}, err
			}
			quiet = append(quiet, line)
		}
		if Drifting(mw.Weeks) {
			drifting = append(drifting, fmt.Sprintf("%s: %s", name, b.lastActiveLabel(mw.LastActive)))
		}
	}
	bullets := func(items []string) []string {
		for i, it := range items {
			items[i] = "• " + it
		}
		return items
	}
	text, buttons, file := bot.Pages(inv, b.core.Capabilities(inv.Community), "quiet-members.md",
		bot.List{Title: fmt.Sprintf("**Quiet for %s or more** (%d)", bot.Spell(after), len(quiet)), Lines: bullets(quiet), PageSize: 20, Empty: "Nobody: everyone has taken part recently."},
		bot.List{Title: fmt.Sprintf("**Drifting away** (active most weeks, silent the last two) (%d)", len(drifting)), Lines: bullets(drifting), PageSize: 20, Empty: "Nobody."},
		bot.List{Title: fmt.Sprintf("**Newcomers who have not taken part yet** (%d)", len(newcomers)), Lines: bullets(newcomers), PageSize: 20, Empty: "None."})
	text += "\n_A personal word helps most; `/hearth nudge run` sends a gentle invitation back._"
	return bot.Reply{Post: bot.Post{Text: text, Buttons: buttons, Attachment: file}, Private: true}, nil
}

func (b *Members) cmdMember(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	m, err := b.core.ResolveMember(ctx, inv.Community, inv.Arg("member"))
	if err != nil {
		return bot.Reply{}, err
	}
	text, err := b.memberHistory(ctx, inv.Community, m.ID, inv.At, false)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: bot.Post{Text: text}, Private: true}, nil
}

// memberHistory describes what Hearth keeps about a member: for
// facilitators (/hearth member) or the member themself (/hearth me).
func (b *Members) memberHistory(ctx context.Context, community, id string, now time.Time, self bool) (string, error) {
	act, err := b.store.MemberActivity(ctx, community, id)
	if errors.Is(err, bot.ErrNotFound) {
		if self {
			return "Hearth has recorded nothing about you yet. It records only that you took part (a message, a reply, a reaction, an answer), never what you wrote.", nil
		}
		return "", bot.Errorf(bot.ENotFound, "Hearth has recorded nothing about that member yet.")
	}
	if err != nil {
		return "", err
	}
	ws, err := b.store.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, Member: id, End: now, Weeks: DriftWeeks})
	if err != nil {
		return "", err
	}
	nudges, err := b.store.MemberNudges(ctx, community, id, 0)
	if err != nil {
		return "", err
	}
	pr, err := b.store.Prefs(ctx, community, id)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	about := FormatMemberActivity(act, b.loc)
	if !self {
		about = strings.Replace(about, "**What Hearth has recorded about you**", "**"+bot.DisplayName(act.Member)+"**", 1)
		about = strings.Replace(about, "Hearth records only that you took part", "Hearth records only that they took part", 1)
		about = strings.Replace(about, "never what you wrote", "never what they wrote", 1)
	}
	sb.WriteString(about + "\n")
	if len(ws) == 1 {
		var weeks []string
		for _, w := range ws[0].Weeks {
			weeks = append(weeks, strconv.Itoa(w.Messages+w.Replies+w.Reactions+w.Answers))
		}
		fmt.Fprintf(&sb, "Level: **%s** (last 4 weeks) · activity per week, oldest first: %s", LevelOf(ws[0].Weeks), strings.Join(weeks, " · "))
		if Drifting(ws[0].Weeks) {
			sb.WriteString(" · drifting away")
		}
		sb.WriteString("\n")
	}
	sent := 0
	var last Nudge
	for _, n := range nudges {
		if n.Status == NudgeSent {
			if sent == 0 {
				last = n
			}
			sent++
		}
	}
	fmt.Fprintf(&sb, "Nudges received: %d", sent)
	if sent > 0 {
		fmt.Fprintf(&sb, " (latest %s%s)", last.SentAt.In(b.loc).Format("Jan 2"), responseLabel(last.Response))
	}
	switch {
	case pr.NudgesOff:
		sb.WriteString(" · nudges are off")
	case pr.PausedUntil.After(now):
		sb.WriteString(" · nudges paused until " + pr.PausedUntil.In(b.loc).Format("Jan 2"))
	}
	if !pr.UnreachableSince.IsZero() {
		sb.WriteString(" · direct messages refused since " + pr.UnreachableSince.In(b.loc).Format("Jan 2"))
	}
	if self {
		sb.WriteString("\n_`/hearth privacy` says what Hearth records and never records; `/hearth forget me` erases all of this._")
	}
	return sb.String(), nil
}

func responseLabel(r NudgeResponse) string {
	switch r {
	case NudgeHere:
		return `, answered "I'm still here"`
	case NudgePause:
		return ", paused"
	case NudgeStop:
		return ", asked for no more"
	}
	return ""
}

func (b *Members) cmdNudgeRun(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	post, _, err := b.runNudges(ctx, inv.Community, inv.At, "")
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: post, Private: true}, nil
}

func (b *Members) cmdNudgeSettings(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	p, err := b.nudgePolicy(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if text := strings.TrimSpace(inv.Arg("settings")); text != "" {
		if err := applyNudgeSettings(&p, text); err != nil {
			return bot.Reply{}, err
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return bot.Reply{}, err
		}
		if err := b.store.SetSetting(ctx, inv.Community, SettingNudgePolicy, string(raw)); err != nil {
			return bot.Reply{}, err
		}
		b.log.InfoContext(ctx, "nudge policy changed", "community", inv.Community, "by", inv.Member, "policy", string(raw))
		return bot.PrivateText("Nudge policy: %s.", p.describe()), nil
	}
	return bot.PrivateText("Nudge policy: %s.\nChange it with `/hearth nudge settings mode=auto quiet=20-8`. Bots, facilitators, newcomers, members who opted out or paused, and members whose DMs are closed are never nudged.", p.describe()), nil
}

// DefaultNudgeSpec is when the nudge policy runs unless told otherwise.
const DefaultNudgeSpec = "daily at 10:00"

func (b *Members) cmdNudgeSchedule(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	spec := inv.Arg("spec")
	if spec == "" {
		spec = DefaultNudgeSpec
	}
	all, err := b.store.Schedules(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	for _, s := range all { // one nudge schedule per community: a new one replaces the old
		if s.Kind == ScheduleNudge {
			if err := b.store.RemoveSchedule(ctx, inv.Community, s.ID); err != nil && !errors.Is(err, bot.ErrNotFound) {
				return bot.Reply{}, err
			}
		}
	}
	s, next, err := b.core.AddSchedule(ctx, inv, bot.Schedule{Kind: ScheduleNudge, Spec: spec})
	if err != nil {
		return bot.Reply{}, err
	}
	p, err := b.nudgePolicy(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	what := "facilitators get the list to approve (mode=review)"
	if p.Mode == NudgeAuto {
		what = "nudges go out without asking (mode=auto)"
	}
	return bot.PrivateText("Nudge schedule #%d: %s; %s. First run: %s.", s.ID, spec, what, bot.WhenIn(next, b.core.Zone(s.TZ))), nil
}

func (b *Members) saveWordings(ctx context.Context, community string, ws []string) error {
	if len(ws) == 0 {
		return b.store.SetSetting(ctx, community, SettingNudgeWordings, "")
	}
	raw, err := json.Marshal(ws)
	if err != nil {
		return err
	}
	return b.store.SetSetting(ctx, community, SettingNudgeWordings, string(raw))
}

func (b *Members) cmdNudgeWordingAdd(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	text := strings.TrimSpace(inv.Arg("text"))
	if text == "" || len(text) > 500 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "A wording needs text, 500 characters at most. `{name}` stands for the member's name.")
	}
	ws, own, err := b.nudgeWordings(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if !own {
		ws = nil
	}
	if len(ws) >= 20 {
		return bot.Reply{}, bot.Errorf(bot.EConflict, "There are 20 wordings already; remove one first.")
	}
	if err := b.saveWordings(ctx, inv.Community, append(ws, text)); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Added wording %d. Your wordings now rotate instead of Hearth's.", len(ws)+1), nil
}

func (b *Members) cmdNudgeWordingList(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	ws, own, err := b.nudgeWordings(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	var sb strings.Builder
	if own {
		sb.WriteString("**Your nudge wordings** (they rotate)\n")
	} else {
		sb.WriteString("**Hearth's nudge wordings** (they rotate until you add your own)\n")
	}
	for i, w := range ws {
		fmt.Fprintf(&sb, "%d. %s\n", i+1, w)
	}
	return bot.Reply{Post: bot.Post{Text: strings.TrimRight(sb.String(), "\n")}, Private: true}, nil
}

func (b *Members) cmdNudgeWordingRemove(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	ws, own, err := b.nudgeWordings(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(inv.Arg("number"), "#"))
	if !own || n < 1 || n > len(ws) {
		return bot.Reply{}, bot.Errorf(bot.ENotFound, "There is no wording %d of yours. `/hearth nudge wording list` shows them.", n)
	}
	ws = append(ws[:n-1:n-1], ws[n:]...)
	if err := b.saveWordings(ctx, inv.Community, ws); err != nil {
		return bot.Reply{}, err
	}
	if len(ws) == 0 {
		return bot.PrivateText("Removed it; Hearth's own wordings rotate again."), nil
	}
	return bot.PrivateText("Removed wording %d.", n), nil
}

func (b *Members) cmdNudgesOnOff(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	off := strings.EqualFold(inv.Arg("choice"), "off")
	if err := b.setNudgesOff(ctx, inv.Community, inv.Member, off); err != nil {
		return bot.Reply{}, err
	}
	if off {
		return bot.PrivateText("Nudges are off: Hearth won't invite you back when you're quiet. `/hearth nudges on` turns them on again."), nil
	}
	return bot.PrivateText("Nudges are on: if you go quiet for a while, Hearth may send you a short invitation back."), nil
}

// PrivacyText is /hearth privacy: what Hearth keeps and what it never does.
const PrivacyText = `**What Hearth records**
• That you took part: the kind (message, reply, reaction, join, leave, check-in answer, "I'm still here"), where (the channel), when, and the platform's ids to recognise it again.
• Your name and, where the platform says, time zone, so reports and nudges read well.
• Your answers to check-ins: with your id for attributed ones; for anonymous ones under a token nobody can tie back to you once the check-in closes. Anonymous results show only after the close and only if at least 3 people answered (a survey may ask for more; a question fewer answered shows just its count), with written answers in an order that says nothing about who wrote them or when.
• Nudges sent to you and what you answered, and your nudge choices.
• What you give on purpose: resources you share (link, tags, note), stories with the consent you chose, your event RSVPs and attendance, your intro opt-in and whether an intro met.
**What Hearth never records**
• The text of your messages and replies, or which emoji you used beyond the reaction itself.
• Anything from channels Hearth is not in, or your direct messages with other people.
**Your choices**
• ` + "`/hearth me`" + ` shows what is kept about you; ` + "`/hearth nudges off`" + ` stops nudges; ` + "`/hearth forget me`" + ` erases it all (report totals already counted stay, without your name; a one-way hash of your id is kept so that importing the community's history never brings you back).`

// cmdPrivacy is PrivacyText with what the features add about the
// community (bot.PrivacyNoter: that history was imported, and from when).
func (b *Members) cmdPrivacy(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	text := PrivacyText
	for _, m := range b.core.Modules() {
		if n, ok := m.(bot.PrivacyNoter); ok {
			note, err := n.PrivacyNote(ctx, inv.Community)
			if err != nil {
				return bot.Reply{}, err
			}
			if note != "" {
				text += "\n**About this community**\n• " + note
			}
		}
	}
	return bot.Reply{Post: bot.Post{Text: text}, Private: true}, nil
}

// ActionForgetConfirm erases the pressing member's data; Value is their id,
// so a forwarded button erases nobody else.
const ActionForgetConfirm = "forget.confirm"

func (b *Members) cmdForgetMe(_ context.Context, inv bot.Invocation) (bot.Reply, error) {
	return bot.Reply{Post: bot.Post{
		Text:    "This erases everything Hearth keeps about you: your recorded participation, check-in answers, nudges and choices, and your profile. Report totals already counted stay, without your name. It cannot be undone.",
		Buttons: []bot.Button{{ActionID: ActionForgetConfirm, Label: "Erase my data", Value: inv.Member, Style: bot.StyleDanger}},
	}, Private: true}, nil
}

func (b *Members) actForgetConfirm(ctx context.Context, a bot.Action) (bot.Reply, error) {
	if a.Value != a.Member {
		return bot.Reply{}, bot.Errorf(bot.EForbidden, "That button erases someone else's data, so it does nothing for you. `/hearth forget me` gives you your own.")
	}
	if err := b.core.ForgetMember(ctx, a.Community, a.Member); errors.Is(err, bot.ErrNotFound) {
		return bot.PrivateText("Hearth keeps nothing about you."), nil
	} else if err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Done: Hearth has erased what it kept about you. If you take part again, it starts afresh."), nil
}

// FormatMemberActivity renders what Hearth keeps about one member, for them.
func FormatMemberActivity(a bot.MemberActivity, loc *time.Location) string {
	var sb strings.Builder
	sb.WriteString("**What Hearth has recorded about you**\n")
	if !a.FirstSeen.IsZero() {
		fmt.Fprintf(&sb, "First seen: %s\n", a.FirstSeen.In(loc).Format("Jan 2, 2006"))
	}
	if a.LastActive.IsZero() {
		sb.WriteString("Last active: never\n")
	} else {
		fmt.Fprintf(&sb, "Last active: %s\n", a.LastActive.In(loc).Format("Jan 2, 2006 15:04"))
	}
	fmt.Fprintf(&sb, "%s, %s, %s, %s.\n",
		bot.Plural(a.Counts[bot.KindMessage], "message"), bot.Plural(a.Counts[bot.KindReply], "reply"),
		bot.Plural(a.Counts[bot.KindReaction], "reaction"), bot.Plural(a.Counts[bot.KindCheckinAnswer], "check-in answer"))
	if n := a.Counts[bot.KindStillHere]; n > 0 {
		fmt.Fprintf(&sb, "%d \"I'm still here\" to a nudge.\n", n)
	}
	sb.WriteString("Hearth records only that you took part (who, where, when, what kind), never what you wrote.")
	return sb.String()
}

func (b *Members) cmdMe(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	text, err := b.memberHistory(ctx, inv.Community, inv.Member, inv.At, true)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: bot.Post{Text: text}, Private: true}, nil
}
