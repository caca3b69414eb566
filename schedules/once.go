package schedules

import (
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// once is a Spec naming a single instant ("once 2026-12-01T09:00:00Z", as
// bot.OnceSpec writes, or "once 2026-12-01 10:00" in the schedule's zone).
// After it there is nothing: a once schedule fires at most once, and the
// Runner's claimed firing keeps it from firing again after a restart.
type once struct {
	at time.Time // whole seconds, in the schedule's zone
}

var _ bot.Spec = once{}

// Next returns the instant if t is strictly before it, else the zero time.
func (o once) Next(t time.Time) time.Time {
	if t.Before(o.at) {
		return o.at
	}
	return time.Time{}
}

// onceExamples ends the refusal of a once spec.
const onceExamples = "Try `once 2026-12-03 16:00`, read in the schedule's time zone, or an exact instant like `once 2026-12-03T16:00:00+01:00`."

// isOnce reports whether the spec's words (lower case) start a once spec:
// "once ..." or the alias "on DATE ...". No phrase has a digit after "on".
func isOnce(words []string) bool {
	switch {
	case len(words) == 0:
		return false
	case words[0] == "once":
		return true
	case words[0] == "on" && len(words) > 1:
		c := words[1][0]
		return c >= '0' && c <= '9'
	}
	return false
}

// parseOnce reads a once spec (the grammar is in Parser's doc) from its
// lower-cased words.
func parseOnce(spec string, words []string, loc *time.Location) (bot.Spec, error) {
	if words[0] == "once" {
		words = words[1:]
		if len(words) > 0 && words[0] == "on" {
			words = words[1:]
		}
	} else {
		words = words[1:] // "on"
	}
	if n := len(words); n > 0 {
		words[n-1] = strings.TrimSuffix(words[n-1], ".")
	}
	if len(words) == 0 || words[0] == "" {
		return nil, refuseOnce(spec, "say when, like `once 2026-12-03 16:00`")
	}
	// An RFC 3339 instant, with a "T" or (as RFC 3339 allows) a space
	// between date and time; it carries its own offset, so loc only sets
	// the zone the instant is shown in.
	instant := ""
	switch {
	case len(words) == 1 && len(words[0]) > 10 && words[0][10] == 't':
		instant = words[0]
	case len(words) == 2 && len(words[1]) > 5 && strings.Count(words[1], ":") >= 2:
		instant = words[0] + "t" + words[1]
	}
	if instant != "" {
		t, err := time.Parse(time.RFC3339, strings.ToUpper(instant))
		switch {
		case err != nil:
			return nil, refuseOnce(spec, "say an exact instant with seconds and a UTC offset, like `2026-12-03T16:00:00Z`")
		case t.Nanosecond() != 0:
			return nil, refuseOnce(spec, "give the time to the second, without fractions")
		}
		return once{at: t.In(loc)}, nil
	}
	// A wall-clock date and time in loc.
	date, err := time.Parse("2006-01-02", words[0])
	if err != nil {
		return nil, refuseOnce(spec, "say the date as year-month-day, like `2026-12-03`")
	}
	rest := words[1:]
	if len(rest) > 0 && rest[0] == "at" {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return nil, refuseOnce(spec, "say what time, like `once 2026-12-03 16:00`")
	}
	tod, reason := parseClock(strings.Join(rest, ""))
	if reason != "" {
		return nil, refuseOnce(spec, reason)
	}
	d := dayNumber(date)
	u := zonesFor(d, loc).resolve(d*secondsPerDay + tod)
	return once{at: time.Unix(u, 0).In(loc)}, nil
}

// refuseOnce is refuse for a once spec, with once examples.
func refuseOnce(spec, reason string) *bot.Error {
	return refuseWith(spec, reason, onceExamples)
}
