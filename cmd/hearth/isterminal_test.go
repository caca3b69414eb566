package main

import (
	"bytes"
	"os"
	"testing"
)

// TestDevNullIsNoTerminal: /dev/null is a character device, not a
// terminal: `hearth forget … </dev/null` is a script, so it needs --yes
// rather than asking, and nothing draws progress into it. (The
// pseudo-terminal test, shell_pty_test.go, covers a real terminal.)
func TestDevNullIsNoTerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminalWriter(f) {
		t.Errorf("%s counts as a terminal", os.DevNull)
	}
	if isTerminalWriter(&bytes.Buffer{}) {
		t.Error("a buffer counts as a terminal")
	}
}
