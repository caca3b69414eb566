package charter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// The charter's fields (step 1 of the practice guide: define the audience,
// the domain and the purpose), kept as settings "charter.FIELD".
var charterFields = []string{"purpose", "domain", "audience", "goals"}

// Welcome settings.
const (
	SettingWelcomeText = "welcome.text"
	SettingWelcomeOff  = "welcome.off"
)

// ScheduleWelcome sends one new member the welcome DM (a "once" schedule
// at the join, Payload the member id), so the event path stays short and
// the welcome goes exactly once.
const ScheduleWelcome bot.ScheduleKind = "welcome"

// DefaultWelcome is the welcome's first paragraph unless facilitators set
// their own.
const DefaultWelcome = "This is a community of practice: people who learn from each other by sharing what they try. Say hello, reply to a discussion prompt, or react to something useful: every bit counts."

func (b *Charter) charterCommands() []bot.CommandSpec {
	return []bot.CommandSpec{
		// One command shows and sets, so Discord can have /hearth charter
		// alongside its options (a sub-command and a group cannot share a name).
		{Path: []string{"charter"}, Summary: "The community's charter (purpose, domain, audience, goals); facilitators: charter set PART TEXT",
			Args: []bot.Arg{{Name: "action", Kind: bot.ArgChoice, Choices: []string{"set"}, Help: "set a part (facilitators)"},
				{Name: "part", Kind: bot.ArgChoice, Choices: charterFields, Help: "which part"},
				{Name: "text", Kind: bot.ArgText, Rest: true, Help: "what to write (`-` empties it)"}},
			Run: b.cmdCharter},
		{Path: []string{"welcome", "set"}, Summary: "The welcome DM's own words (the charter and how to take part follow)",
			Args: []bot.Arg{{Name: "text", Kind: bot.ArgText, Required: true, Rest: true, Help: "the welcome; `{name}` is the newcomer's name"}}, Facilitator: true, Run: b.cmdWelcomeSet},
		{Path: []string{"welcome", "show"}, Summary: "The welcome DM as a newcomer would get it", Facilitator: true, Run: b.cmdWelcomeShow},
		{Path: []string{"welcome", "off"}, Summary: "Stop welcoming new members by DM", Facilitator: true, Run: b.cmdWelcomeOff},
		{Path: []string{"welcome", "on"}, Summary: "Welcome new members by DM (the default)", Facilitator: true, Run: b.cmdWelcomeOn},
	}
}

// charterParts returns the community's charter fields that are set, in order.
func (b *Charter) charterParts(ctx context.Context, community string) ([][2]string, error) {
	var out [][2]string
	for _, f := range charterFields {
		v, err := b.store.Setting(ctx, community, "charter."+f)
		if err != nil {
			return nil, err
		}
		if v != "" {
			out = append(out, [2]string{f, v})
		}
	}
	return out, nil
}

func charterText(parts [][2]string) string {
	var sb strings.Builder
	for _, p := range parts {
		fmt.Fprintf(&sb, "**%s**: %s\n", strings.ToUpper(p[0][:1])+p[0][1:], p[1])
	}
	return strings.TrimRight(sb.String(), "\n")
}

func (b *Charter) cmdCharter(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	if inv.Arg("action") != "" || inv.Arg("part") != "" || inv.Arg("text") != "" {
		if !inv.Facilitator {
			return bot.Reply{}, bot.Errorf(bot.EForbidden, "Only facilitators write the charter. `/hearth charter` shows it.")
		}
		if inv.Arg("part") == "" || inv.Arg("text") == "" {
			return bot.Reply{}, bot.Errorf(bot.EArgument, "Say which part and what to write: `/hearth charter set purpose We help new team leads learn from each other.` (parts: %s).", strings.Join(charterFields, ", "))
		}
		return b.setCharter(ctx, inv)
	}
	parts, err := b.charterParts(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(parts) == 0 {
		msg := "This community has no charter yet."
		if inv.Facilitator {
			msg += " Write one with `/hearth charter set purpose TEXT` (and `domain`, `audience`, `goals`): who it is for, what it is about, why it exists."
		}
		return bot.PrivateText("%s", msg), nil
	}
	return bot.Reply{Post: bot.Post{Text: "**Our charter**\n" + charterText(parts)}, Private: true}, nil
}

func (b *Charter) setCharter(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	part := strings.ToLower(inv.Arg("part"))
	text := strings.TrimSpace(inv.Arg("text"))
	if text == "-" {
		text = ""
	}
	if len(text) > 1000 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "A charter part is 1,000 characters at most (this is %d).", len(text))
	}
	if err := b.store.SetSetting(ctx, inv.Community, "charter."+part, text); err != nil {
		return bot.Reply{}, err
	}
	if text == "" {
		return bot.PrivateText("Cleared the charter's %s.", part), nil
	}
	return bot.PrivateText("The charter's %s is set. `/hearth charter` shows it; new members get it in their welcome.", part), nil
}

func (b *Charter) cmdWelcomeSet(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	text := strings.TrimSpace(inv.Arg("text"))
	if len(text) > 1500 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "A welcome is 1,500 characters at most (this is %d).", len(text))
	}
	if err := b.store.SetSetting(ctx, inv.Community, SettingWelcomeText, text); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("The welcome is set. `/hearth welcome show` previews it."), nil
}

