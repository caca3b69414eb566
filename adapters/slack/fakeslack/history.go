package fakeslack

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
)

// History: the fake keeps what happened in its channels, as Slack does, so
// one scenario can be delivered live (PushEvent, EventBody) or read back
// (conversations.history, conversations.replies). Every event a test
// delivers is also recorded; Record records one without delivering it.
// Messages Hearth posts through chat.postMessage are not recorded: a test
// that wants them in both pushes AppPost.

// MaxReactionUsers is how many users Slack lists on one reaction of a
// message in conversations.history and conversations.replies; count goes on
// past it. Slack documents only that the list "might not always contain all
// users that have reacted"; 50 is what was observed (gist afeld/
// ac56da55274ff4803498, "limited to 50").
const MaxReactionUsers = 50

// Default and maximum limit of conversations.history and
// conversations.replies (docs.slack.dev/reference/methods/
// conversations.history: "Maximum of 999", default 100).
const (
	DefaultHistoryLimit = 100
	MaxHistoryLimit     = 999
)

// histMessage is one message kept in a channel's history.
type histMessage struct {
	ts, threadTS string
	user, botID  string
	subtype      string
	reactions    []*histReaction // in the order they were first added
	replies      int             // for a parent: its replies kept
	latestReply  string
}

type histReaction struct {
	name  string
	users []string
}

// topLevel says whether conversations.history lists m: top-level messages
// and thread broadcasts, not other replies.
func (m *histMessage) topLevel() bool {
	return m.threadTS == "" || m.threadTS == m.ts || m.subtype == "thread_broadcast"
}

// Record keeps ev in the channels' history without delivering it. A ts
// names one message in a channel: a second message with a ts already kept
// is ignored, and a member_joined_channel's channel_join message takes
// its event_ts, so give joins stamps no message has.
func (s *Server) Record(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLocked(ev)
}

// recordLocked applies one Events API event to the history. s.mu is held.
func (s *Server) recordLocked(ev Event) {
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	switch str(ev, "type") {
	case "message":
		ch := str(ev, "channel")
		switch sub := str(ev, "subtype"); sub {
		case "message_changed":
			// Edits change nothing Hearth reads.
		case "message_deleted":
			s.deleteLocked(ch, str(ev, "deleted_ts"))
		default:
			s.addLocked(ch, &histMessage{ts: str(ev, "ts"), threadTS: str(ev, "thread_ts"),
				user: str(ev, "user"), botID: str(ev, "bot_id"), subtype: sub})
		}
	case "reaction_added", "reaction_removed":
		item, _ := ev["item"].(map[string]any)
		if str(item, "type") != "message" {
			return
		}
		m := s.findLocked(str(item, "channel"), str(item, "ts"))
		if m == nil {
			return
		}
		s.reactLocked(m, str(ev, "reaction"), str(ev, "user"), str(ev, "type") == "reaction_added")
	case "member_joined_channel", "member_left_channel":
		// Slack posts a channel_join (channel_leave) message; the fake
		// gives it the event's stamp (Slack's is a little later).
		sub := "channel_join"
		if str(ev, "type") == "member_left_channel" {
			sub = "channel_leave"
		}
		s.addLocked(str(ev, "channel"), &histMessage{ts: str(ev, "event_ts"), user: str(ev, "user"), subtype: sub})
	}
}

func (s *Server) addLocked(ch string, m *histMessage) {
	if ch == "" || m.ts == "" {
		return
	}
	if s.history == nil {
		s.history = map[string][]*histMessage{}
	}
	msgs := s.history[ch]
	i := sort.Search(len(msgs), func(i int) bool { return tsLess(m.ts, msgs[i].ts) })
	if i > 0 && msgs[i-1].ts == m.ts {
		return // a ts names one message in a channel: the same event seen again
	}
	msgs = append(msgs, nil)
	copy(msgs[i+1:], msgs[i:])
	msgs[i] = m
	s.history[ch] = msgs
	if m.threadTS != "" && m.threadTS != m.ts {
		if p := s.findLocked(ch, m.threadTS); p != nil {
			p.replies++
			if tsLess(p.latestReply, m.ts) {
				p.latestReply = m.ts
			}
		}
	}
}

