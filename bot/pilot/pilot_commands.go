package pilot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func (b *Pilots) pilotCommands() []bot.CommandSpec {
	scope := bot.Arg{Name: "scope", Kind: bot.ArgText, Rest: true, Shape: "#channel… @member…", Help: "the pilot's channels and members"}
	return []bot.CommandSpec{
		{Path: []string{"pilot", "start"}, Summary: "Pilot Hearth with a few channels and members before everyone",
			Args: []bot.Arg{scope}, Facilitator: true, Run: b.cmdPilotStart},
		{Path: []string{"pilot", "add"}, Summary: "Add channels or members to the pilot",
			Args: []bot.Arg{{Name: "scope", Kind: bot.ArgText, Required: true, Rest: true, Shape: scope.Shape, Help: scope.Help}}, Facilitator: true, Run: b.cmdPilotAdd},
		{Path: []string{"pilot", "status"}, Summary: "The pilot's scope, or how the time since launch compares with it",
			Facilitator: true, Run: b.cmdPilotStatus},
		{Path: []string{"pilot", "launch"}, Aliases: [][]string{{"launch"}}, Summary: "End the pilot: Hearth acts everywhere, for everyone",
			Facilitator: true, Run: b.cmdLaunch},
	}
}

func (b *Pilots) savePilot(ctx context.Context, community string, p bot.Pilot) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return b.store.SetSetting(ctx, community, bot.SettingPilot, string(raw))
}

// pilotScope reads `#channel… @member…` into channel and member ids.
func (b *Pilots) pilotScope(ctx context.Context, community, text string) (channels, members []string, err error) {
	for _, tok := range strings.Fields(text) {
		if _, _, ok := bot.ParseChannelRef(tok); ok {
			ch, err := b.core.ResolveChannel(ctx, community, tok)
			if err != nil {
				return nil, nil, err
			}
			channels = append(channels, ch.ID)
			continue
		}
		if _, _, ok := bot.ParseMemberRef(tok); ok {
			m, err := b.core.ResolveMember(ctx, community, tok)
			if err != nil {
				return nil, nil, err
			}
			members = append(members, m.ID)
			continue
		}
		return nil, nil, bot.Errorf(bot.EArgument, "%q is neither a channel nor a member: name them like `#design @alice`.", bot.Clip(tok, 40))
	}
	return channels, members, nil
}

func (b *Pilots) cmdPilotStart(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	p, err := b.core.Pilot(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if p.Active() {
		return bot.Reply{}, bot.Errorf(bot.EConflict, "A pilot is running already, since %s. `/hearth pilot add` widens it; `/hearth launch` ends it.", p.StartedAt.In(b.loc).Format("Jan 2"))
	}
	channels, members, err := b.pilotScope(ctx, inv.Community, inv.Arg("scope"))
	if err != nil {
		return bot.Reply{}, err
	}
	if len(channels) == 0 && inv.Channel != "" {
		channels = []string{inv.Channel}
	}
	if !slices.Contains(members, inv.Member) && len(members) > 0 {
		members = append(members, inv.Member) // the facilitator who pilots takes part
	}
	p = bot.Pilot{Channels: dedupe(channels), Members: dedupe(members), StartedAt: inv.At}
	if err := b.savePilot(ctx, inv.Community, p); err != nil {
		return bot.Reply{}, err
	}
	b.log.InfoContext(ctx, "pilot started", "community", inv.Community, "channels", len(p.Channels), "members", len(p.Members))
	return bot.PrivateText("The pilot has started. %s `/hearth launch` opens Hearth to everyone.", b.pilotLine(ctx, inv.Community, p)), nil
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func (b *Pilots) cmdPilotAdd(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	p, err := b.core.Pilot(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if !p.Active() {
		return bot.Reply{}, bot.Errorf(bot.EConflict, "No pilot is running. `/hearth pilot start #channel @member…` starts one.")
	}
	channels, members, err := b.pilotScope(ctx, inv.Community, inv.Arg("scope"))
	if err != nil {
		return bot.Reply{}, err
	}
	p.Channels = dedupe(append(p.Channels, channels...))
	p.Members = dedupe(append(p.Members, members...))
	if err := b.savePilot(ctx, inv.Community, p); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("The pilot now covers: %s", b.pilotLine(ctx, inv.Community, p)), nil
}

// pilotLine says where and for whom the pilot runs.
func (b *Pilots) pilotLine(ctx context.Context, community string, p bot.Pilot) string {
	where := "every channel"
	if len(p.Channels) > 0 {
		var names []string
		for _, id := range p.Channels {
			names = append(names, "#"+b.core.ChannelName(ctx, community, id))
		}
		where = strings.Join(names, ", ")
	}
	who := "every member"
	if len(p.Members) > 0 {
		var names []string
		for _, id := range p.Members {
			names = append(names, b.core.MemberName(ctx, community, id))
		}
		who = strings.Join(names, ", ")
	}
	return fmt.Sprintf("Hearth acts only in %s, for %s.", where, who)
}

func (b *Pilots) cmdLaunch(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	p, err := b.core.Pilot(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if !p.Active() {
		if !p.LaunchedAt.IsZero() {
			return bot.PrivateText("Hearth launched on %s already.", p.LaunchedAt.In(b.loc).Format("Jan 2, 2006")), nil
		}
		return bot.PrivateText("There is no pilot to end: Hearth already acts everywhere, for everyone."), nil
	}
	p.LaunchedAt = inv.At
	if err := b.savePilot(ctx, inv.Community, p); err != nil {
		return bot.Reply{}, err
	}
	b.log.InfoContext(ctx, "launched", "community", inv.Community)
	return bot.PrivateText("Launched! Hearth now acts in every channel, for every member. `/hearth pilot status` compares the time since launch with the pilot."), nil
}

func (b *Pilots) cmdPilotStatus(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	p, err := b.core.Pilot(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	switch {
	case p.StartedAt.IsZero():
		return bot.PrivateText("There has been no pilot. `/hearth pilot start #channel @member…` starts one: Hearth then acts only there, for them, until `/hearth launch`."), nil
	case p.Active():
		return bot.PrivateText("**Pilot** since %s. %s", p.StartedAt.In(b.loc).Format("Jan 2"), b.pilotLine(ctx, inv.Community, p)), nil
	}
	cmp, err := ComparePilot(ctx, b.store, inv.Community, p, inv.At)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: bot.Post{Text: FormatPilotComparison(cmp, b.loc)}, Private: true}, nil
}

// FormatPilotComparison renders the comparison for chat.
func FormatPilotComparison(c PilotComparison, loc *time.Location) string {
	line := func(name string, f PeriodFigures) string {
		return fmt.Sprintf("• %s (%s – %s, %.1f weeks): %s, %s (%.1f a week), %s",
			name, f.From.In(loc).Format("Jan 2"), f.To.Add(-time.Second).In(loc).Format("Jan 2"), f.Weeks, bot.Plural(f.ActiveMembers, "active member"),
			bot.Plural(f.Posts, "post"), f.PostsPerWeek, bot.Plural(f.CheckinAnswers, "check-in answer"))
	}
	return "**Pilot and launch**\n" + line("Pilot", c.Pilot) + "\n" + line("Since launch", c.SinceLaunch)
}
