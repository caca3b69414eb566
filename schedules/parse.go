package schedules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth-community/hearth/bot"
	"github.com/robfig/cron/v3"
)

// Parser reads schedule specs: standard 5-field cron ("0 9 * * MON"),
// descriptors ("@weekly", "@every 2h"), the phrases facilitators type, and
// one-shot "once" specs. The zero value is ready to use. Phrases and once
// specs are case-insensitive, with flexible spaces ("each" reads as
// "every"):
//
//	phrase   = rhythm ["at"] time
//	rhythm   = "daily" | "every day" | "everyday"
//	         | "weekdays" | "every weekday" | "on weekdays"
//	         | "weekends" | "every weekend" | "on weekends"
//	         | ["every" | "on"] days                        every tue,thu
//	         | ("weekly" | "every week") ["on"] days
//	         | ("every" N "weeks" | "every other week" | "fortnightly" | "biweekly") ["on"] days
//	         | ("monthly" | "every month") ["on"] monthday
//	days     = day {[","] ["and"] day}     monday, mon, mondays, tues, thurs...
//	monthday = "day" N | ["the"] N["st"|"nd"|"rd"|"th"] ["day"] | "the last day"
//	time     = 9 | 9:00 | 09:00 | 17:00 | 9am | 5:30pm | 5:30 pm | noon | midnight
//
//	once     = ("once" ["on"] | "on") (instant | date ["at"] time)
//	instant  = date ("T" | " ") hh:mm:ss ("Z" | ("+" | "-") hh:mm)   2026-12-01T09:00:00Z
//	date     = YYYY-MM-DD                                            2026-12-03
//
// A once spec falls due a single time: its Next(t) is that instant while t
// is before it, and the zero time from then on. An instant (RFC 3339, as
// bot.OnceSpec writes it: "once 2026-12-01T09:00:00Z", or with any offset,
// "once 2026-12-01T10:00:00+01:00") carries its own offset, so the zone
// only sets how it is shown; it is given to the second (fractions are
// refused). A date and time ("once 2026-12-03 16:00", "on 2026-12-03 at
// 4pm") is a wall-clock time in the schedule's zone, with the DST rules of
// the package doc: a time in a spring-forward gap moves forward by the
// gap's length, and a time repeated by a fall-back is its first
// occurrence. A once spec in the past still parses (a stored one must keep
// reading after it fired); it just never falls due.
//
// "monthly on day N" (N from 1 to 31) skips the months without a day N: day
// 31 fires in seven months a year. Use "the last day" for month ends.
//
// "every N weeks" (N from 1 to 52) counts weeks, Monday to Sunday in the
// schedule's zone, from Monday 2024-01-01 (week 0), and fires in the weeks
// whose count is a multiple of N. The rhythm is fixed by the calendar, not
// by when the schedule was made or Hearth last started, so it survives
// restarts and never drifts; the first firing may be up to N weeks away.
type Parser struct{}

var _ bot.SpecParser = Parser{}

const (
	// MaxSpecLen bounds a spec's length in characters; longer input is
	// refused unread.
	MaxSpecLen = 200
	// MinEvery is the shortest @every interval: anything more frequent is
	// noise for a community.
	MinEvery = time.Minute
	// MaxEvery is the longest @every interval; longer rhythms read better
	// as a phrase or cron ("monthly on day 1 at 9:00").
	MaxEvery = 366 * 24 * time.Hour
)

// examples ends every refusal, so the person sees what works.
const examples = "Try `every monday at 9:00`, `weekdays at 10:30`, `daily at 9:00`, `monthly on day 1 at 9:00`, or cron like `0 9 * * MON`."

