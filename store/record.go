package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Record stores events, ignoring any whose key was recorded before (or, for
// messages, replies and prompt replies, retracted), and applies
// retractions. Kinds that are not activity (bot.EventKind.Activity: joins,
// leaves, prompt replies, kinds of later features) are stored as events
// only: they change no rollup and no latest activity, so no report figure;
// MemberActivity counts them under their own kind. See bot.Event
// for what each field means and bot.Recorder for the contract. It returns how
// many events were newly recorded plus how many were retracted. Events from
// bots and DMs are not recorded.
//
// Record hands the events to the writer, which commits them together with
// other callers' in one transaction; it returns once they are committed.
func (db *DB) Record(ctx context.Context, events ...bot.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	for i, e := range events {
		if err := e.Validate(); err != nil {
			return 0, fmt.Errorf("record event %d of %d: %w", i+1, len(events), err)
		}
	}
	// A copy: the writer reads it after a cancelled caller has moved on.
	events = slices.Clone(events)
	n, err := db.w.do(ctx, len(events), func(ctx context.Context, _ *txConn, s *txState) (int, error) {
		return s.record(ctx, events)
	})
	if err != nil {
		return 0, fmt.Errorf("record %d events: %w", len(events), err)
	}
	return n, nil
}

// activityKinds are the kinds that count as being active
// (bot.EventKind.Activity), in the order of the day tables' columns and of
// counts.
var activityKinds = [...]bot.EventKind{bot.KindMessage, bot.KindReply, bot.KindReaction, bot.KindCheckinAnswer, bot.KindStillHere, bot.KindResourceShare, bot.KindRSVP, bot.KindAttended}

// activityIndex returns the position of k in activityKinds, or -1.
func activityIndex(k bot.EventKind) int {
	for i, a := range activityKinds {
		if a == k {
			return i
		}
	}
	return -1
}

// activityList is activityKinds as an SQL list: ('message', 'reply', ...).
var activityList = func() string {
	quoted := make([]string, len(activityKinds))
	for i, k := range activityKinds {
		quoted[i] = "'" + string(k) + "'"
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}()

// tombstoned reports whether a retracted event of kind k stays deleted. A
// prompt reply goes with its reply: were it not tombstoned, a late
// redelivery of a deleted reply would bring back its prompt reply alone.
func tombstoned(k bot.EventKind) bool {
	return k == bot.KindMessage || k == bot.KindReply || k == bot.KindPromptReply
}

const day = 24 * time.Hour / time.Millisecond

// dayOf returns the UTC day number of a unix millisecond time.
func dayOf(ms int64) int64 {
	d := ms / int64(day)
	if ms < 0 && ms%int64(day) != 0 {
		d--
	}
	return d
}

const (
	sqlUpsertCommunity = `INSERT INTO communities (ext_id, platform) VALUES (?, ?)
ON CONFLICT (ext_id) DO UPDATE SET platform = communities.platform
RETURNING id`

	// Names change only when an event says one; first_seen is the earliest
	// time seen.
	sqlUpsertMember = `INSERT INTO members (community_id, ext_id, name, name_fold, first_seen) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (community_id, ext_id) DO UPDATE SET
	name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE members.name END,
	name_fold = CASE WHEN excluded.name <> '' THEN excluded.name_fold ELSE members.name_fold END,
	first_seen = MIN(members.first_seen, excluded.first_seen)
RETURNING id, name, first_seen, is_bot`

	sqlUpsertChannel = `INSERT INTO channels (community_id, ext_id, name, name_fold) VALUES (?, ?, ?, ?)
ON CONFLICT (community_id, ext_id) DO UPDATE SET
	name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE channels.name END,
	name_fold = CASE WHEN excluded.name <> '' THEN excluded.name_fold ELSE channels.name_fold END
RETURNING id, name`

	sqlInsertEvent = `INSERT INTO events (community_id, key, kind, channel_id, member_id, at, message, parent)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (community_id, key) DO NOTHING`

	// Messages: not if retracted before; a message arriving after replies
	// to it (platforms do not promise order) finds them. The channel is
	// compared with COALESCE (ids are never 0), not IS: "channel_id IS ?4"
	// on a column of the partial index makes SQLite prepare the statement
	// again whenever ?4 changes, which was a sixth of recording a message.
	sqlInsertMessage = `INSERT INTO events (community_id, key, kind, channel_id, member_id, at, message, parent, answered_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, (
	SELECT MIN(r.at) FROM events r INDEXED BY replies_by_parent
	WHERE r.community_id = ?1 AND r.kind = 'reply' AND r.parent = ?7 AND COALESCE(r.channel_id, 0) = COALESCE(CAST(?4 AS BIGINT), 0) AND r.member_id <> ?5)
WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.community_id = ?1 AND t.key = ?2)
ON CONFLICT (community_id, key) DO NOTHING`

	// Replies (and prompt replies, which go with them): not if retracted
	// before.
	sqlInsertReply = `INSERT INTO events (community_id, key, kind, channel_id, member_id, at, message, parent)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.community_id = ?1 AND t.key = ?2)
ON CONFLICT (community_id, key) DO NOTHING`

	// A reply by someone other than the author answers its message.
	sqlAnswer = `UPDATE events INDEXED BY messages_by_id SET answered_at = ?1
WHERE community_id = ?2 AND kind = 'message' AND message = ?3 AND channel_id IS ?4 AND member_id <> ?5
	AND (answered_at IS NULL OR answered_at > ?1)`

	// After a reply is retracted its message's answer is looked up again.
	sqlReanswer = `UPDATE events INDEXED BY messages_by_id SET answered_at = (
	SELECT MIN(r.at) FROM events r INDEXED BY replies_by_parent
	WHERE r.community_id = events.community_id AND r.kind = 'reply' AND r.parent = events.message
		AND r.channel_id IS events.channel_id AND r.member_id <> events.member_id)
WHERE community_id = ?1 AND kind = 'message' AND message = ?2 AND channel_id IS ?3`

	sqlRetract = `DELETE FROM events WHERE community_id = ? AND key = ?
RETURNING kind, channel_id, member_id, at, parent`

	sqlTombstone = `INSERT INTO tombstones (community_id, key, at) VALUES (?, ?, ?)
ON CONFLICT (community_id, key) DO NOTHING`

	// Joining (the community, not a channel): joined_at is the latest join;
	// a join after the member left means they are back. Applying it again,
	// or in any order with the member's other joins and leaves, ends the same.
	sqlJoin = `UPDATE members SET
	joined_at = MAX(COALESCE(joined_at, ?1), ?1),
	left_at = CASE WHEN left_at IS NOT NULL AND ?1 > left_at THEN NULL ELSE left_at END
WHERE id = ?2`

	// Leaving: a leave older than the latest join is history; otherwise the
	// earliest leave since that join counts.
	sqlLeave = `UPDATE members SET left_at = CASE
	WHEN joined_at IS NOT NULL AND ?1 < joined_at THEN left_at
	WHEN left_at IS NULL THEN ?1
	ELSE MIN(left_at, ?1) END
WHERE id = ?2`

	sqlMemberIsBot = `SELECT is_bot FROM members WHERE id = ?`
)

var sqlRetouch = `UPDATE members SET last_active = (
	SELECT e.at FROM events e INDEXED BY events_by_member
	WHERE e.community_id = members.community_id AND e.member_id = members.id AND e.kind IN ` + activityList + `
	ORDER BY e.at DESC LIMIT 1)
WHERE id = ?`

// record applies one caller's events, in order.
func (s *txState) record(ctx context.Context, events []bot.Event) (int, error) {
	if s.cache.full() {
		s.cache.reset()
	}
	n := 0
	for i := range events {
		e := &events[i]
		if e.IsBot || e.DM {
			continue
		}
		var ok bool
		var err error
		if e.Retract {
			ok, err = s.retract(ctx, e)
		} else {
			ok, err = s.insert(ctx, e)
		}
		if err != nil {
			return 0, fmt.Errorf("event %q of %s: %w", e.Key, e.Community, err)
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (s *txState) insert(ctx context.Context, e *bot.Event) (bool, error) {
	cid, err := s.community(ctx, e.Community)
	if err != nil {
		return false, err
	}
	at := e.At.UnixMilli()
	m, err := s.member(ctx, cid, e.Member, e.MemberName, at)
	if err != nil {
		return false, err
	}
	mid := m.id
	var channel sql.NullInt64
	if e.Channel != "" {
		id, err := s.channel(ctx, cid, e.Channel, e.ChannelName)
		if err != nil {
			return false, err
		}
		channel = sql.NullInt64{Int64: id, Valid: true}
	}
	query := sqlInsertEvent
	switch e.Kind {
	case bot.KindMessage:
		query = sqlInsertMessage
	case bot.KindReply, bot.KindPromptReply:
		query = sqlInsertReply // not if retracted before
	}
	res, err := s.stmt(ctx, query).ExecContext(ctx, cid, e.Key, string(e.Kind), channel, mid, at, e.Message, e.Parent)
	if err != nil {
		return false, fmt.Errorf("insert: %w", err)
	}
	inserted, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert: %w", err)
	}
	// Membership is applied even for a redelivered join or leave: doing so
	// again changes nothing.
	if e.Channel == "" && (e.Kind == bot.KindJoin || e.Kind == bot.KindLeave) {
		query := sqlJoin
		if e.Kind == bot.KindLeave {
			query = sqlLeave
		}
		if _, err := s.stmt(ctx, query).ExecContext(ctx, at, mid); err != nil {
			return false, fmt.Errorf("%s: %w", e.Kind, err)
		}
	}
	if inserted == 0 {
		return false, nil
	}
	if k := activityIndex(e.Kind); k >= 0 {
		s.addActivity(cell{community: cid, member: mid, day: dayOf(at), channel: channel.Int64}, m.isBot, k, 1)
		s.touched(mid, at)
	}
	if e.Kind == bot.KindReply {
		if _, err := s.stmt(ctx, sqlAnswer).ExecContext(ctx, at, cid, e.Parent, channel, mid); err != nil {
			return false, fmt.Errorf("answer %q: %w", e.Parent, err)
		}
	}
	return true, nil
}

// retract deletes the event recorded under e's key and reports whether there
// was one. Messages and replies leave a tombstone even if they were never
// recorded, so their late delivery stays deleted.
func (s *txState) retract(ctx context.Context, e *bot.Event) (bool, error) {
	cid, err := s.community(ctx, e.Community)
	if err != nil {
		return false, err
	}
	var (
		kind    string
		channel sql.NullInt64
		member  int64
		at      int64
		parent  string
	)
	err = s.stmt(ctx, sqlRetract).QueryRowContext(ctx, cid, e.Key).Scan(&kind, &channel, &member, &at, &parent)
	deleted := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("retract: %w", err)
	}
	if tombstoned(e.Kind) || tombstoned(bot.EventKind(kind)) {
		if _, err := s.stmt(ctx, sqlTombstone).ExecContext(ctx, cid, e.Key, e.At.UnixMilli()); err != nil {
			return false, fmt.Errorf("tombstone: %w", err)
		}
	}
	if !deleted {
		return false, nil
	}
	if k := activityIndex(bot.EventKind(kind)); k >= 0 {
		var isBot bool
		if err := s.stmt(ctx, sqlMemberIsBot).QueryRowContext(ctx, member).Scan(&isBot); err != nil {
			return false, fmt.Errorf("retract: member %d: %w", member, err)
		}
		s.addActivity(cell{community: cid, member: member, day: dayOf(at), channel: channel.Int64}, isBot, k, -1)
		s.retracted(member)
	}
	if bot.EventKind(kind) == bot.KindReply {
		if _, err := s.stmt(ctx, sqlReanswer).ExecContext(ctx, cid, parent, channel); err != nil {
			return false, fmt.Errorf("answer %q again: %w", parent, err)
		}
	}
	return true, nil
}

// community returns the id of the community, creating its row if needed.
func (s *txState) community(ctx context.Context, ext string) (int64, error) {
	if id, ok := s.cache.communities[ext]; ok {
		return id, nil
	}
	var id int64
	if err := s.stmt(ctx, sqlUpsertCommunity).QueryRowContext(ctx, ext, platformOf(ext)).Scan(&id); err != nil {
		return 0, fmt.Errorf("community %s: %w", ext, err)
	}
	s.cache.communities[ext] = id
	return id, nil
}

// platformOf returns the platform a community id starts with.
func platformOf(communityID string) string {
	p, _, _ := strings.Cut(communityID, ":")
	return p
}

// member returns the row of a member, creating it, refreshing its name, or
// moving first_seen earlier as the event requires.
func (s *txState) member(ctx context.Context, community int64, ext, name string, at int64) (memberEntry, error) {
	k := extKey{community, ext}
	if m, ok := s.cache.members[k]; ok && (name == "" || name == m.name) && at >= m.firstSeen {
		return m, nil
	}
	var m memberEntry
	if err := s.stmt(ctx, sqlUpsertMember).QueryRowContext(ctx, community, ext, name, fold(name), at).Scan(&m.id, &m.name, &m.firstSeen, &m.isBot); err != nil {
		return memberEntry{}, fmt.Errorf("member %s: %w", ext, err)
	}
	s.cache.members[k] = m
	return m, nil
}

// channel returns the id of a channel, creating the row or refreshing its
// name as needed.
func (s *txState) channel(ctx context.Context, community int64, ext, name string) (int64, error) {
	k := extKey{community, ext}
	if c, ok := s.cache.channels[k]; ok && (name == "" || name == c.name) {
		return c.id, nil
	}
	var c channelEntry
	if err := s.stmt(ctx, sqlUpsertChannel).QueryRowContext(ctx, community, ext, name, fold(name)).Scan(&c.id, &c.name); err != nil {
		return 0, fmt.Errorf("channel %s: %w", ext, err)
	}
	s.cache.channels[k] = c
	return c.id, nil
}

// fold is how names are compared: case-insensitively.
func fold(name string) string { return strings.ToLower(name) }
