package fakediscord

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The fake keeps the activity it delivers live (MessageCreate, ReactionAdd,
// MessageDelete...) and serves it back over REST as Discord keeps a
// channel's history, so one scenario can be delivered live or read as
// history: GET /channels/{id}/messages (newest first, before=/after=,
// at most 100), a message's reactions' users, a guild's channels, its
// active threads and a channel's archived public and private threads.
// Post, React, Unreact and Delete change the history without dispatching,
// as activity from before the bot was there.

// storedMessage is a message in a channel's history, with its reactions.
type storedMessage struct {
	Message
	reactions []*storedReaction // in the order each emoji was first used
}

type storedReaction struct {
	emojiID, emojiName string
	users              []User // in the order they reacted
}

// apiName is how the reactions route names the emoji: "name:id" for a
// custom emoji, the Unicode emoji itself otherwise.
func (r *storedReaction) apiName() string {
	if r.emojiID != "" {
		return r.emojiName + ":" + r.emojiID
	}
	return r.emojiName
}

// archivedThread says when (and whether) a thread was archived.
type archivedThread struct{ at time.Time }

func snowflakeLess(a, b string) bool {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return x < y
}

func snowflakeCmp(a, b string) int {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return cmpUint(x, y)
}

// Post adds a message to its channel's history without dispatching it, as
// one sent before the bot was there. It returns the message with its id.
func (s *Server) Post(m Message) Message {
	if m.ID == "" {
		m.ID = s.NewID()
	}
	if m.Type == 0 && m.ReplyTo != "" {
		m.Type = MessageReply
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storeLocked(m)
	return m
}

func (s *Server) storeLocked(m Message) {
	h := s.history[m.ChannelID]
	i, found := slices.BinarySearchFunc(h, m.ID, func(sm *storedMessage, id string) int { return snowflakeCmp(sm.ID, id) })
	if found {
		h[i].Message = m
		return
	}
	s.history[m.ChannelID] = slices.Insert(h, i, &storedMessage{Message: m})
}

// Delete removes a message from its channel's history without dispatching.
func (s *Server) Delete(channelID, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.history[channelID] = slices.DeleteFunc(s.history[channelID], func(sm *storedMessage) bool { return sm.ID == id })
}

// React adds a reaction to a stored message without dispatching it.
func (s *Server) React(r Reaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sm := s.findLocked(r.ChannelID, r.MessageID)
	if sm == nil {
		return
	}
	for _, sr := range sm.reactions {
		if sr.emojiID == r.EmojiID && sr.emojiName == r.EmojiName {
			if !slices.ContainsFunc(sr.users, func(u User) bool { return u.ID == r.User.ID }) {
				sr.users = append(sr.users, r.User)
			}
			return
		}
	}
	sm.reactions = append(sm.reactions, &storedReaction{emojiID: r.EmojiID, emojiName: r.EmojiName, users: []User{r.User}})
}

// Unreact removes a reaction from a stored message without dispatching.
func (s *Server) Unreact(r Reaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sm := s.findLocked(r.ChannelID, r.MessageID)
	if sm == nil {
		return
	}
	for i, sr := range sm.reactions {
		if sr.emojiID == r.EmojiID && sr.emojiName == r.EmojiName {
			sr.users = slices.DeleteFunc(sr.users, func(u User) bool { return u.ID == r.User.ID })
			if len(sr.users) == 0 {
				sm.reactions = slices.Delete(sm.reactions, i, i+1)
			}
			return
		}
	}
}

func (s *Server) findLocked(channelID, id string) *storedMessage {
	h := s.history[channelID]
	i, found := slices.BinarySearchFunc(h, id, func(sm *storedMessage, id string) int { return snowflakeCmp(sm.ID, id) })
	if !found {
		return nil
	}
	return h[i]
}

// HideChannel makes reading channelID's messages answer 403 Missing
// Access (50001), as Discord does for a channel the bot cannot see or a
// private thread it was never added to.
func (s *Server) HideChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hidden[channelID] = true
}

// HistoryLen is how many messages channelID's history holds.
func (s *Server) HistoryLen(channelID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.history[channelID])
}