// deleteLocked removes a message, as Slack does; a parent that still has
// replies stays as a tombstone, so its thread can be read.
func (s *Server) deleteLocked(ch, ts string) {
	msgs := s.history[ch]
	for i, m := range msgs {
		if m.ts != ts {
			continue
		}
		if m.replies > 0 && (m.threadTS == "" || m.threadTS == m.ts) {
			m.subtype, m.user, m.botID, m.reactions = "tombstone", SlackbotID, "", nil
			return
		}
		s.history[ch] = append(msgs[:i:i], msgs[i+1:]...)
		if m.threadTS != "" && m.threadTS != m.ts {
			if p := s.findLocked(ch, m.threadTS); p != nil {
				p.replies--
			}
		}
		return
	}
}

func (s *Server) findLocked(ch, ts string) *histMessage {
	for _, m := range s.history[ch] {
		if m.ts == ts {
			return m
		}
	}
	return nil
}

func (s *Server) reactLocked(m *histMessage, name, user string, add bool) {
	for i, r := range m.reactions {
		if r.name != name {
			continue
		}
		for j, u := range r.users {
			if u == user {
				if !add {
					r.users = append(r.users[:j:j], r.users[j+1:]...)
					if len(r.users) == 0 {
						m.reactions = append(m.reactions[:i:i], m.reactions[i+1:]...)
					}
				}
				return
			}
		}
		if add {
			r.users = append(r.users, user)
		}
		return
	}
	if add {
		m.reactions = append(m.reactions, &histReaction{name: name, users: []string{user}})
	}
}

// tsLess orders Slack timestamps ("1700000000.000123") by time; "" is
// before everything.
func tsLess(a, b string) bool {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	if as != bs {
		return as < bs
	}
	return af < bf
}

// messageJSON renders m as conversations.history does.
func (s *Server) messageJSON(m *histMessage) map[string]any {
	out := map[string]any{"type": "message", "ts": m.ts, "text": SecretText}
	if m.user != "" {
		out["user"] = m.user
	}
	if m.botID != "" {
		out["bot_id"] = m.botID
	}
	if m.subtype != "" {
		out["subtype"] = m.subtype
	}
	if m.subtype == "tombstone" {
		out["hidden"] = true
		out["text"] = "This message was deleted."
	}
	if m.threadTS != "" {
		out["thread_ts"] = m.threadTS
	}
	if m.replies > 0 {
		out["thread_ts"] = m.ts
		out["reply_count"] = m.replies
		out["latest_reply"] = m.latestReply
	}
	if len(m.reactions) > 0 {
		var rs []map[string]any
		for _, r := range m.reactions {
			shown := r.users
			if len(shown) > MaxReactionUsers {
				shown = shown[:MaxReactionUsers]
			}
			rs = append(rs, map[string]any{"name": r.name, "users": append([]string(nil), shown...), "count": len(r.users)})
		}
		out["reactions"] = rs
	}
	return out
}

// historyLimit reads limit as Slack does: default 100, at most 999.
func historyLimit(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return DefaultHistoryLimit
	}
	return min(n, MaxHistoryLimit)
}

// readableLocked says why Hearth cannot read ch's history, or "".
func (s *Server) readableLocked(ch string) string {
	c, ok := s.channels[ch]
	switch {
	case !ok:
		return "channel_not_found"
	case c.NotMember:
		return "not_in_channel"
	}
	return ""
}

