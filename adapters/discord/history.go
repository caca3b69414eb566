package discord

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// History: a guild's past activity read over REST, as the same events the
// gateway delivers live (messageEvent, reactionEvent and joinEvent are
// shared with gateway.go), so history and live events that overlap count
// once and a deleted message is simply absent.
//
// A channel is read newest first, 100 messages a page (before=), down to
// the query's Since; then its threads (active, archived public and
// private; a forum channel's posts are its threads) in ascending id order,
// each newest first too. Reactions are read with their message: Discord
// gives no reaction time, so a reaction counts at its message's time.

var (
	_ bot.HistoryReader      = (*Adapter)(nil)
	_ bot.HistoryJoinsReader = (*Adapter)(nil)
)

// ReactionCap is the most reactions with one emoji on one message whose
// members history reads (one request of 100 users). Above it the reactors
// would take a request per hundred and matter little to participation, so
// those reactions are skipped and counted (Stats.HistoryReactionsSkipped,
// and a log line per channel).
const ReactionCap = 100

// historyPage is how many messages one request reads: Discord's maximum.
const historyPage = 100

func idLess(a, b string) bool { return idCmp(a, b) < 0 }

func idCmp(a, b string) int {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return cmp.Compare(x, y)
}

// historyNeeds are the permissions reading a channel's history takes.
const historyNeeds = discordgo.PermissionViewChannel | discordgo.PermissionReadMessageHistory

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

// historyCursor is where a channel's read stands. Its string forms:
//
//	""            the beginning (the channel's newest message)
//	"m:<id>"      the channel's own messages, older than <id>
//	"a:<id>"      the channel's messages and its threads up to id <id> are read
//	"t:<id>:<b>"  inside thread <id>, older than message <b>
//
// Threads are read in ascending id order and listed again on resume, so a
// thread created or archived meanwhile is neither missed nor read twice.
type historyCursor struct {
	phase  byte // 'm', 'a' or 't'
	thread string
	before string
}

func (c historyCursor) String() string {
	switch c.phase {
	case 'a':
		return "a:" + c.thread
	case 't':
		return "t:" + c.thread + ":" + c.before
	}
	return "m:" + c.before
}

func parseCursor(s string) (historyCursor, error) {
	if s == "" {
		return historyCursor{phase: 'm'}, nil
	}
	phase, rest, ok := strings.Cut(s, ":")
	if ok && len(phase) == 1 {
		switch phase[0] {
		case 'm':
			return historyCursor{phase: 'm', before: rest}, nil
		case 'a':
			return historyCursor{phase: 'a', thread: rest}, nil
		case 't':
			if th, b, ok := strings.Cut(rest, ":"); ok && th != "" {
				return historyCursor{phase: 't', thread: th, before: b}, nil
			}
		}
	}
	return historyCursor{}, fmt.Errorf("discord: %q is not a history cursor of this adapter", s)
}

// historyRead is one ReadHistory call.
type historyRead struct {
	a       *Adapter
	guild   string
	ch      chanInfo // the channel read
	since   time.Time
	page    bot.HistoryPageFunc
	skipped int               // reactions over ReactionCap
	tops    map[string]string // reply -> the top of its chain, as climbed
}

// ReadHistory reads one channel's activity since q.Since, resuming after
// q.Cursor; see bot.HistoryReader. Requests are paced by discordgo's
// rate-limit buckets, and the waits Discord asks for (a bucket's
// X-RateLimit-Reset-After when it is spent, a 429's retry_after) go
// through Config.Sleep, so they follow the adapter's clock.
func (a *Adapter) ReadHistory(ctx context.Context, q bot.HistoryQuery, page bot.HistoryPageFunc) error {
	g, err := guildOf(q.Community)
	if err != nil {
		return err
	}
	cur, err := parseCursor(q.Cursor)
	if err != nil {
		return err
	}
	r := &historyRead{a: a, guild: g, ch: a.channel(ctx, q.Channel), since: q.Since, page: page, tops: map[string]string{}}
	if r.ch.GuildID != "" && r.ch.GuildID != g {
		return fmt.Errorf("discord: channel %s is not in %s", q.Channel, q.Community)
	}
	defer func() {
		if r.skipped > 0 {
			a.stats.historySkipped.Add(int64(r.skipped))
			a.log.InfoContext(ctx, "reactions past the cap were not imported: Discord would need a request per hundred members",
				"channel", q.Channel, "skipped", r.skipped, "cap", ReactionCap)
		}
	}()
	if cur.phase == 'm' {
		if !r.ch.isForum() { // a forum's posts are its threads
			err := r.messages(ctx, r.ch, chanInfo{}, cur.before, func(before string, last bool) string {
				if last {
					return historyCursor{phase: 'a', thread: "0"}.String()
				}
				return historyCursor{phase: 'm', before: before}.String()
			})
			if err != nil {
				return r.explain(err)
			}
		}
		cur = historyCursor{phase: 'a', thread: "0"}
	}
	threads, err := r.threads(ctx)
	if err != nil {
		return r.explain(err)
	}
	for _, th := range threads {
		before := ""
		switch {
		case cur.phase == 'a' && !idLess(cur.thread, th.ID):
			continue // read already
		case cur.phase == 't' && idLess(th.ID, cur.thread):
			continue
		case cur.phase == 't' && th.ID == cur.thread:
			before = cur.before
		}
		err := r.messages(ctx, th, r.ch, before, func(before string, last bool) string {
			if last {
				return historyCursor{phase: 'a', thread: th.ID}.String()
			}
			return historyCursor{phase: 't', thread: th.ID, before: before}.String()
		})
		if code := restCode(err); code == discordgo.ErrCodeMissingAccess || code == discordgo.ErrCodeMissingPermissions {
			// A private thread the bot was never added to: Discord keeps it from
			// the bot, as it keeps its live events.
			a.log.InfoContext(ctx, "a thread's history is not readable; skipped", "thread", th.ID, "channel", r.ch.ID)
			continue
		}
		if err != nil {
			return r.explain(err)
		}
	}
	return nil
}

