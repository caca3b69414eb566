package pilot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/pilot"
)

func TestPilotSectionComparesPilotAndLaunch(t *testing.T) {
	start := time.Date(2026, time.November, 2, 9, 0, 0, 0, time.UTC)
	s := pilot.PilotSection(pilot.PilotComparison{
		Pilot:       pilot.PeriodFigures{From: start, To: start.Add(14 * 24 * time.Hour), Weeks: 2, ActiveMembers: 4, PostsPerWeek: 6.5, CheckinAnswers: 3},
		SinceLaunch: pilot.PeriodFigures{From: start.Add(14 * 24 * time.Hour), To: start.Add(28 * 24 * time.Hour), Weeks: 2, ActiveMembers: 12, PostsPerWeek: 20},
	}, time.UTC)
	if s.Key != "pilot" || s.Markdown == nil {
		t.Fatalf("section %+v", s)
	}
	md := s.Markdown(nil)
	for _, want := range []string{"## Pilot and launch", "| pilot (Nov 2, 2026 – Nov 16, 2026) | 2.0 | 4 | 6.5 | 3 |", "| since launch (Nov 16, 2026 – Nov 30, 2026) | 2.0 | 12 | 20.0 | 0 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("section lacks %q:\n%s", want, md)
		}
	}
}
