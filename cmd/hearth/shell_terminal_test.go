package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHistoryPath(t *testing.T) {
	cases := []struct {
		state, home, want string
	}{
		{"/state", "/home/ana", "/state/hearth/history"},
		{"", "/home/ana", "/home/ana/.local/state/hearth/history"},
		{"relative/state", "/home/ana", "/home/ana/.local/state/hearth/history"}, // XDG: ignored unless absolute
		{"", "", ""},
	}
	for _, c := range cases {
		vars := map[string]string{"XDG_STATE_HOME": c.state, "HOME": c.home}
		if got := historyPath(func(k string) string { return vars[k] }); got != filepath.FromSlash(c.want) {
			t.Errorf("XDG_STATE_HOME=%q HOME=%q: %q, want %q", c.state, c.home, got, c.want)
		}
	}
}

// Scripts, pipes and the tests' buffers are not a terminal: the shell
// reads them as it always did, even when stdin is said to be one.
func TestShellTerminalNeedsBothEndsATerminal(t *testing.T) {
	e, _, _ := testEnv("", nil)
	e.terminal = true
	if _, ok := shellTerminal(e); ok {
		t.Error("buffers taken for a terminal")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e.stdin, e.stdout = f, f
	if _, ok := shellTerminal(e); ok {
		t.Error("a file taken for a terminal")
	}
}

// On a terminal the line editor shows the prompt, so the shell's own
// "> " is left off; without one, scripts see no prompt at all.
func TestScriptSessionUnchangedByTheTerminalLook(t *testing.T) {
	e, stdout, stderr := testEnv("alice: **hello**\n", map[string]string{"NO_COLOR": "", "TERM": "xterm-256color"})
	if err := run(t.Context(), []string{"shell", "--db", filepath.Join(t.TempDir(), "h.db")}, e); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if out := stdout.String(); strings.Contains(out, "\x1b") || strings.Contains(out, "> ") || !strings.Contains(out, "alice: **hello**") {
		t.Errorf("a script's output changed: %q", out)
	}
}
