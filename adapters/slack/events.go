package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/hearth-community/hearth/bot"
)

// inbound is one Events API event_callback, acknowledged and waiting to be
// turned into participation. The inner event stays raw: the adapter decodes
// only the fields it needs, never the text.
type inbound struct {
	eventID   string
	eventTime int64
	inner     json.RawMessage
	retry     int           // Slack's retry_attempt / X-Slack-Retry-Num
	via       string        // "socket" or "http"
	handled   chan struct{} // closed once the worker has handled it
}

var errNotRunning = errors.New("slack adapter is not running")

// acceptCallback queues an event_callback for the event worker and returns
// what the worker closes once it has handled (recorded) the event. Slack
// gets its acknowledgement only then (or after AckBudget; see
// acknowledgeWhenHandled): an instance killed between the two leaves the
// event unacknowledged, and Slack delivers it again, to this instance or
// another, where it is recorded once.
func (a *Adapter) acceptCallback(cb *slackevents.EventsAPICallbackEvent, retry int, via string) (<-chan struct{}, error) {
	if cb.InnerEvent == nil {
		return nil, errors.New("event_callback without an event")
	}
	in := inbound{eventID: cb.EventID, eventTime: int64(cb.EventTime), inner: *cb.InnerEvent, retry: retry, via: via, handled: make(chan struct{})}
	if retry > 0 {
		a.log.Debug("event redelivered by Slack", "event_id", cb.EventID, "retry", retry, "via", via)
	}
	return in.handled, a.enqueue(in)
}

// waitHandled waits until the worker has handled an event, or AckBudget
// has passed: Slack wants its acknowledgement within three seconds, and
// retries otherwise. After AckBudget the event is still queued and will
// be recorded; only a crash before then loses it.
func (a *Adapter) waitHandled(handled <-chan struct{}, eventID string) {
	t := time.NewTimer(AckBudget)
	defer t.Stop()
	select {
	case <-handled:
	case <-t.C:
		a.log.Warn("event acknowledged before it was recorded: recording is slower than Slack allows", "event_id", eventID)
	}
}

// enqueue hands an event to the worker, in order. It waits while the queue
// is full (backpressure) but not past a few seconds.
func (a *Adapter) enqueue(in inbound) error {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if !a.running {
		return errNotRunning
	}
	select {
	case a.events <- in:
		return nil
	default:
	}
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case a.events <- in:
		return nil
	case <-t.C:
		a.log.Error("event queue full; event dropped for Slack to redeliver", "event_id", in.eventID)
		return errors.New("event queue full")
	}
}

// eventLoop turns queued events into participation, one at a time so that
// a message and its deletion are seen in order. On stop it drains what was
// already acknowledged, then waits for the lookups of unseen authors it
// started.
func (a *Adapter) eventLoop(ctx context.Context, stop <-chan struct{}) {
	defer a.lookups.wait()
	for {
		select {
		case in := <-a.events:
			a.process(ctx, in)
			close(in.handled)
		case <-stop:
			for {
				select {
				case in := <-a.events:
					a.process(ctx, in)
					close(in.handled)
				default:
					return
				}
			}
		}
	}
}

