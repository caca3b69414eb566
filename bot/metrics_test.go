package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// seen records an Observer's calls as lines.
type seen struct {
	mu    sync.Mutex
	lines []string
}

var _ bot.Observer = (*seen)(nil)

func (s *seen) add(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, fmt.Sprintf(format, args...))
}

func (s *seen) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lines
	s.lines = nil
	return l
}

func (s *seen) Event(p bot.Platform, k bot.EventKind, outcome string) {
	s.add("event %s %s %s", p, k, outcome)
}
func (s *seen) Command(name, outcome string, _ time.Duration) { s.add("command %s %s", name, outcome) }
func (s *seen) Action(id, outcome string)                     { s.add("action %s %s", id, outcome) }
func (s *seen) InternalError(source string)                   { s.add("error %s", source) }
func (s *seen) APICall(p bot.Platform, method, outcome string) {
	s.add("api %s %s %s", p, method, outcome)
}
func (s *seen) Posted(p bot.Platform, to bot.DestinationKind, outcome string) {
	s.add("post %s %s %s", p, to, outcome)
}
func (s *seen) Queue(p bot.Platform, depth int) { s.add("queue %s %d", p, depth) }
func (s *seen) Firing(kind bot.ScheduleKind, outcome string, n int) {
	s.add("firing %s %s %d", kind, outcome, n)
}

func TestObserverSeesEventsAndCommands(t *testing.T) {
	ctx := context.Background()
	r := newBot(t, "carol")
	b := r.Bot
	live := b.Observer() // handed out before Observe, as cmd/hearth does with adapters
	obs := &seen{}
	b.Observe(obs)

	human := event(bot.KindMessage, "alice", "m1")
	botPost := event(bot.KindReaction, "robot", "m2")
	botPost.IsBot = true
	for _, e := range []bot.Event{human, human, botPost} {
		if err := b.HandleEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	bad := human
	bad.Key = ""
	_ = b.HandleEvent(ctx, bad)
	odd := event("typed by nobody", "alice", "") // a bug's kind never becomes a label
	_ = b.HandleEvent(ctx, odd)
	b.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: "facilitators"})
	b.HandleCommand(ctx, bot.Command{Community: community, Member: "bob", Text: "facilitator add @bob"})
	b.HandleCommand(ctx, bot.Command{Community: community, Member: "bob", Text: "no such thing at all"})
	b.HandleAction(ctx, bot.Action{Community: community, Member: "bob", ActionID: "forged-id"})
	r.Store.FailWith(errors.New("disk full"))
	b.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: "report"})
	live.APICall(bot.Slack, "chat.postMessage", bot.OutcomeRateLimited)

	want := []string{
		"event shell message recorded",
		"event shell message duplicate",
		"event shell reaction ignored",
		"error event",
		"event shell message failed",
		"error event",
		"event shell other failed",
		"command facilitator list ok",
		"command facilitator add refused",
		"command unknown refused",
		"action unknown refused",
		"error command",
		"command report failed",
		"api slack chat.postMessage rate_limited",
	}
	if got := obs.take(); !slices.Equal(got, want) {
		t.Errorf("observed\n%q\nwant\n%q", got, want)
	}

	b.Observe(nil) // back to nothing, without panicking
	live.Queue(bot.Discord, 3)
	if got := obs.take(); len(got) != 0 {
		t.Errorf("observed after Observe(nil): %q", got)
	}
}

func TestPostOutcome(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, bot.OutcomeOK},
		{bot.Errorf(bot.EUnreachable, "closed DMs"), bot.OutcomeUnreachable},
		{fmt.Errorf("post: %w", bot.Errorf(bot.EUnreachable, "closed DMs")), bot.OutcomeUnreachable},
		{errors.New("boom"), bot.OutcomeFailed},
	} {
		if got := bot.PostOutcome(tt.err); got != tt.want {
			t.Errorf("PostOutcome(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
