package fakediscord

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// GuildCreate registers a guild (or replaces it) and dispatches GUILD_CREATE.
func (s *Server) GuildCreate(g Guild) error {
	s.mu.Lock()
	s.addGuildLocked(g)
	payload := s.guildJSON(s.guilds[g.ID])
	s.mu.Unlock()
	_, err := s.Dispatch("GUILD_CREATE", payload)
	return err
}

// ThreadCreate registers a thread and dispatches THREAD_CREATE. A thread
// started from a message has that message's id.
func (s *Server) ThreadCreate(guildID string, th Channel) error {
	s.AddChannel(guildID, th)
	d := channelJSON(th, guildID)
	d["newly_created"] = true
	_, err := s.Dispatch("THREAD_CREATE", d)
	return err
}

// Message is a message a member (or a bot, or a webhook) sends.
type Message struct {
	ID        string // default: a new id at the fake's now
	ChannelID string
	GuildID   string // "" for a DM
	Author    User
	Nick      string // the author's guild nickname
	// Type defaults to MessageDefault, or MessageReply when ReplyTo is set.
	Type      int
	WebhookID string
	// ReplyTo makes it an inline reply (message_reference) to that message.
	ReplyTo string
	// ReplyChannelID is the referenced message's channel (default ChannelID).
	ReplyChannelID string
}

// MessageCreate dispatches MESSAGE_CREATE, without content, as Discord does
// for a bot without the MESSAGE_CONTENT intent. It returns the message with
// its id.
func (s *Server) MessageCreate(m Message) (Message, error) {
	if m.ID == "" {
		m.ID = s.NewID()
	}
	if m.Type == 0 && m.ReplyTo != "" {
		m.Type = MessageReply
	}
	s.mu.Lock()
	s.storeLocked(m) // kept as history too
	s.mu.Unlock()
	_, err := s.Dispatch("MESSAGE_CREATE", s.messageCreateJSON(m))
	return m, err
}

func (s *Server) messageCreateJSON(m Message) map[string]any {
	d := map[string]any{
		"id":               m.ID,
		"channel_id":       m.ChannelID,
		"type":             m.Type,
		"content":          "",
		"author":           userJSON(m.Author),
		"timestamp":        SnowflakeTime(m.ID).Format(time.RFC3339Nano),
		"edited_timestamp": nil,
		"tts":              false,
		"mention_everyone": false,
		"mentions":         []any{},
		"mention_roles":    []any{},
		"attachments":      []any{},
		"embeds":           []any{},
		"components":       []any{},
		"pinned":           false,
		"flags":            0,
	}
	if m.GuildID != "" {
		d["guild_id"] = m.GuildID
		if m.WebhookID == "" {
			d["member"] = memberJSON(Member{Nick: m.Nick, JoinedAt: s.opts.Now()}, "", false)
		}
	}
	if m.WebhookID != "" {
		d["webhook_id"] = m.WebhookID
	}
	if m.ReplyTo != "" {
		ref := map[string]any{"message_id": m.ReplyTo, "channel_id": m.ChannelID, "type": 0}
		if m.ReplyChannelID != "" {
			ref["channel_id"] = m.ReplyChannelID
		}
		if m.GuildID != "" {
			ref["guild_id"] = m.GuildID
		}
		d["message_reference"] = ref
		d["referenced_message"] = nil
	}
	return d
}

// MessageDelete removes the message from its channel's history and
// dispatches MESSAGE_DELETE.
func (s *Server) MessageDelete(guildID, channelID, id string) error {
	s.Delete(channelID, id)
	d := map[string]any{"id": id, "channel_id": channelID}
	if guildID != "" {
		d["guild_id"] = guildID
	}
	_, err := s.Dispatch("MESSAGE_DELETE", d)
	return err
}

// Reaction is an emoji reaction. A Unicode emoji has only a name; a custom
// one has an id too.
type Reaction struct {
	GuildID, ChannelID, MessageID string
	User                          User
	EmojiID, EmojiName            string
}

func (s *Server) reactionJSON(r Reaction, add bool) map[string]any {
	emoji := map[string]any{"name": r.EmojiName}
	if r.EmojiID != "" {
		emoji["id"] = r.EmojiID
	} else {
		emoji["id"] = nil
	}
	d := map[string]any{"user_id": r.User.ID, "channel_id": r.ChannelID, "message_id": r.MessageID, "emoji": emoji, "burst": false, "type": 0}
	if r.GuildID != "" {
		d["guild_id"] = r.GuildID
		if add {
			d["member"] = memberJSON(Member{User: r.User, JoinedAt: s.opts.Now()}, "", true)
		}
	}
	return d
}