// The parts of inner events Hearth reads. There is deliberately no text field.
type (
	eventHead struct {
		Type    string `json:"type"`
		Subtype string `json:"subtype"`
	}
	msgRef struct {
		User     string `json:"user"`
		BotID    string `json:"bot_id"`
		TS       string `json:"ts"`
		ThreadTS string `json:"thread_ts"`
		Subtype  string `json:"subtype"`
	}
	messageEvent struct {
		Subtype     string  `json:"subtype"`
		Channel     string  `json:"channel"`
		ChannelType string  `json:"channel_type"`
		User        string  `json:"user"`
		BotID       string  `json:"bot_id"`
		TS          string  `json:"ts"`
		ThreadTS    string  `json:"thread_ts"`
		EventTS     string  `json:"event_ts"`
		DeletedTS   string  `json:"deleted_ts"`
		Previous    *msgRef `json:"previous_message"`
	}
	reactionEvent struct {
		Type     string `json:"type"`
		User     string `json:"user"`
		Reaction string `json:"reaction"`
		EventTS  string `json:"event_ts"`
		Item     struct {
			Type    string `json:"type"`
			Channel string `json:"channel"`
			TS      string `json:"ts"`
		} `json:"item"`
	}
	membershipEvent struct {
		Type    string `json:"type"`
		User    string `json:"user"`
		Channel string `json:"channel"`
		EventTS string `json:"event_ts"`
	}
	userEvent struct {
		Type    string     `json:"type"`
		User    slack.User `json:"user"`
		EventTS string     `json:"event_ts"`
	}
)

// process decodes one inner event and passes it to the core.
func (a *Adapter) process(ctx context.Context, in inbound) {
	var head eventHead
	if err := json.Unmarshal(in.inner, &head); err != nil {
		a.log.Warn("undecodable event", "event_id", in.eventID, "err", err)
		return
	}
	var err error
	switch head.Type {
	case "message":
		var m messageEvent
		if err = json.Unmarshal(in.inner, &m); err == nil {
			a.onMessage(ctx, in, m)
		}
	case "reaction_added", "reaction_removed":
		var r reactionEvent
		if err = json.Unmarshal(in.inner, &r); err == nil {
			a.onReaction(ctx, in, r)
		}
	case "member_joined_channel", "member_left_channel":
		var m membershipEvent
		if err = json.Unmarshal(in.inner, &m); err == nil {
			a.onMembership(ctx, in, m)
		}
	case "team_join", "user_change":
		var u userEvent
		if err = json.Unmarshal(in.inner, &u); err == nil {
			a.onUser(ctx, in, u)
		}
	case "app_uninstalled", "tokens_revoked":
		a.log.Error("Hearth was uninstalled or its tokens were revoked; reinstall the app and update SLACK_BOT_TOKEN", "event", head.Type)
	default:
		a.log.Debug("event ignored", "type", head.Type, "event_id", in.eventID)
	}
	if err != nil {
		a.log.Warn("undecodable event", "type", head.Type, "event_id", in.eventID, "err", err)
	}
}

// countedSubtypes are the message subtypes that are someone taking part.
var countedSubtypes = map[string]bool{"": true, "thread_broadcast": true, "file_share": true, "me_message": true}

func (a *Adapter) onMessage(ctx context.Context, in inbound, m messageEvent) {
	if m.ChannelType == "mpim" || m.Channel == "" {
		return // group DMs are not the community's channels
	}
	e, botID, ok := messageParticipation(m, func(ts string) time.Time { return a.eventAt(ts, in) })
	if !ok {
		// message_changed (edits change nothing), channel_topic...
		a.log.Debug("message subtype ignored", "subtype", m.Subtype, "channel", m.Channel)
		return
	}
	a.emit(ctx, e, botID)
}

