package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot/reporting"
)

// TestSchedulesAcrossRestarts is issue 5's "done when": a weekly deck prompt
// and digest fire at the right local times, restarts fire nothing twice, and
// a restart catches up only what each kind's grace window allows.
func TestSchedulesAcrossRestarts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	vars := map[string]string{"HEARTH_TZ": "Europe/Paris", "HEARTH_FILES_DIR": t.TempDir()}
	session := func(clock, script string) string {
		t.Helper()
		return hearth(t, script, vars, "shell", "--db", db, "--clock", clock, "--facilitator", "carol")
	}
	count := func(out, what string) int { return strings.Count(out, what) }
	const prompt, digest = "#general hearth: Discussion prompt", "#facilitators hearth: Weekly digest"

	// Monday Nov 2, 09:00 in Paris: set the rhythm, then live a week.
	out := session("2026-11-02T08:00:00Z", `carol #facilitators: digests here
carol: /hearth digest channel #facilitators
carol #general: /hearth prompt deck schedule "every monday at 9:00"
carol: /hearth digest schedule "every monday at 10:00"
alice: hello
:advance 7d
bob reply: my answer to the prompt
`)
	if count(out, prompt) != 1 || count(out, digest) != 1 {
		t.Fatalf("first week: %d prompts, %d digests, want 1 and 1:\n%s", count(out, prompt), count(out, digest), out)
	}

	// Hearth was down from Nov 9 until Monday Nov 16, 09:30: the 09:00
	// prompt is 30 minutes late, within its 2-hour grace: it fires once.
	out = session("2026-11-16T08:30:00Z", ":advance 1h\n")
	if count(out, prompt) != 1 || count(out, digest) != 1 {
		t.Fatalf("restart within grace: %d prompts, %d digests, want 1 and 1:\n%s", count(out, prompt), count(out, digest), out)
	}
	// Restarting again at the same time fires nothing twice.
	out = session("2026-11-16T09:40:00Z", ":now\n")
	if count(out, prompt) != 0 || count(out, digest) != 0 {
		t.Fatalf("second restart fired again:\n%s", out)
	}
	// Down until Monday Nov 23, 12:00: the prompt is 3 hours late (beyond
	// 2 hours: skipped), the digest 2 hours late (within 24 hours: fires).
	out = session("2026-11-23T11:00:00Z", "carol: /hearth schedule list\n")
	if count(out, prompt) != 0 || count(out, digest) != 1 {
		t.Fatalf("restart beyond the prompt's grace: %d prompts, %d digests, want 0 and 1:\n%s", count(out, prompt), count(out, digest), out)
	}
	if !strings.Contains(out, "skipped Mon Nov 23 09:00 CET (Hearth was down)") {
		t.Errorf("the schedule list does not show the skipped prompt:\n%s", out)
	}

	// The digest's numbers are the report's for the same window.
	var d reporting.Digest
	if err := json.Unmarshal([]byte(hearth(t, "", vars, "digest", "--db", db, "--format", "json", "--now", "2026-11-09T09:00:00Z")), &d); err != nil {
		t.Fatal(err)
	}
	r := reportJSON(t, db, "--now", "2026-11-09T09:00:00Z")
	if d.Report.Members != r.Members || d.Report.Activity != r.Activity || d.Report.Tiers != r.Tiers || !d.Report.From.Equal(r.From) {
		t.Errorf("digest %+v %+v differs from report %+v %+v", d.Report.Members, d.Report.Activity, r.Members, r.Activity)
	}
	if len(d.Weeks) != reporting.DigestWeeks {
		t.Errorf("digest has %d chart weeks", len(d.Weeks))
	}
	// bob's reply to the first prompt counts as prompt engagement.
	r = reportJSON(t, db, "--now", "2026-11-10T00:00:00Z")
	if len(r.Prompts) != 1 || r.Prompts[0].Replies != 1 || r.Prompts[0].Responders != 1 {
		t.Errorf("prompts in the report: %+v", r.Prompts)
	}
}
