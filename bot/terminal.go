package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ForTerminal makes text that came from members or platforms harmless to
// print on an operator's terminal: every control character but newline and
// tab is shown visibly (ESC as `\x1b`, CR as `\r`, C1 controls such as the
// one-byte CSI as `\u009b`), as are bidirectional overrides, which can make
// a line read differently from what it holds, and bytes that are not UTF-8.
// Printable text, newlines and tabs pass unchanged. Files keep the data;
// this is for what a person reads in a terminal.
func ForTerminal(s string) string {
	if terminalClean(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		case r == '\n' || r == '\t':
			sb.WriteRune(r)
		case r == '\r':
			sb.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, r)
		case (r >= 0x80 && r <= 0x9f) || bidiControl(r):
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
	return sb.String()
}

// terminalClean reports whether ForTerminal would return s unchanged, so the
// common case allocates nothing.
func terminalClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return terminalCleanSlow(s[i:])
		}
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func terminalCleanSlow(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || bidiControl(r) {
			return false
		}
	}
	return true
}

// bidiControl reports the embedding, override and isolate controls
// (U+202A–U+202E, U+2066–U+2069) behind "Trojan Source" text.
func bidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
