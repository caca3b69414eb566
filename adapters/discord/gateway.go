package discord

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// item is one gateway dispatch waiting to be applied.
type item struct {
	typ     string
	seq     int64
	session string
	v       any
}

// eventQueue is an unbounded FIFO between discordgo's gateway goroutine,
// which must never block (it holds the session lock while it opens), and
// the one goroutine that applies events, in the order Discord sent them.
type eventQueue struct {
	mu     sync.Mutex
	items  []item
	closed bool
	signal chan struct{}
}

func newEventQueue() *eventQueue { return &eventQueue{signal: make(chan struct{}, 1)} }

func (q *eventQueue) push(it item) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, it)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// pop returns the next item, waiting for one; false once the queue is
// closed and drained.
func (q *eventQueue) pop() (item, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			it := q.items[0]
			q.items[0] = item{}
			q.items = q.items[1:]
			q.mu.Unlock()
			return it, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return item{}, false
		}
		<-q.signal
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// queued are the dispatches the adapter applies.
var queued = map[string]bool{
	"GUILD_CREATE": true, "GUILD_UPDATE": true,
	"GUILD_ROLE_CREATE": true, "GUILD_ROLE_UPDATE": true, "GUILD_ROLE_DELETE": true,
	"CHANNEL_CREATE": true, "CHANNEL_UPDATE": true,
	"THREAD_CREATE": true, "THREAD_UPDATE": true, "THREAD_LIST_SYNC": true,
	"MESSAGE_CREATE": true, "MESSAGE_DELETE": true, "MESSAGE_DELETE_BULK": true,
	"MESSAGE_REACTION_ADD": true, "MESSAGE_REACTION_REMOVE": true,
	"GUILD_MEMBER_ADD": true, "GUILD_MEMBER_UPDATE": true, "GUILD_MEMBER_REMOVE": true,
	"GUILD_MEMBERS_CHUNK": true,
	"RESUMED":             true, // re-asks for member lists lost with the old connection
}

// onGatewayEvent runs on discordgo's gateway goroutine of shard sh for
// every dispatch, in order (SyncEvents). It only notes the session and
// hands events over: applying them can take REST calls and database writes.
func (a *Adapter) onGatewayEvent(sh *shard, e *discordgo.Event) {
	switch e.Type {
	case "READY":
		if r, ok := e.Struct.(*discordgo.Ready); ok {
			sid := r.SessionID
			sh.sessionID.Store(&sid)
			if r.Application != nil && r.Application.ID != "" {
				id := r.Application.ID
				a.appID.Store(&id)
			}
			for _, g := range r.Guilds {
				a.state.noteGuildID(g.ID)
			}
			sh.connected.Store(true)
			a.log.Info("connected to Discord", "shard", sh.name(), "guilds", len(r.Guilds))
			if len(r.Guilds) == 0 && r.Application != nil {
				a.log.Warn("the bot is in no server yet; invite it with this link", "invite_url", InviteURL(r.Application.ID))
			}
		}
	case "RESUMED":
		sh.connected.Store(true)
		a.log.Info("gateway session resumed", "shard", sh.name(), "seq", e.Sequence)
	case "INTERACTION_CREATE":
		if ic, ok := e.Struct.(*discordgo.InteractionCreate); ok && ic.Interaction != nil {
			raw := append(json.RawMessage(nil), e.RawData...)
			a.startInteraction(ic.Interaction, raw, &gatewayResponder{a: a, i: ic.Interaction})
		}
		return
	}
	if !queued[e.Type] || e.Struct == nil {
		return
	}
	sid := ""
	if p := sh.sessionID.Load(); p != nil {
		sid = *p
	}
	a.queue.push(item{typ: e.Type, seq: e.Sequence, session: sid, v: e.Struct})
}

// dispatchLoop applies queued events one at a time until the queue is
// closed, then applies what is left with a short grace period.
func (a *Adapter) dispatchLoop(ctx context.Context) {
	for {
		it, ok := a.queue.pop()
		if !ok {
			return
		}
		c := ctx
		var cancel context.CancelFunc = func() {}
		if ctx.Err() != nil { // draining after shutdown
			c, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		}
		a.apply(c, it)
		cancel()
	}
}

