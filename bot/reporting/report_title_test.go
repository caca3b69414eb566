package reporting_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/reporting"
)

// TestReportTitleNamesTheDaysCovered: a date range is titled by its dates,
// never "last 2026-11-01..2026-11-28 days"; whole days show the last
// included day (the end is exclusive); a rolling window shows its hours, so
// seven days never name eight dates.
func TestReportTitleNamesTheDaysCovered(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	now := time.Date(2026, 11, 3, 9, 30, 0, 0, paris)
	for _, tt := range []struct {
		arg, want string
	}{
		{"2026-11-01..2026-11-28", "Participation report · Nov 1 – Nov 28, 2026\n"},
		{"7d", "Participation report · last 7 days (Oct 27 09:30 – Nov 3 09:30, 2026)\n"},
		// 14 × 24 hours back crosses the end of summer time (Oct 25).
		{"2W", "Participation report · last 2 weeks (Oct 20 10:30 – Nov 3 09:30, 2026)\n"},
	} {
		p, err := bot.ParsePeriod(tt.arg, now, paris)
		if err != nil {
			t.Fatal(err)
		}
		text := reporting.FormatReport(bot.Report{From: p.From, To: p.To},
			reporting.ReportView{Location: paris, Label: reporting.PeriodLabel(tt.arg)})
		text = strings.ReplaceAll(text, "**", "")
		if got, _, _ := strings.Cut(text, "\n"); got+"\n" != tt.want {
			t.Errorf("%s: title %q, want %q", tt.arg, got, strings.TrimSuffix(tt.want, "\n"))
		}
	}
}
