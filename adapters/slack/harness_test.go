package slack

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

const waitTimeout = 5 * time.Second

// recorder is a hand-written bot.Handler that records what the adapter
// passes and answers with canned replies.
type recorder struct {
	t       testing.TB
	mu      sync.Mutex
	changed chan struct{}
	events  []bot.Event
	dirs    []bot.Directory
	cmds    []bot.Command
	actions []bot.Action

	onCommand func(bot.Command) bot.Reply
	onAction  func(bot.Action) bot.Reply
	// onEvent, when set, runs after an event is recorded and before
	// HandleEvent returns (a slow store).
	onEvent func(bot.Event)
}

var _ bot.Handler = (*recorder)(nil)

func newRecorder(t testing.TB) *recorder {
	return &recorder{t: t, changed: make(chan struct{})}
}

func (r *recorder) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *recorder) HandleEvent(_ context.Context, e bot.Event) error {
	r.mu.Lock()
	r.events = append(r.events, e)
	fn := r.onEvent
	r.notifyLocked()
	r.mu.Unlock()
	if fn != nil {
		fn(e)
	}
	return nil
}

func (r *recorder) HandleDirectory(_ context.Context, d bot.Directory) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dirs = append(r.dirs, d)
	r.notifyLocked()
	return nil
}

func (r *recorder) HandleCommand(_ context.Context, c bot.Command) bot.Reply {
	r.mu.Lock()
	r.cmds = append(r.cmds, c)
	fn := r.onCommand
	r.notifyLocked()
	r.mu.Unlock()
	if fn == nil {
		return bot.Reply{Post: bot.Post{Text: "ok"}, Private: true}
	}
	return fn(c)
}

func (r *recorder) HandleAction(_ context.Context, a bot.Action) bot.Reply {
	r.mu.Lock()
	r.actions = append(r.actions, a)
	fn := r.onAction
	r.notifyLocked()
	r.mu.Unlock()
	if fn == nil {
		return bot.Reply{Post: bot.Post{Text: "done"}, Private: true}
	}
	return fn(a)
}

func (r *recorder) setCommand(fn func(bot.Command) bot.Reply) {
	r.mu.Lock()
	r.onCommand = fn
	r.mu.Unlock()
}

func (r *recorder) setAction(fn func(bot.Action) bot.Reply) {
	r.mu.Lock()
	r.onAction = fn
	r.mu.Unlock()
}

// waitFor waits until check (called with r.mu held) is true.
func (r *recorder) waitFor(what string, check func() bool) {
	r.t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		ok := check()
		ch := r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			r.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (r *recorder) waitEvents(n int) []bot.Event {
	r.t.Helper()
	var out []bot.Event
	r.waitFor(fmt.Sprintf("%d events", n), func() bool {
		out = append([]bot.Event(nil), r.events...)
		return len(out) >= n
	})
	return out
}

// waitEvent waits for the first event matching key.
func (r *recorder) waitEvent(key string) bot.Event {
	r.t.Helper()
	var e bot.Event
	r.waitFor("event "+key, func() bool {
		for _, ev := range r.events {
			if ev.Key == key {
				e = ev
				return true
			}
		}
		return false
	})
	return e
}

func (r *recorder) eventsSnapshot() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Event(nil), r.events...)
}

func (r *recorder) waitDirs(pred func(bot.Directory) bool) bot.Directory {
	r.t.Helper()
	var d bot.Directory
	r.waitFor("a directory", func() bool {
		for _, x := range r.dirs {
			if pred(x) {
				d = x
				return true
			}
		}
		return false
	})
	return d
}

func (r *recorder) waitCommands(n int) []bot.Command {
	r.t.Helper()
	var out []bot.Command
	r.waitFor(fmt.Sprintf("%d commands", n), func() bool {
		out = append([]bot.Command(nil), r.cmds...)
		return len(out) >= n
	})
	return out
}

func (r *recorder) waitActions(n int) []bot.Action {
	r.t.Helper()
	var out []bot.Action
	r.waitFor(fmt.Sprintf("%d actions", n), func() bool {
		out = append([]bot.Action(nil), r.actions...)
		return len(out) >= n
	})
	return out
}

func (r *recorder) counts() (events, dirs, cmds, actions int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events), len(r.dirs), len(r.cmds), len(r.actions)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sleeper replaces real waits: it records the duration and moves the
// manual clock forward instead of sleeping.
type sleeper struct {
	clock *bot.ManualClock
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	s.clock.Advance(d)
	return ctx.Err()
}

