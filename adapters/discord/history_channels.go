package discord

// Which channels history can be read from: those the bot may see and read.

import (
	"context"
	"fmt"
	"slices"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// HistoryChannels lists the guild's text, news, forum and media channels
// where the bot has View Channel and Read Message History, by id. The
// others are logged, by name, as left out.
func (a *Adapter) HistoryChannels(ctx context.Context, community string) ([]bot.Channel, error) {
	g, err := guildOf(community)
	if err != nil {
		return nil, err
	}
	var guild discordgo.Guild
	if err := a.historyGet(ctx, discordgo.EndpointGuild(g), discordgo.EndpointGuild(g), &guild); err != nil {
		return nil, fmt.Errorf("discord: reading the server's roles: %w", err)
	}
	var me discordgo.User
	if err := a.historyGet(ctx, discordgo.EndpointUser("@me"), discordgo.EndpointUser("@me"), &me); err != nil {
		return nil, fmt.Errorf("discord: reading the bot's own user: %w", err)
	}
	var member discordgo.Member
	if err := a.historyGet(ctx, discordgo.EndpointGuildMember(g, me.ID), discordgo.EndpointGuildMember(g, ""), &member); err != nil {
		return nil, fmt.Errorf("discord: reading the bot's roles: %w", err)
	}
	var chans []*discordgo.Channel
	if err := a.historyGet(ctx, discordgo.EndpointGuildChannels(g), discordgo.EndpointGuildChannels(g), &chans); err != nil {
		return nil, fmt.Errorf("discord: listing the server's channels: %w", err)
	}
	var out []bot.Channel
	slices.SortFunc(chans, func(x, y *discordgo.Channel) int { return idCmp(x.ID, y.ID) })
	for _, c := range chans {
		ci := infoOf(c, g)
		a.state.putChannel(ci)
		if !ci.listed() {
			continue
		}
		if channelPermissions(&guild, c, me.ID, member.Roles)&historyNeeds != historyNeeds {
			a.log.InfoContext(ctx, "no history from a channel Hearth can't read: it lacks View Channel or Read Message History there",
				"channel", c.ID, "name", bot.ForTerminal(c.Name))
			continue
		}
		out = append(out, bot.Channel{ID: c.ID, Name: c.Name})
	}
	return out, nil
}

// channelPermissions are a member's permissions in channel c, by
// Discord's rules: the owner has all; @everyone's and the roles'
// permissions; Administrator has all; then the channel's overwrites, for
// @everyone, the roles together, and the member, each over the last.
func channelPermissions(g *discordgo.Guild, c *discordgo.Channel, userID string, roles []string) int64 {
	if g.OwnerID != "" && userID == g.OwnerID {
		return discordgo.PermissionAll
	}
	var perms int64
	for _, r := range g.Roles {
		if r.ID == g.ID || slices.Contains(roles, r.ID) {
			perms |= r.Permissions
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return discordgo.PermissionAll
	}
	for _, o := range c.PermissionOverwrites {
		if o.ID == g.ID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	var deny, allow int64
	for _, o := range c.PermissionOverwrites {
		if o.Type == discordgo.PermissionOverwriteTypeRole && o.ID != g.ID && slices.Contains(roles, o.ID) {
			deny |= o.Deny
			allow |= o.Allow
		}
	}
	perms = perms&^deny | allow
	for _, o := range c.PermissionOverwrites {
		if o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == userID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	return perms
}
