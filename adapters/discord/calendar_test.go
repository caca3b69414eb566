package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
)

const eventsRoute = "POST /guilds/" + guildID + "/scheduled-events"

func seedSwap() meetings.CommunityEvent {
	return meetings.CommunityEvent{ID: 7, Community: community, Title: "Seed swap", Channel: generalID, Message: "987654321",
		Start: t0.Add(48 * time.Hour), End: t0.Add(49*time.Hour + 30*time.Minute), Link: "https://meet.example/seed-swap"}
}

func statuses(reqs []fakediscord.Request) []int {
	var out []int
	for _, r := range reqs {
		out = append(out, r.Status)
	}
	return out
}

func TestPublishEvent(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	e := seedSwap()
	id, err := h.a.PublishEvent(context.Background(), community, e)
	check(t, err)
	evs := h.fake.ScheduledEvents(guildID)
	if len(evs) != 1 {
		t.Fatalf("scheduled events %+v; want one", evs)
	}
	ev := evs[0]
	if ev.ID != id || ev.Name != "Seed swap" || ev.PrivacyLevel != fakediscord.PrivacyGuildOnly ||
		ev.EntityType != fakediscord.EntityExternal || ev.ChannelID != "" || ev.Location != e.Link ||
		!ev.Start.Equal(e.Start) || !ev.End.Equal(e.End) || ev.CreatorID != h.fake.BotID() {
		t.Errorf("scheduled event %+v (id %s)", ev, id)
	}
	want := "Join: https://meet.example/seed-swap\nRSVP in #general: https://discord.com/channels/" + guildID + "/" + generalID + "/987654321"
	if ev.Description != want {
		t.Errorf("description %q, want %q", ev.Description, want)
	}
	// Times go out in RFC 3339, in UTC, to the second.
	var body map[string]any
	check(t, json.Unmarshal(h.fake.RequestsTo(eventsRoute)[0].Body, &body))
	if body["scheduled_start_time"] != "2026-11-22T09:00:00Z" || body["scheduled_end_time"] != "2026-11-22T10:30:00Z" {
		t.Errorf("times %v, %v", body["scheduled_start_time"], body["scheduled_end_time"])
	}
}

// Without a link the event takes place in its channel, and lasts the
// default hour when it has no end.
func TestPublishEventWithoutLink(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	e := seedSwap()
	e.Link, e.End, e.Message = "", time.Time{}, ""
	_, err := h.a.PublishEvent(context.Background(), community, e)
	check(t, err)
	evs := h.fake.ScheduledEvents(guildID)
	if len(evs) != 1 || evs[0].Location != "#general" || evs[0].Description != "RSVP in #general" ||
		!evs[0].End.Equal(e.Start.Add(meetings.DefaultEventDuration)) {
		t.Errorf("scheduled events %+v", evs)
	}
}

// A title over Discord's 100 characters is clipped; a link over the
// location's 100 leaves the location to the channel and stays whole in
// the description.
func TestPublishEventClipsLongTitle(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	e := seedSwap()
	e.Title = strings.Repeat("Gärtnern 🌱 ", 20) // 220 characters
	e.Link = "https://meet.example/" + strings.Repeat("x", 120)
	_, err := h.a.PublishEvent(context.Background(), community, e)
	check(t, err)
	evs := h.fake.ScheduledEvents(guildID)
	if len(evs) != 1 {
		t.Fatalf("scheduled events %+v", evs)
	}
	name := evs[0].Name
	if utf8.RuneCountInString(name) != 100 || !strings.HasSuffix(name, "…") || !strings.HasPrefix(name, "Gärtnern 🌱 Gärtnern") {
		t.Errorf("name %q (%d characters)", name, utf8.RuneCountInString(name))
	}
	if evs[0].Location != "#general" || !strings.Contains(evs[0].Description, e.Link) {
		t.Errorf("location %q, description %q", evs[0].Location, evs[0].Description)
	}
}

