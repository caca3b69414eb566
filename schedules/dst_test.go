package schedules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/schedules"
)

// show renders t as local time, zone abbreviation and UTC clock.
func show(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST") + " " + t.UTC().Format("15:04Z")
}

// TestDST checks the rules of the package doc around the changes of
// 2026 in Europe/Paris (03-29 and 10-25) and America/New_York (03-08 and
// 11-01), and in zones with odd changes: a gap skipped time fires once,
// moved forward by the gap; a repeated time fires once, at its first
// occurrence; other times keep their wall-clock time. Phrases and cron
// agree.
func TestDST(t *testing.T) {
	tests := []struct {
		name, zone string
		specs      []string
		from       string // RFC 3339
		want       []string
	}{
		// Paris, spring forward: 02:00 CET becomes 03:00 CEST (01:00Z).
		{"paris gap 02:30", "Europe/Paris", []string{"daily at 2:30", "30 2 * * *", "every day at 2:30am"}, "2026-03-27T12:00:00+01:00",
			[]string{"2026-03-28 02:30 CET 01:30Z", "2026-03-29 03:30 CEST 01:30Z", "2026-03-30 02:30 CEST 00:30Z"}},
		{"paris gap sunday 02:30", "Europe/Paris", []string{"every sunday at 2:30", "30 2 * * SUN"}, "2026-03-22T12:00:00+01:00",
			[]string{"2026-03-29 03:30 CEST 01:30Z", "2026-04-05 02:30 CEST 00:30Z"}},
		{"paris spring 09:00", "Europe/Paris", []string{"daily at 9:00", "0 9 * * *"}, "2026-03-27T12:00:00+01:00",
			[]string{"2026-03-28 09:00 CET 08:00Z", "2026-03-29 09:00 CEST 07:00Z", "2026-03-30 09:00 CEST 07:00Z"}},
		// Paris, fall back: 03:00 CEST becomes 02:00 CET (01:00Z); 02:00-03:00 repeats.
		{"paris repeat 02:30", "Europe/Paris", []string{"daily at 2:30", "30 2 * * *"}, "2026-10-24T12:00:00+02:00",
			[]string{"2026-10-25 02:30 CEST 00:30Z", "2026-10-26 02:30 CET 01:30Z"}},
		{"paris repeat 02:30 from inside", "Europe/Paris", []string{"daily at 2:30", "30 2 * * *"}, "2026-10-25T02:45:00+02:00",
			[]string{"2026-10-26 02:30 CET 01:30Z"}},
		{"paris repeat 02:30 from second pass", "Europe/Paris", []string{"daily at 2:30", "30 2 * * *"}, "2026-10-25T02:15:00+01:00",
			[]string{"2026-10-26 02:30 CET 01:30Z"}},
		{"paris fall 01:30", "Europe/Paris", []string{"daily at 1:30"}, "2026-10-24T12:00:00+02:00",
			[]string{"2026-10-25 01:30 CEST 23:30Z", "2026-10-26 01:30 CET 00:30Z"}},
		{"paris fall 09:00", "Europe/Paris", []string{"daily at 9:00", "0 9 * * *"}, "2026-10-24T12:00:00+02:00",
			[]string{"2026-10-25 09:00 CET 08:00Z", "2026-10-26 09:00 CET 08:00Z"}},
		{"paris fall every 20 min", "Europe/Paris", []string{"*/20 2-3 * * *"}, "2026-10-25T01:50:00+02:00",
			[]string{"2026-10-25 02:00 CEST 00:00Z", "2026-10-25 02:20 CEST 00:20Z", "2026-10-25 02:40 CEST 00:40Z", "2026-10-25 03:00 CET 02:00Z", "2026-10-25 03:20 CET 02:20Z"}},
		// New York, spring forward: 02:00 EST becomes 03:00 EDT (07:00Z).
		{"new york gap 02:30", "America/New_York", []string{"daily at 2:30", "30 2 * * *"}, "2026-03-07T12:00:00-05:00",
			[]string{"2026-03-08 03:30 EDT 07:30Z", "2026-03-09 02:30 EDT 06:30Z"}},
		{"new york gap hourly", "America/New_York", []string{"0 * * * *", "@hourly"}, "2026-03-08T00:30:00-05:00",
			[]string{"2026-03-08 01:00 EST 06:00Z", "2026-03-08 03:00 EDT 07:00Z", "2026-03-08 04:00 EDT 08:00Z"}},
		{"new york gap every minute", "America/New_York", []string{"* * * * *"}, "2026-03-08T01:58:00-05:00",
			[]string{"2026-03-08 01:59 EST 06:59Z", "2026-03-08 03:00 EDT 07:00Z", "2026-03-08 03:01 EDT 07:01Z"}},
		// New York, fall back: 02:00 EDT becomes 01:00 EST (06:00Z); 01:00-02:00 repeats.
		{"new york repeat 01:30", "America/New_York", []string{"daily at 1:30", "30 1 * * *", "every sunday and monday at 1:30am"}, "2026-10-31T12:00:00-04:00",
			[]string{"2026-11-01 01:30 EDT 05:30Z", "2026-11-02 01:30 EST 06:30Z"}},
		{"new york repeat 01:30 from inside", "America/New_York", []string{"daily at 1:30", "30 1 * * *"}, "2026-11-01T01:45:00-04:00",
			[]string{"2026-11-02 01:30 EST 06:30Z"}},
		{"new york repeat 01:30 from second pass", "America/New_York", []string{"daily at 1:30", "30 1 * * *"}, "2026-11-01T01:15:00-05:00",
			[]string{"2026-11-02 01:30 EST 06:30Z"}},
		{"new york repeat hourly", "America/New_York", []string{"0 * * * *"}, "2026-10-31T23:30:00-04:00",
			[]string{"2026-11-01 00:00 EDT 04:00Z", "2026-11-01 01:00 EDT 05:00Z", "2026-11-01 02:00 EST 07:00Z"}},
		{"new york fall 09:00", "America/New_York", []string{"daily at 9:00", "0 9 * * *"}, "2026-10-30T12:00:00-04:00",
			[]string{"2026-10-31 09:00 EDT 13:00Z", "2026-11-01 09:00 EST 14:00Z"}},
		{"new york fall weekdays 09:00", "America/New_York", []string{"weekdays at 9:00", "0 9 * * 1-5"}, "2026-10-30T12:00:00-04:00",
			[]string{"2026-11-02 09:00 EST 14:00Z", "2026-11-03 09:00 EST 14:00Z"}},
		// Lord Howe moves by half an hour: 02:00 becomes 02:30 (+1030 to +11).
		{"lord howe half-hour gap", "Australia/Lord_Howe", []string{"daily at 2:15"}, "2026-10-03T12:00:00+10:30",
			[]string{"2026-10-04 02:45 +11 15:45Z", "2026-10-05 02:15 +11 15:15Z"}},
		{"lord howe half-hour repeat", "Australia/Lord_Howe", []string{"daily at 1:45"}, "2026-04-04T12:00:00+11:00",
			[]string{"2026-04-05 01:45 +11 14:45Z", "2026-04-06 01:45 +1030 15:15Z"}},
		// Havana changes at midnight: 2026-03-08 has no 00:00 to 00:59.
		{"havana midnight gap", "America/Havana", []string{"daily at 0:30", "30 0 * * *"}, "2026-03-07T12:00:00-05:00",
			[]string{"2026-03-08 01:30 CDT 05:30Z", "2026-03-09 00:30 CDT 04:30Z"}},
		{"havana midnight gap daily", "America/Havana", []string{"@daily", "daily at midnight"}, "2026-03-07T12:00:00-05:00",
			[]string{"2026-03-08 01:00 CDT 05:00Z", "2026-03-09 00:00 CDT 04:00Z"}},
		{"havana midnight repeat", "America/Havana", []string{"daily at 0:30"}, "2026-10-31T12:00:00-04:00",
			[]string{"2026-11-01 00:30 CDT 04:30Z", "2026-11-02 00:30 CST 05:30Z"}},
		// Samoa skipped 2011-12-30 altogether: its 09:00 lands on the 31st's, once.
		{"samoa skipped day", "Pacific/Apia", []string{"daily at 9:00", "0 9 * * *"}, "2011-12-28T12:00:00-10:00",
			[]string{"2011-12-29 09:00 -10 19:00Z", "2011-12-31 09:00 +14 19:00Z", "2012-01-01 09:00 +14 19:00Z"}},
	}
	for _, tt := range tests {
		loc := mustLoad(t, tt.zone)
		from, err := time.Parse(time.RFC3339, tt.from)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tt.specs {
			t.Run(tt.name+"/"+s, func(t *testing.T) {
				spec, err := schedules.Parser{}.ParseSpec(s, loc)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, v := range schedules.Preview(spec, from, len(tt.want)) {
					got = append(got, show(v, loc))
				}
				if strings.Join(got, " | ") != strings.Join(tt.want, " | ") {
					t.Errorf("from %s:\n got %v\nwant %v", tt.from, got, tt.want)
				}
			})
		}
	}
}