func (b *Charter) cmdWelcomeShow(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	post, err := b.welcomePost(ctx, inv.Community, bot.Member{ID: inv.Member, Name: inv.MemberName})
	if err != nil {
		return bot.Reply{}, err
	}
	off, err := b.store.Setting(ctx, inv.Community, SettingWelcomeOff)
	if err != nil {
		return bot.Reply{}, err
	}
	if off != "" {
		post.Text = "_The welcome is off (`/hearth welcome on`); this is what it would say:_\n" + post.Text
	}
	return bot.Reply{Post: post, Private: true}, nil
}

func (b *Charter) cmdWelcomeOff(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	if err := b.store.SetSetting(ctx, inv.Community, SettingWelcomeOff, "1"); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("New members are no longer welcomed by DM. `/hearth welcome on` brings it back."), nil
}

func (b *Charter) cmdWelcomeOn(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	if err := b.store.SetSetting(ctx, inv.Community, SettingWelcomeOff, ""); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("New members get a welcome DM when they join."), nil
}

// welcomePost is the welcome DM: the facilitators' words, the charter, how
// to take part, and this week's prompt.
func (b *Charter) welcomePost(ctx context.Context, community string, m bot.Member) (bot.Post, error) {
	text, err := b.store.Setting(ctx, community, SettingWelcomeText)
	if err != nil {
		return bot.Post{}, err
	}
	if text == "" {
		text = DefaultWelcome
	}
	name := bot.NameOr(m.Name, "there")
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Welcome, %s!**\n%s\n", name, strings.ReplaceAll(text, "{name}", name))
	parts, err := b.charterParts(ctx, community)
	if err != nil {
		return bot.Post{}, err
	}
	if len(parts) > 0 {
		sb.WriteString(charterText(parts) + "\n")
	}
	sb.WriteString("**How to take part**: post a question or something you tried, reply in threads, react to what helps you. `/hearth resources` is the community's library; `/hearth share URL` adds to it.\n")
	if pp, err := b.store.PromptPosts(ctx, community); err != nil {
		return bot.Post{}, err
	} else if len(pp) > 0 {
		latest := slices.MaxFunc(pp, func(a, b bot.PromptPost) int { return a.At.Compare(b.At) })
		line := fmt.Sprintf("**This week's prompt** in #%s: %q", b.core.ChannelName(ctx, community, latest.Channel), bot.Clip(latest.Text, 140))
		if pl := b.core.Permalinker(community); pl != nil {
			if link := pl.Permalink(community, latest.Channel, latest.Message); link != "" {
				line += " " + link
			}
		}
		sb.WriteString(line + "\n")
	}
	sb.WriteString("_Hearth records only that people take part, never what they write: `/hearth privacy` says more._")
	return bot.Post{Text: sb.String()}, nil
}

// scheduleWelcomes queues the welcome of members who joined the community
// (not a channel) in events, unless the welcome is off.
func (b *Charter) scheduleWelcomes(ctx context.Context, events []bot.Event) error {
	for _, e := range events {
		if e.Kind != bot.KindJoin || e.Channel != "" || e.IsBot || e.Retract {
			continue
		}
		off, err := b.store.Setting(ctx, e.Community, SettingWelcomeOff)
		if err != nil {
			return err
		}
		pr, err := b.store.Prefs(ctx, e.Community, e.Member)
		if err != nil {
			return err
		}
		pl, err := b.core.Pilot(ctx, e.Community)
		if err != nil {
			return err
		}
		// Welcome off, welcomed before, or outside a pilot (Hearth acts
		// only for its members): nothing to send; the batch goes on.
		if off != "" || !pr.WelcomedAt.IsZero() || !pl.ForMember(e.Member) {
			continue
		}
		at := e.At
		if now := b.clock.Now(); at.Before(now.Add(-time.Hour)) {
			at = now // a late redelivery or a replay: welcome now, not in the past
		}
		s := bot.Schedule{Community: e.Community, Kind: ScheduleWelcome, Spec: bot.OnceSpec(at.Add(time.Second)), Payload: e.Member, CreatedAt: at}
		if _, err := b.store.AddSchedule(ctx, s); err != nil {
			return fmt.Errorf("schedule a welcome: %w", err)
		}
	}
	return nil
}

// sendWelcome sends the welcome DM once per member.
func (b *Charter) sendWelcome(ctx context.Context, community, member string, at time.Time) error {
	pr, err := b.store.Prefs(ctx, community, member)
	if err != nil || !pr.WelcomedAt.IsZero() {
		return err
	}
	m, err := b.store.Member(ctx, community, member)
	if errors.Is(err, bot.ErrNotFound) {
		return nil // forgotten before the welcome went
	}
	if err != nil {
		return err
	}
	if m.Left || m.IsBot {
		return nil
	}
	post, err := b.welcomePost(ctx, community, m)
	if err != nil {
		return err
	}
	chat, err := b.core.Chat(community)
	if err != nil {
		return err
	}
	if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: member}, post); err != nil {
		if bot.ErrorCode(err) != bot.EUnreachable {
			return fmt.Errorf("welcome %s: %w", member, err)
		}
		pr.UnreachableSince = at
		b.log.InfoContext(ctx, "welcome not delivered: DMs closed", "community", community)
	}
	pr.WelcomedAt = at
	return b.store.SetPrefs(ctx, community, member, pr)
}