func (a *Adapter) apply(ctx context.Context, it item) {
	defer a.recoverPanic("applying " + it.typ)
	switch v := it.v.(type) {
	case *discordgo.GuildCreate:
		if v.Guild != nil {
			a.onGuild(ctx, v.Guild, true)
		}
	case *discordgo.Resumed:
		a.resyncPendingMembers(ctx)
	case *discordgo.GuildUpdate:
		if v.Guild != nil {
			a.onGuild(ctx, v.Guild, false)
		}
	case *discordgo.GuildRoleCreate:
		if v.GuildRole != nil {
			a.state.putRole(v.GuildID, v.Role)
		}
	case *discordgo.GuildRoleUpdate:
		if v.GuildRole != nil {
			a.state.putRole(v.GuildID, v.Role)
		}
	case *discordgo.GuildRoleDelete:
		a.state.deleteRole(v.GuildID, v.RoleID)
	case *discordgo.ChannelCreate:
		a.onChannel(ctx, v.Channel)
	case *discordgo.ChannelUpdate:
		a.onChannel(ctx, v.Channel)
	case *discordgo.ThreadCreate:
		a.onChannel(ctx, v.Channel)
	case *discordgo.ThreadUpdate:
		a.onChannel(ctx, v.Channel)
	case *discordgo.ThreadListSync:
		for _, c := range v.Threads {
			a.state.putChannel(infoOf(c, v.GuildID))
		}
	case *discordgo.MessageCreate:
		if v.Message != nil {
			a.onMessage(ctx, v.Message)
		}
	case *discordgo.MessageDelete:
		if v.Message != nil && v.GuildID != "" {
			a.onMessageDelete(ctx, v.GuildID, v.ID)
		}
	case *discordgo.MessageDeleteBulk:
		for _, id := range v.Messages {
			if v.GuildID != "" {
				a.onMessageDelete(ctx, v.GuildID, id)
			}
		}
	case *discordgo.MessageReactionAdd:
		if v.MessageReaction != nil {
			a.onReaction(ctx, v.MessageReaction, v.Member, false)
		}
	case *discordgo.MessageReactionRemove:
		if v.MessageReaction != nil {
			a.onReaction(ctx, v.MessageReaction, nil, true)
		}
	case *discordgo.GuildMemberAdd:
		if v.Member != nil && v.User != nil {
			a.onMemberAdd(ctx, v.Member)
		}
	case *discordgo.GuildMemberUpdate:
		if v.Member != nil && v.User != nil {
			a.directory(ctx, bot.Directory{Community: a.community(v.GuildID), Members: []bot.Member{a.member(v.GuildID, v.Member)}})
		}
	case *discordgo.GuildMemberRemove:
		if v.Member != nil && v.User != nil {
			a.onMemberRemove(ctx, v.Member, it)
		}
	case *discordgo.GuildMembersChunk:
		a.onMembersChunk(ctx, v)
	}
}

// recoverPanic keeps a bug in handling one event or interaction from
// stopping the bot; it is logged for the operator.
func (a *Adapter) recoverPanic(what string) {
	if r := recover(); r != nil {
		a.log.Error("panic in the Discord adapter", "while", what, "panic", r, "stack", string(debug.Stack()))
	}
}

func (a *Adapter) community(guildID string) bot.Community {
	c := bot.Community{ID: communityID(guildID), Platform: bot.Discord}
	if g, ok := a.state.guild(guildID); ok {
		c.Name = g.Name
	}
	return c
}

// emit hands one event to the core.
func (a *Adapter) emit(ctx context.Context, e bot.Event) {
	if err := a.h.HandleEvent(ctx, e); err != nil {
		a.log.ErrorContext(ctx, "recording an event failed", "err", err, "kind", e.Kind, "key", e.Key, "community", e.Community)
	}
}

func (a *Adapter) directory(ctx context.Context, d bot.Directory) {
	if d.At.IsZero() {
		d.At = a.clock.Now()
	}
	if err := a.h.HandleDirectory(ctx, d); err != nil {
		a.log.ErrorContext(ctx, "saving the directory failed", "err", err, "community", d.Community.ID, "members", len(d.Members), "channels", len(d.Channels))
	}
}

func (a *Adapter) onGuild(ctx context.Context, g *discordgo.Guild, created bool) {
	if g.Unavailable {
		return
	}
	a.state.putGuild(g)
	d := bot.Directory{Community: a.community(g.ID)}
	for _, c := range g.Channels {
		if ci := infoOf(c, g.ID); ci.listed() {
			d.Channels = append(d.Channels, bot.Channel{ID: c.ID, Name: c.Name})
		}
	}
	a.directory(ctx, d)
	if created {
		a.log.InfoContext(ctx, "guild available", "community", d.Community.ID, "channels", len(d.Channels))
		if a.cfg.MembersIntent {
			a.syncMembers(ctx, g.ID)
		}
	}
}