// ReactionAdd adds the reaction to the message's history and dispatches
// MESSAGE_REACTION_ADD.
func (s *Server) ReactionAdd(r Reaction) error {
	s.React(r)
	_, err := s.Dispatch("MESSAGE_REACTION_ADD", s.reactionJSON(r, true))
	return err
}

// ReactionRemove removes the reaction from the message's history and
// dispatches MESSAGE_REACTION_REMOVE.
func (s *Server) ReactionRemove(r Reaction) error {
	s.Unreact(r)
	_, err := s.Dispatch("MESSAGE_REACTION_REMOVE", s.reactionJSON(r, false))
	return err
}

// MemberAdd adds a member to the guild and dispatches GUILD_MEMBER_ADD.
func (s *Server) MemberAdd(guildID string, m Member) error {
	s.mu.Lock()
	if g := s.guilds[guildID]; g != nil {
		g.Members = append(g.Members, m)
	}
	s.mu.Unlock()
	_, err := s.Dispatch("GUILD_MEMBER_ADD", memberJSON(m, guildID, true))
	return err
}

// MemberRemove removes a member from the guild and dispatches GUILD_MEMBER_REMOVE.
func (s *Server) MemberRemove(guildID string, u User) error {
	s.mu.Lock()
	if g := s.guilds[guildID]; g != nil {
		g.Members = slices.DeleteFunc(g.Members, func(m Member) bool { return m.User.ID == u.ID })
	}
	s.mu.Unlock()
	_, err := s.Dispatch("GUILD_MEMBER_REMOVE", map[string]any{"guild_id": guildID, "user": userJSON(u)})
	return err
}

// Interaction is an interaction the fake created: the client answers it
// through /interactions/{ID}/{Token}/callback and the webhook routes.
type Interaction struct {
	ID, Token string
	ChannelID string
	At        time.Time
	responded bool
}

// Invoker is who interacts: in a guild (a member with the permissions the
// interaction reports) or, with no GuildID, in a DM.
type Invoker struct {
	GuildID, ChannelID string
	User               User
	Nick               string
	// Permissions are the member's permissions in the channel (member.permissions).
	Permissions int64
}

// Option is a slash command option as Discord sends it.
type Option struct {
	Name    string
	Type    int
	Value   any
	Options []Option
}

// Option types.
const (
	OptionSubCommand      = 1
	OptionSubCommandGroup = 2
	OptionString          = 3
	OptionUser            = 6
	OptionChannel         = 7
)

// SubCommand is a sub-command option holding its options.
func SubCommand(name string, opts ...Option) Option {
	return Option{Name: name, Type: OptionSubCommand, Options: opts}
}

// Group is a sub-command group holding one sub-command.
func Group(name string, sub Option) Option {
	return Option{Name: name, Type: OptionSubCommandGroup, Options: []Option{sub}}
}

// String is a string option.
func String(name, v string) Option { return Option{Name: name, Type: OptionString, Value: v} }

// UserOpt is a user option holding a user id.
func UserOpt(name, id string) Option { return Option{Name: name, Type: OptionUser, Value: id} }

// ChannelOpt is a channel option holding a channel id.
func ChannelOpt(name, id string) Option { return Option{Name: name, Type: OptionChannel, Value: id} }

func optionsJSON(opts []Option, resolved map[string]map[string]any, s *Server) []any {
	out := []any{}
	for _, o := range opts {
		m := map[string]any{"name": o.Name, "type": o.Type}
		if o.Value != nil {
			m["value"] = o.Value
		}
		if len(o.Options) > 0 || o.Type == OptionSubCommand || o.Type == OptionSubCommandGroup {
			m["options"] = optionsJSON(o.Options, resolved, s)
		}
		switch o.Type {
		case OptionUser:
			id, _ := o.Value.(string)
			resolved["users"][id] = userJSON(User{ID: id, Username: "user" + id})
		case OptionChannel:
			id, _ := o.Value.(string)
			s.mu.Lock()
			ch := s.channels[id]
			s.mu.Unlock()
			resolved["channels"][id] = map[string]any{"id": id, "name": ch.Name, "type": ch.Type, "permissions": "0"}
		}
		out = append(out, m)
	}
	return out
}

