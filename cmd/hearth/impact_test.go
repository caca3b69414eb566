package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/library"
)

// TestImpactReport plays the check-in transcript plus shares and stories
// in the shell, then builds the impact report: stories appear only with
// consent (named, anonymous), private ones are counted, and the charts are
// written and linked.
func TestImpactReport(t *testing.T) {
	script, err := os.ReadFile("testdata/transcripts/checkin.txt")
	if err != nil {
		t.Fatal(err)
	}
	extra := `
alice: /hearth share https://example.com/retro-guide #retros #facilitation A clear guide
bob: /hearth share https://example.org/pairing #retros
alice: /hearth story Pairing halved our review time.
alice clicks Share with my name
bob: /hearth story Async standups freed our mornings.
bob clicks Share anonymously
dave: /hearth story A private one.
`
	args, vars := transcriptHeader(string(script))
	db := filepath.Join(t.TempDir(), "hearth.db")
	vars["HEARTH_FILES_DIR"] = t.TempDir()
	e, _, stderr := testEnv(string(script)+extra, vars)
	if err := run(context.Background(), append([]string{"shell", "--db", db}, args...), e); err != nil {
		t.Fatalf("shell: %v\n%s", err, stderr)
	}
	charts := t.TempDir()
	e2, out, _ := testEnv("", map[string]string{})
	if err := run(context.Background(), []string{"impact", "--db", db, "--since", "2026-11-01", "--until", "2026-11-30", "--charts", charts}, e2); err != nil {
		t.Fatal(err)
	}
	md := out.String()
	for _, want := range []string{
		"# Community impact · Nov 1, 2026 – Nov 30, 2026",
		"| Nov 2026 | 5 |",
		"![Participation over time](participation.png)",
		"- **Weekly pulse**: 2 runs, 60% answered on average; \"How valuable was the community to you this week?\" went from 4.5 to 4.5.",
		"![Weekly pulse](checkin-pulse.png)",
		"2 resources shared into the library by 2 members; most shared about #retros (2), #facilitation (1).",
		"> Pairing halved our review time.\n>\n> — alice, November 2026",
		"> Async standups freed our mornings.\n>\n> — a member, November 2026",
		"_1 more story, kept for the facilitators only, is not shown._",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("impact lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "A private one") || strings.Contains(md, "bob, November") {
		t.Errorf("impact shows a private story or names an anonymous teller:\n%s", md)
	}
	for _, f := range []string{"participation.png", "checkin-pulse.png"} {
		if fi, err := os.Stat(filepath.Join(charts, f)); err != nil || fi.Size() == 0 {
			t.Errorf("chart %s: %v", f, err)
		}
	}
	e3, js, _ := testEnv("", map[string]string{})
	if err := run(context.Background(), []string{"impact", "--db", db, "--since", "2026-11-01", "--until", "2026-11-30", "--format", "json"}, e3); err != nil {
		t.Fatal(err)
	}
	// The features' parts are keys of the report's JSON.
	var im struct {
		Community      string                   `json:"community"`
		PrivateStories int                      `json:"private_stories"`
		Stories        []library.ImpactStory    `json:"stories"`
		Library        library.ImpactLibrary    `json:"library"`
		Checkins       []checkins.ImpactCheckin `json:"checkins"`
	}
	if err := json.Unmarshal(js.Bytes(), &im); err != nil {
		t.Fatal(err)
	}
	if im.Community == "" || im.PrivateStories != 1 || len(im.Stories) != 2 || im.Library.Shared != 2 || len(im.Checkins) != 1 || im.Checkins[0].Runs != 2 {
		t.Errorf("json: %s", js)
	}
	for _, bad := range [][]string{{"impact", "--db", db}, {"impact", "--db", db, "--since", "Nov 1"}, {"impact", "--db", db, "--since", "2026-11-01", "--format", "pdf"}} {
		e4, _, _ := testEnv("", map[string]string{})
		if err := run(context.Background(), bad, e4); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
