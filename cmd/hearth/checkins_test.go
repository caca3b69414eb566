package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot/checkins"
)

// TestCheckinsExportMatchesWhatWasAnswered plays the check-in transcript in
// the shell, then exports: the CSV holds exactly the answers given (the
// changed one as changed, the late one not at all) and the JSON the same
// results the chat showed.
func TestCheckinsExportMatchesWhatWasAnswered(t *testing.T) {
	script, err := os.ReadFile("testdata/transcripts/checkin.txt")
	if err != nil {
		t.Fatal(err)
	}
	args, vars := transcriptHeader(string(script))
	db := filepath.Join(t.TempDir(), "hearth.db")
	vars["HEARTH_FILES_DIR"] = t.TempDir()
	e, _, stderr := testEnv(string(script), vars)
	if err := run(context.Background(), append([]string{"shell", "--db", db}, args...), e); err != nil {
		t.Fatalf("shell: %v\n%s", err, stderr)
	}
	export := func(args ...string) (string, error) {
		e, stdout, _ := testEnv("", map[string]string{})
		err := run(context.Background(), append([]string{"checkins", "--db", db}, args...), e)
		return stdout.String(), err
	}
	csv, err := export("--survey", "pulse", "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	want := `run,survey,opened_at,closed_at,respondent,question_id,question,kind,answer
1,pulse,2026-11-02T10:00:00Z,2026-11-04T10:00:00Z,alice,value,How valuable was the community to you this week?,scale,4
1,pulse,2026-11-02T10:00:00Z,2026-11-04T10:00:00Z,alice,learned,What did you learn or try?,text,I tried pairing with a newcomer.
1,pulse,2026-11-02T10:00:00Z,2026-11-04T10:00:00Z,bob,value,How valuable was the community to you this week?,scale,5
1,pulse,2026-11-02T10:00:00Z,2026-11-04T10:00:00Z,dave,learned,What did you learn or try?,text,How to run a retro
1,pulse,2026-11-02T10:00:00Z,2026-11-04T10:00:00Z,dave,help,What do you need help with?,text,Facilitating in two time zones
2,pulse,2026-11-09T10:00:00Z,2026-11-11T10:00:00Z,alice,value,How valuable was the community to you this week?,scale,5
2,pulse,2026-11-09T10:00:00Z,2026-11-11T10:00:00Z,bob,value,How valuable was the community to you this week?,scale,4
2,pulse,2026-11-09T10:00:00Z,2026-11-11T10:00:00Z,erin,learned,What did you learn or try?,text,"More examples, please"
`
	if csv != want {
		t.Errorf("csv:\n%s\nwant:\n%s", csv, want)
	}

	out, err := export("--survey", "pulse", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []checkins.SurveyResults `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(doc.Runs) != 2 || doc.Runs[0].Respondents != 3 || doc.Runs[0].Delivered != 5 || *doc.Runs[0].Questions[0].Mean != 4.5 ||
		doc.Runs[1].Respondents != 3 || doc.Runs[1].ClosedAt.IsZero() {
		t.Errorf("json results: %s", out)
	}

	text, err := export("--survey", "pulse", "--run", "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "Run #2, opened 2026-11-09T10:00:00Z, closed 2026-11-11T10:00:00Z\nWeekly pulse: results\n3 of 5 answered (60%)") {
		t.Errorf("text:\n%s", text)
	}

	chart := filepath.Join(t.TempDir(), "pulse.png")
	if _, err := export("--survey", "pulse", "--format", "csv", "--chart", chart); err != nil {
		t.Fatal(err)
	}
	f, err := os.ReadFile(chart)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(f)); err != nil {
		t.Errorf("chart: %v", err)
	}

	e2, digest, _ := testEnv("", map[string]string{})
	if err := run(context.Background(), []string{"digest", "--db", db, "--now", "2026-11-12T00:00:00Z"}, e2); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(digest.String(), "Check-ins\n• Weekly pulse #2 (closed Nov 11): 3 of 5 answered (60%) (=) · How valuable was the community to you th… mean 4.5 (=)\n") {
		t.Errorf("the digest does not sum up the week's check-in:\n%s", digest)
	}

	for _, bad := range []struct {
		args []string
		err  string
	}{
		{nil, "needs --survey"},
		{[]string{"--survey", "pulse", "--format", "xml"}, "use text, json or csv"},
		{[]string{"--survey", "reflection"}, `survey "reflection" has no runs`},
		{[]string{"--survey", "reflection", "--run", "1"}, "run 1 is a run of pulse"},
		{[]string{"--survey", "pulse", "--run", "9"}, "no run 9 of pulse; runs are 1–2"},
	} {
		if _, err := export(bad.args...); err == nil || !strings.Contains(err.Error(), bad.err) {
			t.Errorf("checkins %q: %v, want %q", bad.args, err, bad.err)
		}
	}
}
