package meetings

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// EventICS is the event as an iCalendar file (RFC 5545): one VEVENT with
// times in UTC, text escaped, lines folded at 75 octets and ended by CRLF.
// stamp is DTSTAMP, when the file was made.
func EventICS(e CommunityEvent, stamp time.Time) []byte {
	const utc = "20060102T150405Z"
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Hearth//Hearth events//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + icsText(fmt.Sprintf("event-%d-%s@hearth", e.ID, e.Community)),
		"DTSTAMP:" + stamp.UTC().Format(utc),
		"DTSTART:" + e.Start.UTC().Format(utc),
		"DTEND:" + e.End.UTC().Format(utc),
		"SUMMARY:" + icsText(e.Title),
	}
	if e.Link != "" {
		lines = append(lines, "URL:"+e.Link, "LOCATION:"+icsText(e.Link), "DESCRIPTION:"+icsText("Join: "+e.Link))
	}
	if e.Cancelled() {
		lines = append(lines, "STATUS:CANCELLED")
	}
	lines = append(lines, "END:VEVENT", "END:VCALENDAR")
	var sb strings.Builder
	for _, l := range lines {
		sb.WriteString(icsFold(l))
	}
	return []byte(sb.String())
}

// icsText escapes a TEXT value: backslash, semicolon, comma and newlines.
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// icsFold ends a content line with CRLF, folding it so that no line is
// longer than 75 octets (continuations start with a space) and no UTF-8
// character is split.
func icsFold(line string) string {
	var sb strings.Builder
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		sb.WriteString(line[:cut] + "\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	sb.WriteString(line + "\r\n")
	return sb.String()
}