// newInteraction registers an interaction and renders its payload.
func (s *Server) newInteraction(typ int, who Invoker, data map[string]any, message map[string]any) (Interaction, []byte) {
	now := s.opts.Now()
	in := Interaction{ID: Snowflake(now), Token: "tok-" + randomHex(12), ChannelID: who.ChannelID, At: now}
	s.mu.Lock()
	s.interacts[in.ID] = in
	s.mu.Unlock()
	d := map[string]any{
		"id":              in.ID,
		"application_id":  s.opts.AppID,
		"type":            typ,
		"token":           in.Token,
		"version":         1,
		"channel_id":      who.ChannelID,
		"data":            data,
		"locale":          "en-US",
		"app_permissions": "0",
	}
	if who.GuildID != "" {
		d["guild_id"] = who.GuildID
		d["guild_locale"] = "en-US"
		d["context"] = 0
		m := memberJSON(Member{User: who.User, Nick: who.Nick, JoinedAt: now}, "", true)
		m["permissions"] = strconv.FormatInt(who.Permissions, 10)
		d["member"] = m
	} else {
		d["user"] = userJSON(who.User)
		d["context"] = 1
	}
	if message != nil {
		d["message"] = message
	}
	raw, err := json.Marshal(d)
	if err != nil {
		panic("fakediscord: marshal interaction: " + err.Error())
	}
	return in, raw
}

// CommandID is the id the fake gives the /hearth command in interactions.
const CommandID = "900000000000000100"

// PrepareSlash registers a /name slash command interaction and returns its
// payload without dispatching it (for an HTTP interactions endpoint).
func (s *Server) PrepareSlash(who Invoker, name string, opts ...Option) (Interaction, []byte) {
	resolved := map[string]map[string]any{"users": {}, "channels": {}}
	data := map[string]any{"id": CommandID, "name": name, "type": 1, "options": optionsJSON(opts, resolved, s)}
	if len(resolved["users"]) > 0 || len(resolved["channels"]) > 0 {
		data["resolved"] = resolved
	}
	if who.GuildID != "" {
		data["guild_id"] = who.GuildID
	}
	return s.newInteraction(2, who, data, nil)
}

// Slash dispatches INTERACTION_CREATE for a /name slash command.
func (s *Server) Slash(who Invoker, name string, opts ...Option) (Interaction, error) {
	in, raw := s.PrepareSlash(who, name, opts...)
	_, err := s.Dispatch("INTERACTION_CREATE", json.RawMessage(raw))
	return in, err
}

// PrepareClick registers a button click on messageID and returns its payload.
func (s *Server) PrepareClick(who Invoker, messageID, customID string) (Interaction, []byte) {
	message := map[string]any{
		"id": messageID, "channel_id": who.ChannelID, "type": 0, "content": "", "flags": 64,
		"author":    userJSON(User{ID: s.opts.BotID, Username: s.opts.BotName, Bot: true}),
		"timestamp": SnowflakeTime(messageID).Format(time.RFC3339Nano),
	}
	return s.newInteraction(3, who, map[string]any{"custom_id": customID, "component_type": 2}, message)
}

// Click dispatches INTERACTION_CREATE for a button click.
func (s *Server) Click(who Invoker, messageID, customID string) (Interaction, error) {
	in, raw := s.PrepareClick(who, messageID, customID)
	_, err := s.Dispatch("INTERACTION_CREATE", json.RawMessage(raw))
	return in, err
}

// FieldValue is one submitted text input.
type FieldValue struct{ ID, Value string }

// PrepareSubmit registers a modal submission and returns its payload.
func (s *Server) PrepareSubmit(who Invoker, customID string, values ...FieldValue) (Interaction, []byte) {
	rows := []any{}
	for _, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": v.ID, "value": v.Value},
		}})
	}
	return s.newInteraction(5, who, map[string]any{"custom_id": customID, "components": rows}, nil)
}

// Submit dispatches INTERACTION_CREATE for a modal submission.
func (s *Server) Submit(who Invoker, customID string, values ...FieldValue) (Interaction, error) {
	in, raw := s.PrepareSubmit(who, customID, values...)
	_, err := s.Dispatch("INTERACTION_CREATE", json.RawMessage(raw))
	return in, err
}

// Acknowledge records that interaction id was answered outside the fake,
// in the HTTP response of an interactions endpoint, so its webhook (edits
// and follow-ups) works.
func (s *Server) Acknowledge(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in, ok := s.interacts[id]; ok {
		in.responded = true
		s.interacts[id] = in
	}
}
