package schedules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parsePhrase reads a phrase (the grammar is in Parser's doc), already
// lower-cased. It returns the day rule and the time of day (seconds after
// midnight), or a nil rule and a reason ("" when nothing more specific than
// "unreadable" can be said).
func parsePhrase(text string) (rule dayRule, tod int64, reason string) {
	text = strings.TrimSuffix(text, ".")
	text = strings.ReplaceAll(text, ",", " , ")
	text = strings.ReplaceAll(text, "&", " and ")
	p := &phraseParser{toks: strings.Fields(text)}
	rule, reason = p.rhythm()
	if rule == nil {
		return nil, 0, reason
	}
	p.accept("at")
	rest := p.toks[p.i:]
	if len(rest) == 0 {
		return nil, 0, "say what time, like `at 9:00`"
	}
	tod, reason = parseClock(strings.Join(rest, ""))
	if reason != "" {
		return nil, 0, reason
	}
	return rule, tod, ""
}

// phraseParser walks the tokens of a phrase.
type phraseParser struct {
	toks []string
	i    int
}

func (p *phraseParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

// accept consumes the next token if it is one of words.
func (p *phraseParser) accept(words ...string) bool {
	next := p.peek()
	for _, w := range words {
		if next == w {
			p.i++
			return true
		}
	}
	return false
}

// maxWeeks bounds "every N weeks".
const maxWeeks = 52

func (p *phraseParser) rhythm() (dayRule, string) {
	switch {
	case p.accept("daily", "everyday"):
		return everyDay{}, ""
	case p.accept("weekdays"):
		return mondayToFri, ""
	case p.accept("weekends"):
		return weekend, ""
	case p.accept("weekly"):
		return p.weekly(1)
	case p.accept("fortnightly", "biweekly"):
		return p.weekly(2)
	case p.accept("monthly"):
		return p.monthly()
	case p.accept("on"):
		switch {
		case p.accept("weekdays"):
			return mondayToFri, ""
		case p.accept("weekends"):
			return weekend, ""
		}
		return p.dayList()
	case p.accept("every", "each"):
		switch {
		case p.accept("day"):
			return everyDay{}, ""
		case p.accept("weekday"):
			return mondayToFri, ""
		case p.accept("weekend"):
			p.accept("day")
			return weekend, ""
		case p.accept("week"):
			return p.weekly(1)
		case p.accept("other"):
			if !p.accept("week") {
				return nil, ""
			}
			return p.weekly(2)
		case p.accept("month"):
			return p.monthly()
		}
		if n, err := strconv.Atoi(p.peek()); err == nil {
			p.i++
			if !p.accept("weeks", "week") {
				return nil, "I can count in weeks (`every 2 weeks on friday at 15:00`)"
			}
			if n < 1 || n > maxWeeks {
				return nil, fmt.Sprintf("say every 1 to %d weeks", maxWeeks)
			}
			return p.weekly(int64(n))
		}
	}
	return p.dayList()
}

// weekly reads the days of an every-n-weeks rhythm.
func (p *phraseParser) weekly(n int64) (dayRule, string) {
	p.accept("on")
	rule, reason := p.dayList()
	if rule == nil || n == 1 {
		return rule, reason
	}
	return everyNWeeks{n: n, days: rule.(weekdays)}, ""
}

// dayList reads day names joined by commas and "and".
func (p *phraseParser) dayList() (dayRule, string) {
	d, ok := weekdayNames[p.peek()]
	if !ok {
		return nil, ""
	}
	p.i++
	days := weekdays(1 << d)
	for {
		save := p.i
		p.accept(",")
		p.accept("and")
		d, ok := weekdayNames[p.peek()]
		if !ok {
			p.i = save
			return days, ""
		}
		p.i++
		days |= 1 << d
	}
}

// monthly reads the day of a monthly rhythm.
func (p *phraseParser) monthly() (dayRule, string) {
	p.accept("on")
	if p.accept("day") {
		return monthDayNumber(p.next(), false)
	}
	the := p.accept("the")
	if the && p.accept("last") {
		if !p.accept("day") {
			return nil, whichMonthDay // "the last friday" is not supported
		}
		return monthDay(lastDay), ""
	}
	rule, reason := monthDayNumber(p.next(), true)
	p.accept("day")
	return rule, reason
}

func (p *phraseParser) next() string {
	t := p.peek()
	if t != "" {
		p.i++
	}
	return t
}

const whichMonthDay = "say which day of the month, like `monthly on day 1 at 9:00` or `monthly on the last day at 9:00`"

// monthDayNumber reads "15" (or, with ordinal, also "15th").
func monthDayNumber(tok string, ordinal bool) (dayRule, string) {
	if ordinal {
		for _, suffix := range []string{"st", "nd", "rd", "th"} {
			if s, ok := strings.CutSuffix(tok, suffix); ok {
				tok = s
				break
			}
		}
	}
	n, err := strconv.Atoi(tok)
	if err != nil || len(tok) > 2 {
		return nil, whichMonthDay
	}
	if n < 1 || n > 31 {
		return nil, "months have days 1 to 31"
	}
	return monthDay(n), ""
}

var weekdayNames = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday, "mondays": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday, "tuesdays": time.Tuesday,
	"wed": time.Wednesday, "weds": time.Wednesday, "wednesday": time.Wednesday, "wednesdays": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday, "thursdays": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "fridays": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday, "saturdays": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday, "sundays": time.Sunday,
}

// parseClock reads a time of day with its spaces removed: "9", "9:00",
// "09:00", "9am", "5:30pm", "17:00", "noon", "midnight". It returns seconds
// after midnight, or a reason.
func parseClock(s string) (int64, string) {
	switch s {
	case "noon":
		return 12 * 3600, ""
	case "midnight":
		return 0, ""
	}
	s = strings.ReplaceAll(s, ".", "") // "5:30p.m."
	clock, pm := strings.CutSuffix(s, "pm")
	clock, am := strings.CutSuffix(clock, "am")
	if am && pm {
		return 0, "say what time, like `at 9:00` or `at 5:30pm`"
	}
	hs, ms, hasMinutes := strings.Cut(clock, ":")
	h, err := strconv.Atoi(hs)
	if err != nil || hs == "" || len(hs) > 2 || !digits(hs) {
		return 0, "say what time, like `at 9:00` or `at 5:30pm`"
	}
	m := 0
	if hasMinutes {
		if len(ms) != 2 || !digits(ms) {
			return 0, "say what time, like `at 9:00` or `at 5:30pm`"
		}
		m, _ = strconv.Atoi(ms)
	}
	if m > 59 {
		return 0, fmt.Sprintf("%s is not a time of day", s)
	}
	switch {
	case am || pm:
		if h < 1 || h > 12 {
			return 0, fmt.Sprintf("%s is not a time of day (with am or pm, hours go 1 to 12)", s)
		}
		h %= 12
		if pm {
			h += 12
		}
	case h > 23:
		return 0, fmt.Sprintf("%s is not a time of day (hours go 0 to 23)", s)
	}
	return int64(h)*3600 + int64(m)*60, ""
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