func (a *Adapter) onChannel(ctx context.Context, c *discordgo.Channel) {
	if c == nil || c.ID == "" {
		return
	}
	ci := infoOf(c, "")
	a.state.putChannel(ci)
	if ci.listed() && ci.GuildID != "" {
		a.directory(ctx, bot.Directory{Community: a.community(ci.GuildID), Channels: []bot.Channel{{ID: c.ID, Name: c.Name}}})
	}
}

// channel returns what is known of a channel, asking Discord once when it
// is unknown (a thread created before the bot started, say).
func (a *Adapter) channel(ctx context.Context, id string) chanInfo {
	if ci, ok := a.state.channel(id); ok {
		return ci
	}
	c, err := a.s.Channel(id, discordgo.WithContext(ctx))
	if err != nil {
		a.log.WarnContext(ctx, "fetching a channel failed; counting it as a channel of its own", "channel", id, "err", err)
		ci := chanInfo{ID: id}
		a.state.putChannel(ci)
		return ci
	}
	ci := infoOf(c, "")
	a.state.putChannel(ci)
	return ci
}

// place maps a channel id to where its activity counts: a thread's activity
// counts in its parent channel.
func (a *Adapter) place(ctx context.Context, channelID string) (ch, parent chanInfo) {
	ch = a.channel(ctx, channelID)
	if ch.isThread() && ch.ParentID != "" {
		return ch, a.channel(ctx, ch.ParentID)
	}
	return ch, chanInfo{}
}

// counted says which message types are participation: ordinary messages
// and inline replies, not system messages (joins, pins, thread notices).
func counted(t discordgo.MessageType) bool {
	return t == discordgo.MessageTypeDefault || t == discordgo.MessageTypeReply
}

func (a *Adapter) onMessage(ctx context.Context, m *discordgo.Message) {
	if m.Author == nil || m.ID == "" || !counted(m.Type) {
		return
	}
	if m.GuildID == "" { // a DM to Hearth
		g := a.dmGuild()
		if g == "" {
			a.log.WarnContext(ctx, "DM received before any guild is known; dropped", "member", m.Author.ID)
			return
		}
		e := a.dated(baseMessageEvent(m))
		e.Community, e.DM = communityID(g), true
		a.emit(ctx, e)
		return
	}
	ch, parent := a.place(ctx, m.ChannelID)
	e := a.dated(messageEvent(m, m.GuildID, ch, parent, a.topLevel))
	if !e.IsBot {
		a.state.setName(m.Author.ID, e.MemberName)
	}
	a.state.remember(e)
	a.emit(ctx, e)
}

// dated gives an event without a time of its own the clock's.
func (a *Adapter) dated(e bot.Event) bot.Event {
	if e.At.IsZero() {
		e.At = a.clock.Now()
	}
	return e
}

// baseMessageEvent is what a counted message records wherever it is.
func baseMessageEvent(m *discordgo.Message) bot.Event {
	return bot.Event{
		Kind:       bot.KindMessage,
		Member:     m.Author.ID,
		MemberName: displayName(m.Member, m.Author),
		IsBot:      m.Author.Bot || m.WebhookID != "",
		At:         snowflakeTime(m.ID),
		Key:        "msg:" + m.ID,
		Message:    m.ID,
	}
}

// messageEvent maps a counted guild message in channel ch (whose parent is
// parent when ch is a thread) to its event. Live events and history both
// record through it, so that the same message has the same key, kind and
// parent either way. topLevel maps an inline reply's target to the message
// its chain starts from.
func messageEvent(m *discordgo.Message, guildID string, ch, parent chanInfo, topLevel func(string) string) bot.Event {
	e := baseMessageEvent(m)
	e.Community = communityID(guildID)
	switch {
	case ch.isThread() && ch.ParentID != "":
		e.Channel, e.ChannelName = ch.ParentID, parent.Name
		if parent.isForum() && m.ID == ch.ID {
			break // a forum post: its thread has its starter message's id
		}
		e.Kind, e.Parent = bot.KindReply, ch.ID // a thread started from a message has that message's id
	default:
		e.Channel, e.ChannelName = m.ChannelID, ch.Name
		if ref := inlineReplyTo(m); ref != "" {
			e.Kind, e.Parent = bot.KindReply, topLevel(ref)
		}
	}
	return e
}

