package fakediscord

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Guild scheduled event values, as Discord numbers them.
const (
	PrivacyGuildOnly = 2

	EntityStageInstance = 1
	EntityVoice         = 2
	EntityExternal      = 3

	EventScheduled = 1
)

// PermManageEvents is the permission to create, edit and delete guild
// scheduled events.
const PermManageEvents = 1 << 33

// Discord's error codes the scheduled event routes answer with.
const (
	codeUnknownGuild          = 10004
	codeUnknownScheduledEvent = 10070
	codeMissingPermissions    = 50013
	codeInvalidFormBody       = 50035
)

// ScheduledEvent is a guild scheduled event the fake holds.
type ScheduledEvent struct {
	ID, GuildID       string
	ChannelID         string // "" for an external event
	CreatorID         string
	Name, Description string
	Start             time.Time
	End               time.Time // zero when none was given
	PrivacyLevel      int
	EntityType        int
	Location          string // entity_metadata.location, for an external event
	Status            int
}

// ScheduledEvents returns the scheduled events of guildID, oldest first.
func (s *Server) ScheduledEvents(guildID string) []ScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events[guildID])
}

// RevokeManageEvents takes the events permission (Create Events) from the bot in guildID: creating
// and deleting scheduled events there answer 403 Missing Permissions
// (50013), as Discord does. Listing them still works.
func (s *Server) RevokeManageEvents(guildID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noEvents[guildID] = true
}

// GrantManageEvents gives the events permission back to the bot in guildID.
func (s *Server) GrantManageEvents(guildID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.noEvents, guildID)
}

// eventGuildLocked checks that guildID exists and, when manage, that the
// bot may manage its events. s.mu must be held.
func (s *Server) eventGuildLocked(guildID string, manage bool) *apiError {
	if s.guilds[guildID] == nil {
		return errorf(404, codeUnknownGuild, "Unknown Guild")
	}
	if manage && s.noEvents[guildID] {
		return errorf(403, codeMissingPermissions, "Missing Permissions")
	}
	return nil
}

// formErrors collects the field errors of an Invalid Form Body, nested as
// Discord nests them.
type formErrors map[string]any

