package discord

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// Post says something on Discord: in a channel, in a thread, or in a DM.
// Discord has no ephemeral messages outside interaction replies, so
// ToEphemeral becomes a DM. Posts go through a paced queue: a 429 delays a
// post (its retry_after is honoured) without losing or repeating it, and
// every message carries a nonce Discord enforces, so a retry after a lost
// answer cannot post twice.
//
// A member whose DMs are closed (Discord error 50007) gets a *bot.Error with
// code bot.EUnreachable, is logged, and is not tried again for UnreachableFor.
func (a *Adapter) Post(ctx context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	ref, err := a.post(ctx, to, p)
	a.cfg.Observer.Posted(bot.Discord, to.Kind, bot.PostOutcome(err))
	if err != nil && !errors.Is(err, errUnreachable) {
		a.stats.failed.Add(1)
		a.log.WarnContext(ctx, "post failed", "kind", int(to.Kind), "channel", to.Channel, "member", to.Member, "err", err, "discord_code", restCode(err))
	}
	return ref, err
}

func (a *Adapter) post(ctx context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	switch to.Kind {
	case bot.ToChannel:
		if to.Channel == "" {
			return bot.PostRef{}, errors.New("discord: post to a channel without a channel id")
		}
		ref, err := a.send(ctx, to.Channel, p, nil)
		return ref, a.platformError(err, "post in <#"+to.Channel+">")
	case bot.ToThread:
		if to.Thread == "" {
			return bot.PostRef{}, errors.New("discord: post to a thread without a thread id")
		}
		// A thread started from a message has that message's id.
		ref, err := a.send(ctx, to.Thread, p, nil)
		if restCode(err) == discordgo.ErrCodeUnknownChannel && to.Channel != "" {
			// No thread there yet: answer the message inline instead.
			ref, err = a.send(ctx, to.Channel, p, &discordgo.MessageReference{MessageID: to.Thread, ChannelID: to.Channel, FailIfNotExists: new(bool)})
		}
		return ref, a.platformError(err, "post in <#"+to.Channel+">")
	case bot.ToDM, bot.ToEphemeral:
		return a.sendDM(ctx, to.Member, p)
	}
	return bot.PostRef{}, fmt.Errorf("discord: unknown destination kind %d", to.Kind)
}

func (a *Adapter) sendDM(ctx context.Context, member string, p bot.Post) (bot.PostRef, error) {
	if member == "" {
		return bot.PostRef{}, errors.New("discord: DM without a member id")
	}
	if a.state.isUnreachable(member, a.clock.Now()) {
		return bot.PostRef{}, a.closedDMs(member)
	}
	ch, ok := a.state.dmChannel(member)
	if !ok {
		c, err := withRetry(ctx, a, "open DM", func() (*discordgo.Channel, error) {
			return a.s.UserChannelCreate(member, discordgo.WithContext(ctx))
		})
		if err != nil {
			return bot.PostRef{}, a.platformError(err, "open a DM with "+a.nameOf(member))
		}
		ch = c.ID
		a.state.setDMChannel(member, ch)
	}
	ref, err := a.send(ctx, ch, p, nil)
	if restCode(err) == discordgo.ErrCodeCannotSendMessagesToThisUser {
		a.stats.unreachable.Add(1)
		a.state.markUnreachable(member, a.clock.Now().Add(a.cfg.UnreachableFor))
		a.log.WarnContext(ctx, "member has closed their DMs; not trying again for a while", "member", member, "discord_code", discordgo.ErrCodeCannotSendMessagesToThisUser, "retry_after", a.cfg.UnreachableFor)
		return bot.PostRef{}, a.closedDMs(member)
	}
	return ref, a.platformError(err, "DM "+a.nameOf(member))
}

// errUnreachable marks the closed-DMs error, which is counted apart.
var errUnreachable = errors.New("member unreachable by DM")

func (a *Adapter) closedDMs(member string) error {
	return &unreachableError{bot.Errorf(bot.EUnreachable, "%s has closed their DMs", a.nameOf(member))}
}

// unreachableError is a *bot.Error (errors.As finds it) that is also errUnreachable.
type unreachableError struct{ err *bot.Error }

func (e *unreachableError) Error() string   { return e.err.Error() }
func (e *unreachableError) Unwrap() []error { return []error{e.err, errUnreachable} }

func (a *Adapter) nameOf(member string) string {
	if n := a.state.name(member); n != "" {
		return n
	}
	return "<@" + member + ">"
}

// send posts p to a channel as one or more messages and returns the first.
func (a *Adapter) send(ctx context.Context, channelID string, p bot.Post, ref *discordgo.MessageReference) (bot.PostRef, error) {
	var first bot.PostRef
	for n, m := range a.render(p) {
		msg, err := a.deliver(ctx, channelID, m, ref)
		if err != nil {
			return first, err
		}
		if n == 0 {
			first = bot.PostRef{Channel: channelID, ID: msg.ID, At: snowflakeTime(msg.ID)}
			ref = nil
		}
	}
	return first, nil
}