// TestDailyOncePerLocalDay runs daily specs through whole years in zones
// with DST and checks: one firing per local date, strictly increasing, at
// the spec's wall time, or (only where that wall time does not exist) later
// by the gap.
func TestDailyOncePerLocalDay(t *testing.T) {
	zones := []string{"Europe/Paris", "America/New_York", "Australia/Lord_Howe", "America/Havana", "America/Santiago", "Pacific/Chatham", "Australia/Sydney", "Asia/Kolkata"}
	times := []struct {
		spec string
		h, m int
	}{{"daily at 0:00", 0, 0}, {"daily at 0:30", 0, 30}, {"daily at 1:30", 1, 30}, {"daily at 2:00", 2, 0}, {"daily at 2:30", 2, 30}, {"daily at 3:00", 3, 0}, {"daily at 23:30", 23, 30}}
	for _, z := range zones {
		loc := mustLoad(t, z)
		for _, tt := range times {
			spec, err := schedules.Parser{}.ParseSpec(tt.spec, loc)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			prev := time.Date(2025, 12, 31, 12, 0, 0, 0, loc)
			for range 730 {
				next := spec.Next(prev)
				if !next.After(prev) {
					t.Fatalf("%s %q: Next(%v) = %v, not after", z, tt.spec, prev, next)
				}
				day := next.In(loc).Format("2006-01-02")
				if seen[day] {
					t.Errorf("%s %q: fired twice on %s (%v)", z, tt.spec, day, next)
				}
				seen[day] = true
				y, mo, d := next.In(loc).Date()
				if h, m, _ := next.In(loc).Clock(); h != tt.h || m != tt.m {
					// Only allowed when the wall time does not exist that day.
					want := time.Date(y, mo, d, tt.h, tt.m, 0, 0, loc)
					if want.Hour() == tt.h && want.Minute() == tt.m && want.Day() == d {
						t.Errorf("%s %q: fired at %v though %02d:%02d exists that day", z, tt.spec, next, tt.h, tt.m)
					}
				}
				prev = next
			}
			if len(seen) != 730 {
				t.Errorf("%s %q: %d days fired of 730", z, tt.spec, len(seen))
			}
			// And no local date in between was left out.
			first := time.Date(2026, 1, 1, 12, 0, 0, 0, loc)
			for d := range 700 {
				if day := first.AddDate(0, 0, d).Format("2006-01-02"); !seen[day] {
					t.Errorf("%s %q: no firing on %s", z, tt.spec, day)
				}
			}
		}
	}
}

