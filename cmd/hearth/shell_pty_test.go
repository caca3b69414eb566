//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the shell gets the terminal end,
// the test types and reads at the other, as a terminal emulator does.
func openPTY(t *testing.T) (control, tty *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { control.Close() })
	n, err := unix.IoctlGetInt(int(control.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(control.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return control, tty
}

// screen collects what the terminal shows; waitFor blocks until some text
// has appeared (or fails the test after a generous bound: it never paces
// the test).
type screen struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func watch(control *os.File) *screen {
	s := &screen{changed: make(chan struct{}, 1)}
	// Ends when the test closes control (Cleanup).
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := control.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			select {
			case s.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *screen) waitFor(t *testing.T, want string, times int) {
	t.Helper()
	bound := time.After(20 * time.Second)
	for strings.Count(s.text(), want) < times {
		select {
		case <-s.changed:
		case <-bound:
			t.Fatalf("the terminal never showed %q (%d times):\n%q", want, times, s.text())
		}
	}
}

func TestShellAtATerminal(t *testing.T) {
	cases := []struct {
		name     string
		vars     map[string]string
		colour   bool
		colourOf string
	}{
		{"colour", map[string]string{"TERM": "xterm-256color"}, true, "\x1b[1m(only carol sees) hearth:\x1b[22m"},
		{"NO_COLOR", map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"}, false, "(only carol sees) hearth: "},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, false, "(only carol sees) hearth: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			control, tty := openPTY(t)
			before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			home := t.TempDir()
			c.vars["HOME"] = home
			var stderr bytes.Buffer
			e := env{getenv: func(k string) string { return c.vars[k] }, stdin: tty, stdout: tty, stderr: &stderr,
				now: func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }, terminal: true}
			scr := watch(control)
			done := make(chan error, 1)
			go func() {
				done <- run(context.Background(), []string{"shell", "--db", filepath.Join(t.TempDir(), "h.db"),
					"--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol"}, e)
			}()
			scr.waitFor(t, "Keys: ", 1)
			scr.waitFor(t, "> ", 1)
			control.WriteString("carol: /hearth report\r")
			scr.waitFor(t, "[Last 30 days]", 1)
			control.WriteString("\x1b[A\r") // Up arrow: the same again
			scr.waitFor(t, "[Last 30 days]", 2)
			control.WriteString("\x04") // Ctrl-D
			if err := <-done; err != nil {
				t.Fatalf("shell: %v\nstderr: %s", err, &stderr)
			}
			shown := scr.text()
			if got := strings.Count(shown, "> carol: /hearth report\r\n"); got != 2 {
				t.Errorf("the line and its recall show %d times with one prompt each, want 2:\n%q", got, shown)
			}
			if !strings.Contains(shown, c.colourOf) {
				t.Errorf("the terminal lacks %q:\n%q", c.colourOf, shown)
			}
			if hasSGR := strings.Contains(shown, "\x1b[1m"); hasSGR != c.colour {
				t.Errorf("colour shown: %v, want %v:\n%q", hasSGR, c.colour, shown)
			}
			after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if *after != *before {
				t.Errorf("the terminal's mode was not given back: %+v, was %+v", after, before)
			}
			hist, err := os.ReadFile(filepath.Join(home, ".local", "state", "hearth", "history"))
			if err != nil || string(hist) != "carol: /hearth report\n" {
				t.Errorf("history file holds %q (%v)", hist, err)
			}
		})
	}
}

// A script replayed to a terminal is rendered for it (colour, Markdown)
// but not edited: no raw mode, no prompt, no history.
func TestScriptToATerminal(t *testing.T) {
	control, tty := openPTY(t)
	home := t.TempDir()
	vars := map[string]string{"TERM": "xterm-256color", "HOME": home}
	var stderr bytes.Buffer
	e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader("carol: /hearth report\n"), stdout: tty,
		stderr: &stderr, now: func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }}
	scr := watch(control)
	if err := run(context.Background(), []string{"shell", "--db", filepath.Join(t.TempDir(), "h.db"),
		"--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol"}, e); err != nil {
		t.Fatalf("shell: %v\nstderr: %s", err, &stderr)
	}
	scr.waitFor(t, "[Last 30 days]", 1)
	shown := scr.text()
	if !strings.Contains(shown, "\x1b[1m(only carol sees) hearth:\x1b[22m") || strings.Contains(shown, "> ") {
		t.Errorf("want colour and no prompt:\n%q", shown)
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "state", "hearth", "history")); err == nil {
		t.Error("a script's lines went into the history")
	}
}
