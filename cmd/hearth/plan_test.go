package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestParsePlan(t *testing.T) {
	p, steps, err := parsePlan(samplePlan, time.UTC)
	if err != nil {
		t.Fatalf("the sample plan: %v", err)
	}
	if p.Weeks != 52 || len(steps) != 11 {
		t.Fatalf("sample: %d weeks, %d steps", p.Weeks, len(steps))
	}
	var cmds []string
	for _, s := range steps {
		cmds = append(cmds, s.Command)
	}
	for _, want := range []string{
		`digest channel #facilitators`,
		`prompt deck schedule "every tuesday at 10:00" #general`,
		`checkin schedule pulse "every 2 weeks on friday at 15:00"`,
		`event add "Monthly webinar" "monthly on day 15 at 16:00" 1h https://meet.example.com/community #general`,
		`intros schedule "every 2 weeks on monday at 10:00"`,
		`nudge settings mode=review`,
	} {
		if !strings.Contains(strings.Join(cmds, "\n"), want) {
			t.Errorf("sample plan lacks %q:\n%s", want, strings.Join(cmds, "\n"))
		}
	}
	base := "name: x\nchannel: general\ncheckins:\n  - survey: pulse\n    schedule: every monday at 9:00\n"
	for _, tc := range []struct{ name, in, err string }{
		{"unknown field", base + "intro:\n  schedule: daily at 9:00\n", "not a plan file: line 6: unknown field intro"},
		{"bad spec", strings.Replace(base, "every monday at 9:00", "sometimes", 1), "line 4 (check-in pulse)"},
		{"too long", base + "weeks: 999\n", "weeks is how far"},
		{"empty", "name: nothing\n", "sets up nothing"},
		{"not yaml", "checkins: [", "not a plan file"},
	} {
		if _, _, err := parsePlan([]byte(tc.in), time.UTC); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestPlanShow(t *testing.T) {
	e, out, _ := testEnv("", map[string]string{})
	if err := run(context.Background(), []string{"plan", "show", "--sample", "--start", "2026-12-01"}, e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"52 weeks from Tue Dec 1, 2026 to Tue Nov 30, 2027",
		"weekly digest, every monday at 9:00: 52 times\n  Mon Dec 7 2026 09:00",
		"check-in reflection, 0 10 1 1,4,7,10 *: 4 times\n  Fri Jan 1 2027 10:00\n  Thu Apr 1 2027 10:00",
		"event Monthly webinar, monthly on day 15 at 16:00: 12 times\n  Tue Dec 15 2026 16:00",
		"check-in pulse, every 2 weeks on friday at 15:00: 26 times",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("plan show lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range [][]string{{"plan"}, {"plan", "show"}, {"plan", "show", "--sample", "--start", "Dec 1"}} {
		e, _, _ := testEnv("", map[string]string{})
		if err := run(context.Background(), bad, e); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