// inlineReplyTo is the message m answers inline in its own channel, or "".
func inlineReplyTo(m *discordgo.Message) string {
	if ref := m.MessageReference; ref != nil && ref.MessageID != "" && m.Type == discordgo.MessageTypeReply &&
		ref.Type == discordgo.MessageReferenceTypeDefault && (ref.ChannelID == "" || ref.ChannelID == m.ChannelID) {
		return ref.MessageID
	}
	return ""
}

// topLevel returns the message a reply chain starts from, as far as the
// adapter remembers.
func (a *Adapter) topLevel(id string) string {
	if e, ok := a.state.recall(id); ok && e.Kind == bot.KindReply && e.Parent != "" {
		return e.Parent
	}
	return id
}

func (a *Adapter) dmGuild() string {
	if a.cfg.GuildID != "" {
		return a.cfg.GuildID
	}
	return a.state.firstGuild()
}

// onMessageDelete retracts the event recorded for a message. Discord says
// only which message went; the key alone names it, so a message recorded
// before a restart is retracted too.
func (a *Adapter) onMessageDelete(ctx context.Context, guildID, id string) {
	e, ok := a.state.recall(id)
	if !ok {
		e = bot.Event{Kind: bot.KindMessage, Community: communityID(guildID), Key: "msg:" + id, Message: id}
	}
	e.Retract = true
	e.At = a.clock.Now()
	a.emit(ctx, e)
}

func (a *Adapter) onReaction(ctx context.Context, r *discordgo.MessageReaction, m *discordgo.Member, removed bool) {
	if r.GuildID == "" || r.UserID == "" || r.MessageID == "" {
		return // DM reactions are not participation (and not subscribed to)
	}
	emoji := r.Emoji.ID
	if emoji == "" {
		emoji = r.Emoji.Name
	}
	ch, parent := a.place(ctx, r.ChannelID)
	e := reactionEvent(r.GuildID, r.MessageID, r.UserID, emoji, ch, parent)
	e.At, e.Retract = a.clock.Now(), removed
	if m != nil {
		e.MemberName = displayName(m, m.User)
		e.IsBot = m.User != nil && m.User.Bot
	}
	a.emit(ctx, e)
}

// reactionEvent is the event of a reaction by user with emoji (a custom
// emoji's id, or the Unicode emoji) on message in channel ch, live or
// from history; the caller dates it.
func reactionEvent(guildID, message, user, emoji string, ch, parent chanInfo) bot.Event {
	e := bot.Event{
		Kind:      bot.KindReaction,
		Community: communityID(guildID),
		Member:    user,
		Key:       "react:" + message + ":" + user + ":" + emoji,
		Message:   message,
	}
	if ch.isThread() && ch.ParentID != "" {
		e.Channel, e.ChannelName = ch.ParentID, parent.Name
	} else {
		e.Channel, e.ChannelName = ch.ID, ch.Name
	}
	return e
}

// member converts a guild member for the directory.
func (a *Adapter) member(guildID string, m *discordgo.Member) bot.Member {
	bm := bot.Member{
		ID:       m.User.ID,
		Name:     displayName(m, m.User),
		IsBot:    m.User.Bot,
		Admin:    a.state.isAdmin(guildID, m.User.ID, m.Roles),
		JoinedAt: m.JoinedAt,
	}
	if !bm.IsBot {
		a.state.setName(bm.ID, bm.Name)
	}
	if !m.JoinedAt.IsZero() {
		a.state.setJoined(guildID, m.User.ID, m.JoinedAt)
	}
	return bm
}

func (a *Adapter) onMemberAdd(ctx context.Context, m *discordgo.Member) {
	bm := a.member(m.GuildID, m)
	at := m.JoinedAt
	if at.IsZero() {
		at = a.clock.Now()
	}
	a.emit(ctx, joinEvent(m.GuildID, bm, at))
	a.directory(ctx, bot.Directory{Community: a.community(m.GuildID), Members: []bot.Member{bm}})
}

// joinEvent is a member's join at at, live or from history: its key names
// the membership, so the two count once.
func joinEvent(guildID string, bm bot.Member, at time.Time) bot.Event {
	return bot.Event{
		Kind:       bot.KindJoin,
		Community:  communityID(guildID),
		Member:     bm.ID,
		MemberName: bm.Name,
		IsBot:      bm.IsBot,
		At:         at,
		Key:        fmt.Sprintf("join:%s:%s:%d", guildID, bm.ID, at.UnixMilli()),
	}
}

