package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// parseSpec reads a schedule spec in the community zone.
func (b *Bot) ParseSpec(spec string) (Spec, error) {
	return b.ParseSpecIn(spec, b.loc)
}

func (b *Bot) ParseSpecIn(spec string, loc *time.Location) (Spec, error) {
	if b.specs == nil {
		return nil, Errorf(EConflict, "Scheduling is not available in this Hearth.")
	}
	return b.specs.ParseSpec(spec, loc)
}

// zone is the time zone a schedule is read in: its own, or the community's.
func (b *Bot) Zone(tz string) *time.Location {
	if tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	return b.loc
}

// zoneArg reads the optional tz argument ("tz=Europe/Paris" or the bare
// name, as Discord's typed option gives it); "" means the community's.
func ZoneArg(inv Invocation) (string, error) {
	tok := strings.TrimSpace(strings.TrimPrefix(inv.Arg("tz"), "tz="))
	if tok == "" {
		return "", nil
	}
	if _, err := time.LoadLocation(tok); err != nil || tok == "Local" {
		return "", Errorf(EArgument, "I don't know the time zone %q. Use a name like `tz=Europe/Paris` or `tz=America/New_York`.", Clip(tok, 40))
	}
	return tok, nil
}

// addSchedule validates and stores a schedule, and says when it first runs.
func (b *Bot) AddSchedule(ctx context.Context, inv Invocation, s Schedule) (Schedule, time.Time, error) {
	tz, err := ZoneArg(inv)
	if err != nil {
		return Schedule{}, time.Time{}, err
	}
	s.TZ = tz
	sp, err := b.ParseSpecIn(s.Spec, b.Zone(tz))
	if err != nil {
		return Schedule{}, time.Time{}, err
	}
	next := sp.Next(inv.At)
	if next.IsZero() {
		return Schedule{}, time.Time{}, Errorf(EArgument, "The schedule %q never falls due.", s.Spec)
	}
	s.Community, s.CreatedBy, s.CreatedAt = inv.Community, inv.Member, inv.At
	if s.ID, err = b.store.AddSchedule(ctx, s); err != nil {
		return Schedule{}, time.Time{}, err
	}
	b.log.InfoContext(ctx, "schedule added", "community", s.Community, "schedule", s.ID, "kind", s.Kind, "spec", s.Spec, "by", inv.Member)
	return s, next, nil
}

// targetChannel is the channel argument, or the channel the command was run in.
func (b *Bot) TargetChannel(ctx context.Context, inv Invocation) (Channel, error) {
	if tok := inv.Arg("channel"); tok != "" {
		return b.ResolveChannel(ctx, inv.Community, tok)
	}
	if inv.Channel == "" {
		return Channel{}, Errorf(EArgument, "Which channel? Name one, like `#general`, or run the command in that channel.")
	}
	return Channel{ID: inv.Channel, Name: inv.ChannelName}, nil
}

func (b *Bot) When(t time.Time) string { return WhenIn(t, b.loc) }

func (b *Bot) ChannelName(ctx context.Context, community, id string) string {
	if ch, err := b.store.Channel(ctx, community, id); err == nil {
		return ChannelLabel(ch.ID, ch.Name)
	}
	return id
}

// payloadID is the id a one-shot schedule names: a run (reminder, close) or a nudge.
func PayloadID(s Schedule) int64 {
	id, _ := strconv.ParseInt(s.Payload, 10, 64)
	return id
}
