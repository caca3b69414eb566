package shell_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
)

// fakeLines is a LineClaimer in memory, shared by the sessions of a test
// as a database would be.
type fakeLines struct {
	mu      sync.Mutex
	claimed map[string]bool
	err     error
}

func (f *fakeLines) ClaimLine(_ context.Context, community, hash string, _ time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return false, f.err
	}
	if f.claimed == nil {
		f.claimed = map[string]bool{}
	}
	k := community + "/" + hash
	if f.claimed[k] {
		return false, nil
	}
	f.claimed[k] = true
	return true, nil
}

// session runs script in a shell with cfg (Handler, Lines, Due, Firings as
// given; clock at start unless cfg.Clock is set) and returns its output
// and Run's error.
func session(t *testing.T, cfg shell.Config, script string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	if cfg.Clock == nil {
		cfg.Clock = bot.NewManualClock(start)
	}
	cfg.Out, cfg.FilesDir = &out, t.TempDir()
	sh, err := shell.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = sh.Run(context.Background(), strings.NewReader(script))
	return out.String(), err
}

func keys(events []bot.Event) []string {
	var ks []string
	for _, e := range events {
		ks = append(ks, e.Key)
	}
	return ks
}

// A message's identity does not depend on how many posts Hearth made
// before it: a replay where Hearth posts less (its schedules already
// fired) names the members' messages as the first run did.
func TestIdentitiesDoNotCountHearthsPosts(t *testing.T) {
	script := "alice: /hearth poll\nbob: hello\ncarol reply: hi bob\ndave react: tada\n"
	posting := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: "a poll for all"}}} // posts in the channel
	quiet := &fakeHandler{}
	session(t, shell.Config{Handler: posting}, script)
	session(t, shell.Config{Handler: quiet}, script)
	if a, b := strings.Join(keys(posting.events), " "), strings.Join(keys(quiet.events), " "); a != b {
		t.Errorf("keys with Hearth's post: %s\nkeys without: %s", a, b)
	}
}

// Two sessions with one --clock keep each other's messages: identities
// include the member and the words; the same line again is the same.
func TestIdentitiesIncludeMemberAndWords(t *testing.T) {
	var all []bot.Event
	for _, script := range []string{"alice: hi\n", "bob: hi\n", "alice: hello\n", "alice: hi\n"} {
		h := &fakeHandler{}
		session(t, shell.Config{Handler: h}, script)
		all = append(all, h.events...)
	}
	ks := keys(all)
	if len(ks) != 4 || ks[0] == ks[1] || ks[0] == ks[2] || ks[1] == ks[2] || ks[3] != ks[0] {
		t.Errorf("keys %v: want three different, then the first again (a replay)", ks)
	}
	if all[0].Message == all[1].Message {
		t.Errorf("alice's and bob's messages share id %s", all[0].Message)
	}
}

// In real time a piped script may say the same thing twice within one
// clock reading: both are messages.
func TestRealTimeRepeatsAreDistinct(t *testing.T) {
	h := &fakeHandler{}
	session(t, shell.Config{Handler: h, Clock: bot.ClockFunc(func() time.Time { return start })}, "alice: hi\nalice: hi\n")
	if ks := keys(h.events); len(ks) != 2 || ks[0] == ks[1] {
		t.Errorf("keys %v, want two different", ks)
	}
}

// A replayed script applies its commands, clicks and written answers once;
// messages are left to the core's keys.
func TestReplayAppliesCommandsOnce(t *testing.T) {
	script := "alice: /hearth prompt add weekly\nbob dm: /hearth me\nalice clicks Last 30 days\ncarol dm: my answer\nalice: /hearth prompt add weekly\n"
	lines := &fakeLines{}
	h := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: "added", Buttons: []bot.Button{{ActionID: "x", Label: "Last 30 days", Value: "30d"}}}, Private: true}}
	first, err := session(t, shell.Config{Handler: h, Lines: lines}, script)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.commands) != 3 || len(h.actions) != 1 || len(h.events) != 1 {
		t.Fatalf("first run: %d commands, %d clicks, %d events; want 3, 1, 1 (the same words a second later are a new line):\n%s",
			len(h.commands), len(h.actions), len(h.events), first)
	}
	again, err := session(t, shell.Config{Handler: h, Lines: lines}, script)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.commands) != 3 || len(h.actions) != 1 || len(h.events) != 1 {
		t.Errorf("after a replay: %d commands, %d clicks, %d events; want 3, 1, 1:\n%s", len(h.commands), len(h.actions), len(h.events), again)
	}
	if n := strings.Count(again, "not done again"); n != 4 {
		t.Errorf("%d notes of lines not done again, want 4 (the click has no buttons to press):\n%s", n, again)
	}

	// Real time is never replayed: nothing is claimed.
	realTime := &fakeLines{}
	session(t, shell.Config{Handler: h, Lines: realTime, Clock: bot.ClockFunc(func() time.Time { return start })}, script)
	if len(realTime.claimed) != 0 {
		t.Errorf("real time claimed %d lines", len(realTime.claimed))
	}
}

// failingHandler fails every event, as a full disk would.
type failingHandler struct{ fakeHandler }

func (h *failingHandler) HandleEvent(context.Context, bot.Event) error {
	return errors.New("database or disk is full (13)")
}