// messageParticipation turns a message (live, or read from history) into
// the participation it is, with the message's bot_id when a bot wrote it;
// ok is false for what is not participation. Live events and history both
// go through it, so that both give one message the same Key, kind and
// Parent. at turns a Slack ts into the event's time.
func messageParticipation(m messageEvent, at func(ts string) time.Time) (e bot.Event, botID string, ok bool) {
	switch {
	case countedSubtypes[m.Subtype]:
		if m.TS == "" {
			return bot.Event{}, "", false
		}
		e := bot.Event{
			Kind:    bot.KindMessage,
			Channel: m.Channel,
			Member:  m.User,
			DM:      m.ChannelType == "im",
			At:      at(m.TS),
			Key:     messageKey(m.Channel, m.TS),
			Message: m.TS,
		}
		if (m.ThreadTS != "" && m.ThreadTS != m.TS) || m.Subtype == "thread_broadcast" {
			e.Kind, e.Parent = bot.KindReply, m.ThreadTS
		}
		return e, m.BotID, true

	case m.Subtype == "message_deleted":
		if m.DeletedTS == "" || m.Previous == nil {
			return bot.Event{}, "", false
		}
		prev := m.Previous
		e := bot.Event{
			Kind:    bot.KindMessage,
			Channel: m.Channel,
			Member:  prev.User,
			DM:      m.ChannelType == "im",
			At:      at(first(m.TS, m.EventTS)),
			Key:     messageKey(m.Channel, m.DeletedTS),
			Message: m.DeletedTS,
			Retract: true,
		}
		if prev.ThreadTS != "" && prev.ThreadTS != m.DeletedTS {
			e.Kind, e.Parent = bot.KindReply, prev.ThreadTS
		}
		botID := prev.BotID
		if prev.Subtype == "bot_message" && botID == "" {
			botID = "bot"
		}
		return e, botID, true

	case m.Subtype == "bot_message":
		if m.TS == "" {
			return bot.Event{}, "", false
		}
		botID := first(m.BotID, "bot")
		return bot.Event{
			Kind: bot.KindMessage, Channel: m.Channel, Member: first(m.User, botID), IsBot: true,
			DM: m.ChannelType == "im", At: at(m.TS), Key: messageKey(m.Channel, m.TS), Message: m.TS,
		}, botID, true
	}
	// message_changed (edits change nothing), channel_join (live, the
	// member_joined_channel event counts the join), channel_topic...
	return bot.Event{}, "", false
}

func (a *Adapter) onReaction(ctx context.Context, in inbound, r reactionEvent) {
	if r.Item.Type != "message" || r.Item.Channel == "" || r.Item.TS == "" || r.User == "" {
		return // reactions to files and file comments are not participation in a channel
	}
	a.emit(ctx, bot.Event{
		Kind:    bot.KindReaction,
		Channel: r.Item.Channel,
		Member:  r.User,
		DM:      isDM(r.Item.Channel),
		At:      a.eventAt(r.EventTS, in),
		Key:     "react:" + r.Item.Channel + ":" + r.Item.TS + ":" + r.User + ":" + r.Reaction,
		Message: r.Item.TS,
		Retract: r.Type == "reaction_removed",
	}, "")
}

func (a *Adapter) onMembership(ctx context.Context, in inbound, m membershipEvent) {
	if m.User == "" || m.Channel == "" {
		return
	}
	kind, prefix := bot.KindJoin, "join:"
	if m.Type == "member_left_channel" {
		kind, prefix = bot.KindLeave, "leave:"
	}
	stamp := first(m.EventTS, strconv.FormatInt(in.eventTime, 10))
	if me, _ := a.self(); m.User == me {
		a.log.Info("Hearth was "+map[bool]string{true: "added to", false: "removed from"}[kind == bot.KindJoin]+" a channel",
			"channel", m.Channel)
	}
	at := a.eventAt(m.EventTS, in)
	key := prefix + m.Channel + ":" + m.User + ":" + stamp
	if kind == bot.KindJoin {
		key = channelJoinKey(m.Channel, m.User, at)
	}
	a.emit(ctx, bot.Event{Kind: kind, Channel: m.Channel, Member: m.User, At: at, Key: key}, "")
}

// channelJoinKey identifies a member's join of a channel, live or read
// from history. Live, Slack says so with member_joined_channel, whose
// event_ts is its own; history only keeps the channel_join message the
// join posted, whose ts is a different, slightly later stamp. Neither can
// be derived from the other, so the key keeps what both agree on: the
// channel, the member and the day (UTC) of the join. Two joins of one
// channel by one member on one day count as one.
func channelJoinKey(channel, member string, at time.Time) string {
	return "join:" + channel + ":" + member + ":" + at.UTC().Format("2006-01-02")
}

