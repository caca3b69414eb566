package schedules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/schedules"
)

// TestParseSpecForms checks every phrase and cron form by the next times it
// names, in Europe/Paris, from Monday 2026-10-12 08:00 unless said.
func TestParseSpecForms(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	const monday = "2026-10-12 08:00"
	tests := []struct {
		spec string
		from string // default monday
		want []string
	}{
		// daily
		{spec: "daily at 9:00", want: []string{"2026-10-12 09:00 Mon", "2026-10-13 09:00 Tue", "2026-10-14 09:00 Wed"}},
		{spec: "every day at 9", want: []string{"2026-10-12 09:00 Mon", "2026-10-13 09:00 Tue", "2026-10-14 09:00 Wed"}},
		{spec: "  Every   Day AT 9 ", want: []string{"2026-10-12 09:00 Mon", "2026-10-13 09:00 Tue", "2026-10-14 09:00 Wed"}},
		{spec: "everyday at 9am", want: []string{"2026-10-12 09:00 Mon", "2026-10-13 09:00 Tue", "2026-10-14 09:00 Wed"}},
		{spec: "daily 7:30", want: []string{"2026-10-13 07:30 Tue", "2026-10-14 07:30 Wed", "2026-10-15 07:30 Thu"}},
		// weekdays, weekends
		{spec: "weekdays at 10:30", from: "2026-10-16 12:00", want: []string{"2026-10-19 10:30 Mon", "2026-10-20 10:30 Tue", "2026-10-21 10:30 Wed"}},
		{spec: "every weekday at 10:30", from: "2026-10-16 12:00", want: []string{"2026-10-19 10:30 Mon", "2026-10-20 10:30 Tue", "2026-10-21 10:30 Wed"}},
		{spec: "on weekdays at 10:30am", from: "2026-10-16 12:00", want: []string{"2026-10-19 10:30 Mon", "2026-10-20 10:30 Tue", "2026-10-21 10:30 Wed"}},
		{spec: "weekends at 11", want: []string{"2026-10-17 11:00 Sat", "2026-10-18 11:00 Sun", "2026-10-24 11:00 Sat"}},
		{spec: "every weekend day at 11", want: []string{"2026-10-17 11:00 Sat", "2026-10-18 11:00 Sun", "2026-10-24 11:00 Sat"}},
		// one day a week (the third crosses the 2026-10-25 change: still 09:00)
		{spec: "every monday at 9:00", want: []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}},
		{spec: "mondays at 9", want: []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}},
		{spec: "every mon at 09:00", want: []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}},
		{spec: "Every Monday at 9 AM", want: []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}},
		{spec: "on mondays at 9am.", want: []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}},
		{spec: "every monday at 9:00", from: "2026-10-12 09:00", want: []string{"2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon", "2026-11-02 09:00 Mon"}},
		{spec: "every sunday at 18:00", want: []string{"2026-10-18 18:00 Sun", "2026-10-25 18:00 Sun", "2026-11-01 18:00 Sun"}},
		// several days a week
		{spec: "every tue,thu at 17:00", want: []string{"2026-10-13 17:00 Tue", "2026-10-15 17:00 Thu", "2026-10-20 17:00 Tue"}},
		{spec: "every tuesday and thursday at 5pm", want: []string{"2026-10-13 17:00 Tue", "2026-10-15 17:00 Thu", "2026-10-20 17:00 Tue"}},
		{spec: "every tue, thu at 5:00 pm", want: []string{"2026-10-13 17:00 Tue", "2026-10-15 17:00 Thu", "2026-10-20 17:00 Tue"}},
		{spec: "on tues & thurs at 17:00", want: []string{"2026-10-13 17:00 Tue", "2026-10-15 17:00 Thu", "2026-10-20 17:00 Tue"}},
		{spec: "every Tuesday, and Thursday at 17:00", want: []string{"2026-10-13 17:00 Tue", "2026-10-15 17:00 Thu", "2026-10-20 17:00 Tue"}},
		{spec: "every mon, wed and fri at 8:15", want: []string{"2026-10-12 08:15 Mon", "2026-10-14 08:15 Wed", "2026-10-16 08:15 Fri"}},
		{spec: "weekly on friday at 16:00", want: []string{"2026-10-16 16:00 Fri", "2026-10-23 16:00 Fri", "2026-10-30 16:00 Fri"}},
		{spec: "every week on friday at 16:00", want: []string{"2026-10-16 16:00 Fri", "2026-10-23 16:00 Fri", "2026-10-30 16:00 Fri"}},
		{spec: "every 1 week on friday at 16:00", want: []string{"2026-10-16 16:00 Fri", "2026-10-23 16:00 Fri", "2026-10-30 16:00 Fri"}},
		// every n weeks: week 145 since 2024-01-01 starts 2026-10-12
		{spec: "every 2 weeks on friday at 15:00", want: []string{"2026-10-23 15:00 Fri", "2026-11-06 15:00 Fri", "2026-11-20 15:00 Fri"}},
		{spec: "every other week on fri at 3pm", want: []string{"2026-10-23 15:00 Fri", "2026-11-06 15:00 Fri", "2026-11-20 15:00 Fri"}},
		{spec: "fortnightly on friday at 15:00", want: []string{"2026-10-23 15:00 Fri", "2026-11-06 15:00 Fri", "2026-11-20 15:00 Fri"}},
		{spec: "every 2 weeks friday at 15:00", want: []string{"2026-10-23 15:00 Fri", "2026-11-06 15:00 Fri", "2026-11-20 15:00 Fri"}},
		{spec: "every 3 weeks on mon,wed at 9", want: []string{"2026-10-26 09:00 Mon", "2026-10-28 09:00 Wed", "2026-11-16 09:00 Mon"}},
		// monthly
		{spec: "monthly on day 1 at 9:00", want: []string{"2026-11-01 09:00 Sun", "2026-12-01 09:00 Tue", "2027-01-01 09:00 Fri"}},
		{spec: "monthly on the 1st at 9:00", want: []string{"2026-11-01 09:00 Sun", "2026-12-01 09:00 Tue", "2027-01-01 09:00 Fri"}},
		{spec: "every month on the 15th at 9", want: []string{"2026-10-15 09:00 Thu", "2026-11-15 09:00 Sun", "2026-12-15 09:00 Tue"}},
		{spec: "every month on day 2 at 9", want: []string{"2026-11-02 09:00 Mon", "2026-12-02 09:00 Wed", "2027-01-02 09:00 Sat"}},
		{spec: "monthly on the last day at 18:00", want: []string{"2026-10-31 18:00 Sat", "2026-11-30 18:00 Mon", "2026-12-31 18:00 Thu"}},
		// a month without the day is skipped (no 31 November)
		{spec: "monthly on day 31 at 9", want: []string{"2026-10-31 09:00 Sat", "2026-12-31 09:00 Thu", "2027-01-31 09:00 Sun"}},
		{spec: "monthly on day 30 at 9", from: "2027-01-31 10:00", want: []string{"2027-03-30 09:00 Tue", "2027-04-30 09:00 Fri", "2027-05-30 09:00 Sun"}},
		// times of day
		{spec: "daily at noon", want: []string{"2026-10-12 12:00 Mon"}},
		{spec: "daily at midnight", want: []string{"2026-10-13 00:00 Tue"}},
		{spec: "daily at 12am", want: []string{"2026-10-13 00:00 Tue"}},
		{spec: "daily at 12pm", want: []string{"2026-10-12 12:00 Mon"}},
		{spec: "daily at 12:30am", want: []string{"2026-10-13 00:30 Tue"}},
		{spec: "daily at 5:30pm", want: []string{"2026-10-12 17:30 Mon"}},
		{spec: "daily at 5:30 PM", want: []string{"2026-10-12 17:30 Mon"}},
		{spec: "daily at 9 a.m.", want: []string{"2026-10-12 09:00 Mon"}},
		{spec: "daily at 17:00", want: []string{"2026-10-12 17:00 Mon"}},
		{spec: "daily at 09:00", want: []string{"2026-10-12 09:00 Mon"}},
		{spec: "daily at 0:00", want: []string{"2026-10-13 00:00 Tue"}},
		{spec: "daily at 23:59", want: []string{"2026-10-12 23:59 Mon"}},
		// cron, read in the zone
		{spec: "0 9 * * MON", want: []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}},
		{spec: "  0   9 * *   mon ", want: []string{"2026-10-12 09:00 Mon", "2026-10-19 09:00 Mon", "2026-10-26 09:00 Mon"}},
		{spec: "0 9 * * MON-FRI", from: "2026-10-16 12:00", want: []string{"2026-10-19 09:00 Mon", "2026-10-20 09:00 Tue", "2026-10-21 09:00 Wed"}},
		{spec: "30 17 * * 1-5", want: []string{"2026-10-12 17:30 Mon", "2026-10-13 17:30 Tue", "2026-10-14 17:30 Wed"}},
		{spec: "0 9 1 * *", want: []string{"2026-11-01 09:00 Sun", "2026-12-01 09:00 Tue", "2027-01-01 09:00 Fri"}},
		{spec: "*/15 9-10 * * *", want: []string{"2026-10-12 09:00 Mon", "2026-10-12 09:15 Mon", "2026-10-12 09:30 Mon"}},
		{spec: "0 9 13 * FRI", want: []string{"2026-10-13 09:00 Tue", "2026-10-16 09:00 Fri", "2026-10-23 09:00 Fri"}}, // day 13 or Friday, as cron has it
		{spec: "0 9 * JAN,FEB MON", want: []string{"2027-01-04 09:00 Mon", "2027-01-11 09:00 Mon", "2027-01-18 09:00 Mon"}},
		{spec: "0 0 29 2 *", want: []string{"2028-02-29 00:00 Tue", "2032-02-29 00:00 Sun", "2036-02-29 00:00 Fri"}},
		{spec: "@weekly", want: []string{"2026-10-18 00:00 Sun", "2026-10-25 00:00 Sun", "2026-11-01 00:00 Sun"}},
		{spec: "@Weekly", want: []string{"2026-10-18 00:00 Sun", "2026-10-25 00:00 Sun", "2026-11-01 00:00 Sun"}},
		{spec: "@daily", want: []string{"2026-10-13 00:00 Tue", "2026-10-14 00:00 Wed", "2026-10-15 00:00 Thu"}},
		{spec: "@midnight", want: []string{"2026-10-13 00:00 Tue", "2026-10-14 00:00 Wed", "2026-10-15 00:00 Thu"}},
		{spec: "@hourly", want: []string{"2026-10-12 09:00 Mon", "2026-10-12 10:00 Mon", "2026-10-12 11:00 Mon"}},
		{spec: "@monthly", want: []string{"2026-11-01 00:00 Sun", "2026-12-01 00:00 Tue", "2027-01-01 00:00 Fri"}},
		{spec: "@yearly", want: []string{"2027-01-01 00:00 Fri", "2028-01-01 00:00 Sat", "2029-01-01 00:00 Mon"}},
		{spec: "@annually", want: []string{"2027-01-01 00:00 Fri", "2028-01-01 00:00 Sat", "2029-01-01 00:00 Mon"}},
		// @every counts elapsed time from where it starts
		{spec: "@every 2h", want: []string{"2026-10-12 10:00 Mon", "2026-10-12 12:00 Mon", "2026-10-12 14:00 Mon"}},
		{spec: "@EVERY 90m", want: []string{"2026-10-12 09:30 Mon", "2026-10-12 11:00 Mon", "2026-10-12 12:30 Mon"}},
		{spec: "@every 1m", want: []string{"2026-10-12 08:01 Mon", "2026-10-12 08:02 Mon", "2026-10-12 08:03 Mon"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := schedules.Parser{}.ParseSpec(tt.spec, paris)
			if err != nil {
				t.Fatalf("ParseSpec: %v", err)
			}
			from := tt.from
			if from == "" {
				from = monday
			}
			var got []string
			for _, v := range schedules.Preview(spec, at(t, paris, from), len(tt.want)) {
				got = append(got, local(v, paris))
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("next times:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestParseSpecZone checks that specs read in the zone given, and UTC for nil.
func TestParseSpecZone(t *testing.T) {
	tokyo := mustLoad(t, "Asia/Tokyo")
	from := time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		spec string
		loc  *time.Location
		want time.Time
	}{
		{"daily at 9:00", nil, time.Date(2026, 10, 12, 9, 0, 0, 0, time.UTC)},
		{"daily at 9:00", time.UTC, time.Date(2026, 10, 12, 9, 0, 0, 0, time.UTC)},
		{"daily at 9:00", tokyo, time.Date(2026, 10, 13, 0, 0, 0, 0, time.UTC)}, // 09:00 JST is 00:00 UTC
		{"0 9 * * *", tokyo, time.Date(2026, 10, 13, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		spec, err := schedules.Parser{}.ParseSpec(tt.spec, tt.loc)
		if err != nil {
			t.Fatalf("%q: %v", tt.spec, err)
		}
		if got := spec.Next(from); !got.Equal(tt.want) {
			t.Errorf("%q in %v: Next = %v, want %v", tt.spec, tt.loc, got.UTC(), tt.want)
		}
	}
}

// TestParseSpecRefusals checks that what can't be read is refused with a
// chat-ready *bot.Error that quotes the input and gives examples.
func TestParseSpecRefusals(t *testing.T) {
	tests := []struct {
		spec   string
		reason string // a part of the message; "" for the generic one
	}{
		{"TZ=UTC", "time zones are set per schedule"}, // panics robfig/cron
		{"CRON_TZ=Europe/Paris 0 9 * * *", "time zones are set per schedule"},
		{"tz=UTC 0 9 * * *", "time zones are set per schedule"},
		{"every monday at 9:00 TZ=Europe/Paris", "time zones are set per schedule"},
		{"", ""},
		{"   ", ""},
		{"every blue moon", ""},
		{"sometimes", ""},
		{"@every 30s", "at least 1m"},
		{"@every 0s", "at least 1m"},
		{"@every -1h", "at least 1m"},
		{"@every 9000h", "at most a year"},
		{"@every", "cron:"},
		{"@every soon", "cron:"},
		{"@reboot", "cron:"},
		{"61 9 * * *", "cron:"},
		{"0 9 * *", "cron:"},
		{"0 0 9 * * MON", "cron:"},
		{"0 9 * * 7", "cron:"},
		{"0 9 * * MON extra", "cron:"},
		{"0 9 31 2 *", "never comes"},
		{"0 9 30 2 *", "never comes"},
		{"daily", "say what time"},
		{"daily at", "say what time"},
		{"every monday at", "say what time"},
		{"daily at 25:00", "not a time of day"},
		{"daily at 9:60", "not a time of day"},
		{"daily at 13pm", "not a time of day"},
		{"daily at 0am", "not a time of day"},
		{"daily at 9:5", "say what time"},
		{"daily at 9ampm", "say what time"},
		{"daily at 9 30", "say what time"},
		{"daily at nine", "say what time"},
		{"every monday at 9:00 and more", "say what time"},
		{"monthly on day 32 at 9", "days 1 to 31"},
		{"monthly on day 0 at 9", "days 1 to 31"},
		{"monthly at 9", "which day of the month"},
		{"monthly on the last friday at 9", "which day of the month"},
		{"every 0 weeks on friday at 9", "every 1 to 52 weeks"},
		{"every 99 weeks on friday at 9", "every 1 to 52 weeks"},
		{"every 2 months on day 1 at 9", "count in weeks"},
		{"every 2 weeks at 9", ""},
		{"every other month on day 1 at 9", ""},
		{"every funday at 9", ""},
		{strings.Repeat("every monday ", 20), "longer than 200"},
		{"daily at 9:00 " + strings.Repeat("é", 190), "longer than 200"},
		{strings.Repeat("\xff", 1000), "longer than 200"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := schedules.Parser{}.ParseSpec(tt.spec, time.UTC)
			if err == nil {
				t.Fatalf("ParseSpec(%q) = %v, want a refusal", tt.spec, spec)
			}
			var e *bot.Error
			if !errors.As(err, &e) || e.Code != bot.EArgument {
				t.Fatalf("error %v (%T), want a *bot.Error with code %s", err, err, bot.EArgument)
			}
			if !strings.HasPrefix(e.Message, "I can't read the schedule \"") {
				t.Errorf("message %q doesn't start by quoting the input", e.Message)
			}
			if !strings.HasSuffix(e.Message, "Try `every monday at 9:00`, `weekdays at 10:30`, `daily at 9:00`, `monthly on day 1 at 9:00`, or cron like `0 9 * * MON`.") {
				t.Errorf("message %q doesn't end with the examples", e.Message)
			}
			if !strings.Contains(e.Message, tt.reason) {
				t.Errorf("message %q lacks %q", e.Message, tt.reason)
			}
			if tt.reason == "" && strings.Contains(e.Message, ": ") {
				t.Errorf("message %q gives a reason; want the generic one", e.Message)
			}
		})
	}
}

// TestRefusalMessage pins one refusal word for word.
func TestRefusalMessage(t *testing.T) {
	_, err := schedules.Parser{}.ParseSpec("every blue moon", nil)
	want := "I can't read the schedule \"every blue moon\". Try `every monday at 9:00`, `weekdays at 10:30`, `daily at 9:00`, `monthly on day 1 at 9:00`, or cron like `0 9 * * MON`."
	if got := bot.ErrorMessage(err); got != want {
		t.Errorf("message\n got %q\nwant %q", got, want)
	}
	// Long and odd input is shortened and escaped in the message.
	_, err = schedules.Parser{}.ParseSpec("x\x00"+strings.Repeat("y", 150), nil)
	if msg := bot.ErrorMessage(err); !strings.Contains(msg, `"x\x00yyy`) || !strings.Contains(msg, `…"`) || len(msg) > 300 {
		t.Errorf("message %q: want the input escaped and shortened", msg)
	}
}

// TestRobfigPanicRecovered checks the guard around robfig/cron, which
// panics on a bare TZ= (ParseSpec refuses those before reaching it).
func TestRobfigPanicRecovered(t *testing.T) {
	for _, s := range []string{"TZ=UTC", "CRON_TZ=UTC"} {
		if _, err := schedules.RobfigParse(s); err == nil {
			t.Errorf("robfigParse(%q): want an error", s)
		}
	}
}

// TestPreview checks the preview helper's bounds.
func TestPreview(t *testing.T) {
	spec, err := schedules.Parser{}.ParseSpec("daily at 9:00", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	got := schedules.Preview(spec, from, 5)
	if len(got) != 5 || !got[0].Equal(time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)) || !got[4].Equal(time.Date(2026, 11, 7, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Preview(5) = %v", got)
	}
	if got := schedules.Preview(spec, from, 0); len(got) != 0 {
		t.Errorf("Preview(0) = %v, want none", got)
	}
	if got := schedules.Preview(spec, from, -3); len(got) != 0 {
		t.Errorf("Preview(-3) = %v, want none", got)
	}
	if got := schedules.Preview(spec, from, 1000); len(got) != schedules.MaxPreview {
		t.Errorf("Preview(1000) has %d times, want MaxPreview", len(got))
	}
	// A spec that runs out stops the preview early.
	if got := schedules.Preview(specFunc(func(time.Time) time.Time { return time.Time{} }), from, 5); len(got) != 0 {
		t.Errorf("Preview of an exhausted spec = %v", got)
	}
}

// specFunc adapts a function to bot.Spec.
type specFunc func(time.Time) time.Time

func (f specFunc) Next(t time.Time) time.Time { return f(t) }