// onMemberRemove records a leave. Its key names the membership that ended
// (the join time, when known) so a replay counts once; otherwise the
// gateway session and sequence number, which a resume replays unchanged.
func (a *Adapter) onMemberRemove(ctx context.Context, m *discordgo.Member, it item) {
	gid, uid := m.GuildID, m.User.ID
	key := fmt.Sprintf("leave:%s:%s:%s:%d", gid, uid, it.session, it.seq)
	if joined, ok := a.state.joinedAt(gid, uid); ok {
		key = fmt.Sprintf("leave:%s:%s:%d", gid, uid, joined.UnixMilli())
	}
	now := a.clock.Now()
	name := displayName(nil, m.User)
	a.emit(ctx, bot.Event{Kind: bot.KindLeave, Community: communityID(gid), Member: uid, MemberName: name, IsBot: m.User.Bot, At: now, Key: key})
	a.directory(ctx, bot.Directory{Community: a.community(gid), Members: []bot.Member{{ID: uid, Name: name, IsBot: m.User.Bot, Left: true}}, At: now})
	a.state.forgetJoined(gid, uid)
}

// memberSync collects one guild's member chunks.
type memberSync struct {
	guild    string
	members  []bot.Member
	received int
}

// syncMembers asks the gateway for the guild's whole member list; the
// chunks arrive as GUILD_MEMBERS_CHUNK. If the request cannot be sent, the
// REST list is read instead.
func (a *Adapter) syncMembers(ctx context.Context, guildID string) {
	nonce := randomNonce()
	a.chunkMu.Lock()
	a.chunks[nonce] = &memberSync{guild: guildID}
	a.chunkMu.Unlock()
	if err := a.requestGuildMembers(guildID, nonce); err != nil {
		a.chunkMu.Lock()
		delete(a.chunks, nonce)
		a.chunkMu.Unlock()
		a.log.WarnContext(ctx, "requesting members over the gateway failed; reading the REST list", "err", err)
		a.syncMembersREST(ctx, guildID)
	}
}

// resyncPendingMembers asks again for the member lists requested before the
// connection dropped: a resumed session gets no new GUILD_CREATE, and the
// chunks of a request the old connection carried never arrive.
func (a *Adapter) resyncPendingMembers(ctx context.Context) {
	a.chunkMu.Lock()
	var guilds []string
	for nonce, ms := range a.chunks {
		guilds = append(guilds, ms.guild)
		delete(a.chunks, nonce)
	}
	a.chunkMu.Unlock()
	for _, g := range guilds {
		a.log.InfoContext(ctx, "asking again for the member list after a resume", "guild", g)
		a.syncMembers(ctx, g)
	}
}

func (a *Adapter) onMembersChunk(ctx context.Context, c *discordgo.GuildMembersChunk) {
	a.chunkMu.Lock()
	ms := a.chunks[c.Nonce]
	if ms == nil {
		a.chunkMu.Unlock()
		return
	}
	for _, m := range c.Members {
		if m != nil && m.User != nil {
			ms.members = append(ms.members, a.member(ms.guild, m))
		}
	}
	ms.received++
	done := ms.received >= c.ChunkCount
	if done {
		delete(a.chunks, c.Nonce)
	}
	a.chunkMu.Unlock()
	if done {
		a.log.InfoContext(ctx, "member list synced", "community", communityID(ms.guild), "members", len(ms.members))
		a.directory(ctx, bot.Directory{Community: a.community(ms.guild), Members: ms.members, Complete: true})
	}
}

// syncMembersREST reads the member list a thousand at a time.
func (a *Adapter) syncMembersREST(ctx context.Context, guildID string) {
	var all []bot.Member
	after := ""
	for {
		page, err := a.s.GuildMembers(guildID, after, 1000, discordgo.WithContext(ctx))
		if err != nil {
			a.log.ErrorContext(ctx, "reading the member list failed; members will be known from their activity", "err", err)
			return
		}
		for _, m := range page {
			if m != nil && m.User != nil {
				all = append(all, a.member(guildID, m))
				after = m.User.ID
			}
		}
		if len(page) < 1000 {
			break
		}
	}
	a.log.InfoContext(ctx, "member list synced", "community", communityID(guildID), "members", len(all))
	a.directory(ctx, bot.Directory{Community: a.community(guildID), Members: all, Complete: true})
}

func randomNonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
