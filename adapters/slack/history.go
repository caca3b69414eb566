package slack

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.HistoryReader = (*Adapter)(nil)

// DefaultHistoryPageSize is how many messages a conversations.history or
// conversations.replies page asks for: Slack's pagination guide
// recommends no more than 200 (its maximum is 999).
const DefaultHistoryPageSize = 200

// Pacing of the methods a history import calls, within their rate tiers
// (docs.slack.dev/reference/methods/<method>): conversations.history and
// conversations.replies are Tier 3 (50+ a minute). users.conversations is
// paced as Tier 2 (20+ a minute), the lower of the tiers channel listings
// have: it is a few calls per import. The pacing is per process: several
// Hearths importing into one workspace at once together go faster, and
// then Slack's 429 and Retry-After (which each obeys) slow them down.
const (
	tier2Interval = time.Minute / 20
	tier3Interval = time.Minute / 50
)

// methodPacer spaces out calls to each Web API method: a call waits until
// the method's previous one is interval old. Waits go through the
// adapter's sleep, on the clock it measures with.
type methodPacer struct {
	clock bot.Clock
	sleep func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	next map[string]time.Time // method → when its next call may go
}

func newMethodPacer(clock bot.Clock, sleep func(ctx context.Context, d time.Duration) error) *methodPacer {
	return &methodPacer{clock: clock, sleep: sleep, next: map[string]time.Time{}}
}

// wait takes the method's next slot and waits for it.
func (p *methodPacer) wait(ctx context.Context, method string, interval time.Duration) error {
	p.mu.Lock()
	now := p.clock.Now()
	at := p.next[method]
	if at.Before(now) {
		at = now
	}
	p.next[method] = at.Add(interval)
	p.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return p.sleep(ctx, d)
	}
	return ctx.Err()
}

// paced calls fn at most once per interval for method, and again after a 429 once
// Slack's Retry-After has passed, until fn succeeds, fails otherwise, or
// ctx ends.
func (a *Adapter) paced(ctx context.Context, method string, interval time.Duration, fn func() error) error {
	for {
		if err := a.pacer.wait(ctx, method, interval); err != nil {
			return err
		}
		err := fn()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			return err
		}
		a.log.Warn(method+" rate limited; waiting", "retry_after", rl.RetryAfter)
		if err := a.sleep(ctx, max(rl.RetryAfter, time.Second)); err != nil {
			return err
		}
	}
}

// ensureIdentity learns who Hearth is (auth.test) when Run has not: an
// offline import reads history without receiving events.
func (a *Adapter) ensureIdentity(ctx context.Context) error {
	if a.id.Load() != nil {
		return nil
	}
	return a.authTest(ctx)
}

// checkCommunity refuses a community other than this workspace.
func (a *Adapter) checkCommunity(ctx context.Context, community string) error {
	if err := a.ensureIdentity(ctx); err != nil {
		return err
	}
	if community != a.communityID() {
		return fmt.Errorf("slack: community %q is not this workspace (%s)", community, a.communityID())
	}
	return nil
}

