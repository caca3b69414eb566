package shell

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// lineKind is what a line of shell input asks for.
type lineKind int

const (
	lineBlank     lineKind = iota
	lineMessage            // NAME: TEXT or NAME #CHANNEL: TEXT
	lineReply              // NAME reply [N]: TEXT
	lineReact              // NAME react [N]: EMOJI
	lineDM                 // NAME dm: TEXT
	lineJoin               // NAME joins
	lineLeave              // NAME leaves
	lineClick              // NAME clicks LABEL or NAME clicks ROW:LABEL
	lineDirective          // :advance 3d, :now, :help
)

// line is one parsed line of shell input.
type line struct {
	kind    lineKind
	name    string // who acts
	channel string // for messages: the channel named, "" for the current one
	target  int    // for replies and reactions: the message number, 0 for the latest
	text    string // message text, emoji, button label, or directive argument
	verb    string // the directive without ':'
}

// maxLine bounds a line of input; longer ones are refused, not truncated.
const maxLine = 8000

// parseLine reads one line of the shell's little language. Errors are
// friendly: they are shown to the person at the terminal.
func parseLine(s string) (line, error) {
	if len(s) > maxLine {
		return line{}, fmt.Errorf("that line is too long (%d characters, %d at most)", len(s), maxLine)
	}
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "#") {
		return line{kind: lineBlank}, nil
	}
	if strings.HasPrefix(s, ":") {
		verb, arg, _ := strings.Cut(s[1:], " ")
		return line{kind: lineDirective, verb: strings.ToLower(verb), text: strings.TrimSpace(arg)}, nil
	}
	// NAME clicks LABEL comes first: a label may hold a colon, and so does
	// NAME clicks ROW:LABEL.
	if words := strings.Fields(s); len(words) >= 2 && validName(words[0]) && isClick(words[1]) {
		label := strings.Trim(strings.Join(words[2:], " "), "[]\"")
		if label == "" {
			return line{}, fmt.Errorf("which button? Write `%s clicks LABEL`", words[0])
		}
		return line{kind: lineClick, name: words[0], text: label}, nil
	}
	head, text, hasColon := strings.Cut(s, ":")
	fields := strings.Fields(head)
	if len(fields) == 0 {
		return line{}, errUnreadable
	}
	name := fields[0]
	if !validName(name) {
		return line{}, fmt.Errorf("%q can't be a member's name: use letters, digits, '-', '_' or '.'", clipped(name))
	}
	l := line{name: name}
	rest := fields[1:]
	if !hasColon {
		// NAME joins / NAME leaves
		words := strings.Fields(s)
		if len(words) < 2 {
			return line{}, errUnreadable
		}
		switch strings.ToLower(words[1]) {
		case "joins", "joined", "join":
			if len(words) == 2 {
				l.kind = lineJoin
				return l, nil
			}
		case "leaves", "left", "leave":
			if len(words) == 2 {
				l.kind = lineLeave
				return l, nil
			}
		}
		return line{}, errUnreadable
	}
	text = strings.TrimSpace(text)
	switch {
	case len(rest) == 0:
		l.kind, l.text = lineMessage, text
	case len(rest) == 1 && strings.HasPrefix(rest[0], "#"):
		ch := strings.TrimPrefix(rest[0], "#")
		if !validName(ch) {
			return line{}, fmt.Errorf("%q can't be a channel's name", clipped(rest[0]))
		}
		l.kind, l.channel, l.text = lineMessage, strings.ToLower(ch), text
	case strings.EqualFold(rest[0], "reply") || strings.EqualFold(rest[0], "react"):
		if len(rest) > 2 {
			return line{}, errUnreadable
		}
		if len(rest) == 2 {
			n, err := strconv.Atoi(strings.Trim(rest[1], "[]"))
			if err != nil || n <= 0 {
				return line{}, fmt.Errorf("%q is not a message number; messages are numbered [1], [2], …", clipped(rest[1]))
			}
			l.target = n
		}
		l.kind, l.text = lineReply, text
		if strings.EqualFold(rest[0], "react") {
			l.kind, l.text = lineReact, strings.Trim(text, ": ")
			if l.text == "" {
				return line{}, fmt.Errorf("react with what? Write `%s react: tada`", name)
			}
		}
	case len(rest) == 1 && strings.EqualFold(rest[0], "dm"):
		l.kind, l.text = lineDM, text
	default:
		return line{}, errUnreadable
	}
	if l.kind != lineReact && l.text == "" {
		return line{}, fmt.Errorf("%s said nothing; write some text after the colon", name)
	}
	return l, nil
}

func isClick(word string) bool {
	switch strings.ToLower(word) {
	case "clicks", "click", "presses":
		return true
	}
	return false
}

var errUnreadable = noteError("I can't read that line. Lines look like `alice: hello`, `bob reply: thanks`, `carol react: tada`, `dave joins`, `:advance 1d` (type :help)")

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// clipped shortens s to about 40 bytes for a note, never cutting a
// character in two.
func clipped(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// maxAdvance is the most one :advance moves time.
const maxAdvance = 5 * 366 * 24 * time.Hour

// parseDuration reads :advance's argument: a sum of N w, N d, N h, N m,
// N s ("1d12h"), each term of at most six digits, all of it at most
// maxAdvance: a sum past that is refused, never wrapped around.
func parseDuration(s string) (time.Duration, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return 0, fmt.Errorf("advance by how much? Try `:advance 1d`, `:advance 3h`, `:advance 30m`")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 6 {
			return 0, notef("I can't read %q; try `:advance 1d`, `:advance 3h`, `:advance 1d12h`", clipped(s))
		}
		n, _ := strconv.Atoi(rest[:i])
		var unit time.Duration
		switch rest[i] {
		case 'w':
			unit = 7 * 24 * time.Hour
		case 'd':
			unit = 24 * time.Hour
		case 'h':
			unit = time.Hour
		case 'm':
			unit = time.Minute
		case 's':
			unit = time.Second
		default:
			return 0, notef("I can't read %q; units are w, d, h, m, s", clipped(s))
		}
		if time.Duration(n) > (maxAdvance-total)/unit {
			return 0, tooFar
		}
		total += time.Duration(n) * unit
		rest = rest[i+1:]
	}
	if total <= 0 || total > maxAdvance {
		return 0, tooFar
	}
	return total, nil
}

var tooFar = noteError("advance by a positive amount, at most five years")

// noteError is a line the shell cannot read, said to the person at the
// terminal as a sentence of its own ("I can't read …"), never wrapped.
type noteError string

func (e noteError) Error() string { return string(e) }

func notef(format string, args ...any) error { return noteError(fmt.Sprintf(format, args...)) }
