package shell

// Line editing on a terminal, with golang.org/x/term's Terminal: arrows,
// Home/End, Ctrl-A/E/K/U/W, history on Up/Down and Ctrl-P/N. The Go team
// keeps it, and it needs nothing beyond golang.org/x/sys, which Hearth
// already builds with.

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// EditorConfig configures an Editor.
type EditorConfig struct {
	// Terminal is where keys are read and the shell's output is written:
	// a terminal already in raw mode (term.MakeRaw), or a fake in tests.
	Terminal io.ReadWriter
	// Prompt is shown before each line (default "> ").
	Prompt string
	// History keeps the lines typed (nil: the session's last 100 only).
	History *History
	// Size, when set, tells the terminal's width and height; it is asked
	// before each line, so editing wraps where the terminal does.
	Size func() (width, height int, err error)
	// Commands are the /hearth command paths Tab completes after
	// "NAME: /hearth ", each a list of words such as {"report"} or
	// {"facilitator", "add"}.
	Commands [][]string
}

// Editor reads the shell's lines from a terminal with line editing and
// history, and is where the shell prints: what Hearth says while a line is
// being typed (a scheduled post in real time) is written above it, and the
// line is drawn again below. Give it to Adapter.Run as its input and as
// Config.Out; the Editor shows its own prompt, so leave Config.Prompt off.
//
// Keys: Enter runs the line; Up/Down (Ctrl-P/N) recall earlier lines; Tab
// completes a directive or a /hearth command word; Ctrl-C drops the line
// being typed; Ctrl-D on an empty line ends the session (as :quit does).
type Editor struct {
	t    *term.Terminal
	tty  io.Writer // the terminal itself, under t
	size func() (int, int, error)
}

var _ io.Writer = (*Editor)(nil)

// keyCancel is the byte Ctrl-C arrives as once cancelReader has read it:
// term.Terminal ends its input at Ctrl-C (io.EOF), where the shell drops
// the line instead. BEL (Ctrl-G) is a key Terminal does not act on itself,
// so it reaches the completion callback.
const keyCancel = 0x07

// NewEditor returns an Editor on cfg.Terminal.
func NewEditor(cfg EditorConfig) *Editor {
	prompt := cfg.Prompt
	if prompt == "" {
		prompt = "> "
	}
	e := &Editor{tty: cfg.Terminal, size: cfg.Size}
	e.t = term.NewTerminal(cancelReader{cfg.Terminal}, prompt)
	if cfg.History != nil {
		e.t.History = cfg.History
	}
	commands := cfg.Commands
	e.t.AutoCompleteCallback = func(line string, pos int, key rune) (string, int, bool) {
		switch key {
		case keyCancel:
			if line == "" {
				// Called with the terminal unlocked: Write draws the
				// hint above the prompt.
				io.WriteString(e.t, "(Ctrl-D or :quit leaves the shell)\n")
			}
			return "", 0, true
		case '\t':
			newLine, newPos, choices := complete(line, pos, commands)
			if len(choices) > 1 {
				io.WriteString(e.t, strings.Join(choices, "  ")+"\n")
			}
			return newLine, newPos, true
		}
		return "", 0, false
	}
	return e
}

// editorMaxRunes is the longest line term.Terminal keeps: it drops the
// keys typed (or pasted) past it.
const editorMaxRunes = 4096

// ErrLineTooLong is ReadLine's error for a line that reached the editor's
// limit: the rest of it was dropped, so the shell must not act on it.
var ErrLineTooLong = fmt.Errorf("that line is too long for the line editor (%d characters at most); it was not read", editorMaxRunes-1)

// ReadLine reads the next line typed, without its line end. At Ctrl-D on
// an empty line, or the end of the terminal's input, it returns io.EOF; a
// line cut at the editor's limit returns ErrLineTooLong, and reading may
// go on.
func (e *Editor) ReadLine() (string, error) {
	if e.size != nil {
		if w, h, err := e.size(); err == nil && w > 0 {
			e.t.SetSize(w, h)
		}
	}
	l, err := e.t.ReadLine()
	switch {
	case errors.Is(err, term.ErrPasteIndicator):
		err = nil // a pasted line is a line like any other
	case err == nil && utf8.RuneCountInString(l) >= editorMaxRunes:
		return "", ErrLineTooLong
	case errors.Is(err, io.EOF):
		// Leave the prompt's line, so what comes next (the person's own
		// shell prompt) starts on a line of its own.
		io.WriteString(e.tty, "\r\n")
	}
	return l, err
}

// Write prints p above the line being typed, with "\r\n" line ends as a
// terminal in raw mode needs.
func (e *Editor) Write(p []byte) (int, error) { return e.t.Write(p) }

// cancelReader reads a terminal, handing Ctrl-C on as keyCancel.
type cancelReader struct{ io.ReadWriter }

func (r cancelReader) Read(p []byte) (int, error) {
	n, err := r.ReadWriter.Read(p)
	for i := range p[:n] {
		if p[i] == 0x03 {
			p[i] = keyCancel
		}
	}
	return n, err
}