func TestCancelEvent(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := context.Background()
	id, err := h.a.PublishEvent(ctx, community, seedSwap())
	check(t, err)
	check(t, h.a.CancelEvent(ctx, community, id))
	if evs := h.fake.ScheduledEvents(guildID); len(evs) != 0 {
		t.Errorf("scheduled events left: %+v", evs)
	}
	// Already gone (cancelled twice, or deleted by hand): nothing to do.
	check(t, h.a.CancelEvent(ctx, community, id))
	check(t, h.a.CancelEvent(ctx, community, "123456789012345678"))
	if got := statuses(h.fake.RequestsTo("DELETE /guilds/" + guildID + "/scheduled-events/")); len(got) != 3 || got[0] != 204 || got[1] != 404 || got[2] != 404 {
		t.Errorf("statuses %v; want 204, 404, 404", got)
	}
}

// Without Create Events, Discord answers 403: the operator reads which
// permission to grant, and nothing is retried.
func TestEventWithoutManageEvents(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := context.Background()
	id, err := h.a.PublishEvent(ctx, community, seedSwap())
	check(t, err)
	h.fake.RevokeManageEvents(guildID)
	wantPlatform := func(what string, err error) {
		t.Helper()
		var be *bot.Error
		if !errors.As(err, &be) || be.Code != bot.EPlatform || !strings.Contains(be.Message, "Create Events") {
			t.Errorf("%s: error %v; want a %s error naming Create Events", what, err, bot.EPlatform)
		}
	}
	_, err = h.a.PublishEvent(ctx, community, seedSwap())
	wantPlatform("publish", err)
	wantPlatform("cancel", h.a.CancelEvent(ctx, community, id))
	if got := statuses(h.fake.RequestsTo(eventsRoute)); len(got) != 2 || got[1] != 403 {
		t.Errorf("statuses %v; want one 403, not retried", got)
	}
	if evs := h.fake.ScheduledEvents(guildID); len(evs) != 1 {
		t.Errorf("scheduled events %+v; want the first one only", evs)
	}
	h.fake.GrantManageEvents(guildID)
	check(t, h.a.CancelEvent(ctx, community, id))
}

// A 429 delays the event; it is created once.
func TestPublishEventRateLimited(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	h.fake.RateLimit(eventsRoute, 1, 10*time.Millisecond)
	_, err := h.a.PublishEvent(context.Background(), community, seedSwap())
	check(t, err)
	if got := statuses(h.fake.RequestsTo(eventsRoute)); len(got) != 2 || got[0] != 429 || got[1] != 200 {
		t.Errorf("statuses %v; want 429, 200", got)
	}
	if evs := h.fake.ScheduledEvents(guildID); len(evs) != 1 {
		t.Errorf("%d scheduled events, want 1", len(evs))
	}
}

// When Discord created the event but the answer was lost, the retry finds
// it instead of creating a second one.
func TestPublishEventLostAnswerNotDuplicated(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	h.fake.LoseAnswers(eventsRoute, 1)
	id, err := h.a.PublishEvent(context.Background(), community, seedSwap())
	check(t, err)
	evs := h.fake.ScheduledEvents(guildID)
	if len(evs) != 1 || evs[0].ID != id {
		t.Fatalf("scheduled events %+v, id %s; want one, that one", evs, id)
	}
	if got := statuses(h.fake.RequestsTo("")); !hasSeq(got, 500, 200) {
		t.Errorf("statuses %v", got)
	}
	if n := len(h.fake.RequestsTo(eventsRoute)); n != 1 {
		t.Errorf("%d creations, want 1", n)
	}
	if n := len(h.fake.RequestsTo("GET /guilds/" + guildID + "/scheduled-events")); n != 1 {
		t.Errorf("%d look-ups, want 1", n)
	}
}

func hasSeq(got []int, want ...int) bool {
	for i := 0; i+len(want) <= len(got); i++ {
		match := true
		for j, w := range want {
			match = match && got[i+j] == w
		}
		if match {
			return true
		}
	}
	return false
}

