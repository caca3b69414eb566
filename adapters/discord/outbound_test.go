package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/reporting"
)

func TestCapabilities(t *testing.T) {
	var c bot.Chat = (*discord.Adapter)(nil)
	_ = c
	a, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: "x", Handler: newRecorder()})
	check(t, err)
	if got := a.Capabilities(); !got.Buttons || !got.Forms || !got.Files || !got.Ephemeral {
		t.Errorf("capabilities %+v", got)
	}
}

func TestPostChannelWithButtonsAndImage(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := context.Background()
	png := []byte("\x89PNG fake chart")
	ref, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: community, Channel: generalID}, bot.Post{
		Text:    "**Weekly report** for <@501>",
		Buttons: []bot.Button{{ActionID: reporting.ActionReport, Label: "Last 30 days", Value: "30d", Style: bot.StyleDanger}},
		Image:   &bot.File{Name: "chart.png", ContentType: "image/png", Data: png},
	})
	check(t, err)
	msgs := h.fake.Messages(generalID)
	if len(msgs) != 1 || ref.ID != msgs[0].ID || ref.Channel != generalID || !ref.At.Equal(fakediscord.SnowflakeTime(ref.ID)) {
		t.Fatalf("ref %+v, messages %+v", ref, msgs)
	}
	m := msgs[0]
	if m.Content != "**Weekly report** for <@501>" || len(m.Files) != 1 || string(m.Files[0].Data) != string(png) || m.Files[0].Name != "chart.png" {
		t.Errorf("message %+v", m)
	}
	if m.Nonce == "" || string(m.AllowedMentions) != `{"parse":[],"replied_user":false}` {
		t.Errorf("nonce %q, allowed mentions %s: want a nonce and no pings", m.Nonce, m.AllowedMentions)
	}
	if ids := customIDs(map[string]any{"components": decodeAny(t, m.Components)}); len(ids) != 1 || ids[0] != "b|hearth.report|30d" {
		t.Errorf("buttons %s", m.Components)
	}
}

func decodeAny(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	check(t, json.Unmarshal(raw, &v))
	return v
}

func TestPostThread(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := context.Background()
	// A thread that exists: post in it.
	_, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToThread, Channel: generalID, Thread: threadID}, bot.Post{Text: "in the thread"})
	check(t, err)
	if got := h.fake.Messages(threadID); len(got) != 1 {
		t.Fatalf("thread messages %+v", got)
	}
	// No thread on that message yet: an inline reply to it.
	top := h.fake.NewID()
	_, err = h.a.Post(ctx, bot.Destination{Kind: bot.ToThread, Channel: generalID, Thread: top}, bot.Post{Text: "replying"})
	check(t, err)
	got := h.fake.Messages(generalID)
	if len(got) != 1 || got[0].ReplyTo != top {
		t.Errorf("inline reply %+v", got)
	}
}

func TestPostDMAndClosedDMs(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ctx := context.Background()
	f := h.fake
	f.CloseDMs(carolID)

	ref, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: bobID}, bot.Post{Text: "How was your week?"})
	check(t, err)
	_, err = h.a.Post(ctx, bot.Destination{Kind: bot.ToEphemeral, Community: community, Channel: generalID, Member: bobID}, bot.Post{Text: "only you"})
	check(t, err)
	if n := len(f.RequestsTo("POST /users/@me/channels")); n != 1 {
		t.Errorf("%d DM channels opened, want 1", n)
	}
	dms := f.Messages(ref.Channel)
	if len(dms) != 2 || dms[0].Content != "How was your week?" || dms[1].Content != "only you" {
		t.Errorf("DMs %+v", dms)
	}

	for range 2 {
		_, err = h.a.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: carolID}, bot.Post{Text: "hello"})
		var be *bot.Error
		if !errors.As(err, &be) || be.Code != bot.EUnreachable || !strings.Contains(be.Message, "closed their DMs") {
			t.Fatalf("closed DMs: err %v; want a bot.Error %q", err, bot.EUnreachable)
		}
	}
	refused := 0
	for _, r := range f.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/messages") && r.Status == 403 {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("%d refused DM attempts, want 1 (an unreachable member is not retried)", refused)
	}
	if s := h.a.Stats(); s.Unreachable != 1 || s.Posted != 2 {
		t.Errorf("stats %+v", s)
	}
}

// A 429 delays a post: it is sent again after retry_after and delivered once.
func TestRateLimitedPostDeliveredOnce(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	route := "POST /channels/" + generalID + "/messages"
	h.fake.RateLimit(route, 2, 20*time.Millisecond)
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID}, bot.Post{Text: "after the limit"})
	check(t, err)
	var statuses []int
	for _, r := range h.fake.RequestsTo(route) {
		statuses = append(statuses, r.Status)
	}
	if len(statuses) != 3 || statuses[0] != 429 || statuses[1] != 429 || statuses[2] != 200 {
		t.Errorf("statuses %v; want 429, 429, 200", statuses)
	}
	if n := len(h.fake.Messages(generalID)); n != 1 {
		t.Errorf("%d messages delivered, want 1", n)
	}
	if s := h.a.Stats(); s.RateLimited != 2 || s.Posted != 1 || s.Failed != 0 {
		t.Errorf("stats %+v", s)
	}
}

