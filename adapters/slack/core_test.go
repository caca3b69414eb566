package slack

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/meetings"
)

// tinyStore is the least of a bot.Store the core needs for recording and
// /hearth report; the real one lives in store/. Unimplemented methods panic
// (the core turns a panic into an apology, which the test would see).
type tinyStore struct {
	features.Store
	mu      sync.Mutex
	keys    map[string]bool
	events  []bot.Event
	members map[string]bot.Member
}

func newTinyStore() *tinyStore {
	return &tinyStore{keys: map[string]bool{}, members: map[string]bot.Member{}}
}

func (s *tinyStore) Record(_ context.Context, events ...bot.Event) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range events {
		if e.Retract || s.keys[e.Key] {
			continue
		}
		s.keys[e.Key] = true
		s.events = append(s.events, e)
		n++
	}
	return n, nil
}

// IsPromptPost: Hearth posted no prompts in these tests.
func (s *tinyStore) IsPromptPost(context.Context, string, string, string) (bool, error) {
	return false, nil
}

// Setting has no settings: no pilot, no digest channel.
func (s *tinyStore) Setting(context.Context, string, string) (string, error) { return "", nil }

// HistorySince: no history was imported.
func (s *tinyStore) HistorySince(context.Context, string) (time.Time, bool, error) {
	return time.Time{}, false, nil
}

// IntroCounts: no intros in these tests.
func (s *tinyStore) IntroCounts(context.Context, string, time.Time, time.Time) (bot.IntroCounts, error) {
	return bot.IntroCounts{}, nil
}

// MemberWeeks has no history to give: reports show no levels.
func (s *tinyStore) MemberWeeks(context.Context, bot.MemberWeeksQuery) ([]bot.MemberWeeks, error) {
	return nil, nil
}

// CommunityEvents has no events: reports list none.
func (s *tinyStore) CommunityEvents(context.Context, string, meetings.EventQuery) ([]meetings.CommunityEvent, error) {
	return nil, nil
}

func (s *tinyStore) SaveDirectory(_ context.Context, d bot.Directory) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range d.Members {
		s.members[m.ID] = m
	}
	return nil
}

func (s *tinyStore) Member(_ context.Context, _, id string) (bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.members[id]; ok {
		return m, nil
	}
	return bot.Member{}, bot.ErrNotFound
}

// Channel knows no channel: commands teach Hearth their names.
func (s *tinyStore) Channel(context.Context, string, string) (bot.Channel, error) {
	return bot.Channel{}, bot.ErrNotFound
}

func (s *tinyStore) IsFacilitator(context.Context, string, string) (bool, error) { return false, nil }

func (s *tinyStore) Report(_ context.Context, q bot.ReportQuery) (bot.Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var r bot.Report
	for _, m := range s.members {
		if !m.IsBot && !m.Left {
			r.Members.Total++
		}
	}
	for _, e := range s.events {
		if e.At.Before(q.From) || !e.At.Before(q.To) {
			continue
		}
		switch e.Kind {
		case bot.KindMessage:
			r.Activity.Messages++
		case bot.KindReply:
			r.Activity.Replies++
		case bot.KindReaction:
			r.Activity.Reactions++
		}
	}
	return r, nil
}

func (s *tinyStore) recorded() []bot.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Event(nil), s.events...)
}

// teeHandler records like recorder and answers with the real core.
type teeHandler struct {
	*recorder
	core bot.Handler
}

func (t teeHandler) HandleEvent(ctx context.Context, e bot.Event) error {
	_ = t.recorder.HandleEvent(ctx, e)
	return t.core.HandleEvent(ctx, e)
}

func (t teeHandler) HandleDirectory(ctx context.Context, d bot.Directory) error {
	_ = t.recorder.HandleDirectory(ctx, d)
	return t.core.HandleDirectory(ctx, d)
}

func (t teeHandler) HandleCommand(ctx context.Context, c bot.Command) bot.Reply {
	t.recorder.HandleCommand(ctx, c)
	return t.core.HandleCommand(ctx, c)
}

func (t teeHandler) HandleAction(ctx context.Context, a bot.Action) bot.Reply {
	t.recorder.HandleAction(ctx, a)
	return t.core.HandleAction(ctx, a)
}

// TestWithTheRealCore runs the "done when" through bot.Bot: activity
// recorded once across a redelivery, /hearth report answered ephemerally to
// an admin, refused to a member.
func TestWithTheRealCore(t *testing.T) {
	store := newTinyStore()
	h := start(t, setup{config: func(c *Config) {
		core, err := bot.New(bot.Config{Store: store, Clock: c.Clock})
		if err == nil {
			err = features.Register(core, store)
		}
		if err != nil {
			t.Fatal(err)
		}
		c.Handler = teeHandler{recorder: c.Handler.(*recorder), core: core}
	}})
	f := h.fake
	hourAgo := strconv.FormatInt(epoch.Unix()-3600, 10)
	msg := f.PushEvent(fakeslack.Message(general.ID, alice.ID, hourAgo+".000100"))
	f.WaitAck(msg)
	f.Redeliver(msg)
	f.PushEvent(fakeslack.Reply(general.ID, bob.ID, hourAgo+".000200", hourAgo+".000100"))
	f.PushEvent(fakeslack.ReactionAdded(ada.ID, "heart", general.ID, hourAgo+".000100", hourAgo+".000300"))
	f.PushEvent(fakeslack.Message(general.ID, f.BotUserID(), hourAgo+".000400").With("bot_id", f.BotID()))
	h.rec.waitEvents(5)
	if got := store.recorded(); len(got) != 3 {
		t.Fatalf("recorded %d events, want 3 (one message despite the redelivery, a reply, a reaction): %+v", len(got), got)
	}

	f.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	refused := f.WaitResponses(1)[0]
	if refused.ResponseType != "ephemeral" || !strings.Contains(refused.Text, "facilitators") {
		t.Errorf("member's /hearth report = %+v", refused)
	}

	f.PushSlashCommand(fakeslack.SlashCommand{UserID: ada.ID, UserName: "ada", ChannelID: general.ID, ChannelName: "general", Text: "report"})
	rep := f.WaitResponses(2)[1]
	if rep.ResponseType != "ephemeral" || strings.Contains(rep.Text, "facilitators") || strings.Contains(rep.Text, "**") || rep.Text == bot.Apology {
		t.Errorf("admin's /hearth report = %q (%s)", rep.Text, rep.ResponseType)
	}
	btns := fakeslack.Buttons(rep.Blocks)
	if len(btns) == 0 {
		t.Fatalf("report without period buttons: %v", rep.Blocks)
	}
	f.PushBlockAction(fakeslack.BlockAction{UserID: ada.ID, UserName: "ada", ChannelID: general.ID, ChannelName: "general",
		MessageTS: hourAgo + ".000900", Ephemeral: true, Button: btns[0]})
	again := f.WaitResponses(3)[2]
	if again.ResponseType != "ephemeral" || strings.Contains(again.Text, "no longer does anything") || again.Text == bot.Apology {
		t.Errorf("report button = %q", again.Text)
	}
	if len(f.Posts()) != 0 {
		t.Errorf("reports must not be posted publicly: %+v", f.Posts())
	}
}
