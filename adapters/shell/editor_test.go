package shell_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
)

// fakeTerminal is a terminal in raw mode: the test types keys into in and
// reads what the terminal shows from out.
type fakeTerminal struct {
	keys *io.PipeWriter
	in   *io.PipeReader

	mu  sync.Mutex
	out bytes.Buffer
}

func newFakeTerminal(t *testing.T) *fakeTerminal {
	r, w := io.Pipe()
	ft := &fakeTerminal{keys: w, in: r}
	// Closing the reader ends a type() still waiting to be read.
	t.Cleanup(func() { r.Close() })
	return ft
}

func (f *fakeTerminal) Read(p []byte) (int, error) { return f.in.Read(p) }

func (f *fakeTerminal) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.Write(p)
}

func (f *fakeTerminal) shown() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String()
}

// typeKeys types keys in the background, as a person (or a paste) does;
// the typing ends when the editor has read them or the test ends.
func (f *fakeTerminal) typeKeys(keys string) {
	go func() { io.WriteString(f.keys, keys) }()
}

// edit plays keys at an Editor over a shell and returns what the terminal
// showed. The keys must end the session (Ctrl-D or :quit): the pipe stays
// open, as a terminal does.
func edit(t *testing.T, h *fakeHandler, hist *shell.History, keys string) string {
	t.Helper()
	ft := newFakeTerminal(t)
	ed := shell.NewEditor(shell.EditorConfig{Terminal: ft, History: hist,
		Commands: [][]string{{"report"}, {"help"}, {"facilitator", "add"}, {"facilitator", "remove"}}})
	sh, err := shell.New(shell.Config{Handler: h, Clock: bot.NewManualClock(start), Out: ed, FilesDir: t.TempDir(), Banner: true})
	if err != nil {
		t.Fatal(err)
	}
	ft.typeKeys(keys)
	if err := sh.RunLines(context.Background(), ed); err != nil {
		t.Fatal(err)
	}
	return ft.shown()
}

const (
	keyUp    = "\x1b[A"
	keyCtrlC = "\x03"
	keyCtrlD = "\x04"
	keyTab   = "\t"
)

func commandTexts(h *fakeHandler) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, c := range h.commands {
		out = append(out, c.Member+": "+c.Text)
	}
	return out
}

func TestEditorKeys(t *testing.T) {
	cases := []struct {
		name     string
		keys     string
		commands []string // what the core was asked, in order
		shows    []string // in this order on the terminal
		hides    []string
	}{
		{
			name:  "the banner names the editing keys",
			keys:  keyCtrlD,
			shows: []string{"Hearth shell:", "Keys: ↑/↓ recall earlier lines, Tab completes, Ctrl-C drops the line, Ctrl-D leaves.\r\n"},
		},
		{
			name:     "Up arrow recalls the line before",
			keys:     "alice: /hearth report\r" + keyUp + "\r" + keyCtrlD,
			commands: []string{"alice: report", "alice: report"},
		},
		{
			name:     "Up arrow then editing the recalled line",
			keys:     "alice: /hearth report\r" + keyUp + "\x7f\x7f\x7f\x7f\x7f\x7fhelp\r" + keyCtrlD,
			commands: []string{"alice: report", "alice: help"},
		},
		{
			name:     "Ctrl-C drops the line being typed",
			keys:     "bob: /hearth report" + keyCtrlC + "carol: /hearth help\r" + keyCtrlD,
			commands: []string{"carol: help"},
		},
		{
			name:     "Ctrl-C on an empty line says how to leave and goes on",
			keys:     keyCtrlC + "carol: /hearth help\r" + keyCtrlD,
			shows:    []string{"(Ctrl-D or :quit leaves the shell)", "carol (#general): /hearth help"},
			commands: []string{"carol: help"},
		},
		{
			name:     "Ctrl-D on an empty line ends the session; the rest is never read",
			keys:     "alice: /hearth help\r" + keyCtrlD + "bob: /hearth report\r",
			commands: []string{"alice: help"},
		},
		{
			name:     "Ctrl-D within a line deletes, it does not end",
			keys:     "alice: /hearth helpx\x1b[D" + keyCtrlD + "\r" + keyCtrlD,
			commands: []string{"alice: help"},
		},
		{
			name:     "a line past the editor's limit is refused, not cut and run",
			keys:     "alice: /hearth help " + strings.Repeat("x", 5000) + "\r" + "alice: /hearth report\r" + keyCtrlD,
			shows:    []string{"? that line is too long for the line editor (4095 characters at most); it was not read"},
			commands: []string{"alice: report"},
		},
		{
			name:     "Tab completes a command word",
			keys:     "alice: /hearth rep" + keyTab + "\r" + keyCtrlD,
			commands: []string{"alice: report"},
		},
		{
			name:     "Tab lists the words that fit when several do",
			keys:     "alice: /hearth facilitator " + keyTab + "add\r" + keyCtrlD,
			shows:    []string{"add  remove"},
			commands: []string{"alice: facilitator add"},
		},
		{
			name: "a pasted block shows each line, then what it did, in order",
			keys: "alice: /hearth help\rbob: /hearth report\r:quit\r",
			shows: []string{"> alice: /hearth help\r\n", "the reply", "> bob: /hearth report\r\n", "the reply",
				"> :quit\r\n"},
			commands: []string{"alice: help", "bob: report"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: "the reply"}}}
			hist, err := shell.OpenHistory("", 0)
			if err != nil {
				t.Fatal(err)
			}
			shown := edit(t, h, hist, c.keys)
			if got := commandTexts(h); strings.Join(got, "\n") != strings.Join(c.commands, "\n") {
				t.Errorf("commands = %q, want %q\nterminal:\n%q", got, c.commands, shown)
			}
			rest := shown
			for _, s := range c.shows {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("terminal lacks %q (in order) in:\n%q", s, shown)
				}
				rest = rest[i+len(s):]
			}
		})
	}
}

func TestEditorRecallsLastSessionsLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "hearth", "history")
	hist, err := shell.OpenHistory(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	edit(t, &fakeHandler{}, hist, "alice: /hearth report\r"+keyCtrlD)
	if err := hist.Err(); err != nil {
		t.Fatal(err)
	}

	next, err := shell.OpenHistory(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := &fakeHandler{}
	edit(t, h, next, keyUp+"\r"+keyCtrlD)
	if got := commandTexts(h); len(got) != 1 || got[0] != "alice: report" {
		t.Errorf("Up arrow in a new session ran %q, want the last session's line", got)
	}
}

// A line printed while one is being typed (a scheduled post in real
// time) goes above it, and the line typed so far is drawn again.
func TestEditorWritesAboveTheLineTyped(t *testing.T) {
	ft := newFakeTerminal(t)
	ed := shell.NewEditor(shell.EditorConfig{Terminal: ft})
	done := make(chan string)
	go func() {
		l, _ := ed.ReadLine()
		done <- l
	}()
	io.WriteString(ft.keys, "alice: hel")
	io.WriteString(ed, "[1] #general hearth: a scheduled post\n")
	io.WriteString(ft.keys, "lo\r")
	if l := <-done; l != "alice: hello" {
		t.Errorf("line = %q", l)
	}
	shown := ft.shown()
	post := strings.Index(shown, "[1] #general hearth: a scheduled post\r\n")
	redrawn := strings.LastIndex(shown, "> alice: hel")
	if post < 0 || redrawn < post {
		t.Errorf("the post is not above the line typed so far:\n%q", shown)
	}
}