// TestEveryTwoWeeksIsStable checks that "every 2 weeks" fires on the same
// weeks whenever it is parsed or asked from, with a constant 14-day step in
// local dates (across DST and the 2024-01-01 anchor) at the same wall time.
func TestEveryTwoWeeksIsStable(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	parse := func() []string {
		spec, err := schedules.Parser{}.ParseSpec("every 2 weeks on friday at 15:00", paris)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range schedules.Preview(spec, at(t, paris, "2023-11-01 00:00"), 100) {
			out = append(out, local(v, paris))
		}
		return out
	}
	base := parse()
	// The anchor week (Monday 2024-01-01) fires; dates before it too.
	for _, d := range []string{"2023-12-22 15:00 Fri", "2024-01-05 15:00 Fri", "2024-01-19 15:00 Fri"} {
		if !contains(base, d) {
			t.Errorf("missing %s in %v", d, base[:6])
		}
	}
	for i := 1; i < len(base); i++ {
		a, _ := time.ParseInLocation(layout, base[i-1], paris)
		b, _ := time.ParseInLocation(layout, base[i], paris)
		if days := b.Sub(a).Round(24*time.Hour) / (24 * time.Hour); days != 14 || b.Hour() != 15 || b.Minute() != 0 {
			t.Errorf("%s then %s: want 14 days apart at 15:00", base[i-1], base[i])
		}
	}
	// Parsing again (a restart) and asking from any instant agree.
	again := parse()
	if strings.Join(again, ",") != strings.Join(base, ",") {
		t.Errorf("reparsed: different times")
	}
	spec, _ := schedules.Parser{}.ParseSpec("every 2 weeks on friday at 15:00", paris)
	for from := at(t, paris, "2024-03-01 00:00"); from.Before(at(t, paris, "2026-12-01 00:00")); from = from.Add(37 * time.Hour) {
		if got := local(spec.Next(from), paris); !contains(base, got) {
			t.Fatalf("Next(%v) = %s, not one of the fixed fortnights", from, got)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