// cronParser is ParseStandard's parser: five fields, or a descriptor.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec reads spec in loc (nil means UTC). Calendar specs (cron fields,
// descriptors other than @every, phrases, a once spec's date and time) name
// wall-clock times in loc, with the DST rules of the package doc; @every is
// an elapsed duration, and a once spec's RFC 3339 instant has its offset.
// Every refusal is a *bot.Error with code bot.EArgument whose message quotes
// the input and gives examples.
func (Parser) ParseSpec(spec string, loc *time.Location) (bot.Spec, error) {
	if loc == nil {
		loc = time.UTC
	}
	if len(spec) > utf8.UTFMax*MaxSpecLen || utf8.RuneCountInString(spec) > MaxSpecLen {
		return nil, refuse(spec, fmt.Sprintf("it is longer than %d characters", MaxSpecLen))
	}
	text := strings.Join(strings.Fields(spec), " ")
	lower := strings.ToLower(text)
	words := strings.Fields(lower)
	switch {
	case text == "":
		return nil, refuse(spec, "")
	case strings.Contains(lower, "tz="):
		return nil, refuse(spec, "time zones are set per schedule, not in the spec, so leave out the `TZ=` part")
	case isOnce(words):
		return parseOnce(spec, words, loc)
	case strings.HasPrefix(lower, "@"):
		// robfig's descriptors are lower case; durations read the same.
		return parseCron(spec, lower, loc)
	case strings.ContainsAny(text[:1], "0123456789*?"):
		// A cron minute field starts with a digit, * or ?; no phrase does.
		return parseCron(spec, text, loc)
	}
	rule, tod, reason := parsePhrase(lower)
	if rule == nil {
		return nil, refuse(spec, reason)
	}
	return &calendar{loc: loc, days: rule, times: []int64{tod}}, nil
}

// parseCron reads a cron spec or descriptor through robfig/cron and turns it
// into a calendar (or, for @every, robfig's constant delay).
func parseCron(spec, text string, loc *time.Location) (bot.Spec, error) {
	sched, err := robfigParse(text)
	if err != nil {
		return nil, refuse(spec, "cron: "+err.Error())
	}
	switch s := sched.(type) {
	case cron.ConstantDelaySchedule:
		if s.Delay < MinEvery {
			return nil, refuse(spec, "`@every` must be at least 1m: a community needs a calmer rhythm")
		}
		if s.Delay > MaxEvery {
			return nil, refuse(spec, "`@every` can be at most a year; for long rhythms use a phrase like `monthly on day 1 at 9:00`")
		}
		return every{d: s.Delay}, nil
	case *cron.SpecSchedule:
		c := &calendar{loc: loc, days: cronDays{dom: s.Dom, month: s.Month, dow: s.Dow}, times: cronTimes(s)}
		// Every date recurs within 8 years (29 February included), so a
		// spec with nothing in 9 names a date that does not exist.
		if c.Next(time.Date(2024, time.January, 1, 0, 0, 0, 0, loc)).IsZero() {
			return nil, refuse(spec, "it names a date that never comes")
		}
		return c, nil
	default:
		return nil, refuse(spec, "")
	}
}

// robfigParse calls robfig/cron's parser, which panics on some inputs (a
// bare "TZ=UTC", for one): a panic becomes an error.
func robfigParse(text string) (sched cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("unreadable (%v)", r)
		}
	}()
	return cronParser.Parse(text)
}

// cronTimes lists the times of day (seconds after midnight) of a parsed
// cron spec, ascending. robfig's standard parser always sets second 0.
func cronTimes(s *cron.SpecSchedule) []int64 {
	var times []int64
	for h := int64(0); h < 24; h++ {
		if s.Hour&(1<<uint(h)) == 0 {
			continue
		}
		for m := int64(0); m < 60; m++ {
			if s.Minute&(1<<uint(m)) != 0 {
				times = append(times, h*3600+m*60)
			}
		}
	}
	return times
}

// refuse returns the chat-ready refusal of spec, with reason (if any) and
// examples.
func refuse(spec, reason string) *bot.Error { return refuseWith(spec, reason, examples) }

// refuseWith is refuse with other examples.
func refuseWith(spec, reason, examples string) *bot.Error {
	msg := "I can't read the schedule " + quote(spec)
	if reason != "" {
		msg += ": " + reason
	}
	return bot.Errorf(bot.EArgument, "%s. %s", msg, examples)
}

// quote quotes s for a chat message, shortened to 60 characters.
func quote(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