func (f formErrors) add(path, code, message string) {
	m := map[string]any(f)
	for _, p := range strings.Split(path, ".") {
		next, _ := m[p].(map[string]any)
		if next == nil {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	errs, _ := m["_errors"].([]any)
	m["_errors"] = append(errs, map[string]any{"code": code, "message": message})
}

func (f formErrors) err() *apiError {
	if len(f) == 0 {
		return nil
	}
	e := errorf(400, codeInvalidFormBody, "Invalid Form Body")
	e.Errors = f
	return e
}

// scheduledEventBody is what a client may send to create a scheduled event.
type scheduledEventBody struct {
	Name               *string         `json:"name"`
	Description        *string         `json:"description"`
	ChannelID          json.RawMessage `json:"channel_id"`
	PrivacyLevel       *int            `json:"privacy_level"`
	EntityType         *int            `json:"entity_type"`
	ScheduledStartTime *string         `json:"scheduled_start_time"`
	ScheduledEndTime   *string         `json:"scheduled_end_time"`
	EntityMetadata     *struct {
		Location *string `json:"location"`
	} `json:"entity_metadata"`
}

func lengthOK(s string, lo, hi int) bool {
	n := utf8.RuneCountInString(s)
	return n >= lo && n <= hi
}

// createScheduledEvent checks the body as Discord does: a name of 1 to 100
// characters, a description of at most 1000, privacy level 2 (guild only),
// a start in the future, an entity type of 1 to 3, and for an external
// event (3) a location of 1 to 100 characters, an end after the start and
// no channel.
func (s *Server) createScheduledEvent(r *http.Request, req *Request) (int, any, *apiError) {
	guildID := r.PathValue("guild")
	s.mu.Lock()
	e := s.eventGuildLocked(guildID, true)
	s.mu.Unlock()
	if e != nil {
		return 0, nil, e
	}
	var b scheduledEventBody
	if json.Unmarshal(req.Body, &b) != nil {
		return 0, nil, errorf(400, codeInvalidFormBody, "Invalid Form Body")
	}
	const (
		required  = "BASE_TYPE_REQUIRED"
		badLength = "BASE_TYPE_BAD_LENGTH"
		choices   = "BASE_TYPE_CHOICES"
		parse     = "DATE_TIME_TYPE_PARSE"
	)
	fe := formErrors{}
	ev := ScheduledEvent{ID: s.NewID(), GuildID: guildID, CreatorID: s.opts.BotID, Status: EventScheduled}
	switch {
	case b.Name == nil:
		fe.add("name", required, "This field is required")
	case !lengthOK(*b.Name, 1, 100):
		fe.add("name", badLength, "Must be between 1 and 100 in length.")
	default:
		ev.Name = *b.Name
	}
	if b.Description != nil {
		if !lengthOK(*b.Description, 0, 1000) {
			fe.add("description", badLength, "Must be 1000 or fewer in length.")
		}
		ev.Description = *b.Description
	}
	switch {
	case b.PrivacyLevel == nil:
		fe.add("privacy_level", required, "This field is required")
	case *b.PrivacyLevel != PrivacyGuildOnly:
		fe.add("privacy_level", choices, "Value must be one of {2}.")
	default:
		ev.PrivacyLevel = *b.PrivacyLevel
	}
	now := s.opts.Now()
	switch {
	case b.ScheduledStartTime == nil:
		fe.add("scheduled_start_time", required, "This field is required")
	default:
		t, err := time.Parse(time.RFC3339Nano, *b.ScheduledStartTime)
		switch {
		case err != nil:
			fe.add("scheduled_start_time", parse, "Could not parse "+*b.ScheduledStartTime+". Should be ISO8601.")
		case !t.After(now):
			fe.add("scheduled_start_time", "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST", "Cannot schedule event in the past.")
		default:
			ev.Start = t.UTC()
		}
	}
	if b.ScheduledEndTime != nil {
		t, err := time.Parse(time.RFC3339Nano, *b.ScheduledEndTime)
		switch {
		case err != nil:
			fe.add("scheduled_end_time", parse, "Could not parse "+*b.ScheduledEndTime+". Should be ISO8601.")
		case !ev.Start.IsZero() && !t.After(ev.Start):
			fe.add("scheduled_end_time", "GUILD_SCHEDULED_EVENT_END_BEFORE_START", "Cannot schedule event to end before starting.")
		default:
			ev.End = t.UTC()
		}
	}
	var channelID string
	if len(b.ChannelID) > 0 && string(b.ChannelID) != "null" {
		if json.Unmarshal(b.ChannelID, &channelID) != nil {
			fe.add("channel_id", "NUMBER_TYPE_COERCE", "Value is not snowflake.")
		}
	}
	switch {
	case b.EntityType == nil:
		fe.add("entity_type", required, "This field is required")
	case *b.EntityType == EntityExternal:
		ev.EntityType = EntityExternal
		if channelID != "" {
			fe.add("channel_id", "GUILD_SCHEDULED_EVENT_EXTERNAL_CHANNEL", "Channel must be null for an external event.")
		}
		switch {
		case b.EntityMetadata == nil || b.EntityMetadata.Location == nil:
			fe.add("entity_metadata.location", required, "This field is required")
		case !lengthOK(*b.EntityMetadata.Location, 1, 100):
			fe.add("entity_metadata.location", badLength, "Must be between 1 and 100 in length.")
		default:
			ev.Location = *b.EntityMetadata.Location
		}
		if b.ScheduledEndTime == nil {
			fe.add("scheduled_end_time", required, "This field is required")
		}
	case *b.EntityType == EntityStageInstance || *b.EntityType == EntityVoice:
		ev.EntityType = *b.EntityType
		s.mu.Lock()
		ch, ok := s.channels[channelID]
		s.mu.Unlock()
		if channelID == "" || !ok || ch.GuildID != guildID {
			fe.add("channel_id", required, "A channel of the guild is required.")
		}
		ev.ChannelID = channelID
	default:
		fe.add("entity_type", choices, "Value must be one of {1, 2, 3}.")
	}
	if e := fe.err(); e != nil {
		return 0, nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events[guildID] = append(s.events[guildID], ev)
	return 200, s.scheduledEventJSON(ev), nil
}

func (s *Server) listScheduledEvents(r *http.Request, _ *Request) (int, any, *apiError) {
	guildID := r.PathValue("guild")
	withCount := r.URL.Query().Get("with_user_count") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.eventGuildLocked(guildID, false); e != nil {
		return 0, nil, e
	}
	out := []any{}
	for _, ev := range s.events[guildID] {
		j := s.scheduledEventJSON(ev)
		if withCount {
			j["user_count"] = 0
		}
		out = append(out, j)
	}
	return 200, out, nil
}

func (s *Server) getScheduledEvent(r *http.Request, _ *Request) (int, any, *apiError) {
	guildID, id := r.PathValue("guild"), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.eventGuildLocked(guildID, false); e != nil {
		return 0, nil, e
	}
	for _, ev := range s.events[guildID] {
		if ev.ID == id {
			return 200, s.scheduledEventJSON(ev), nil
		}
	}
	return 0, nil, errorf(404, codeUnknownScheduledEvent, "Unknown Guild Scheduled Event")
}

func (s *Server) deleteScheduledEvent(r *http.Request, _ *Request) (int, any, *apiError) {
	guildID, id := r.PathValue("guild"), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.eventGuildLocked(guildID, true); e != nil {
		return 0, nil, e
	}
	evs := s.events[guildID]
	i := slices.IndexFunc(evs, func(ev ScheduledEvent) bool { return ev.ID == id })
	if i < 0 {
		return 0, nil, errorf(404, codeUnknownScheduledEvent, "Unknown Guild Scheduled Event")
	}
	s.events[guildID] = slices.Delete(slices.Clone(evs), i, i+1)
	return 204, nil, nil
}

// discordTime formats a time as Discord does: ISO 8601 with a numeric offset.
func discordTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

func (s *Server) scheduledEventJSON(ev ScheduledEvent) map[string]any {
	out := map[string]any{
		"id":                   ev.ID,
		"guild_id":             ev.GuildID,
		"channel_id":           nil,
		"creator_id":           ev.CreatorID,
		"creator":              userJSON(User{ID: s.opts.BotID, Username: s.opts.BotName, Bot: true}),
		"name":                 ev.Name,
		"description":          nil,
		"scheduled_start_time": discordTime(ev.Start),
		"scheduled_end_time":   nil,
		"privacy_level":        ev.PrivacyLevel,
		"status":               ev.Status,
		"entity_type":          ev.EntityType,
		"entity_id":            nil,
		"entity_metadata":      nil,
		"image":                nil,
	}
	if ev.ChannelID != "" {
		out["channel_id"] = ev.ChannelID
	}
	if ev.Description != "" {
		out["description"] = ev.Description
	}
	if !ev.End.IsZero() {
		out["scheduled_end_time"] = discordTime(ev.End)
	}
	if ev.EntityType == EntityExternal {
		out["entity_metadata"] = map[string]any{"location": ev.Location}
	}
	return out
}
