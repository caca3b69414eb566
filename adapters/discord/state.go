package discord

import (
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// discordEpoch is the first second of 2015 in Unix milliseconds: Discord
// ids (snowflakes) count from it.
const discordEpoch = 1420070400000

// snowflakeTime returns the time a Discord id was created, or zero if id is
// not a snowflake.
func snowflakeTime(id string) time.Time {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(n>>22) + discordEpoch).UTC()
}

func communityID(guildID string) string { return bot.CommunityID(bot.Discord, guildID) }

// chanInfo is what the adapter knows of a channel or thread.
type chanInfo struct {
	ID, Name, ParentID, GuildID string
	Type                        discordgo.ChannelType
	Known                       bool // false when Discord would not say
}

func (c chanInfo) isThread() bool {
	switch c.Type {
	case discordgo.ChannelTypeGuildNewsThread, discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildPrivateThread:
		return true
	}
	return false
}

func (c chanInfo) isForum() bool {
	return c.Type == discordgo.ChannelTypeGuildForum || c.Type == discordgo.ChannelTypeGuildMedia
}

// listed reports whether the channel belongs in the core's directory:
// channels people post in, not categories, voice channels or threads.
func (c chanInfo) listed() bool {
	switch c.Type {
	case discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia:
		return true
	}
	return false
}

type guildInfo struct {
	ID, Name, OwnerID string
	roles             map[string]int64 // role id -> permissions
}

// adminPermissions make a member a facilitator: Administrator or Manage Server.
const adminPermissions = discordgo.PermissionAdministrator | discordgo.PermissionManageGuild

// state is the little the adapter remembers between events. It is safe for
// concurrent use; the maps that could grow without bound are bounded.
type state struct {
	mu          sync.Mutex
	channels    map[string]chanInfo
	guilds      map[string]*guildInfo
	guildOrder  []string
	joined      map[string]time.Time // guild + "/" + user -> joined_at
	names       map[string]string    // user -> display name
	dms         map[string]string    // user -> DM channel id
	unreachable map[string]time.Time // user -> don't DM before
	msgs        map[string]bot.Event // message id -> the event recorded for it
	msgOrder    []string
	msgLimit    int
}

func newState() *state {
	return &state{
		channels:    map[string]chanInfo{},
		guilds:      map[string]*guildInfo{},
		joined:      map[string]time.Time{},
		names:       map[string]string{},
		dms:         map[string]string{},
		unreachable: map[string]time.Time{},
		msgs:        map[string]bot.Event{},
		msgLimit:    100000,
	}
}

func infoOf(c *discordgo.Channel, guildID string) chanInfo {
	if c.GuildID != "" {
		guildID = c.GuildID
	}
	return chanInfo{ID: c.ID, Name: c.Name, ParentID: c.ParentID, GuildID: guildID, Type: c.Type, Known: true}
}

func (s *state) channel(id string) (chanInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	return c, ok
}

func (s *state) putChannel(c chanInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[c.ID] = c
}

// putGuild records a guild's name, owner, roles, channels and threads.
func (s *state) putGuild(g *discordgo.Guild) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gi := s.guilds[g.ID]
	if gi == nil {
		gi = &guildInfo{ID: g.ID, roles: map[string]int64{}}
		s.guilds[g.ID] = gi
		s.guildOrder = append(s.guildOrder, g.ID)
	}
	if g.Name != "" {
		gi.Name = g.Name
	}
	if g.OwnerID != "" {
		gi.OwnerID = g.OwnerID
	}
	if g.Roles != nil {
		gi.roles = map[string]int64{}
		for _, r := range g.Roles {
			gi.roles[r.ID] = r.Permissions
		}
	}
	for _, c := range g.Channels {
		s.channels[c.ID] = infoOf(c, g.ID)
	}
	for _, c := range g.Threads {
		s.channels[c.ID] = infoOf(c, g.ID)
	}
}

func (s *state) putRole(guildID string, r *discordgo.Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gi := s.guilds[guildID]; gi != nil && r != nil {
		gi.roles[r.ID] = r.Permissions
	}
}

func (s *state) deleteRole(guildID, roleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gi := s.guilds[guildID]; gi != nil {
		delete(gi.roles, roleID)
	}
}

func (s *state) guild(id string) (guildInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gi := s.guilds[id]; gi != nil {
		return *gi, true
	}
	return guildInfo{}, false
}

// firstGuild is the first guild the bot was told about.
func (s *state) firstGuild() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.guildOrder) == 0 {
		return ""
	}
	return s.guildOrder[0]
}

func (s *state) noteGuildID(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.guilds[id] == nil {
		s.guilds[id] = &guildInfo{ID: id, roles: map[string]int64{}}
		s.guildOrder = append(s.guildOrder, id)
	}
}

// isAdmin reports whether a member with these roles owns the guild or has
// Administrator or Manage Server through @everyone or a role.
func (s *state) isAdmin(guildID, userID string, roles []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	gi := s.guilds[guildID]
	if gi == nil {
		return false
	}
	if gi.OwnerID != "" && gi.OwnerID == userID {
		return true
	}
	perms := gi.roles[guildID] // @everyone has the guild's id
	for _, r := range roles {
		perms |= gi.roles[r]
	}
	return perms&adminPermissions != 0
}

func (s *state) setJoined(guildID, userID string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.joined[guildID+"/"+userID] = at
}

func (s *state) joinedAt(guildID, userID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.joined[guildID+"/"+userID]
	return t, ok
}

func (s *state) forgetJoined(guildID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.joined, guildID+"/"+userID)
}

func (s *state) setName(userID, name string) {
	if name == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[userID] = name
}

func (s *state) name(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.names[userID]
}

// remember keeps the event recorded for a message, so that deleting it can
// be retracted and replies to replies point at the top-level message.
func (s *state) remember(e bot.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.msgs[e.Message]; !ok {
		s.msgOrder = append(s.msgOrder, e.Message)
	}
	s.msgs[e.Message] = e
	if len(s.msgOrder) > s.msgLimit {
		delete(s.msgs, s.msgOrder[0])
		s.msgOrder = s.msgOrder[1:]
	}
}

func (s *state) recall(messageID string) (bot.Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.msgs[messageID]
	return e, ok
}

func (s *state) dmChannel(userID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.dms[userID]
	return c, ok
}

func (s *state) setDMChannel(userID, channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dms[userID] = channelID
}

func (s *state) markUnreachable(userID string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unreachable[userID] = until
}

func (s *state) isUnreachable(userID string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	until, ok := s.unreachable[userID]
	if ok && !now.Before(until) {
		delete(s.unreachable, userID)
		return false
	}
	return ok
}

// displayName is what Hearth calls a member: the guild nickname, the
// global display name, or the username.
func displayName(m *discordgo.Member, u *discordgo.User) string {
	if m != nil && m.Nick != "" {
		return m.Nick
	}
	if u == nil && m != nil {
		u = m.User
	}
	if u == nil {
		return ""
	}
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}
