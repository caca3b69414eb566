package discord

// The events a message, a reaction or a join becomes, built once for the
// gateway's live events and for history alike, so both give the same keys,
// kinds and parents.

import (
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// counted says which message types are participation: ordinary messages
// and inline replies, not system messages (joins, pins, thread notices).
func counted(t discordgo.MessageType) bool {
	return t == discordgo.MessageTypeDefault || t == discordgo.MessageTypeReply
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