// A session that could not record a line goes on, and ends in an error.
func TestFailuresEndInAnError(t *testing.T) {
	h := &failingHandler{}
	out, err := session(t, shell.Config{Handler: h}, "alice: hi\nbob: /hearth me\ncarol: hello\n")
	if err == nil || !strings.Contains(err.Error(), "2 failure") {
		t.Errorf("Run = %v, want an error counting 2 failures", err)
	}
	if len(h.commands) != 1 || strings.Count(out, bot.Apology) != 2 {
		t.Errorf("the session did not go on after a failure (%d commands):\n%s", len(h.commands), out)
	}

	lines := &fakeLines{err: errors.New("database disk image is malformed (11)")}
	if _, err := session(t, shell.Config{Handler: &fakeHandler{}, Lines: lines}, "alice: /hearth me\n"); err == nil {
		t.Error("a command whose claim failed ended the session without an error")
	}
	internal := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: bot.Apology}, Code: bot.EInternal}}
	if _, err := session(t, shell.Config{Handler: internal}, "alice: /hearth me\n"); err == nil {
		t.Error("a command that failed inside Hearth ended the session without an error")
	}
	if _, err := session(t, shell.Config{Handler: &fakeHandler{}}, "alice: hi\nnot a line\n"); err != nil {
		t.Errorf("unreadable lines are the person's to fix, not failures: %v", err)
	}
}

// A line of any length is refused and the session goes on.
func TestOverlongLinesAreRefused(t *testing.T) {
	for _, n := range []int{9000, 1<<20 + 1, 3 << 20} {
		h := &fakeHandler{}
		script := "alice: " + strings.Repeat("x", n) + "\r\nbob: after\r\ncarol: last, with no line end"
		out, err := session(t, shell.Config{Handler: h}, script)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !strings.Contains(out, "? that line is too long") || len(h.events) != 2 || h.events[0].Member != "bob" || h.events[1].Member != "carol" {
			t.Errorf("%d bytes: %d events:\n%.300s", n, len(h.events), out)
		}
		if !strings.Contains(out, "[1] #general bob: after\n") {
			t.Errorf("%d bytes: the line end was kept:\n%.300s", n, out)
		}
	}
}

// Members' words, names and reactions, and Hearth's posts, never reach the
// terminal with their escape sequences.
func TestMemberTextIsHarmlessOnTheTerminal(t *testing.T) {
	h := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: "note: \x1b]52;c;ZXZpbA==\x07", Buttons: []bot.Button{{Label: "\x1b[2J"}}}}}
	out, _ := session(t, shell.Config{Handler: h}, "alice: \x1b]0;pwned\x07hi\nbob react: x\x1b[2Jy\ncarol dm: \u009b31m\nalice: /hearth note\nbad\x1bname: hi\n")
	if strings.ContainsAny(out, "\x1b\x07\u009b") {
		t.Errorf("raw control characters reached the terminal: %q", out)
	}
	for _, s := range []string{`\x1b]0;pwned\x07hi`, `x\x1b[2Jy`, `\u009b31m`, `note: \x1b]52;c;ZXZpbA==\x07`, `[\x1b[2J]`} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q: %q", s, out)
		}
	}
}

// Notes quoting a line never cut a character in two.
func TestNotesKeepCharactersWhole(t *testing.T) {
	name := strings.Repeat("é", 30) + "/" // 61 bytes: not a name
	out, _ := session(t, shell.Config{Handler: &fakeHandler{}}, name+": hi\n:"+strings.Repeat("日", 20)+"\n")
	if !utf8.ValidString(out) {
		t.Errorf("a note cut a character: %q", out)
	}
}

// minuteDue plays a scheduler with one schedule every minute: it runs the
// job for each minute up to until, moving the clock, as the real runner
// does, and stops when its context ends. Behind the clock, it catches up
// as the runner does: only the latest minute runs.
type minuteDue struct {
	clock *bot.ManualClock
	jobs  bot.JobRunner
	next  time.Time
}

func (d *minuteDue) RunDue(ctx context.Context, until time.Time) error {
	if d.next.IsZero() {
		d.next = d.clock.Now().Add(time.Minute)
	}
	if now := d.clock.Now(); d.next.Before(now) {
		d.next = d.next.Add(now.Sub(d.next).Truncate(time.Minute))
	}
	for !d.next.After(until) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.clock.Now().Before(d.next) {
			d.clock.Set(d.next)
		}
		if err := d.jobs.RunSchedule(ctx, bot.Schedule{ID: 1}, d.next); err != nil {
			return err
		}
		d.next = d.next.Add(time.Minute)
	}
	if d.clock.Now().Before(until) {
		d.clock.Set(until)
	}
	return nil
}

type countJobs struct{ n int }

func (c *countJobs) RunSchedule(context.Context, bot.Schedule, time.Time) error { c.n++; return nil }

// One :advance runs at most the bound's firings in order, says so, moves
// time to its end and has the rest caught up once; the next :advance goes
// on from there.
func TestAdvanceIsBounded(t *testing.T) {
	clock := bot.NewManualClock(start)
	jobs := &countJobs{}
	bound := shell.NewFiringBound(jobs, 100)
	due := &minuteDue{clock: clock, jobs: bound}
	out, err := session(t, shell.Config{Handler: &fakeHandler{}, Clock: clock, Due: due, Firings: bound}, ":advance 30d\n:advance 1h\n")
	if err != nil {
		t.Fatal(err)
	}
	if jobs.n != 161 {
		t.Errorf("%d firings, want 100 (the bound), 1 (the catch-up), then 60 (an hour)", jobs.n)
	}
	if !strings.Contains(out, "? ran 100 scheduled firings in order, the most one move of time runs; what fell due after them until 2026-12-02T09:00:00Z was caught up") {
		t.Errorf("output:\n%s", out)
	}
	if want := start.Add(30*24*time.Hour + time.Hour); !clock.Now().Equal(want) {
		t.Errorf("clock at %s, want %s", clock.Now(), want)
	}
	if got := shell.NewFiringBound(jobs, 0).Max(); got != shell.DefaultMaxFirings {
		t.Errorf("default bound %d", got)
	}
}
