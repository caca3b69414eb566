package bot

import (
	"strconv"
	"strings"
	"time"
)

// Period is a report window [From, To).
type Period struct {
	From, To time.Time
}

// Days returns the period's length in whole days, rounded.
func (p Period) Days() int { return int((p.To.Sub(p.From) + 12*time.Hour) / (24 * time.Hour)) }

// MaxPeriod bounds report windows: longer ones are a typo more often than not.
const MaxPeriod = 3 * 366 * 24 * time.Hour

// ParsePeriod reads a report period: "7d", "30d", "90d" (any N d or N w up
// to three years), ending at now; or "YYYY-MM-DD..YYYY-MM-DD", both days
// included in full, in loc. An empty string is the default, "7d".
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		s = "7d"
	}
	if from, to, ok := strings.Cut(s, ".."); ok {
		f, err := parseDay(from, loc)
		if err != nil {
			return Period{}, err
		}
		t, err := parseDay(to, loc)
		if err != nil {
			return Period{}, err
		}
		return DayRange(f, t)
	}
	unit := s[len(s)-1]
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || (unit != 'd' && unit != 'w') {
		return Period{}, periodError(s)
	}
	if unit == 'w' && n <= int(MaxPeriod/(24*time.Hour)) {
		n *= 7
	}
	// Compare in days before multiplying: a huge N would overflow a Duration.
	if n > int(MaxPeriod/(24*time.Hour)) {
		return Period{}, Errorf(EArgument, "%q is longer than I report on (three years at most).", s)
	}
	d := time.Duration(n) * 24 * time.Hour
	if d > MaxPeriod {
		return Period{}, Errorf(EArgument, "%q is longer than I report on (three years at most).", s)
	}
	return Period{From: now.Add(-d), To: now}, nil
}

// DayRange returns the period from the start of day first to the end of day
// last, in the days' own location.
func DayRange(first, last time.Time) (Period, error) {
	return NewPeriod(first, last.AddDate(0, 0, 1))
}

// NewPeriod checks a window [from, to): it must end after it starts and last
// at most MaxPeriod. Every period a person gives, in chat or to an offline
// command, and every report built, passes here, so a runaway date
// (1000-01-01, 9999-12-31) is refused before any row is read.
func NewPeriod(from, to time.Time) (Period, error) {
	if !from.Before(to) {
		return Period{}, Errorf(EArgument, "The period must end after it starts: %s is after %s.", from.Format(time.DateOnly), to.In(from.Location()).Add(-time.Nanosecond).Format(time.DateOnly))
	}
	// to.Sub saturates rather than overflows, so any span compares right.
	if to.Sub(from) > MaxPeriod {
		return Period{}, Errorf(EArgument, "The period %s to %s is longer than I report on (three years at most).", from.Format(time.DateOnly), to.In(from.Location()).Add(-time.Nanosecond).Format(time.DateOnly))
	}
	return Period{From: from, To: to}, nil
}

// SincePeriod is the period an offline command's --since and --until give:
// from the start of day since to the end of day until, both YYYY-MM-DD in
// loc; an empty until means up to now. It is bounded as every period is.
func SincePeriod(since, until string, now time.Time, loc *time.Location) (Period, error) {
	from, err := parseDay(since, loc)
	if err != nil {
		return Period{}, err
	}
	if until == "" {
		return NewPeriod(from, now)
	}
	last, err := parseDay(until, loc)
	if err != nil {
		return Period{}, err
	}
	return DayRange(from, last)
}

func parseDay(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, Errorf(EArgument, "I can't read the date %q. Write dates as YYYY-MM-DD, for example 2026-11-01.", s)
	}
	return t, nil
}

func periodError(s string) error {
	return Errorf(EArgument, "I can't read the period %q. Try `7d`, `30d`, `90d`, or `2026-11-01..2026-11-28`.", s)
}

// LooksLikePeriod reports whether s is meant as a period (so a command parser
// can tell it from a channel or a member).
func LooksLikePeriod(s string) bool {
	if s == "" {
		return false
	}
	if strings.Contains(s, "..") {
		return true
	}
	c := s[0]
	return c >= '0' && c <= '9'
}