// conversationsHistoryLocked serves conversations.history: top-level
// messages between oldest and latest, newest first, limit at a time; the
// cursor names the last message given.
func (s *Server) conversationsHistoryLocked(call *Call) (map[string]any, string) {
	p := call.Params
	ch := p.Get("channel")
	if code := s.readableLocked(ch); code != "" {
		return nil, code
	}
	oldest, latest := p.Get("oldest"), p.Get("latest")
	inclusive := p.Get("inclusive") == "1" || p.Get("inclusive") == "true"
	before, beforeIncl := latest, inclusive
	if c := p.Get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		if err != nil || !strings.HasPrefix(string(raw), "before:") {
			return nil, "invalid_cursor"
		}
		before, beforeIncl = strings.TrimPrefix(string(raw), "before:"), false
	}
	limit := historyLimit(p.Get("limit"))
	msgs := s.history[ch]
	var page []map[string]any
	more := false
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if !m.topLevel() {
			continue
		}
		if before != "" && (tsLess(before, m.ts) || (m.ts == before && !beforeIncl)) {
			continue
		}
		if oldest != "" && (tsLess(m.ts, oldest) || (m.ts == oldest && !inclusive)) {
			break
		}
		if len(page) == limit {
			more = true
			break
		}
		page = append(page, s.messageJSON(m))
	}
	next := ""
	if more {
		next = base64.StdEncoding.EncodeToString([]byte("before:" + page[len(page)-1]["ts"].(string)))
	}
	if page == nil {
		page = []map[string]any{}
	}
	return map[string]any{
		"messages":          page,
		"has_more":          more,
		"pin_count":         0,
		"response_metadata": map[string]any{"next_cursor": next},
	}, ""
}

// conversationsRepliesLocked serves conversations.replies: the parent
// first on every page, as Slack gives it, then its replies oldest first.
func (s *Server) conversationsRepliesLocked(call *Call) (map[string]any, string) {
	p := call.Params
	ch := p.Get("channel")
	if code := s.readableLocked(ch); code != "" {
		return nil, code
	}
	parent := s.findLocked(ch, p.Get("ts"))
	if parent == nil {
		return nil, "thread_not_found"
	}
	var replies []*histMessage
	for _, m := range s.history[ch] {
		if m.threadTS == parent.ts && m.ts != parent.ts {
			replies = append(replies, m)
		}
	}
	start := 0
	if c := p.Get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		n, aerr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || aerr != nil || n < 0 || n > len(replies) {
			return nil, "invalid_cursor"
		}
		start = n
	}
	limit := historyLimit(p.Get("limit"))
	end := min(start+limit, len(replies))
	page := []map[string]any{s.messageJSON(parent)}
	for _, m := range replies[start:end] {
		page = append(page, s.messageJSON(m))
	}
	next := ""
	if end < len(replies) {
		next = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return map[string]any{
		"messages":          page,
		"has_more":          next != "",
		"response_metadata": map[string]any{"next_cursor": next},
	}, ""
}

// conversationsForUserLocked serves users.conversations (member: the
// channels Hearth is in) and conversations.list (all, with is_member).
func (s *Server) conversationsForUserLocked(call *Call, memberOnly bool) (map[string]any, string) {
	p := call.Params
	types := map[string]bool{}
	for _, t := range strings.Split(first(p.Get("types"), "public_channel"), ",") {
		types[t] = true
	}
	excludeArchived := p.Get("exclude_archived") == "true" || p.Get("exclude_archived") == "1"
	var all []*Channel
	for _, c := range s.channels {
		switch {
		case memberOnly && c.NotMember,
			excludeArchived && c.IsArchived,
			c.IsPrivate && !types["private_channel"],
			!c.IsPrivate && !types["public_channel"]:
			continue
		}
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	start := 0
	if c := p.Get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		n, aerr := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || aerr != nil || n < 0 || n > len(all) {
			return nil, "invalid_cursor"
		}
		start = n
	}
	end := min(start+limit, len(all))
	chans := []map[string]any{}
	for _, c := range all[start:end] {
		chans = append(chans, s.channelJSON(c))
	}
	next := ""
	if end < len(all) {
		next = base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return map[string]any{"channels": chans, "response_metadata": map[string]any{"next_cursor": next}}, ""
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