func (s *sleeper) snapshot() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// Test fixtures: the fake workspace's people and channels.
var (
	alice = fakeslack.User{ID: "U0ALICE", Name: "alice", RealName: "Alice Liddell", DisplayName: "alice", TZ: "Europe/Paris"}
	bob   = fakeslack.User{ID: "U0BOB", Name: "bob", RealName: "Bob Marley"}
	ada   = fakeslack.User{ID: "U0ADA", Name: "ada", RealName: "Ada Lovelace", DisplayName: "Ada", IsAdmin: true}
	olu   = fakeslack.User{ID: "U0OLU", Name: "olu", RealName: "Olu Owner", IsOwner: true, IsPrimaryOwner: true}
	gone  = fakeslack.User{ID: "U0GONE", Name: "gone", RealName: "Gone Away", Deleted: true}
	robot = fakeslack.User{ID: "U0ROBOT", Name: "deploybot", RealName: "Deploy Bot", IsBot: true, BotID: "B0ROBOT"}

	general  = fakeslack.Channel{ID: "C0GENERAL", Name: "general"}
	design   = fakeslack.Channel{ID: "C0DESIGN", Name: "design"}
	outside  = fakeslack.Channel{ID: "C0OUTSIDE", Name: "outside", NotMember: true}
	archived = fakeslack.Channel{ID: "C0OLD", Name: "old-stuff", IsArchived: true}
)

var epoch = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

type harness struct {
	t      *testing.T
	fake   *fakeslack.Server
	rec    *recorder
	a      *Adapter
	clock  *bot.ManualClock
	sleep  *sleeper
	logs   *syncBuffer
	cancel context.CancelFunc
	runErr chan error
}

type setup struct {
	fake   fakeslack.Options
	config func(*Config)
	before func(*fakeslack.Server) // runs before Run
	noWait bool                    // don't wait for the start-up sync and connection
}

// start runs an adapter against a fresh fake Slack with the fixtures.
func start(t *testing.T, s setup) *harness {
	t.Helper()
	h := &harness{t: t, rec: newRecorder(t), clock: bot.NewManualClock(epoch), logs: &syncBuffer{}}
	h.sleep = &sleeper{clock: h.clock}
	if s.fake.Now == nil {
		s.fake.Now = h.clock.Now
	}
	h.fake = fakeslack.New(t, s.fake)
	h.fake.AddUser(alice, bob, ada, olu, gone, robot)
	h.fake.AddChannel(general, design, outside, archived)
	fo := h.fake.Options()
	cfg := Config{
		BotToken: fo.BotToken,
		AppToken: fo.AppToken,
		APIURL:   h.fake.URL(),
		Handler:  h.rec,
		Clock:    h.clock,
		Log:      slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Sleep:    h.sleep.Sleep,
	}
	if s.config != nil {
		s.config(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.a = a
	if s.before != nil {
		s.before(h.fake)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.runErr = make(chan error, 1)
	go func() { h.runErr <- a.Run(ctx) }()
	t.Cleanup(h.stop)
	if !s.noWait {
		h.rec.waitDirs(func(d bot.Directory) bool { return d.Complete })
		if a.SocketMode() {
			h.fake.WaitConnections(1)
		}
	}
	return h
}

// stop ends Run and checks that no message text reached the logs.
func (h *harness) stop() {
	h.cancel()
	select {
	case err := <-h.runErr:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
	case <-time.After(waitTimeout):
		h.t.Errorf("Run did not return after cancel")
	}
	if strings.Contains(h.logs.String(), fakeslack.SecretText) {
		h.t.Errorf("message text leaked into the logs")
	}
	for _, tok := range []string{fakeslack.DefaultBotToken, fakeslack.DefaultAppToken} {
		if strings.Contains(h.logs.String(), tok) {
			h.t.Errorf("a token leaked into the logs")
		}
	}
}

func (h *harness) community() string { return bot.CommunityID(bot.Slack, h.fake.TeamID()) }

// ts returns the Slack timestamp n microseconds after 1700000000.
func ts(n int) string { return fmt.Sprintf("1700000000.%06d", n) }

func tsTime(n int) time.Time { return time.Unix(1700000000, int64(n)*1000).UTC() }

func (r *recorder) setEvent(fn func(bot.Event)) {
	r.mu.Lock()
	r.onEvent = fn
	r.mu.Unlock()
}