// Retries are bounded: a route that stays limited fails the post.
func TestRateLimitRetriesBounded(t *testing.T) {
	t.Parallel()
	h := start(t, setup{config: func(c *discord.Config) { c.MaxRetries = 2 }})
	route := "POST /channels/" + generalID + "/messages"
	h.fake.RateLimit(route, 10, time.Millisecond)
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID}, bot.Post{Text: "never"})
	if err == nil {
		t.Fatal("a post limited forever succeeded")
	}
	if n := len(h.fake.RequestsTo(route)); n != 3 {
		t.Errorf("%d attempts, want 3 (one and two retries)", n)
	}
	if s := h.a.Stats(); s.Failed != 1 || s.Posted != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestLongPostSplit(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	text := strings.Repeat("• someone took part\n", 150)
	ref, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID},
		bot.Post{Text: text, Buttons: []bot.Button{{ActionID: "a", Label: "A", Value: "1"}}})
	check(t, err)
	msgs := h.fake.Messages(generalID)
	if len(msgs) != 2 || ref.ID != msgs[0].ID || len(msgs[1].Components) == 0 || string(msgs[0].Components) != "" && string(msgs[0].Components) != "null" {
		t.Fatalf("messages %+v", msgs)
	}
	if msgs[0].Content+"\n"+msgs[1].Content != strings.TrimRight(text, "\n") {
		t.Error("split text does not add up")
	}
}

func TestInviteURL(t *testing.T) {
	// 274878008320 (README, step 2) plus Create Events (1<<44) for the
	// server's Events list.
	if discord.InvitePermissions != 17867064052736 {
		t.Errorf("permissions %d; want 17867064052736", discord.InvitePermissions)
	}
	want := "https://discord.com/oauth2/authorize?client_id=123&scope=bot+applications.commands&permissions=17867064052736"
	if got := discord.InviteURL("123"); got != want {
		t.Errorf("InviteURL = %s", got)
	}
}

// clockSleeper replaces the outbound queue's waits: it records each one
// and, when advance is set, moves the manual clock by it instead of sleeping.
type clockSleeper struct {
	clock   *bot.ManualClock
	advance bool
	mu      sync.Mutex
	waits   []time.Duration
}

func (s *clockSleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	if s.advance {
		s.clock.Advance(d)
	}
	return ctx.Err()
}

func (s *clockSleeper) snapshot() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// pacedHarness runs an adapter whose queue posts once a second anywhere and
// once every 10 seconds per channel, waiting through sl.
func pacedHarness(t *testing.T, advance bool) (*harness, *clockSleeper) {
	sl := &clockSleeper{advance: advance}
	h := start(t, setup{config: func(c *discord.Config) {
		sl.clock = c.Clock.(*bot.ManualClock)
		c.Sleep = sl.sleep
		c.PostInterval, c.ChannelInterval = time.Second, 10*time.Second
	}})
	return h, sl
}

// The outbound queue's pace is measured on the adapter's clock, not the
// wall clock: time the clock has moved counts towards the next post's turn.
func TestPacingFollowsTheInjectedClock(t *testing.T) {
	t.Parallel()
	h, sl := pacedHarness(t, true)
	ctx := context.Background()
	post := func(channel, text string) {
		t.Helper()
		_, err := h.a.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: community, Channel: channel}, bot.Post{Text: text})
		check(t, err)
	}
	post(generalID, "first")         // goes at once
	post(generalID, "second")        // 10s after the first, by the clock
	h.clock.Advance(4 * time.Second) // 4 of the next 10s pass on the clock
	post(generalID, "third")         // so 6s more
	post(threadID, "elsewhere")      // another channel: only the global second
	h.clock.Advance(time.Hour)       // long after everything
	post(generalID, "an hour later") // goes at once
	want := []time.Duration{10 * time.Second, 6 * time.Second, time.Second}
	if got := sl.snapshot(); !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	var texts []string
	for _, m := range h.fake.Messages(generalID) {
		texts = append(texts, m.Content)
	}
	if want := []string{"first", "second", "third", "an hour later"}; !slices.Equal(texts, want) {
		t.Errorf("#general got %q, want %q", texts, want)
	}
}

// A simulated clock that does not move while the queue sleeps (hearth run
// on the end-to-end tests' clock, with real sleeps): each post waits one
// interval after the one before, not one more interval than it did.
func TestPacingWithAStoppedClock(t *testing.T) {
	t.Parallel()
	h, sl := pacedHarness(t, false)
	for i := range 4 {
		_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Community: community, Channel: generalID},
			bot.Post{Text: fmt.Sprint("post ", i)})
		check(t, err)
	}
	want := []time.Duration{10 * time.Second, 10 * time.Second, 10 * time.Second}
	if got := sl.snapshot(); !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	if n := len(h.fake.Messages(generalID)); n != 4 {
		t.Errorf("%d posts delivered, want 4", n)
	}
}