// explain turns Discord's refusal to let the bot read a channel into an
// error for people.
func (r *historyRead) explain(err error) error {
	switch restCode(err) {
	case discordgo.ErrCodeMissingAccess, discordgo.ErrCodeMissingPermissions:
		return bot.Errorf(bot.EPlatform, "I can't read the history of <#%s>: give Hearth the View Channel and Read Message History permissions there.", r.ch.ID)
	}
	return err
}

// messages reads channel ch (a thread of parent, or parent zero) newest
// first from before ("" for the newest), calling page once per request
// with the cursor cursorFor gives for the oldest message read and whether
// it was the last page.
func (r *historyRead) messages(ctx context.Context, ch, parent chanInfo, before string, cursorFor func(before string, last bool) string) error {
	bucket := discordgo.EndpointChannelMessages(ch.ID)
	for {
		v := url.Values{"limit": {strconv.Itoa(historyPage)}}
		if before != "" {
			v.Set("before", before)
		}
		var msgs []*discordgo.Message
		if err := r.a.historyGet(ctx, bucket+"?"+v.Encode(), bucket, &msgs); err != nil {
			return err
		}
		last := len(msgs) < historyPage
		var events []bot.Event
		for _, m := range msgs {
			if snowflakeTime(m.ID).Before(r.since) {
				last = true
				break
			}
			before = m.ID
			evs, err := r.messageEvents(ctx, m, ch, parent)
			if err != nil {
				return err
			}
			events = append(events, evs...)
		}
		if err := r.page(ctx, events, cursorFor(before, last)); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

// messageEvents maps one message of channel ch to its event and its
// reactions' events, as the gateway would have delivered them.
func (r *historyRead) messageEvents(ctx context.Context, m *discordgo.Message, ch, parent chanInfo) ([]bot.Event, error) {
	if m.Author == nil || m.ID == "" || !counted(m.Type) {
		return nil, nil
	}
	e := messageEvent(m, r.guild, ch, parent, func(id string) string { return r.topLevel(ctx, m, id) })
	events := []bot.Event{e}
	for _, rc := range m.Reactions {
		if rc == nil || rc.Emoji == nil || rc.Count <= 0 {
			continue
		}
		if rc.Count > ReactionCap {
			r.skipped += rc.Count
			continue
		}
		uri := discordgo.EndpointMessageReactions(ch.ID, m.ID, url.PathEscape(rc.Emoji.APIName())) + "?limit=" + strconv.Itoa(ReactionCap)
		var users []*discordgo.User
		// Its own bucket name: discordgo paces anything ending in
		// "//reactions//" at one request per 200 ms of wall time, a rule
		// meant for adding reactions.
		if err := r.a.historyGet(ctx, uri, discordgo.EndpointChannelMessages(ch.ID)+"/reactions", &users); err != nil {
			if restCode(err) == discordgo.ErrCodeUnknownMessage || restCode(err) == discordgo.ErrCodeUnknownEmoji {
				continue // deleted meanwhile
			}
			return nil, err
		}
		emoji := rc.Emoji.ID
		if emoji == "" {
			emoji = rc.Emoji.Name
		}
		for _, u := range users {
			if u == nil || u.ID == "" {
				continue
			}
			re := reactionEvent(r.guild, m.ID, u.ID, emoji, ch, parent)
			re.At, re.MemberName, re.IsBot = e.At, displayName(nil, u), u.Bot
			events = append(events, re)
		}
	}
	return events, nil
}

// topLevel is the message an inline reply's chain starts from, as the
// gateway path reckons it (messageEvent): what the live events remember,
// else the chain climbed through Discord. The replied-to message comes
// with m (referenced_message, with its own reference), so a chain two
// deep costs nothing; a deeper one costs a request per two messages, once
// per read.
func (r *historyRead) topLevel(ctx context.Context, m *discordgo.Message, id string) string {
	if top := r.a.topLevel(id); top != id {
		return top
	}
	rm := m.ReferencedMessage
	if rm == nil || rm.ID != id {
		return id // the replied-to message is gone: live would not know better
	}
	up := inlineReplyTo(rm)
	if up == "" {
		return id
	}
	return r.climb(ctx, m.ChannelID, id, up)
}

// maxClimb bounds the messages one reply chain is climbed through.
const maxClimb = 50

// climb returns the top of a chain in channel ch where from replies to
// up, fetching the messages above as needed, and remembers the answer for
// every message it passed.
func (r *historyRead) climb(ctx context.Context, ch, from, up string) string {
	passed := []string{from}
	top := up
	for range maxClimb {
		if t, ok := r.tops[top]; ok {
			top = t
			break
		}
		if t := r.a.topLevel(top); t != top {
			top = t
			break
		}
		var msg discordgo.Message
		ep := discordgo.EndpointChannelMessage(ch, top)
		if err := r.a.historyGet(ctx, ep, discordgo.EndpointChannelMessages(ch)+"/one", &msg); err != nil {
			if restCode(err) != discordgo.ErrCodeUnknownMessage {
				r.a.log.WarnContext(ctx, "climbing a reply chain failed; counting the reply from where it stopped", "message", top, "err", err)
			}
			break
		}
		next := inlineReplyTo(&msg)
		if next == "" {
			break
		}
		passed = append(passed, top)
		if rm := msg.ReferencedMessage; rm != nil && rm.ID == next {
			if above := inlineReplyTo(rm); above != "" {
				passed = append(passed, next)
				top = above
				continue
			}
		}
		top = next
	}
	for _, id := range passed {
		r.tops[id] = top
	}
	return top
}

// threads lists the channel's threads the import reads: active ones and
// those archived since the query's Since, public and private, by id.
func (r *historyRead) threads(ctx context.Context) ([]chanInfo, error) {
	found := map[string]chanInfo{}
	add := func(c *discordgo.Channel) {
		if c == nil || c.ParentID != r.ch.ID {
			return
		}
		ci := infoOf(c, r.guild)
		r.a.state.putChannel(ci)
		found[c.ID] = ci
	}
	var active discordgo.ThreadsList
	ep := discordgo.EndpointGuildActiveThreads(r.guild)
	if err := r.a.historyGet(ctx, ep, ep, &active); err != nil {
		return nil, err
	}
	for _, c := range active.Threads {
		add(c)
	}
	for _, ep := range []string{discordgo.EndpointChannelPublicArchivedThreads(r.ch.ID), discordgo.EndpointChannelPrivateArchivedThreads(r.ch.ID)} {
		before := ""
		for {
			v := url.Values{"limit": {"100"}}
			if before != "" {
				v.Set("before", before)
			}
			var list discordgo.ThreadsList
			err := r.a.historyGet(ctx, ep+"?"+v.Encode(), ep, &list)
			if code := restCode(err); code == discordgo.ErrCodeMissingAccess || code == discordgo.ErrCodeMissingPermissions {
				// Private archived threads need Manage Threads, which Hearth
				// does not ask for.
				r.a.log.InfoContext(ctx, "archived threads not listable; skipped", "channel", r.ch.ID, "list", ep)
				break
			}
			if err != nil {
				return nil, err
			}
			more := list.HasMore && len(list.Threads) > 0
			for _, c := range list.Threads {
				if c.ThreadMetadata == nil {
					add(c)
					continue
				}
				at := c.ThreadMetadata.ArchiveTimestamp
				before = at.UTC().Format(time.RFC3339Nano)
				if at.Before(r.since) {
					more = false // archived before Since: nothing of it is wanted
					continue
				}
				add(c)
			}
			if !more {
				break
			}
		}
	}
	out := make([]chanInfo, 0, len(found))
	for _, c := range found {
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y chanInfo) int { return idCmp(x.ID, y.ID) })
	return out, nil
}

// HistoryJoins returns a join event for each current member who joined
// since since, keyed as the live GUILD_MEMBER_ADD of that membership. It
// needs the privileged Server Members Intent (DISCORD_MEMBERS_INTENT=1).
func (a *Adapter) HistoryJoins(ctx context.Context, community string, since time.Time) ([]bot.Event, error) {
	g, err := guildOf(community)
	if err != nil {
		return nil, err
	}
	noIntent := bot.Errorf(bot.EPlatform, "Discord tells when members joined only with the Server Members Intent: switch on \"Server Members Intent\" on the Bot page of the Developer Portal and set DISCORD_MEMBERS_INTENT=1; until then joins are not imported.")
	if !a.cfg.MembersIntent {
		return nil, noIntent
	}
	var out []bot.Event
	after := ""
	ep := discordgo.EndpointGuildMembers(g)
	for {
		v := url.Values{"limit": {"1000"}}
		if after != "" {
			v.Set("after", after)
		}
		var page []*discordgo.Member
		err := a.historyGet(ctx, ep+"?"+v.Encode(), ep, &page)
		if restCode(err) == discordgo.ErrCodeMissingAccess {
			return nil, noIntent
		}
		if err != nil {
			return nil, fmt.Errorf("discord: reading the member list: %w", err)
		}
		for _, m := range page {
			if m == nil || m.User == nil {
				continue
			}
			after = m.User.ID
			if m.JoinedAt.IsZero() || m.JoinedAt.Before(since) {
				continue
			}
			out = append(out, joinEvent(g, a.member(g, m), m.JoinedAt))
		}
		if len(page) < 1000 {
			return out, nil
		}
	}
}

// historyGet GETs uri in discordgo's bucket and decodes the answer into
// out. discordgo's bucket paces the request, but its waits are on the wall
// clock; the waits Discord asks for are taken here instead, through
// Config.Sleep: when the answer says the bucket is spent, its
// X-RateLimit-Reset-After, and after a 429 its retry_after (then the
// request goes again, at most MaxRetries times in a row, as after a 5xx or
// a network failure). Once waited, the bucket is marked open again so
// discordgo does not wait the same reset a second time.
func (a *Adapter) historyGet(ctx context.Context, uri, bucket string, out any) error {
	backoff := 250 * time.Millisecond
	for attempt := 0; ; attempt++ {
		tap := &headerTap{}
		client := *a.s.Client
		tap.base = client.Transport
		if tap.base == nil {
			tap.base = http.DefaultTransport
		}
		client.Transport = tap
		body, err := a.s.RequestWithBucketID(http.MethodGet, uri, nil, bucket, discordgo.WithContext(ctx), discordgo.WithClient(&client))
		if err == nil {
			if wait := spentFor(tap.header); wait > 0 {
				if err := a.historyWait(ctx, bucket, wait); err != nil {
					return err
				}
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("discord: decoding %s: %w", bucket, err)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var wait time.Duration
		var rl *discordgo.RateLimitError
		var re *discordgo.RESTError
		switch {
		case errors.As(err, &rl):
			a.stats.rateLimited.Add(1)
			wait = rl.RetryAfter
			a.log.InfoContext(ctx, "rate limited by Discord while reading history; waiting", "bucket", bucket, "retry_after", wait)
		case errors.As(err, &re):
			if re.Response == nil || re.Response.StatusCode < 500 {
				return err
			}
			wait, backoff = backoff, min(backoff*2, 10*time.Second)
		case errors.Is(err, discordgo.ErrJSONUnmarshal):
			return err
		default:
			wait, backoff = backoff, min(backoff*2, 10*time.Second)
		}
		if attempt >= a.cfg.MaxRetries {
			return err
		}
		a.stats.retried.Add(1)
		if err := a.historyWait(ctx, bucket, wait); err != nil {
			return err
		}
	}
}

// historyWait waits d through Config.Sleep, then opens discordgo's bucket.
func (a *Adapter) historyWait(ctx context.Context, bucket string, d time.Duration) error {
	if err := a.cfg.Sleep(ctx, d); err != nil {
		return err
	}
	b := a.s.Ratelimiter.GetBucket(bucket)
	b.Lock()
	if b.Remaining < 1 {
		b.Remaining = 1
	}
	b.Unlock()
	return nil
}

// spentFor is how long until the bucket an answer's headers describe
// resets, when it has no request left; 0 otherwise.
func spentFor(h http.Header) time.Duration {
	if h == nil || h.Get("X-RateLimit-Remaining") != "0" {
		return 0
	}
	secs, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs * float64(time.Second))
}

// headerTap keeps the headers of the answer to the one request it carries.
type headerTap struct {
	base   http.RoundTripper
	header http.Header
}

func (t *headerTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		t.header = resp.Header.Clone()
	}
	return resp, err
}
