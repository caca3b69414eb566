package schedules

import (
	"sort"
	"time"
)

// calendar is a Spec naming wall-clock times in a zone: on each day its rule
// accepts, at each of its times of day. Cron specs and phrases both compile
// to it, so they share one set of DST rules (see the package doc).
type calendar struct {
	loc   *time.Location
	days  dayRule
	times []int64 // seconds after local midnight, ascending, no duplicates
}

// dayRule says which local dates a calendar fires on.
type dayRule interface {
	matches(d civilDay) bool
}

// searchDays bounds how far Next looks ahead. The rarest date a spec can
// name, 29 February, recurs within 8 years (2096 to 2104); parsing refuses
// specs that never fall due, so Next gives up only on those.
const searchDays = 9 * 366

// Next returns the earliest instant after t that the calendar names, in the
// calendar's zone, or the zero time if there is none within searchDays.
func (c *calendar) Next(t time.Time) time.Time {
	after := t.Unix() // candidates are whole seconds, so u > t exactly when u > t.Unix()
	// A time of the previous local day can be pushed past t by a gap.
	first := dayNumber(t.In(c.loc)) - 1
	best, found := int64(0), false
	for d := first; d <= first+searchDays; d++ {
		// No instant of day d or later is earlier than its midnight read
		// with the largest possible offset.
		if found && d*secondsPerDay-zoneMargin > best {
			break
		}
		if !c.days.matches(dayOf(d)) {
			continue
		}
		if u, ok := c.firstAfter(d, after); ok && (!found || u < best) {
			best, found = u, true
		}
	}
	if !found {
		return time.Time{}
	}
	return time.Unix(best, 0).In(c.loc)
}

// firstAfter returns the earliest instant of day d's times that is after
// the unix second after.
func (c *calendar) firstAfter(d int64, after int64) (int64, bool) {
	zones := zonesFor(d, c.loc)
	midnight := d * secondsPerDay
	if off, ok := zones.single(); ok {
		// One offset all day: instants increase with the time of day.
		i := sort.Search(len(c.times), func(i int) bool { return midnight+c.times[i]-off > after })
		if i == len(c.times) {
			return 0, false
		}
		return midnight + c.times[i] - off, true
	}
	// A transition day: gap times move forward, so check them all.
	best, found := int64(0), false
	for _, tod := range c.times {
		if u := zones.resolve(midnight + tod); u > after && (!found || u < best) {
			best, found = u, true
		}
	}
	return best, found
}

// everyDay matches every date.
type everyDay struct{}

func (everyDay) matches(civilDay) bool { return true }

// weekdays is a set of days of the week, one bit per time.Weekday.
type weekdays uint8

func (w weekdays) has(d time.Weekday) bool { return w&(1<<d) != 0 }

func (w weekdays) matches(d civilDay) bool { return w.has(d.weekday) }

const (
	allWeek     weekdays = 1<<7 - 1
	mondayToFri weekdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	weekend     weekdays = 1<<time.Saturday | 1<<time.Sunday
)

// lastDay is the monthDay value for a month's last day.
const lastDay = -1

// monthDay matches one day of each month (1 to 31, or lastDay). A month
// without that day (31 in April, 30 in February) is skipped, not moved.
type monthDay int

func (m monthDay) matches(d civilDay) bool {
	if m == lastDay {
		return d.day == d.daysInMonth()
	}
	return d.day == int(m)
}

// weekEpoch is Monday 2024-01-01, the day week counts start from.
var weekEpoch = dayNumber(time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC))

// everyNWeeks matches its days of the week in one week out of n. Weeks run
// Monday to Sunday in the schedule's zone and are counted from Monday
// 2024-01-01 (week 0); a week fires when its count is a multiple of n. The
// rhythm is fixed by the calendar, not by when the schedule was made or
// Hearth last started, so it never drifts.
type everyNWeeks struct {
	n    int64
	days weekdays
}

func (e everyNWeeks) matches(d civilDay) bool {
	return e.days.has(d.weekday) && floorMod(floorDiv(d.n-weekEpoch, 7), e.n) == 0
}

// cronDays matches dates as cron does: the month must match, and the day of
// month and day of week must both match when either field is a star,
// otherwise either one must (robfig/cron's, and Vixie cron's, rule).
type cronDays struct {
	dom, month, dow uint64 // robfig/cron's bit sets
}

// cronStar is robfig/cron's marker bit for a field given as * or ?.
const cronStar = 1 << 63

func (c cronDays) matches(d civilDay) bool {
	if c.month&(1<<uint(d.month)) == 0 {
		return false
	}
	dom := c.dom&(1<<uint(d.day)) != 0
	dow := c.dow&(1<<uint(d.weekday)) != 0
	if c.dom&cronStar != 0 || c.dow&cronStar != 0 {
		return dom && dow
	}
	return dom || dow
}
