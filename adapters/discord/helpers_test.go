package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
)

// guard bounds every wait: a failing test fails instead of hanging. Nothing
// waits for time to pass; waits end on what the fake or the handler records.
const guard = 10 * time.Second

// Ids of the test guild.
const (
	guildID    = "100"
	generalID  = "201" // a text channel
	forumID    = "202" // a forum channel
	categoryID = "200"
	threadID   = "301" // a thread without a starter message, in #general
	everyoneID = guildID
	modRoleID  = "401" // Manage Server
	ownerID    = "500"
	aliceID    = "501"
	bobID      = "502"
	carolID    = "503"
)

var (
	alice = fakediscord.User{ID: aliceID, Username: "alice", GlobalName: "Alice"}
	bob   = fakediscord.User{ID: bobID, Username: "bob"}
	carol = fakediscord.User{ID: carolID, Username: "carol"}
	owner = fakediscord.User{ID: ownerID, Username: "owner"}
	t0    = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
)

func testGuild() fakediscord.Guild {
	return fakediscord.Guild{
		ID: guildID, Name: "Gardeners", OwnerID: ownerID,
		Channels: []fakediscord.Channel{
			{ID: categoryID, Name: "Talk", Type: fakediscord.ChannelCategory},
			{ID: generalID, Name: "general", Type: fakediscord.ChannelText, ParentID: categoryID},
			{ID: forumID, Name: "questions", Type: fakediscord.ChannelForum},
		},
		Threads: []fakediscord.Channel{{ID: threadID, Name: "a thread", Type: fakediscord.ChannelPublicThread, ParentID: generalID}},
		Roles: []fakediscord.Role{
			{ID: everyoneID, Name: "@everyone", Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages},
			{ID: modRoleID, Name: "mods", Permissions: fakediscord.PermManageGuild},
		},
		Members: []fakediscord.Member{
			{User: owner, JoinedAt: t0.Add(-90 * 24 * time.Hour)},
			{User: alice, Nick: "Ali", Roles: []string{modRoleID}, JoinedAt: t0.Add(-60 * 24 * time.Hour)},
			{User: bob, JoinedAt: t0.Add(-30 * 24 * time.Hour)},
			{User: carol, JoinedAt: t0.Add(-10 * 24 * time.Hour)},
		},
	}
}

// recorder is a hand-written bot.Handler: it records what the adapter
// hands the core and answers with canned replies.
type recorder struct {
	mu      sync.Mutex
	changed chan struct{}
	events  []bot.Event
	dirs    []bot.Directory
	cmds    []bot.Command
	actions []bot.Action

	command func(context.Context, bot.Command) bot.Reply
	action  func(context.Context, bot.Action) bot.Reply
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) note(f func()) {
	r.mu.Lock()
	f()
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

func (r *recorder) HandleEvent(_ context.Context, e bot.Event) error {
	r.note(func() { r.events = append(r.events, e) })
	return nil
}

func (r *recorder) HandleDirectory(_ context.Context, d bot.Directory) error {
	r.note(func() { r.dirs = append(r.dirs, d) })
	return nil
}

func (r *recorder) HandleCommand(ctx context.Context, c bot.Command) bot.Reply {
	r.note(func() { r.cmds = append(r.cmds, c) })
	if r.command != nil {
		return r.command(ctx, c)
	}
	return bot.Reply{Post: bot.Post{Text: "ran " + c.Text}, Private: true}
}

func (r *recorder) HandleAction(ctx context.Context, a bot.Action) bot.Reply {
	r.note(func() { r.actions = append(r.actions, a) })
	if r.action != nil {
		return r.action(ctx, a)
	}
	return bot.Reply{Post: bot.Post{Text: "did " + a.ActionID}, Private: true}
}

func (r *recorder) Events() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Event(nil), r.events...)
}

func (r *recorder) Dirs() []bot.Directory {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Directory(nil), r.dirs...)
}

func (r *recorder) Commands() []bot.Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Command(nil), r.cmds...)
}

func (r *recorder) Actions() []bot.Action {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Action(nil), r.actions...)
}

// wait blocks until cond holds, re-checking whenever the handler records
// something.
func (r *recorder) wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(guard)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		ch := r.changed
		r.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (r *recorder) waitEvents(t *testing.T, n int) []bot.Event {
	t.Helper()
	r.wait(t, fmt.Sprintf("%d events", n), func() bool { return len(r.Events()) >= n })
	return r.Events()
}

// waitFake blocks until cond holds, re-checking whenever the fake records something.
func waitFake(t *testing.T, f *fakediscord.Server, what string, cond func() bool) {
	t.Helper()
	if err := f.Wait(guard, cond); err != nil {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// harness runs an adapter against a fake Discord.
type harness struct {
	fake  *fakediscord.Server
	rec   *recorder
	a     *discord.Adapter
	clock *bot.ManualClock
	done  chan error
	stop  context.CancelFunc
}

type setup struct {
	fake   fakediscord.Options
	config func(*discord.Config)
	noWait bool // don't wait for the guild to be applied
}

func start(t *testing.T, s setup) *harness {
	t.Helper()
	clock := bot.NewManualClock(t0)
	if s.fake.Now == nil {
		s.fake.Now = clock.Now
	}
	if s.fake.Guilds == nil {
		s.fake.Guilds = []fakediscord.Guild{testGuild()}
	}
	fake := fakediscord.New(s.fake)
	t.Cleanup(fake.Close)
	rec := newRecorder()
	cfg := discord.Config{Commands: features.Commands(),
		BotToken:         fake.Token(),
		APIURL:           fake.URL(),
		Handler:          rec,
		Clock:            clock,
		Log:              testLogger(t),
		PostInterval:     -1,
		ChannelInterval:  -1,
		ReconnectBackoff: 10 * time.Millisecond,
	}
	if s.config != nil {
		s.config(&cfg)
	}
	a, err := discord.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{fake: fake, rec: rec, a: a, clock: clock, done: make(chan error, 1), stop: cancel}
	go func() { h.done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-h.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(guard):
			t.Errorf("Run did not return after cancel")
		}
	})
	if !s.noWait {
		rec.wait(t, "the guild's directory", func() bool {
			for _, d := range rec.Dirs() {
				if d.Community.ID == "discord:"+guildID && len(d.Channels) > 0 {
					return true
				}
			}
			return false
		})
	}
	return h
}

// testLogger logs to the test, and stops when the test is over.
func testLogger(t *testing.T) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func member(u fakediscord.User, perms int64) fakediscord.Invoker {
	return fakediscord.Invoker{GuildID: guildID, ChannelID: generalID, User: u, Permissions: perms}
}

// callbackOf waits for interaction id's first response and decodes its data.
func callbackOf(t *testing.T, f *fakediscord.Server, id string) (fakediscord.Callback, map[string]any) {
	t.Helper()
	waitFake(t, f, "the interaction's response", func() bool { return len(f.Callbacks(id)) > 0 })
	cb := f.Callbacks(id)[0]
	return cb, decode(t, cb.Data)
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if len(raw) == 0 {
		return m
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return m
}

// customIDs lists the custom ids of a message's buttons (or a modal's inputs).
func customIDs(data map[string]any) []string {
	var out []string
	rows, _ := data["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		comps, _ := row["components"].([]any)
		for _, c := range comps {
			comp, _ := c.(map[string]any)
			if id, ok := comp["custom_id"].(string); ok {
				out = append(out, id)
			}
		}
	}
	return out
}

func flagsOf(data map[string]any) int {
	f, _ := data["flags"].(float64)
	return int(f)
}