// ArchiveThread archives a thread at the given time: it leaves the guild's
// active threads and is listed among its channel's archived ones (public
// or private by its type). Nothing is dispatched.
func (s *Server) ArchiveThread(guildID, threadID string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.archived[threadID] = archivedThread{at: at}
	if g := s.guilds[guildID]; g != nil {
		g.Threads = slices.DeleteFunc(g.Threads, func(c Channel) bool { return c.ID == threadID })
	}
}

// storedJSON renders a stored message as GET /channels/{id}/messages
// does: no content (no MESSAGE_CONTENT intent), no member or guild id,
// its reactions' counts, and the message it replies to one level deep.
func (s *Server) storedJSON(sm *storedMessage, nested bool) map[string]any {
	d := s.messageCreateJSON(sm.Message)
	delete(d, "member")
	delete(d, "guild_id")
	if len(sm.reactions) > 0 {
		rs := []any{}
		for _, r := range sm.reactions {
			emoji := map[string]any{"name": r.emojiName, "id": nil}
			if r.emojiID != "" {
				emoji["id"] = r.emojiID
			}
			rs = append(rs, map[string]any{"count": len(r.users), "me": false, "emoji": emoji,
				"count_details": map[string]any{"burst": 0, "normal": len(r.users)}, "burst_colors": []any{}, "me_burst": false})
		}
		d["reactions"] = rs
	}
	if sm.ReplyTo != "" && !nested {
		ch := sm.ReplyChannelID
		if ch == "" {
			ch = sm.ChannelID
		}
		if ref := s.findLocked(ch, sm.ReplyTo); ref != nil {
			d["referenced_message"] = s.storedJSON(ref, true)
		}
	}
	return d
}

func queryInt(r *http.Request, name string, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return n
}

// listMessages answers GET /channels/{id}/messages: newest first, before
// or after an id, limit 1 to 100 (default 50).
func (s *Server) listMessages(r *http.Request, _ *Request) (int, any, *apiError) {
	limit := queryInt(r, "limit", 50)
	if limit < 1 || limit > 100 {
		f := formErrors{}
		f.add("limit", "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.")
		return 0, nil, f.err()
	}
	before, after := r.URL.Query().Get("before"), r.URL.Query().Get("after")
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[id]; !ok {
		return 0, nil, errorf(404, 10003, "Unknown Channel")
	}
	if s.hidden[id] {
		return 0, nil, errorf(403, 50001, "Missing Access")
	}
	h := s.history[id]
	out := []any{}
	if after != "" {
		// Oldest after the id first, then returned newest first, as Discord does.
		var page []*storedMessage
		for _, sm := range h {
			if snowflakeLess(after, sm.ID) && len(page) < limit {
				page = append(page, sm)
			}
		}
		for i := len(page) - 1; i >= 0; i-- {
			out = append(out, s.storedJSON(page[i], false))
		}
		return 200, out, nil
	}
	for i := len(h) - 1; i >= 0 && len(out) < limit; i-- {
		if before == "" || snowflakeLess(h[i].ID, before) {
			out = append(out, s.storedJSON(h[i], false))
		}
	}
	return 200, out, nil
}

// getMessage answers GET /channels/{id}/messages/{mid}.
func (s *Server) getMessage(r *http.Request, _ *Request) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[r.PathValue("id")]; !ok {
		return 0, nil, errorf(404, 10003, "Unknown Channel")
	}
	sm := s.findLocked(r.PathValue("id"), r.PathValue("mid"))
	if sm == nil {
		return 0, nil, errorf(404, 10008, "Unknown Message")
	}
	return 200, s.storedJSON(sm, false), nil
}

// listReactions answers GET /channels/{id}/messages/{mid}/reactions/{emoji}:
// the users who reacted, by id, after an id, limit 1 to 100 (default 25).
func (s *Server) listReactions(r *http.Request, _ *Request) (int, any, *apiError) {
	limit := queryInt(r, "limit", 25)
	if limit < 1 || limit > 100 {
		limit = 25
	}
	after := r.URL.Query().Get("after")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[r.PathValue("id")]; !ok {
		return 0, nil, errorf(404, 10003, "Unknown Channel")
	}
	sm := s.findLocked(r.PathValue("id"), r.PathValue("mid"))
	if sm == nil {
		return 0, nil, errorf(404, 10008, "Unknown Message")
	}
	emoji := r.PathValue("emoji")
	for _, sr := range sm.reactions {
		if sr.apiName() != emoji && sr.emojiName != emoji {
			continue
		}
		users := slices.Clone(sr.users)
		slices.SortFunc(users, func(a, b User) int { return snowflakeCmp(a.ID, b.ID) })
		out := []any{}
		for _, u := range users {
			if (after == "" || snowflakeLess(after, u.ID)) && len(out) < limit {
				out = append(out, userJSON(u))
			}
		}
		return 200, out, nil
	}
	return 0, nil, errorf(404, 10014, "Unknown Emoji")
}

