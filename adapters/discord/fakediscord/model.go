package fakediscord

import (
	"strconv"
	"sync/atomic"
	"time"
)

// Channel types, as Discord numbers them.
const (
	ChannelText          = 0
	ChannelDM            = 1
	ChannelCategory      = 4
	ChannelNews          = 5
	ChannelNewsThread    = 10
	ChannelPublicThread  = 11
	ChannelPrivateThread = 12
	ChannelForum         = 15
)

// Message types the fake sends.
const (
	MessageDefault    = 0
	MessageMemberJoin = 7
	MessageReply      = 19
)

// Component types the fake checks.
const (
	ComponentActionRow = 1
	ComponentButton    = 2
	ComponentTextInput = 4
)

// Permission bits the fake's roles use.
const (
	PermAdministrator = 1 << 3
	PermManageGuild   = 1 << 5
	PermViewChannel   = 1 << 10
	PermSendMessages  = 1 << 11
	PermReadHistory   = 1 << 16
)

// DefaultBotPermissions are the permissions of the role Discord makes for
// the bot when it is invited (Options.BotPermissions).
const DefaultBotPermissions = PermViewChannel | PermSendMessages | PermReadHistory

// Guild is a guild (a Discord server).
type Guild struct {
	ID, Name, OwnerID string
	Channels          []Channel
	Threads           []Channel // active threads, sent in GUILD_CREATE
	Roles             []Role    // include @everyone (id = guild id)
	Members           []Member  // served by member chunks and the REST list
	// BotRoles are the bot's roles; nil: the role Discord makes when the
	// bot is invited, named after it, with Options.BotPermissions.
	BotRoles []string
}

// botRoleID is the id of the role the fake gives the bot in guild g.
func botRoleID(g *Guild) string { return g.ID + "0009" }

// Overwrite is a channel's permission overwrite for a role (Type 0) or a
// member (Type 1).
type Overwrite struct {
	ID          string
	Type        int
	Allow, Deny int64
}

// Channel is a channel or a thread.
type Channel struct {
	ID, Name string
	Type     int
	ParentID string // a thread's channel; a channel's category
	// Overwrites are the channel's permission overwrites.
	Overwrites []Overwrite
}

// Role is a guild role.
type Role struct {
	ID, Name    string
	Permissions int64
}

// Member is a guild member.
type Member struct {
	User     User
	Nick     string
	Roles    []string
	JoinedAt time.Time
}

// User is a Discord user.
type User struct {
	ID, Username, GlobalName string
	Bot                      bool
}

// discordEpoch is the first second of 2015, in milliseconds since 1970.
const discordEpoch = 1420070400000

var increment atomic.Int64

// Snowflake returns a new id whose timestamp is t, as Discord builds ids.
func Snowflake(t time.Time) string {
	ms := t.UnixMilli() - discordEpoch
	if ms < 0 {
		ms = 0
	}
	id := ms<<22 | (1 << 17) | (increment.Add(1) & 0xfff)
	return strconv.FormatInt(id, 10)
}

// SnowflakeTime returns the time inside a Discord id.
func SnowflakeTime(id string) time.Time {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(n>>22 + discordEpoch).UTC()
}

// NewID returns a new id stamped with the fake's clock.
func (s *Server) NewID() string { return Snowflake(s.opts.Now()) }

func userJSON(u User) map[string]any {
	m := map[string]any{
		"id":            u.ID,
		"username":      u.Username,
		"discriminator": "0",
		"avatar":        nil,
	}
	if u.GlobalName != "" {
		m["global_name"] = u.GlobalName
	} else {
		m["global_name"] = nil
	}
	if u.Bot {
		m["bot"] = true
	}
	return m
}

func memberJSON(m Member, guildID string, withUser bool) map[string]any {
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	out := map[string]any{
		"roles":     roles,
		"joined_at": m.JoinedAt.UTC().Format(time.RFC3339Nano),
		"deaf":      false,
		"mute":      false,
		"flags":     0,
	}
	if m.Nick != "" {
		out["nick"] = m.Nick
	} else {
		out["nick"] = nil
	}
	if withUser {
		out["user"] = userJSON(m.User)
	}
	if guildID != "" {
		out["guild_id"] = guildID
	}
	return out
}

func channelJSON(c Channel, guildID string) map[string]any {
	out := map[string]any{
		"id":   c.ID,
		"type": c.Type,
		"name": c.Name,
	}
	if guildID != "" {
		out["guild_id"] = guildID
	}
	if c.ParentID != "" {
		out["parent_id"] = c.ParentID
	} else {
		out["parent_id"] = nil
	}
	overwrites := []any{}
	for _, o := range c.Overwrites {
		overwrites = append(overwrites, map[string]any{"id": o.ID, "type": o.Type,
			"allow": strconv.FormatInt(o.Allow, 10), "deny": strconv.FormatInt(o.Deny, 10)})
	}
	out["permission_overwrites"] = overwrites
	if isThread(c.Type) {
		out["thread_metadata"] = map[string]any{"archived": false, "auto_archive_duration": 1440, "locked": false}
	}
	return out
}

func roleJSON(r Role) map[string]any {
	return map[string]any{
		"id":          r.ID,
		"name":        r.Name,
		"permissions": strconv.FormatInt(r.Permissions, 10),
		"position":    0,
		"color":       0,
		"hoist":       false,
		"managed":     false,
		"mentionable": false,
	}
}

// guildJSON renders GUILD_CREATE's payload. Like Discord without the
// presence intent, it carries only the bot's own member: the member list
// comes from chunks or the REST list.
func (s *Server) guildJSON(g *Guild) map[string]any {
	channels := []any{}
	for _, c := range g.Channels {
		channels = append(channels, channelJSON(c, ""))
	}
	threads := []any{}
	for _, c := range g.Threads {
		threads = append(threads, channelJSON(c, g.ID))
	}
	roles := s.rolesJSON(g)
	bot := s.botMember(g)
	return map[string]any{
		"id":           g.ID,
		"name":         g.Name,
		"owner_id":     g.OwnerID,
		"unavailable":  false,
		"large":        false,
		"member_count": len(g.Members) + 1,
		"joined_at":    s.opts.Now().UTC().Format(time.RFC3339Nano),
		"channels":     channels,
		"threads":      threads,
		"roles":        roles,
		"members":      []any{memberJSON(bot, "", true)},
		"voice_states": []any{},
		"presences":    []any{},
	}
}

// rolesJSON renders a guild's roles, with the bot's own role when it has
// no other (Guild.BotRoles).
func (s *Server) rolesJSON(g *Guild) []any {
	roles := []any{}
	for _, r := range g.Roles {
		roles = append(roles, roleJSON(r))
	}
	if g.BotRoles == nil {
		roles = append(roles, roleJSON(Role{ID: botRoleID(g), Name: s.opts.BotName, Permissions: s.opts.BotPermissions}))
	}
	return roles
}

// botMember is the bot's membership of guild g.
func (s *Server) botMember(g *Guild) Member {
	roles := g.BotRoles
	if roles == nil {
		roles = []string{botRoleID(g)}
	}
	return Member{User: User{ID: s.opts.BotID, Username: s.opts.BotName, Bot: true}, Roles: roles, JoinedAt: s.opts.Now()}
}