// onUser keeps a member fresh (user_change) or records a new one (team_join).
func (a *Adapter) onUser(ctx context.Context, in inbound, u userEvent) {
	if u.User.ID == "" {
		return
	}
	at := a.eventAt(u.EventTS, in)
	m := a.remember(u.User)
	if u.User.ID == slackbotID {
		return
	}
	if u.Type == "team_join" {
		m.JoinedAt = at
	}
	a.saveMembers(ctx, at, m)
	if u.Type != "team_join" {
		return
	}
	team := a.ident().teamID
	if err := a.h.HandleEvent(ctx, bot.Event{
		Kind:       bot.KindJoin,
		Community:  a.communityID(),
		Member:     m.ID,
		MemberName: m.Name,
		IsBot:      m.IsBot,
		At:         at,
		Key:        "join:" + team + ":" + m.ID,
	}); err != nil {
		a.log.Error("recording a join failed", "member", m.ID, "err", err)
	}
}

// emit completes an event (community, bot flag, names) and hands it to the
// core. botID is the event's bot_id, if any.
func (a *Adapter) emit(ctx context.Context, e bot.Event, botID string) {
	e, ok := a.complete(ctx, e, botID, func(id string) { a.lookups.add(ctx, id) })
	if !ok {
		return
	}
	if err := a.h.HandleEvent(ctx, e); err != nil {
		a.log.Error("recording an event failed", "kind", e.Kind, "key", e.Key, "err", err)
		return
	}
	a.log.Debug("event", "kind", e.Kind, "channel", e.Channel, "member", e.Member, "key", e.Key,
		"retract", e.Retract, "bot", e.IsBot, "dm", e.DM)
}

// complete fills in what the core needs beyond what Slack's event or
// message says: the community, the bot flag (integrations, other apps' bot
// users, and Hearth itself), the member's and the channel's names. ok is
// false for an event without an author.
//
// An unseen author is not waited for when ask is set: the event is
// completed now, under their id, and ask is called to have Slack asked
// about them off the event loop (live events). The member (name, bot flag,
// admin) reaches the core through HandleDirectory; should they be a bot,
// the store takes their activity out of the counts then. With ask nil
// (history), Slack is asked before the event is completed.
func (a *Adapter) complete(ctx context.Context, e bot.Event, botID string, ask func(id string)) (bot.Event, bool) {
	e.Community = a.communityID()
	if me, _ := a.self(); botID != "" || e.Member == me {
		e.IsBot = true
	}
	if e.Member == "" {
		e.Member = botID
	}
	if e.Member == "" {
		a.log.Debug("event without an author ignored", "kind", e.Kind, "channel", e.Channel)
		return e, false
	}
	if !e.IsBot {
		m, known, stale := a.cachedUser(e.Member)
		switch {
		case stale && ask != nil:
			ask(e.Member) // unseen, or learned of dirTTL ago
		case stale:
			m, known = a.lookupUser(ctx, e.Member)
		}
		if known {
			e.MemberName = m.Name
			e.IsBot = m.IsBot
		}
		if !e.DM {
			e.ChannelName = a.channelName(ctx, e.Channel)
		}
	}
	return e, true
}

// eventAt is when an event happened according to Slack: its ts, else the
// envelope's event_time, else now.
func (a *Adapter) eventAt(ts string, in inbound) time.Time {
	if t, ok := parseTS(ts); ok {
		return t
	}
	if in.eventTime > 0 {
		return time.Unix(in.eventTime, 0).UTC()
	}
	return a.clock.Now()
}

// parseTS reads a Slack timestamp such as "1700000000.123456".
func parseTS(ts string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}, false
	}
	var ns int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		f, err := strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		for i := len(frac); i < 9; i++ {
			f *= 10
		}
		ns = f
	}
	return time.Unix(s, ns).UTC(), true
}

func messageKey(channel, ts string) string { return "msg:" + channel + ":" + ts }

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
