package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

func WhenIn(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon Jan 2 15:04 MST") }

// platformError passes a platform's own *Error through and wraps anything
// else, so the person reads "I'm not in #x" rather than an apology.
func PlatformError(err error, what string) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return fmt.Errorf("%s: %w", what, err)
}

func PrivateText(format string, args ...any) Reply {
	return Reply{Post: Post{Text: fmt.Sprintf(format, args...)}, Private: true}
}

func More(sb *strings.Builder, n, limit int) {
	if n > limit {
		fmt.Fprintf(sb, "  …and %d more (`hearth report --format json` has them all)\n", n-limit)
	}
}

func ChannelLabel(id, name string) string { return NameOr(name, id) }

func NameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// trend renders the change from before to now: " (▲3)", " (▼2)", " (=)".
func Trend(now, before int) string {
	switch {
	case now > before:
		return fmt.Sprintf(" (▲%d)", now-before)
	case now < before:
		return fmt.Sprintf(" (▼%d)", before-now)
	}
	return " (=)"
}

// Thousands writes n with a comma between groups of three digits:
// 12,345. It is how every count a person reads is written.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	switch {
	case len(word) > 1 && strings.HasSuffix(word, "y") && !strings.ContainsAny(word[len(word)-2:len(word)-1], "aeiou"):
		word = word[:len(word)-1] + "ies" // reply, replies; but day, days
	default:
		word += "s"
	}
	return strconv.Itoa(n) + " " + word
}

func Names(ns []string) string {
	const show = 10
	if len(ns) <= show {
		return strings.Join(ns, ", ")
	}
	return strings.Join(ns[:show], ", ") + fmt.Sprintf(" and %d more", len(ns)-show)
}

// spell writes a window the way people say it: "2 days", "36 hours".
func Spell(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return Plural(int(d/(24*time.Hour)), "day")
	}
	return Plural(int(d/time.Hour), "hour")
}

// pointsTrend renders a change of a decimal figure: " (▲0.4)", " (▼5%)", " (=)".
func PointsTrend(now, before float64, unit string) string {
	d := now - before
	switch {
	case d >= 0.05:
		return fmt.Sprintf(" (▲%.1f%s)", d, unit)
	case d <= -0.05:
		return fmt.Sprintf(" (▼%.1f%s)", -d, unit)
	}
	return " (=)"
}

// MaxURLLength is the longest link Hearth keeps (resources, event links).
const MaxURLLength = 2000