// HistoryChannels lists the public and private channels Hearth is a member
// of (users.conversations; archived ones left out), by name.
func (a *Adapter) HistoryChannels(ctx context.Context, community string) ([]bot.Channel, error) {
	if err := a.checkCommunity(ctx, community); err != nil {
		return nil, err
	}
	var out []bot.Channel
	cursor := ""
	for {
		var page []slack.Channel
		var next string
		err := a.paced(ctx, "users.conversations", tier2Interval, func() error {
			var err error
			page, next, err = a.api.GetConversationsForUserContext(ctx, &slack.GetConversationsForUserParameters{
				Cursor: cursor, Types: []string{"public_channel", "private_channel"}, Limit: 200, ExcludeArchived: true,
			})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("slack: listing Hearth's channels (users.conversations): %w", err)
		}
		for _, c := range page {
			if c.IsArchived || c.IsIM || c.IsMpIM {
				continue
			}
			a.learnChannel(c.ID, c.Name)
			out = append(out, bot.Channel{ID: c.ID, Name: c.Name})
		}
		if next == "" {
			break
		}
		cursor = next
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// historyPosition is where a channel's read is: the ReadHistory cursor,
// encoded as base64 of its JSON. The channel's messages are read a page at
// a time, newest first; after each page come the threads of that page's
// messages, a page of replies at a time.
type historyPosition struct {
	History string   `json:"h,omitempty"` // conversations.history cursor of the next page
	Done    bool     `json:"d,omitempty"` // the channel's pages are read; threads may remain
	Threads []string `json:"t,omitempty"` // parents whose replies are still to read, the first being read
	Replies string   `json:"r,omitempty"` // conversations.replies cursor in Threads[0]
}

func (p historyPosition) encode() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodePosition(s string) (historyPosition, error) {
	var p historyPosition
	if s == "" {
		return p, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil {
		return p, fmt.Errorf("slack: history cursor %q is not one this adapter wrote", bot.ForTerminal(s))
	}
	return p, nil
}

// ReadHistory reads a channel's messages since q.Since (conversations.history),
// then the replies of each thread among them (conversations.replies), as
// the participation live events would have given: the same keys, kinds,
// parents and bot flags (messageParticipation). What history adds to the
// live path:
//   - reactions are read from the messages they are on, at the message's
//     time (Slack keeps no time of a reaction). Slack lists a bounded
//     number of users per reaction (count may exceed len(users)); only the
//     listed ones are counted, as no other call names the rest either
//     without a reactions.get per message;
//   - a channel_join message is the member's join of the channel, keyed as
//     the live member_joined_channel (channelJoinKey);
//   - a thread whose parent is older than q.Since is not read: Slack lists
//     threads only through their parent.
//
// Deleted messages are absent (a deleted parent with replies is a
// tombstone, not counted, whose replies are). Edits change nothing.
func (a *Adapter) ReadHistory(ctx context.Context, q bot.HistoryQuery, page bot.HistoryPageFunc) error {
	if err := a.checkCommunity(ctx, q.Community); err != nil {
		return err
	}
	if q.Channel == "" || isDM(q.Channel) {
		return fmt.Errorf("slack: history of %q: not a channel", q.Channel)
	}
	pos, err := decodePosition(q.Cursor)
	if err != nil {
		return err
	}
	oldest := ""
	if !q.Since.IsZero() {
		oldest = fmt.Sprintf("%d.%06d", q.Since.Unix(), q.Since.Nanosecond()/1000)
	}
	for {
		var events []bot.Event
		next := pos
		switch {
		case len(pos.Threads) > 0:
			var msgs []slack.Message
			var cursor string
			err = a.paced(ctx, "conversations.replies", tier3Interval, func() error {
				var err error
				msgs, _, cursor, err = a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
					ChannelID: q.Channel, Timestamp: pos.Threads[0], Cursor: pos.Replies, Limit: a.histPage,
				})
				return err
			})
			if slackCode(err) == "thread_not_found" {
				err, cursor = nil, "" // deleted since its parent was read
			}
			for _, m := range msgs {
				// The parent was read with the channel, and a reply also
				// sent to the channel (thread_broadcast) is there too.
				if m.Timestamp == pos.Threads[0] || m.SubType == "thread_broadcast" {
					continue
				}
				events = append(events, a.historyEvents(ctx, q.Channel, m)...)
			}
			next.Replies = cursor
			if cursor == "" {
				next.Threads = pos.Threads[1:]
			}
		case pos.Done:
			return nil
		default:
			var resp *slack.GetConversationHistoryResponse
			err = a.paced(ctx, "conversations.history", tier3Interval, func() error {
				var err error
				resp, err = a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
					ChannelID: q.Channel, Cursor: pos.History, Oldest: oldest, Inclusive: true, Limit: a.histPage,
				})
				return err
			})
			if err != nil {
				break
			}
			for _, m := range resp.Messages {
				events = append(events, a.historyEvents(ctx, q.Channel, m)...)
				if m.ReplyCount > 0 && (m.ThreadTimestamp == "" || m.ThreadTimestamp == m.Timestamp) {
					next.Threads = append(next.Threads, m.Timestamp)
				}
			}
			next.History = resp.ResponseMetaData.NextCursor
			next.Done = !resp.HasMore || next.History == ""
		}
		if err != nil {
			return a.historyError(q.Channel, err)
		}
		if len(next.Threads) == 0 {
			next.Threads = nil
		}
		if err := page(ctx, events, next.encode()); err != nil {
			return err
		}
		pos = next
	}
}

// historyError says why a channel cannot be read, for the facilitator who
// asked for the import when Slack refused.
func (a *Adapter) historyError(channel string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	where := "that channel"
	if name := a.cachedChannelName(channel); name != "" {
		where = "#" + name
	}
	switch code := slackCode(err); code {
	case "not_in_channel":
		return bot.Errorf(bot.EPlatform, "I'm not in %s, so I can't read its history. Invite me with `/invite @Hearth` there first.", where)
	case "channel_not_found":
		return bot.Errorf(bot.EPlatform, "I can't find %s. If it is private, invite me with `/invite @Hearth` first.", where)
	case "missing_scope":
		return bot.Errorf(bot.EPlatform, "I'm missing the Slack permission to read %s's history (channels:history, groups:history). The operator needs to reinstall the app from its manifest.", where)
	}
	a.log.Error("reading history failed", "channel", channel, "err", describe(err))
	return fmt.Errorf("slack: reading the history of %s: %s", channel, describe(err))
}

// cachedChannelName is a channel's name if Hearth knows it, without asking.
func (a *Adapter) cachedChannelName(id string) string {
	a.dir.mu.Lock()
	defer a.dir.mu.Unlock()
	return a.dir.channels[id].name
}

// historyEvents is the participation one message of a channel's history
// stands for: the message itself, or the join it announces, and its
// reactions.
func (a *Adapter) historyEvents(ctx context.Context, channel string, m slack.Message) []bot.Event {
	at := func(ts string) time.Time {
		if t, ok := parseTS(ts); ok {
			return t
		}
		return a.clock.Now()
	}
	var out []bot.Event
	add := func(e bot.Event, botID string) {
		if e, ok := a.complete(ctx, e, botID, nil); ok {
			out = append(out, e)
		}
	}
	if m.SubType == "channel_join" && m.User != "" {
		t := at(m.Timestamp)
		add(bot.Event{Kind: bot.KindJoin, Channel: channel, Member: m.User, At: t, Key: channelJoinKey(channel, m.User, t)}, "")
	} else if e, botID, ok := messageParticipation(messageEvent{
		Subtype: m.SubType, Channel: channel, ChannelType: "channel", User: m.User, BotID: m.BotID,
		TS: m.Timestamp, ThreadTS: m.ThreadTimestamp,
	}, at); ok {
		add(e, botID)
	}
	for _, r := range m.Reactions {
		// Slack lists at most some users per reaction (count goes on):
		// those it names are counted, the others cannot be.
		for _, u := range r.Users {
			add(bot.Event{
				Kind:    bot.KindReaction,
				Channel: channel,
				Member:  u,
				At:      at(m.Timestamp),
				Key:     "react:" + channel + ":" + m.Timestamp + ":" + u + ":" + r.Name,
				Message: m.Timestamp,
			}, "")
		}
	}
	return out
}
