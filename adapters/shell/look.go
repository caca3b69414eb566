package shell

// How the shell's output is dressed: as it always was for scripts and
// pipes, and with Markdown rendered (and colour where allowed) on a
// terminal.

import "strings"

// Look is how the shell dresses what it prints.
type Look int

const (
	// LookPlain is for scripts, pipes and files: the text as Hearth
	// writes it, byte for byte as before (the golden transcripts).
	LookPlain Look = iota
	// LookTerminal renders Markdown for a person at a terminal without
	// colour: markers removed, links as "text (url)".
	LookTerminal
	// LookColour renders Markdown with bold, italic and colour, and marks
	// headings, hints and errors.
	LookColour
)

// ChooseLook picks the look for output that goes to a terminal or not
// (tty), given the NO_COLOR and TERM variables: colour only on a terminal,
// when NO_COLOR is empty or unset (https://no-color.org: any other value
// turns colour off) and TERM is not "dumb".
func ChooseLook(tty bool, noColor, termName string) Look {
	switch {
	case !tty:
		return LookPlain
	case noColor != "", termName == "dumb":
		return LookTerminal
	}
	return LookColour
}

// SGR sequences. Each style ends with its own reset (bold off, italic off,
// default colour) rather than a full reset, so styles nest.
const (
	sgrBold      = "\x1b[1m"
	sgrDim       = "\x1b[2m"
	sgrBoldOff   = "\x1b[22m" // ends bold and dim
	sgrItalic    = "\x1b[3m"
	sgrItalicOff = "\x1b[23m"
	sgrRed       = "\x1b[31m"
	sgrCyan      = "\x1b[36m"
	sgrColourOff = "\x1b[39m"
)

// style is one way to mark text.
type style int

const (
	styleNone    style = iota
	styleBold          // headings, Hearth's name
	styleDim           // hints, message numbers, the time
	styleError         // what went wrong
	styleItalic        // Markdown _italic_
	styleCode          // Markdown `code`
	styleHeading       // Markdown headings
)

// paint wraps s in st when the look has colour; otherwise s is returned as
// it is. s must already be safe for a terminal (bot.ForTerminal): paint
// adds the only escape sequences the shell prints. Each line is painted on
// its own, so an indented continuation keeps the style.
func (l Look) paint(st style, s string) string {
	if l != LookColour || st == styleNone || s == "" {
		return s
	}
	var on, off string
	switch st {
	case styleBold, styleHeading:
		on, off = sgrBold, sgrBoldOff
	case styleDim:
		on, off = sgrDim, sgrBoldOff
	case styleError:
		on, off = sgrRed, sgrColourOff
	case styleItalic:
		on, off = sgrItalic, sgrItalicOff
	case styleCode:
		on, off = sgrCyan, sgrColourOff
	}
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		if ln != "" {
			lines[i] = on + ln + off
		}
	}
	return strings.Join(lines, "\n")
}