// Discord schedules only ahead: an event that has started is not sent.
func TestPublishEventInThePast(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	e := seedSwap()
	e.Start, e.End = t0.Add(-time.Hour), t0
	if _, err := h.a.PublishEvent(context.Background(), community, e); err == nil {
		t.Error("an event in the past was published")
	}
	if _, err := h.a.PublishEvent(context.Background(), "slack:T1", seedSwap()); err == nil {
		t.Error("an event was published in a Slack community")
	}
	if n := len(h.fake.RequestsTo(eventsRoute)); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// The fake refuses what Discord refuses, with Discord's error body.
func TestFakeScheduledEventValidation(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(fakediscord.Options{Now: func() time.Time { return t0 }, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	valid := func() map[string]any {
		return map[string]any{"name": "Seed swap", "privacy_level": 2, "entity_type": 3, "channel_id": nil,
			"scheduled_start_time": "2026-11-22T09:00:00Z", "scheduled_end_time": "2026-11-22T10:00:00Z",
			"entity_metadata": map[string]any{"location": "https://meet.example/x"}}
	}
	tests := []struct {
		name   string
		change func(map[string]any)
		field  string // the field the error names
	}{
		{"no name", func(b map[string]any) { delete(b, "name") }, "name"},
		{"empty name", func(b map[string]any) { b["name"] = "" }, "name"},
		{"long name", func(b map[string]any) { b["name"] = strings.Repeat("n", 101) }, "name"},
		{"long description", func(b map[string]any) { b["description"] = strings.Repeat("d", 1001) }, "description"},
		{"public", func(b map[string]any) { b["privacy_level"] = 1 }, "privacy_level"},
		{"past", func(b map[string]any) { b["scheduled_start_time"] = "2026-11-20T08:00:00Z" }, "scheduled_start_time"},
		{"no start", func(b map[string]any) { delete(b, "scheduled_start_time") }, "scheduled_start_time"},
		{"no end", func(b map[string]any) { delete(b, "scheduled_end_time") }, "scheduled_end_time"},
		{"end before start", func(b map[string]any) { b["scheduled_end_time"] = "2026-11-22T08:00:00Z" }, "scheduled_end_time"},
		{"no location", func(b map[string]any) { delete(b, "entity_metadata") }, "entity_metadata"},
		{"long location", func(b map[string]any) { b["entity_metadata"] = map[string]any{"location": strings.Repeat("l", 101)} }, "entity_metadata"},
		{"external in a channel", func(b map[string]any) { b["channel_id"] = generalID }, "channel_id"},
		{"entity type", func(b map[string]any) { b["entity_type"] = 9 }, "entity_type"},
	}
	post := func(body map[string]any) (int, map[string]any) {
		raw, err := json.Marshal(body)
		check(t, err)
		req, err := http.NewRequest(http.MethodPost, f.URL()+"guilds/"+guildID+"/scheduled-events", bytes.NewReader(raw))
		check(t, err)
		req.Header.Set("Authorization", "Bot "+f.Token())
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		check(t, err)
		defer resp.Body.Close()
		var out map[string]any
		check(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	for _, tt := range tests {
		b := valid()
		tt.change(b)
		status, out := post(b)
		errs, _ := out["errors"].(map[string]any)
		if status != 400 || out["code"] != float64(50035) || out["message"] != "Invalid Form Body" || errs[tt.field] == nil {
			t.Errorf("%s: %d %v; want 400, 50035 naming %s", tt.name, status, out, tt.field)
		}
	}
	if len(f.ScheduledEvents(guildID)) != 0 {
		t.Fatal("an invalid event was created")
	}
	status, out := post(valid())
	if status != 200 || out["id"] == "" || out["status"] != float64(1) || out["creator_id"] != f.BotID() {
		t.Errorf("valid event: %d %v", status, out)
	}
	if status, _ := post(map[string]any{}); status != 400 {
		t.Errorf("empty body: %d", status)
	}
	req, _ := http.NewRequest(http.MethodPost, f.URL()+"guilds/999/scheduled-events", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bot "+f.Token())
	resp, err := http.DefaultClient.Do(req)
	check(t, err)
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown guild: %d", resp.StatusCode)
	}
}
