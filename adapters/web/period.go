package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// periodView is the period a page shows, as the picker offers it.
type periodView struct {
	// Key is the relative period ("30d") the query named; "" for a range.
	Key string
	// From and To are the first and last days shown, YYYY-MM-DD, for the
	// picker's date fields.
	From, To string
	Period   bot.Period
}

// DefaultPeriod is what a page shows when the query names none.
const DefaultPeriod = "30d"

// presets are the picker's quick choices.
var presets = []struct{ Key, Label string }{{"7d", "7 days"}, {"30d", "30 days"}, {"90d", "90 days"}, {"365d", "A year"}}

// maxParam bounds a period parameter: anything longer is not a period, and
// is refused before it reaches a parser.
const maxParam = 32

// parsePeriodQuery reads the period of a page's query: period=30d (any
// period bot.ParsePeriod reads), or from=YYYY-MM-DD&to=YYYY-MM-DD (both
// days included, in the community's zone). A bad value is a *bot.Error
// that says how to write one.
func parsePeriodQuery(q url.Values, now time.Time, loc *time.Location) (periodView, error) {
	from, to, key := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to")), strings.TrimSpace(q.Get("period"))
	if len(from) > maxParam || len(to) > maxParam || len(key) > maxParam {
		return periodView{}, bot.Errorf(bot.EArgument, "That period is too long to be one. Pick 7, 30 or 90 days, a year, or two dates.")
	}
	var v periodView
	if from != "" || to != "" {
		if from == "" || to == "" {
			return periodView{}, bot.Errorf(bot.EArgument, "A date range needs both a first and a last day, as YYYY-MM-DD.")
		}
		p, err := bot.SincePeriod(from, to, now, loc)
		if err != nil {
			return periodView{}, err
		}
		v.Period = p
	} else {
		if key == "" {
			key = DefaultPeriod
		}
		if strings.Contains(key, "..") {
			return periodView{}, bot.Errorf(bot.EArgument, "Give a date range as from and to, each YYYY-MM-DD.")
		}
		p, err := bot.ParsePeriod(key, now, loc)
		if err != nil {
			return periodView{}, err
		}
		v.Period, v.Key = p, strings.ToLower(key)
	}
	v.From = v.Period.From.In(loc).Format(time.DateOnly)
	v.To = v.Period.To.Add(-time.Nanosecond).In(loc).Format(time.DateOnly)
	return v, nil
}

// defaultPeriodView is the picker's state on a page whose query failed.
func defaultPeriodView() periodView { return periodView{Key: DefaultPeriod} }

// Query is the period as query parameters, for links that keep it.
func (p periodView) Query() url.Values {
	if p.Key != "" {
		return url.Values{"period": {p.Key}}
	}
	if p.From == "" {
		return url.Values{}
	}
	return url.Values{"from": {p.From}, "to": {p.To}}
}

// Label says in words which period the page shows.
func (p periodView) Label() string {
	if p.From == "" {
		return ""
	}
	if p.Key != "" {
		return "the last " + strings.TrimSuffix(strings.TrimSuffix(p.Key, "d"), "w") + unitWord(p.Key) + " (" + p.From + " to " + p.To + ")"
	}
	return p.From + " to " + p.To
}

func unitWord(key string) string {
	if strings.HasSuffix(key, "w") {
		return " weeks"
	}
	return " days"
}
