package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
)

// Hearth's events also go on the guild's own calendar, as guild scheduled
// events: members see them in the server's Events list and can mark
// themselves interested there, while the RSVP buttons stay on the
// announcement.

var _ meetings.EventPublisher = (*Adapter)(nil)

// Discord's limits on a guild scheduled event, in characters.
const (
	maxEventName        = 100
	maxEventDescription = 1000
	maxEventLocation    = 100
)

// PublishEvent creates a guild scheduled event for e in the community's
// guild and returns its id. It is an external event (Hearth's events
// happen at a link, not in a voice channel), visible to the guild only:
// located at the event's link, or at the announcement's channel when there
// is none (or the link is longer than a location may be). Discord insists
// on a start in the future and an end after it; an event without an end
// lasts bot.DefaultEventDuration.
//
// The call goes through the paced queue and retries a 429 or a transient
// failure. Discord takes no nonce here, so a retry after a failure that
// may have gone through first looks for the event it would create.
//
// Without the Create Events permission Discord answers 403, which becomes
// a *bot.Error (bot.EPlatform) telling the operator to grant it.
func (a *Adapter) PublishEvent(ctx context.Context, community string, e meetings.CommunityEvent) (string, error) {
	guildID, err := guildOf(community)
	if err != nil {
		return "", err
	}
	start := e.Start.UTC().Truncate(time.Second)
	if now := a.clock.Now(); !start.After(now) {
		return "", fmt.Errorf("discord: event %d starts at %s, not after now (%s): Discord only schedules events ahead", e.ID, start.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	end := e.End.UTC().Truncate(time.Second)
	if !end.After(start) {
		end = start.Add(meetings.DefaultEventDuration)
	}
	params := a.eventParams(ctx, guildID, e)
	params.ScheduledStartTime, params.ScheduledEndTime = &start, &end

	release, err := a.out.acquire(ctx, "scheduled-events/"+guildID)
	if err != nil {
		return "", err
	}
	defer release()
	uncertain := false // a failed attempt may have created the event
	ev, err := withRetry(ctx, a, "publish event", func() (*discordgo.GuildScheduledEvent, error) {
		if uncertain {
			if ev, err := a.findScheduledEvent(ctx, guildID, params); err != nil || ev != nil {
				return ev, err
			}
		}
		ev, err := a.s.GuildScheduledEventCreate(guildID, params, discordgo.WithContext(ctx))
		uncertain = uncertain || mayHaveActed(err)
		return ev, err
	})
	if err != nil {
		a.log.WarnContext(ctx, "publishing an event on the guild's calendar failed", "guild", guildID, "event", e.ID, "err", err, "discord_code", restCode(err))
		return "", a.calendarError(err, fmt.Sprintf("publish %q on the server's Events", params.Name))
	}
	if ev == nil || ev.ID == "" {
		return "", fmt.Errorf("discord: publishing event %d: Discord returned no event id", e.ID)
	}
	a.log.InfoContext(ctx, "event published on the guild's calendar", "guild", guildID, "event", e.ID, "scheduled_event", ev.ID)
	return ev.ID, nil
}

// CancelEvent deletes the guild scheduled event id. One that is already
// gone (deleted by hand, say) is not an error.
func (a *Adapter) CancelEvent(ctx context.Context, community, id string) error {
	guildID, err := guildOf(community)
	if err != nil {
		return err
	}
	if id == "" {
		return errors.New("discord: cancel a scheduled event without an id")
	}
	release, err := a.out.acquire(ctx, "scheduled-events/"+guildID)
	if err != nil {
		return err
	}
	defer release()
	_, err = withRetry(ctx, a, "cancel event", func() (struct{}, error) {
		return struct{}{}, a.s.GuildScheduledEventDelete(guildID, id, discordgo.WithContext(ctx))
	})
	if gone(err) {
		a.log.InfoContext(ctx, "event already gone from the guild's calendar", "guild", guildID, "scheduled_event", id)
		return nil
	}
	if err != nil {
		a.log.WarnContext(ctx, "removing an event from the guild's calendar failed", "guild", guildID, "scheduled_event", id, "err", err, "discord_code", restCode(err))
		return a.calendarError(err, "remove the event from the server's Events")
	}
	a.log.InfoContext(ctx, "event removed from the guild's calendar", "guild", guildID, "scheduled_event", id)
	return nil
}

// eventParams builds the scheduled event for e, times aside.
func (a *Adapter) eventParams(ctx context.Context, guildID string, e meetings.CommunityEvent) *discordgo.GuildScheduledEventParams {
	name := strings.Join(strings.Fields(e.Title), " ") // one line
	if name == "" {
		name = "Event"
	}
	where := ""
	if e.Channel != "" {
		if ci := a.channel(ctx, e.Channel); ci.Name != "" {
			where = "#" + ci.Name
		}
	}
	location := e.Link
	if location == "" || utf8.RuneCountInString(location) > maxEventLocation {
		location = orDefault(where, "Discord")
	}
	var desc []string
	if e.Link != "" {
		desc = append(desc, "Join: "+e.Link)
	}
	if where != "" {
		rsvp := "RSVP in " + where
		if link := a.Permalink(communityID(guildID), e.Channel, e.Message); link != "" {
			rsvp += ": " + link
		}
		desc = append(desc, rsvp)
	}
	return &discordgo.GuildScheduledEventParams{
		Name:           clip(name, maxEventName),
		Description:    clip(strings.Join(desc, "\n"), maxEventDescription),
		PrivacyLevel:   discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:     discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: clip(location, maxEventLocation)},
	}
}

// findScheduledEvent returns the guild's scheduled event that p would
// create, or nil when there is none.
func (a *Adapter) findScheduledEvent(ctx context.Context, guildID string, p *discordgo.GuildScheduledEventParams) (*discordgo.GuildScheduledEvent, error) {
	evs, err := a.s.GuildScheduledEvents(guildID, false, discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		if ev.Name == p.Name && ev.EntityType == p.EntityType && ev.ScheduledStartTime.Equal(*p.ScheduledStartTime) &&
			ev.ScheduledEndTime != nil && ev.ScheduledEndTime.Equal(*p.ScheduledEndTime) &&
			ev.EntityMetadata.Location == p.EntityMetadata.Location {
			a.log.InfoContext(ctx, "the failed attempt had created the event; not creating it again", "guild", guildID, "scheduled_event", ev.ID)
			return ev, nil
		}
	}
	return nil, nil
}

// calendarError explains Discord's refusals of scheduled events to the
// operator; other errors pass.
func (a *Adapter) calendarError(err error, what string) error {
	var re *discordgo.RESTError
	if restCode(err) == discordgo.ErrCodeMissingPermissions || restCode(err) == discordgo.ErrCodeMissingAccess ||
		errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusForbidden {
		return bot.Errorf(bot.EPlatform, "I can't %s: give Hearth the Create Events permission (Server Settings, Roles, Hearth's role).", what)
	}
	return fmt.Errorf("discord: %s: %w", what, err)
}

// mayHaveActed reports whether a failed call may still have taken effect:
// a 5xx or a network failure, not a 429 or another refusal.
func mayHaveActed(err error) bool {
	var rl *discordgo.RateLimitError
	var re *discordgo.RESTError
	switch {
	case err == nil, errors.As(err, &rl):
		return false
	case errors.As(err, &re):
		return re.Response == nil || re.Response.StatusCode >= 500
	}
	return true
}

// gone reports whether err says the scheduled event does not exist.
func gone(err error) bool {
	if restCode(err) == discordgo.ErrCodeUnknownGuildScheduledEvent {
		return true
	}
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound
}

// guildOf returns the guild id of a Discord community ("discord:GUILDID").
func guildOf(community string) (string, error) {
	guild, ok := strings.CutPrefix(community, string(bot.Discord)+":")
	if !ok || guild == "" {
		return "", fmt.Errorf("discord: %q is not a Discord community", community)
	}
	return guild, nil
}
