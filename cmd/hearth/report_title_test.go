package main

import (
	"strings"
	"testing"
)

// TestReportTitlesADateRangeByItsDates: `hearth report --period A..B` is
// titled by its first and last day, not "last A..B days".
func TestReportTitlesADateRangeByItsDates(t *testing.T) {
	db := transcriptCheckinDB(t)
	out := hearth(t, "", nil, "report", "--db", db, "--period", "2026-11-01..2026-11-28")
	title, _, _ := strings.Cut(out, "\n")
	if title != "Participation report · Nov 1 – Nov 28, 2026" {
		t.Errorf("title %q", title)
	}
}
