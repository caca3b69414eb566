package shell_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
)

// sgr matches the styling sequences the shell's looks may print.
var sgr = regexp.MustCompile(`\x1b\[(1|2|3|22|23|31|36|39)m`)

func lookSession(t *testing.T, look shell.Look, h *fakeHandler, script string) string {
	t.Helper()
	var out bytes.Buffer
	sh, err := shell.New(shell.Config{Handler: h, Clock: bot.NewManualClock(start), Out: &out, FilesDir: t.TempDir(), Look: look})
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Run(context.Background(), strings.NewReader(script)); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestLooks(t *testing.T) {
	// A member's name in a post may hold escape sequences: they are shown
	// harmless (bot.ForTerminal) before any styling is added.
	reply := bot.Reply{Post: bot.Post{Text: "**Top contributors**\n• mallory\x1b[2J: 3 posts, _quiet_"}}
	script := "alice: /hearth report\nnobody can read this\nhearth: hi\n"
	cases := []struct {
		look  shell.Look
		wants []string
	}{
		{shell.LookPlain, []string{
			"(only alice sees) hearth: Top contributors\n    • mallory\\x1b[2J: 3 posts, _quiet_\n",
			"? I can't read that line.",
			"? hearth is me;",
		}},
		{shell.LookTerminal, []string{
			"(only alice sees) hearth: Top contributors\n    • mallory\\x1b[2J: 3 posts, quiet\n",
			"? I can't read that line.",
			"? hearth is me;",
		}},
		{shell.LookColour, []string{
			"\x1b[1m(only alice sees) hearth:\x1b[22m \x1b[1mTop contributors\x1b[22m\n    • mallory\\x1b[2J: 3 posts, \x1b[3mquiet\x1b[23m\n",
			"\x1b[31m? I can't read that line.",
			"\x1b[2m? hearth is me;",
		}},
	}
	for _, c := range cases {
		h := &fakeHandler{reply: reply}
		h.reply.Private = true
		out := lookSession(t, c.look, h, script)
		for _, w := range c.wants {
			if !strings.Contains(out, w) {
				t.Errorf("look %d: output lacks %q:\n%q", c.look, w, out)
			}
		}
		if rest := sgr.ReplaceAllString(out, ""); strings.Contains(rest, "\x1b") {
			t.Errorf("look %d: an escape other than the look's styling reached the output:\n%q", c.look, out)
		}
		if c.look != shell.LookColour && sgr.MatchString(out) {
			t.Errorf("look %d: colour without LookColour:\n%q", c.look, out)
		}
	}
}

func TestLookColourMarksAFailedReplyRed(t *testing.T) {
	h := &fakeHandler{reply: bot.Reply{Post: bot.Post{Text: "I don't know `/hearth reprot`."}, Code: bot.EArgument, Private: true}}
	out := lookSession(t, shell.LookColour, h, "alice: /hearth reprot\n")
	if want := "\x1b[31m(only alice sees) hearth:\x1b[39m I don't know \x1b[36m/hearth reprot\x1b[39m.\n"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%q", want, out)
	}
}
