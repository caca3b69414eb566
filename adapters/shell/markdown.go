package shell

// Hearth's small Markdown (bot.Post: **bold**, _italic_, `code`, "• "
// lists) and what Slack-shaped text may add (*bold*, <url|text>, headings,
// [text](url)), rendered for a person at a terminal.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// plain turns the core's markdown into script text, as the golden
// transcripts have it: only ** goes.
func plain(s string) string { return strings.ReplaceAll(s, "**", "") }

// render turns Markdown into what the look prints. s must already be safe
// for a terminal (bot.ForTerminal); render adds styling only.
//
// LookPlain is plain. The terminal looks render each line: "# Heading"
// (any level) as its text, bold in colour; "- item", "* item" and "• item"
// as "• item"; **bold** and *bold* as bold; _italic_ as italic;
// `code` in colour, or kept in its backticks without colour (they show
// what to type); <url|text> and [text](url) as "text (url)", <url> as the
// url. Without colour the markers are removed. A marker that does not
// open and close around a word (a cron's "* *", snake_case) is text.
func (l Look) render(s string) string {
	if l == LookPlain {
		return plain(s)
	}
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		lines[i] = l.renderLine(ln)
	}
	return strings.Join(lines, "\n")
}

func (l Look) renderLine(ln string) string {
	trimmed := strings.TrimLeft(ln, " ")
	lead := ln[:len(ln)-len(trimmed)]
	if level := headingLevel(trimmed); level > 0 {
		text := strings.TrimSpace(trimmed[level:])
		return lead + l.paint(styleHeading, Look(LookTerminal).inline(text))
	}
	for _, bullet := range []string{"- ", "* ", "• "} {
		if rest, ok := strings.CutPrefix(trimmed, bullet); ok {
			return lead + "• " + l.inline(rest)
		}
	}
	return lead + l.inline(trimmed)
}

// headingLevel is the number of '#' opening a Markdown heading ("## x"),
// 0 for a line that is not one ("#design" is a channel).
func headingLevel(s string) int {
	n := 0
	for n < len(s) && n < 6 && s[n] == '#' {
		n++
	}
	if n == 0 || n >= len(s) || s[n] != ' ' {
		return 0
	}
	return n
}

// inline renders the spans of one line.
func (l Look) inline(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		if out, n := l.span(s, i); n > 0 {
			sb.WriteString(out)
			i += n
			continue
		}
		sb.WriteByte(s[i])
		i++
	}
	return sb.String()
}

// span renders the span that opens at s[i], if one does, and says how many
// bytes it took (0: none opens there).
func (l Look) span(s string, i int) (string, int) {
	rest := s[i:]
	switch s[i] {
	case '`':
		end := strings.IndexByte(rest[1:], '`')
		if end <= 0 {
			return "", 0
		}
		code := rest[1 : 1+end]
		if l == LookColour {
			return l.paint(styleCode, code), end + 2
		}
		return "`" + code + "`", end + 2
	case '*', '_':
		marker := rest[:1]
		if strings.HasPrefix(rest, "**") {
			marker = "**"
		}
		inner, n := delimited(s, i, marker)
		if n == 0 {
			return "", 0
		}
		st := styleBold
		if marker == "_" {
			st = styleItalic
		}
		return l.paint(st, l.inline(inner)), n
	case '<':
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return "", 0
		}
		url, text, hasText := strings.Cut(rest[1:end], "|")
		if !isURL(url) {
			return "", 0
		}
		if !hasText || text == "" || text == url {
			return url, end + 1
		}
		return l.link(text, url), end + 1
	case '[', '!':
		open := rest
		if s[i] == '!' {
			open = rest[1:]
		}
		if !strings.HasPrefix(open, "[") {
			return "", 0
		}
		mid := strings.Index(open, "](")
		if mid < 0 {
			return "", 0
		}
		end := strings.IndexByte(open[mid:], ')')
		if end < 0 {
			return "", 0
		}
		text, url := open[1:mid], open[mid+2:mid+end]
		if strings.ContainsAny(text, "[]") || url == "" || strings.ContainsRune(url, ' ') {
			return "", 0
		}
		return l.link(text, url), len(rest) - len(open) + mid + end + 1
	}
	return "", 0
}

// link shows a link's text with its address after it.
func (l Look) link(text, url string) string {
	return l.inline(text) + " " + l.paint(styleDim, "("+url+")")
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "mailto:")
}

// delimited finds a span of s that marker opens at i and closes: the
// opening marker is followed by a non-space and not preceded by a letter or
// digit, the closing one is preceded by a non-space and not followed by a
// letter or digit. It returns what is between and the span's length in
// bytes, or 0 when the marker does not open a span.
func delimited(s string, i int, marker string) (string, int) {
	start := i + len(marker)
	if start >= len(s) || s[start] == ' ' || wordBefore(s, i) {
		return "", 0
	}
	for j := start + 1; j+len(marker) <= len(s); j++ {
		if s[j:j+len(marker)] != marker || s[j-1] == ' ' {
			continue
		}
		after := j + len(marker)
		if after < len(s) && (wordAt(s, after) || (marker == "*" && s[after] == '*')) {
			continue
		}
		return s[start:j], after - i
	}
	return "", 0
}

// wordBefore reports whether a letter or digit ends s[:i].
func wordBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return i > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// wordAt reports whether a letter or digit starts s[i:].
func wordAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
