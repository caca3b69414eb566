package shell

import "testing"

func TestChooseLook(t *testing.T) {
	cases := []struct {
		tty     bool
		noColor string
		term    string
		want    Look
	}{
		{false, "", "xterm-256color", LookPlain},
		{false, "1", "xterm-256color", LookPlain},
		{false, "", "dumb", LookPlain},
		{false, "1", "dumb", LookPlain},
		{true, "", "xterm-256color", LookColour},
		{true, "", "", LookColour},
		{true, "1", "xterm-256color", LookTerminal},
		{true, "0", "xterm-256color", LookTerminal}, // any value: no-color.org
		{true, "false", "screen", LookTerminal},
		{true, "", "dumb", LookTerminal},
		{true, "1", "dumb", LookTerminal},
	}
	for _, c := range cases {
		if got := ChooseLook(c.tty, c.noColor, c.term); got != c.want {
			t.Errorf("ChooseLook(tty=%v, NO_COLOR=%q, TERM=%q) = %v, want %v", c.tty, c.noColor, c.term, got, c.want)
		}
	}
}
