package shell_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
)

// fakeHandler records what the shell hands the core.
type fakeHandler struct {
	mu       sync.Mutex
	events   []bot.Event
	commands []bot.Command
	actions  []bot.Action
	reply    bot.Reply
}

var _ bot.Handler = (*fakeHandler)(nil)

func (h *fakeHandler) HandleEvent(_ context.Context, e bot.Event) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
	return nil
}

func (h *fakeHandler) HandleDirectory(context.Context, bot.Directory) error { return nil }

func (h *fakeHandler) HandleCommand(_ context.Context, c bot.Command) bot.Reply {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.commands = append(h.commands, c)
	return h.reply
}

func (h *fakeHandler) HandleAction(_ context.Context, a bot.Action) bot.Reply {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.actions = append(h.actions, a)
	return bot.Reply{Post: bot.Post{Text: "clicked " + a.Value}, Private: true}
}

var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func play(t *testing.T, h *fakeHandler, script string) (string, *bot.ManualClock) {
	t.Helper()
	var out bytes.Buffer
	clock := bot.NewManualClock(start)
	sh, err := shell.New(shell.Config{Handler: h, Clock: clock, Out: &out, FilesDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Run(context.Background(), strings.NewReader(script)); err != nil {
		t.Fatal(err)
	}
	return out.String(), clock
}

func TestEventsFromLines(t *testing.T) {
	h := &fakeHandler{}
	out, clock := play(t, h, `alice: hello
bob reply: hi alice
carol react: tada
dave #design: a question
erin reply 1: late reply
frank react 2: +1
gus dm: a private word
hal joins
hal leaves
`)
	want := []struct {
		kind    bot.EventKind
		member  string
		channel string
		dm      bool
	}{
		{bot.KindMessage, "alice", "general", false},
		{bot.KindReply, "bob", "general", false},
		{bot.KindReaction, "carol", "general", false},
		{bot.KindMessage, "dave", "design", false},
		{bot.KindReply, "erin", "general", false},
		{bot.KindReaction, "frank", "general", false},
		{bot.KindMessage, "gus", "", true},
		{bot.KindJoin, "hal", "", false},
		{bot.KindLeave, "hal", "", false},
	}
	if len(h.events) != len(want) {
		t.Fatalf("got %d events, want %d:\n%s", len(h.events), len(want), out)
	}
	keys := map[string]bool{}
	for i, w := range want {
		e := h.events[i]
		if e.Kind != w.kind || e.Member != w.member || e.Channel != w.channel || e.DM != w.dm || e.Community != "shell:local" {
			t.Errorf("event %d = %+v, want %+v", i, e, w)
		}
		if keys[e.Key] {
			t.Errorf("event %d reuses key %s", i, e.Key)
		}
		if wantText := map[bool]string{true: "a private word"}[w.dm]; e.Text != wantText {
			t.Errorf("event %d has text %q, want %q (only a DM to Hearth carries its text)", i, e.Text, wantText)
		}
		keys[e.Key] = true
		if want := start.Add(time.Duration(i) * time.Second); !e.At.Equal(want) {
			t.Errorf("event %d at %s, want %s (each line takes a simulated second)", i, e.At, want)
		}
	}
	alice, bobReply, carolReact, erinReply, frankReact := h.events[0], h.events[1], h.events[2], h.events[4], h.events[5]
	if bobReply.Parent != alice.Message || erinReply.Parent != alice.Message {
		t.Errorf("replies point at %q and %q, want alice's message %q", bobReply.Parent, erinReply.Parent, alice.Message)
	}
	if carolReact.Message != bobReply.Message {
		t.Errorf("react without a number went to %q, want the latest message %q", carolReact.Message, bobReply.Message)
	}
	if frankReact.Message != bobReply.Message {
		t.Errorf("react 2 went to %q, want message [2] %q", frankReact.Message, bobReply.Message)
	}
	if !clock.Now().Equal(start.Add(9 * time.Second)) {
		t.Errorf("clock at %s after 9 lines", clock.Now())
	}
	for _, s := range []string{"[1] #general alice: hello", "[2] #general bob (reply to [1]): hi alice", "carol reacted :tada: to [2]",
		"[3] #design dave: a question", "[4] #general erin (reply to [1]): late reply", "(dm from gus) a private word", "* hal joined the community"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestReplayGivesTheSameKeys(t *testing.T) {
	script := "alice: hello\nbob reply: hi\ncarol react: tada\n"
	h1, h2 := &fakeHandler{}, &fakeHandler{}
	play(t, h1, script)
	play(t, h2, script)
	for i := range h1.events {
		if h1.events[i].Key != h2.events[i].Key {
			t.Errorf("replayed event %d has key %s, first run %s", i, h2.events[i].Key, h1.events[i].Key)
		}
	}
}

func TestCommandsRepliesAndClicks(t *testing.T) {
	h := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: "**Report**\nline two", Buttons: []bot.Button{
		{ActionID: "hearth.report", Label: "Last 30 days", Value: "30d"}}}, Private: true}}
	out, _ := play(t, h, `alice: /hearth report 7d
alice clicks last 30 days
bob clicks Last 30 days
alice clicks Nope
bob dm: /hearth me
alice: /hearthx not a command
`)
	if len(h.commands) != 2 || h.commands[0].Text != "report 7d" || h.commands[0].Channel != "general" || h.commands[0].Member != "alice" {
		t.Fatalf("commands = %+v", h.commands)
	}
	if h.commands[1].Channel != "" || h.commands[1].Text != "me" {
		t.Errorf("DM command = %+v", h.commands[1])
	}
	if len(h.actions) != 1 || h.actions[0].Member != "alice" || h.actions[0].Value != "30d" {
		t.Errorf("actions = %+v (only alice may press her private buttons)", h.actions)
	}
	for _, s := range []string{
		"alice (#general): /hearth report 7d",
		"(only alice sees) hearth: Report\n    line two\n    [Last 30 days]",
		"alice clicked [Last 30 days]",
		"(only alice sees) hearth: clicked 30d",
		"? bob has no buttons to press",
		"? alice can press [Last 30 days]",
		"(dm to bob) hearth: **", // DM replies go to the DM
		"[1] #general alice: /hearthx not a command",
	} {
		if s == "(dm to bob) hearth: **" {
			s = "(dm to bob) hearth: Report"
		}
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestAdvanceAndNotes(t *testing.T) {
	h := &fakeHandler{}
	out, clock := play(t, h, ":now\n:advance 1d12h\nalice reply: nothing to reply to\nhearth: hi\n:advance soon\n:dance\nalice react 9: x\n")
	if want := start.Add(36*time.Hour + 2*time.Second); !clock.Now().Equal(want) { // every member line takes a second
		t.Errorf("clock = %s, want %s", clock.Now(), want)
	}
	for _, s := range []string{"now: 2026-11-02T09:00:00Z", "now: 2026-11-03T21:00:00Z", "? there is no message in this channel yet to reply to",
		"? hearth is me", "? I can't read \"soon\"", "? I don't know :dance", "? there is no message [9] to react to"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if len(h.events) != 0 {
		t.Errorf("bad lines produced events: %+v", h.events)
	}
}

func TestRealTimeRefusesAdvance(t *testing.T) {
	var out bytes.Buffer
	sh, _ := shell.New(shell.Config{Handler: &fakeHandler{}, Clock: bot.ClockFunc(func() time.Time { return start }), Out: &out})
	sh.Run(context.Background(), strings.NewReader(":advance 1d\n"))
	if !strings.Contains(out.String(), "needs simulated time") {
		t.Errorf("output: %s", out.String())
	}
}

func TestPostRendersEveryDestination(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	sh, _ := shell.New(shell.Config{Handler: &fakeHandler{}, Clock: bot.NewManualClock(start), Out: &out, FilesDir: dir})
	ctx := context.Background()
	ref, err := sh.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: "general"}, bot.Post{Text: "Weekly prompt", Buttons: []bot.Button{{Label: "Going"}}})
	if err != nil || ref.ID == "" {
		t.Fatalf("post: %v %+v", err, ref)
	}
	sh.Post(ctx, bot.Destination{Kind: bot.ToThread, Channel: "general", Thread: ref.ID}, bot.Post{Text: "in thread"})
	sh.Post(ctx, bot.Destination{Kind: bot.ToDM, Member: "alice"}, bot.Post{Text: "hello alice"})
	sh.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: "general"}, bot.Post{Text: "chart", Image: &bot.File{Name: "../chart.png", Data: []byte("png")}})
	if _, err := sh.Post(ctx, bot.Destination{Kind: bot.ToChannel}, bot.Post{Text: "nowhere"}); bot.ErrorCode(err) != bot.EPlatform {
		t.Errorf("post without channel: %v", err)
	}
	for _, s := range []string{"[1] #general hearth: Weekly prompt\n    [Going]", "[2] #general hearth (in thread): in thread",
		"(dm to alice) hearth: hello alice", "(image: " + dir + "/chart.png)"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
}

// fakeDue records the times the shell asks the scheduler to run up to, and
// moves the clock like the real runner does.
type fakeDue struct {
	clock *bot.ManualClock
	until []time.Time
}

func (d *fakeDue) RunDue(_ context.Context, until time.Time) error {
	d.until = append(d.until, until)
	d.clock.Set(until)
	return nil
}

func TestSchedulerRunsAtStartAndAsTimeMoves(t *testing.T) {
	clock := bot.NewManualClock(start)
	due := &fakeDue{clock: clock}
	var out bytes.Buffer
	sh, err := shell.New(shell.Config{Handler: &fakeHandler{}, Clock: clock, Due: due, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Run(context.Background(), strings.NewReader("alice: hi\n:advance 2h\n")); err != nil {
		t.Fatal(err)
	}
	want := []time.Time{start, start.Add(time.Second), start.Add(time.Second + 2*time.Hour)}
	if len(due.until) != len(want) {
		t.Fatalf("RunDue called up to %v, want %v (at start, after each line)", due.until, want)
	}
	for i := range want {
		if !due.until[i].Equal(want[i]) {
			t.Errorf("RunDue #%d until %s, want %s", i, due.until[i], want[i])
		}
	}
}

// checkin is a post with three questions, each with its buttons in a row
// of its own; "No" is in the first row and the third.
var checkin = bot.Post{Text: "Check-in", Buttons: []bot.Button{
	{ActionID: "checkin", Label: "Yes", Value: "q1:yes", Row: 0},
	{ActionID: "checkin", Label: "No", Value: "q1:no", Row: 0},
	{ActionID: "checkin", Label: "1", Value: "q2:1", Row: 1},
	{ActionID: "checkin", Label: "2", Value: "q2:2", Row: 1},
	{ActionID: "checkin", Label: "3", Value: "q2:3", Row: 1},
	{ActionID: "checkin", Label: "No", Value: "q3:no", Row: 2},
}}

func TestButtonRowsPrintOneLineEach(t *testing.T) {
	var out bytes.Buffer
	sh, _ := shell.New(shell.Config{Handler: &fakeHandler{}, Clock: bot.NewManualClock(start), Out: &out})
	ctx := context.Background()
	sh.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: "general"}, bot.Post{Text: "One row", Buttons: []bot.Button{
		{Label: "1"}, {Label: "2"}, {Label: "3"}}})
	sh.Post(ctx, bot.Destination{Kind: bot.ToChannel, Channel: "general"}, bot.Post{Text: "Still one row", Buttons: []bot.Button{
		{Label: "a", Row: 4}, {Label: "b", Row: 4}}})
	sh.Post(ctx, bot.Destination{Kind: bot.ToDM, Member: "alice"}, checkin)
	want := "[1] #general hearth: One row\n    [1] [2] [3]\n" +
		"[2] #general hearth: Still one row\n    [a] [b]\n" +
		"(dm to alice) hearth: Check-in\n    [Yes] [No]\n    [1] [2] [3]\n    [No]\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// A label in more than one row is not guessed: the person is told to name
// the row, with ROW:LABEL, rows counting from 1 as printed.
func TestClickByRow(t *testing.T) {
	h := &fakeHandler{reply: bot.Reply{Post: checkin, Private: true}}
	out, _ := play(t, h, `alice: /hearth checkin
alice clicks no
alice clicks 3:no
alice clicks 2
alice clicks [2:3]
alice clicks 1 : No
alice clicks 4:No
alice clicks 2:Yes
`)
	var values []string
	for _, a := range h.actions {
		values = append(values, a.Value)
	}
	if want := []string{"q3:no", "q2:2", "q2:3", "q1:no"}; strings.Join(values, " ") != strings.Join(want, " ") {
		t.Errorf("pressed %v, want %v:\n%s", values, want, out)
	}
	for _, s := range []string{
		"(only alice sees) hearth: Check-in\n    [Yes] [No]\n    [1] [2] [3]\n    [No]\n",
		"? more than one row has [No] (rows 1 and 3): write `alice clicks ROW:No`, such as `alice clicks 1:No`; rows count from 1, top to bottom\n",
		"alice clicked [No] (row 3)\n",
		"alice clicked [2] (row 2)\n",
		"alice clicked [3] (row 2)\n",
		"alice clicked [No] (row 1)\n",
		"? alice can press [Yes] [No] (row 1), [1] [2] [3] (row 2), [No] (row 3)\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if n := strings.Count(out, "? alice can press"); n != 2 {
		t.Errorf("%d notes listing the buttons, want 2 (row 4 does not exist, row 2 has no Yes):\n%s", n, out)
	}
}

// A label that holds a colon is pressed when typed whole, before ROW:LABEL
// is tried.
func TestClickLabelWithAColon(t *testing.T) {
	h := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: "When?", Buttons: []bot.Button{
		{ActionID: "when", Label: "2:30", Value: "half past two"},
		{ActionID: "when", Label: "30", Value: "thirty", Row: 1},
		{ActionID: "when", Label: "Note: later", Value: "later", Row: 1},
	}}, Private: true}}
	out, _ := play(t, h, "bob: /hearth when\nbob clicks 2:30\nbob clicks note: LATER\nbob clicks 2:note: later\n")
	var values []string
	for _, a := range h.actions {
		values = append(values, a.Value)
	}
	if want := []string{"half past two", "later", "later"}; strings.Join(values, "|") != strings.Join(want, "|") {
		t.Errorf("pressed %v, want %v:\n%s", values, want, out)
	}
}