// platformError explains Discord's refusals to people; other errors pass.
func (a *Adapter) platformError(err error, what string) error {
	switch restCode(err) {
	case 0:
		return err
	case discordgo.ErrCodeMissingAccess, discordgo.ErrCodeMissingPermissions:
		return bot.Errorf(bot.EPlatform, "I can't %s: give Hearth the View Channel and Send Messages permissions there.", what)
	case discordgo.ErrCodeUnknownChannel:
		return bot.Errorf(bot.EPlatform, "I can't %s: Discord doesn't know that channel.", what)
	}
	return err
}

// restCode returns the Discord error code of a REST error, or 0.
func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// outgoing is the JSON body of a message: discordgo's MessageSend lacks
// the nonce fields.
type outgoing struct {
	Content          string                            `json:"content,omitempty"`
	Components       []discordgo.MessageComponent      `json:"components,omitempty"`
	AllowedMentions  *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	MessageReference *discordgo.MessageReference       `json:"message_reference,omitempty"`
	Nonce            string                            `json:"nonce"`
	EnforceNonce     bool                              `json:"enforce_nonce"`
}

// deliver sends one message through the outbound queue; one Discord
// refuses as invalid (50035, as for its size) goes again shortened, with
// the whole text attached (see orShortened).
func (a *Adapter) deliver(ctx context.Context, channelID string, m message, ref *discordgo.MessageReference) (*discordgo.Message, error) {
	release, err := a.out.acquire(ctx, channelID)
	if err != nil {
		return nil, err
	}
	defer release()
	var msg *discordgo.Message
	err = a.orShortened(ctx, "post in "+channelID, m, func(m message) error {
		var err error
		msg, err = a.deliverOnce(ctx, channelID, m, ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.stats.posted.Add(1)
	a.log.DebugContext(ctx, "posted", "channel", channelID, "message", msg.ID)
	return msg, nil
}

// orShortened sends m; when Discord refuses it as invalid (50035), it logs
// the refusal and sends a shortened version with the whole text attached,
// and if Discord refuses that too (then its buttons are at fault), the
// shortened version without buttons: a post never becomes nothing.
func (a *Adapter) orShortened(ctx context.Context, what string, m message, send func(message) error) error {
	err := send(m)
	if restCode(err) != discordgo.ErrCodeInvalidFormBody {
		return err
	}
	short := shortened(m)
	a.log.WarnContext(ctx, "Discord refused a message as invalid; sending it shortened, with the whole text attached",
		"what", what, "discord_code", discordgo.ErrCodeInvalidFormBody, "chars", utf8.RuneCountInString(m.content),
		"sent_chars", utf8.RuneCountInString(short.content), "rows", len(m.components), "file", fullTextName, "err", restBody(err))
	err = send(short)
	if restCode(err) != discordgo.ErrCodeInvalidFormBody || len(short.components) == 0 {
		return err
	}
	a.log.ErrorContext(ctx, "Discord refused the shortened message too; sending it without its buttons",
		"what", what, "discord_code", discordgo.ErrCodeInvalidFormBody, "rows_dropped", len(short.components), "err", restBody(err))
	short.components = nil
	return send(short)
}

// restBody is a REST error's answer, which names the fields Discord
// refused, or the error.
func restBody(err error) string {
	var re *discordgo.RESTError
	if errors.As(err, &re) && len(re.ResponseBody) > 0 {
		return string(re.ResponseBody)
	}
	return fmt.Sprint(err)
}

// deliverOnce sends one message, retrying a 429 or a transient failure.
func (a *Adapter) deliverOnce(ctx context.Context, channelID string, m message, ref *discordgo.MessageReference) (*discordgo.Message, error) {
	body := outgoing{Content: m.content, Components: m.components, AllowedMentions: noMentions(),
		MessageReference: ref, Nonce: newNonce(), EnforceNonce: true}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	return withRetry(ctx, a, "post", func() (*discordgo.Message, error) {
		var resp []byte
		var err error
		if files := m.files(); len(files) > 0 {
			ct, payload, merr := discordgo.MultipartBodyWithJSON(body, files)
			if merr != nil {
				return nil, merr
			}
			resp, err = a.s.RequestRaw(http.MethodPost, endpoint, ct, payload, endpoint, 0, discordgo.WithContext(ctx))
		} else {
			resp, err = a.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, discordgo.WithContext(ctx))
		}
		if err != nil {
			return nil, err
		}
		var out discordgo.Message
		if err := json.Unmarshal(resp, &out); err != nil {
			return nil, fmt.Errorf("decoding the posted message: %w", err)
		}
		return &out, nil
	})
}

// withRetry calls fn until it succeeds, retrying at most MaxRetries times
// after a 429 (waiting its retry_after) or a transient failure (a 5xx or
// the network, with backoff).
func withRetry[T any](ctx context.Context, a *Adapter, what string, fn func() (T, error)) (T, error) {
	backoff := 250 * time.Millisecond
	for attempt := 0; ; attempt++ {
		v, err := fn()
		if err == nil {
			return v, nil
		}
		var zero T
		if ctx.Err() != nil || attempt >= a.cfg.MaxRetries {
			return zero, err
		}
		var wait time.Duration
		var rl *discordgo.RateLimitError
		var re *discordgo.RESTError
		switch {
		case errors.As(err, &rl):
			a.stats.rateLimited.Add(1)
			wait = rl.RetryAfter
			a.log.InfoContext(ctx, "rate limited by Discord; waiting", "what", what, "retry_after", wait, "attempt", attempt+1)
		case errors.As(err, &re):
			if re.Response == nil || re.Response.StatusCode < 500 {
				return zero, err
			}
			a.stats.retried.Add(1)
			wait, backoff = backoff, min(backoff*2, 10*time.Second)
			a.log.WarnContext(ctx, "Discord failed; retrying", "what", what, "status", re.Response.StatusCode, "retry_in", wait)
		default:
			if errors.Is(err, discordgo.ErrJSONUnmarshal) || errors.Is(err, context.Canceled) {
				return zero, err
			}
			a.stats.retried.Add(1)
			wait, backoff = backoff, min(backoff*2, 10*time.Second)
			a.log.WarnContext(ctx, "reaching Discord failed; retrying", "what", what, "err", err, "retry_in", wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, err
		case <-t.C:
		}
	}
}

func newNonce() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b) // 24 characters: Discord allows 25
}

// outbox paces posts: at most one every global interval overall, and one
// every channel interval per channel, in order within a channel. It reads
// the time from the adapter's clock and waits with sleep.
type outbox struct {
	clock bot.Clock
	sleep func(ctx context.Context, d time.Duration) error
	// depth is told the number of posts waiting or under way whenever it
	// changes, under mu so that the reports keep their order: it must be
	// quick and must not call back.
	depth func(int)

	mu         sync.Mutex
	pending    int
	global     time.Duration
	perChannel time.Duration
	nextGlobal time.Time
	// reached is the latest instant a finished wait was for. The queue's
	// time never runs behind it: a simulated clock that stands still while
	// real sleeps pass (hearth run in the end-to-end tests) would otherwise
	// push each reservation one interval further than the last, and the
	// waits would grow with every post.
	reached time.Time
	slots   map[string]*slot
}

type slot struct {
	lock    chan struct{} // held while a post to the channel is under way
	next    time.Time
	waiters int
}

func newOutbox(clock bot.Clock, sleep func(context.Context, time.Duration) error, global, perChannel time.Duration, depth func(int)) *outbox {
	if depth == nil {
		depth = func(int) {}
	}
	return &outbox{clock: clock, sleep: sleep, depth: depth, global: max(global, 0), perChannel: max(perChannel, 0), slots: map[string]*slot{}}
}

// addPendingLocked counts a post in (1) or out (-1) of the queue. o.mu is held.
func (o *outbox) addPendingLocked(n int) {
	o.pending += n
	o.depth(o.pending)
}

// nowLocked is the queue's time: the clock's, or the instant the latest
// wait reached if the clock is behind it. o.mu is held.
func (o *outbox) nowLocked() time.Time {
	now := o.clock.Now()
	if o.reached.After(now) {
		return o.reached
	}
	return now
}

// acquire waits for the channel's turn and the pace; release lets the next
// post to the channel go.
func (o *outbox) acquire(ctx context.Context, channelID string) (release func(), err error) {
	o.mu.Lock()
	if len(o.slots) > 1024 { // forget idle channels (one per DM, say)
		now := o.nowLocked()
		for id, sl := range o.slots {
			if sl.waiters == 0 && now.After(sl.next) {
				delete(o.slots, id)
			}
		}
	}
	s := o.slots[channelID]
	if s == nil {
		s = &slot{lock: make(chan struct{}, 1)}
		o.slots[channelID] = s
	}
	s.waiters++
	o.addPendingLocked(1)
	o.mu.Unlock()
	done := func() {
		o.mu.Lock()
		o.addPendingLocked(-1)
		s.waiters--
		if s.waiters == 0 && o.nowLocked().After(s.next) {
			delete(o.slots, channelID)
		}
		o.mu.Unlock()
	}
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
	release = func() {
		<-s.lock
		done()
	}
	o.mu.Lock()
	now := o.nowLocked()
	at := now
	if o.nextGlobal.After(at) {
		at = o.nextGlobal
	}
	if s.next.After(at) {
		at = s.next
	}
	o.nextGlobal = at.Add(o.global)
	s.next = at.Add(o.perChannel)
	o.mu.Unlock()
	if wait := at.Sub(now); wait > 0 {
		if err := o.sleep(ctx, wait); err != nil {
			release()
			return nil, err
		}
		o.mu.Lock()
		if at.After(o.reached) {
			o.reached = at
		}
		o.mu.Unlock()
	}
	return release, nil
}