// pathGuildLocked is the guild the request's path names, or Discord's
// refusal of an unknown one. s.mu is held.
func (s *Server) pathGuildLocked(r *http.Request) (*Guild, *apiError) {
	if g := s.guilds[r.PathValue("guild")]; g != nil {
		return g, nil
	}
	return nil, errorf(404, 10004, "Unknown Guild")
}

// listGuildChannels answers GET /guilds/{guild}/channels (no threads).
func (s *Server) listGuildChannels(r *http.Request, _ *Request) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.pathGuildLocked(r)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	out := []any{}
	for _, c := range g.Channels {
		out = append(out, channelJSON(c, g.ID))
	}
	return 200, out, nil
}

// getGuild answers GET /guilds/{guild}: its name, owner and roles.
func (s *Server) getGuild(r *http.Request, _ *Request) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.pathGuildLocked(r)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	return 200, map[string]any{"id": g.ID, "name": g.Name, "owner_id": g.OwnerID, "roles": s.rolesJSON(g)}, nil
}

// getMember answers GET /guilds/{guild}/members/{user}, the bot's own
// membership included; it needs no privileged intent.
func (s *Server) getMember(r *http.Request, _ *Request) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.pathGuildLocked(r)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	user := r.PathValue("user")
	if user == s.opts.BotID {
		return 200, memberJSON(s.botMember(g), "", true), nil
	}
	for _, m := range g.Members {
		if m.User.ID == user {
			return 200, memberJSON(m, "", true), nil
		}
	}
	return 0, nil, errorf(404, 10007, "Unknown Member")
}

// listActiveThreads answers GET /guilds/{guild}/threads/active.
func (s *Server) listActiveThreads(r *http.Request, _ *Request) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, apiErr := s.pathGuildLocked(r)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	threads := []any{}
	for _, c := range g.Threads {
		threads = append(threads, channelJSON(c, g.ID))
	}
	return 200, map[string]any{"threads": threads, "members": []any{}}, nil
}

// listArchivedThreads answers GET /channels/{id}/threads/archived/public
// and /private: the channel's archived threads of that kind, most recently
// archived first, archived before the before= timestamp, with has_more.
func (s *Server) listArchivedThreads(private bool) handlerFunc {
	return func(r *http.Request, _ *Request) (int, any, *apiError) {
		limit := queryInt(r, "limit", 50)
		if limit < 2 || limit > 100 {
			limit = 50
		}
		var before time.Time
		if b := r.URL.Query().Get("before"); b != "" {
			t, err := time.Parse(time.RFC3339Nano, b)
			if err != nil {
				return 0, nil, errorf(400, 50035, "Invalid Form Body")
			}
			before = t
		}
		parent := r.PathValue("id")
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.channels[parent]; !ok {
			return 0, nil, errorf(404, 10003, "Unknown Channel")
		}
		type arch struct {
			c  channelInfo
			at time.Time
		}
		var list []arch
		for id, a := range s.archived {
			c, ok := s.channels[id]
			if !ok || c.ParentID != parent || (c.Type == ChannelPrivateThread) != private {
				continue
			}
			if !before.IsZero() && !a.at.Before(before) {
				continue
			}
			list = append(list, arch{c, a.at})
		}
		slices.SortFunc(list, func(a, b arch) int {
			if c := b.at.Compare(a.at); c != 0 {
				return c
			}
			return snowflakeCmp(b.c.ID, a.c.ID)
		})
		threads := []any{}
		for i, a := range list {
			if i == limit {
				break
			}
			d := channelJSON(a.c.Channel, a.c.GuildID)
			d["thread_metadata"] = map[string]any{"archived": true, "auto_archive_duration": 1440, "locked": false,
				"archive_timestamp": a.at.UTC().Format(time.RFC3339Nano)}
			threads = append(threads, d)
		}
		return 200, map[string]any{"threads": threads, "members": []any{}, "has_more": len(list) > limit}, nil
	}
}
