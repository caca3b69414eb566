package schedules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/schedules"
)

// FuzzParseSpec: nothing panics; every refusal is a *bot.Error with code
// EArgument quoting the input; a parsed spec's Next(t) is after t (or zero),
// and so is the time after that.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{
		"daily at 9:00", "every day at 9", "weekdays at 10:30", "every monday at 9:00", "every tue,thu at 17:00",
		"every tuesday and thursday at 5pm", "monthly on day 1 at 9:00", "monthly on the last day at 18:00",
		"every 2 weeks on friday at 15:00", "every other week on fri at 3pm", "daily at noon", "daily at 12:30am",
		"0 9 * * MON", "*/15 9-10 * * *", "0 0 29 2 *", "0 9 31 2 *", "@weekly", "@every 2h", "@every 30s",
		"TZ=UTC", "CRON_TZ=Europe/Paris 0 9 * * *", "TZ=", "@", "*", "0-", "1-2-3 * * * *", "*/0 * * * *",
		"every", "every 99999999999999999999 weeks on mon at 9", "monthly on day 99999999999 at 9", "daily at 9:00pm",
		"once 2026-12-01T09:00:00Z", "once 2026-12-01T10:00:00+01:00", "ONCE 2026-12-01t09:00:00z", "once 2026-12-01 09:00:00Z",
		"once 2026-12-03 16:00", "once 2026-12-03 at 4pm", "on 2026-12-03 at 16:00", "once on 2026-12-03 noon",
		"once 2026-03-29 02:30", "once 2026-10-25 02:30", "once 0000-01-01 00:00", "once 9999-12-31 23:59",
		"once 0000-01-01T00:00:00-23:59", "once 9999-12-31T23:59:59+23:59", "once 2026-12-03T16:00:00.5Z",
		"once 2026-02-30 9:00", "once", "on 1", "once 2026-12-03",
	} {
		f.Add(s, int64(1792000000))
	}
	zones := []*time.Location{time.UTC, mustLoad(f, "Europe/Paris"), mustLoad(f, "America/New_York"), mustLoad(f, "Australia/Lord_Howe")}
	f.Fuzz(func(t *testing.T, spec string, unix int64) {
		loc := zones[uint64(unix)%uint64(len(zones))]
		// Any instant from 1970 to 2200.
		from := time.Unix(int64(uint64(unix)%7258118400), int64(uint64(unix)%1e9)).In(loc)
		s, err := schedules.Parser{}.ParseSpec(spec, loc)
		if err != nil {
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EArgument {
				t.Fatalf("ParseSpec(%q): error %v (%T), want a *bot.Error with code %s", spec, err, err, bot.EArgument)
			}
			if !strings.HasPrefix(e.Message, "I can't read the schedule \"") {
				t.Fatalf("ParseSpec(%q): message %q doesn't quote the input", spec, e.Message)
			}
			return
		}
		if s == nil {
			t.Fatalf("ParseSpec(%q): nil spec and nil error", spec)
		}
		prev := from
		for range 3 {
			next := s.Next(prev)
			if next.IsZero() {
				return
			}
			if !next.After(prev) {
				t.Fatalf("ParseSpec(%q).Next(%v) = %v, not after", spec, prev, next)
			}
			prev = next
		}
	})
}
