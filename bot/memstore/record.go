package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/hearth-community/hearth/bot"
)

// event is one recorded event.
type event struct {
	seq             int64 // recording order: ties of time go by it
	key             string
	kind            bot.EventKind
	channel         string // "": community-level
	member          string
	at              int64
	message, parent string
	answeredAt      int64 // messages: the earliest reply by someone else (null: none)
}

// Record stores events, ignoring any whose key was recorded before (or,
// for messages, replies and prompt replies, retracted), and applies
// retractions, as the SQLite store does: activity kinds change the day
// totals and the member's latest activity; joins and leaves (without a
// channel) change membership, applied again on a redelivery; a reply by
// someone else answers its message. Events from bots and DMs are not
// recorded. It returns how many were newly recorded plus how many retracted.
func (s *Store) Record(ctx context.Context, events ...bot.Event) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Record", events); err != nil {
		return 0, err
	}
	if len(events) == 0 {
		return 0, nil
	}
	for i, e := range events {
		if err := e.Validate(); err != nil {
			return 0, fmt.Errorf("record event %d of %d: %w", i+1, len(events), err)
		}
	}
	n := 0
	for _, e := range events {
		if e.IsBot || e.DM {
			continue
		}
		s.recordings = append(s.recordings, e)
		var ok bool
		if e.Retract {
			ok = s.retract(e)
		} else {
			ok = s.insert(e)
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// tombstoned reports whether a retracted event of kind k stays deleted.
func tombstoned(k bot.EventKind) bool {
	return k == bot.KindMessage || k == bot.KindReply || k == bot.KindPromptReply
}

func (s *Store) insert(e bot.Event) bool {
	c := s.communityRow(e.Community)
	at := ms(e.At)
	m, _ := s.memberRow(c, e.Member, at)
	if e.MemberName != "" {
		m.name, m.nameFold = e.MemberName, fold(e.MemberName)
	}
	m.firstSeen = min(m.firstSeen, at)
	if e.Channel != "" {
		s.channelRow(c, e.Channel, e.ChannelName)
	}
	// Membership is applied even for a redelivered join or leave: doing so
	// again changes nothing.
	if e.Channel == "" && e.Kind == bot.KindJoin {
		if m.joinedAt == null || at > m.joinedAt {
			m.joinedAt = at
		}
		if m.leftAt != null && at > m.leftAt {
			m.leftAt = null
		}
	}
	if e.Channel == "" && e.Kind == bot.KindLeave {
		switch {
		case m.joinedAt != null && at < m.joinedAt:
		case m.leftAt == null:
			m.leftAt = at
		default:
			m.leftAt = min(m.leftAt, at)
		}
	}
	if _, ok := c.evs[e.Key]; ok {
		return false
	}
	if _, ok := c.tombstones[e.Key]; ok && (e.Kind == bot.KindMessage || e.Kind == bot.KindReply || e.Kind == bot.KindPromptReply) {
		return false
	}
	s.seq++
	ev := &event{seq: s.seq, key: e.Key, kind: e.Kind, channel: e.Channel, member: e.Member, at: at,
		message: e.Message, parent: e.Parent, answeredAt: null}
	if e.Kind == bot.KindMessage {
		ev.answeredAt = c.firstAnswer(ev)
	}
	c.evs[e.Key] = ev
	if k := activityIndex(e.Kind); k >= 0 {
		c.addActivity(ev, m.isBot, k, 1)
		if m.lastActive == null || at > m.lastActive {
			m.lastActive = at
		}
	}
	c.index(ev)
	if e.Kind == bot.KindReply {
		for _, msg := range c.threadAt(e.Parent).messages {
			if msg.channel == e.Channel && msg.member != e.Member && (msg.answeredAt == null || msg.answeredAt > at) {
				msg.answeredAt = at
			}
		}
	}
	return true
}

// thread is the messages with one platform id (one per channel) and the
// replies naming it as their parent.
type thread struct {
	messages, replies []*event
}

// index adds a message or reply to its thread.
func (c *community) index(e *event) {
	switch e.kind {
	case bot.KindMessage:
		c.threadOf(e.message).messages = append(c.threadOf(e.message).messages, e)
	case bot.KindReply:
		c.threadOf(e.parent).replies = append(c.threadOf(e.parent).replies, e)
	}
}

// unindex takes a deleted message or reply out of its thread.
func (c *community) unindex(e *event) {
	id := e.message
	if e.kind == bot.KindReply {
		id = e.parent
	}
	t := c.threads[id]
	if t == nil {
		return
	}
	t.messages = slices.DeleteFunc(t.messages, func(x *event) bool { return x == e })
	t.replies = slices.DeleteFunc(t.replies, func(x *event) bool { return x == e })
	if len(t.messages)+len(t.replies) == 0 {
		delete(c.threads, id)
	}
}

func (c *community) threadOf(id string) *thread {
	t := c.threads[id]
	if t == nil {
		t = &thread{}
		c.threads[id] = t
	}
	return t
}

// deleteEvent deletes a recorded event (not its day totals).
func (c *community) deleteEvent(e *event) {
	delete(c.evs, e.key)
	c.unindex(e)
}

// firstAnswer returns the time of the earliest reply to msg by someone
// else, or null.
func (c *community) firstAnswer(msg *event) int64 {
	first := int64(null)
	for _, r := range c.threadAt(msg.message).replies {
		if r.channel == msg.channel && r.member != msg.member && (first == null || r.at < first) {
			first = r.at
		}
	}
	return first
}

// reanswer looks the answer of the messages a thread answers up again.
func (c *community) reanswer(parent, channel string) {
	for _, msg := range c.threadAt(parent).messages {
		if msg.channel == channel {
			msg.answeredAt = c.firstAnswer(msg)
		}
	}
}

// retract deletes the event recorded under e's key and reports whether
// there was one. Messages and replies leave a tombstone even if they were
// never recorded, so their late delivery stays deleted.
func (s *Store) retract(e bot.Event) bool {
	c := s.communityRow(e.Community)
	ev, deleted := c.evs[e.Key]
	if tombstoned(e.Kind) || deleted && tombstoned(ev.kind) {
		if _, ok := c.tombstones[e.Key]; !ok {
			c.tombstones[e.Key] = ms(e.At)
		}
	}
	if !deleted {
		return false
	}
	c.deleteEvent(ev)
	if k := activityIndex(ev.kind); k >= 0 {
		m := c.members[ev.member]
		c.addActivity(ev, m.isBot, k, -1)
		m.lastActive = c.latestActivity(m.ext, null)
	}
	if ev.kind == bot.KindReply {
		c.reanswer(ev.parent, ev.channel)
	}
	return true
}

// latestActivity returns a member's latest activity event's time before
// before (null: any time), or null.
func (c *community) latestActivity(member string, before int64) int64 {
	latest := int64(null)
	for _, e := range c.evs {
		if e.member == member && activityIndex(e.kind) >= 0 && (before == null || e.at < before) && e.at > latest {
			latest = e.at
		}
	}
	return latest
}

// threadAt returns the thread of a message id (empty if none).
func (c *community) threadAt(id string) *thread {
	if t := c.threads[id]; t != nil {
		return t
	}
	return &thread{}
}
