package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hearth-community/hearth/bot"
	"golang.org/x/term"
)

// What the offline commands print goes through one of three choke points,
// one per kind of output, so text that came from members or platforms
// (answers, notes, names, titles) never reaches a terminal raw:
//
//   - textOut: the formats meant to be read (text, markdown). Every write
//     goes through bot.ForTerminal: control characters and bidirectional
//     overrides are shown visibly. Hearth's own words hold none.
//   - writeJSON: JSON keeps the data exactly and is still safe to print:
//     encoding/json escapes the C0 controls, and writeJSON escapes what it
//     leaves raw (DEL, C1 controls, bidi overrides) as \uXXXX, which any
//     JSON reader decodes back to the same text.
//   - csvOut with bot.NewCSVWriter: CSV keeps the data (formulas
//     neutralised) for the file it is redirected to; printed straight to a
//     terminal it is shown as ForTerminal shows it, since CSV has no escape.

// textOut returns w for text meant to be read in a terminal.
func textOut(w io.Writer) io.Writer { return terminalWriter{w} }

// terminalWriter passes each write through bot.ForTerminal. Each Write must
// hold whole characters, as fmt's Fprint calls do: a character split
// across two writes would be shown as its bytes.
type terminalWriter struct{ w io.Writer }

func (t terminalWriter) Write(p []byte) (int, error) {
	s := bot.ForTerminal(string(p))
	if _, err := io.WriteString(t.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// fileError names the file an error is about and makes the message safe to
// print: errors about a file quote its text (titles, names, values), and
// the caller prints them to the operator's terminal.
func fileError(file string, err error) error { return shownError{file, err} }

type shownError struct {
	file string
	err  error
}

func (e shownError) Error() string { return bot.ForTerminal(e.file + ": " + e.err.Error()) }
func (e shownError) Unwrap() error { return e.err }

// csvOut returns w for a CSV export: unchanged for a file or a pipe, shown
// as ForTerminal shows it when w is a terminal.
func csvOut(w io.Writer) io.Writer {
	if isTerminalWriter(w) {
		return textOut(w)
	}
	return w
}

// isTerminalWriter reports whether w is a character device (an *os.File on
// a terminal).
func isTerminalWriter(w io.Writer) bool {
	switch f := w.(type) {
	case interface{ IsTerminal() bool }: // a test's terminal
		return f.IsTerminal()
	case interface{ Fd() uintptr }:
		return term.IsTerminal(int(f.Fd()))
	}
	return false
}

// writeJSON writes v as indented JSON in which every character a terminal
// could act on is escaped, so the same bytes are safe to print and decode
// to exactly the data, and every time is in whole seconds (wholeSeconds).
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(wholeSeconds(v)); err != nil {
		return err
	}
	_, err := w.Write(jsonForTerminal(buf.Bytes()))
	return err
}

// jsonForTerminal escapes, as \uXXXX, every character of encoded JSON that
// bot.ForTerminal would not print as it is. encoding/json writes valid
// UTF-8 and escapes the C0 controls itself, so what is left can only stand
// inside strings, where \uXXXX means the same character.
func jsonForTerminal(b []byte) []byte {
	if s := string(b); bot.ForTerminal(s) == s {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if c := b[i : i+size]; (r >= 0x20 && r < 0x7f) || r == '\n' || bot.ForTerminal(string(c)) == string(c) {
			out = append(out, c...)
		} else if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += size
	}
	return out
}
