package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const teamHealth = `surveys:
  - name: team-health
    title: Team health
    intro: Two questions, one minute.
    questions:
      - id: energy
        kind: scale
        prompt: How is your energy this week?
        min: 1
        max: 5
        min_label: low
        max_label: high
      - kind: multi
        prompt: What helped?
        choices: [pairing, the prompt, the webinar]
        optional: true
    settings:
      anonymous: true
      window: 72h
      reminder: false
`

func TestParseSurveyFile(t *testing.T) {
	got, err := parseSurveyFile([]byte(teamHealth))
	if err != nil {
		t.Fatal(err)
	}
	s := got[0]
	if len(got) != 1 || s.Name != "team-health" || len(s.Questions) != 2 || s.Questions[1].ID != "q2" ||
		!s.Settings.Anonymous || s.Settings.Window != 72*time.Hour || !s.Settings.NoReminder || s.Settings.Delivery != "dm" {
		t.Fatalf("parsed %+v", got)
	}
	tests := []struct{ name, in, err string }{
		{"unknown field", strings.Replace(teamHealth, "min_label", "minimum_label", 1), "not a survey file: line 11: unknown field minimum_label"},
		{"bad kind", strings.Replace(teamHealth, "kind: multi", "kind: essay", 1), `line 13: Survey team-health, question 2: the kind "essay"`},
		{"too few choices", strings.Replace(teamHealth, "[pairing, the prompt, the webinar]", "[pairing]", 1), "line 13: Survey team-health, question 2 needs 2 to 10 choices"},
		{"bad window", strings.Replace(teamHealth, "72h", "three days", 1), `line 19: window "three days" is not a duration`},
		{"short window", strings.Replace(teamHealth, "72h", "10m", 1), "line 2: Survey team-health: a check-in stays open from 1 hour to 30 days"},
		{"twice", teamHealth + strings.TrimPrefix(teamHealth, "surveys:\n"), "line 21: survey team-health is defined twice"},
		{"empty", "surveys: []\n", "no surveys"},
		{"not yaml", "surveys: [", "not a survey file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseSurveyFile([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func FuzzParseSurveyFile(f *testing.F) {
	f.Add(teamHealth)
	f.Add("surveys:\n  - name: x\n    questions: [{kind: scale, prompt: p, min: 5, max: 1}]\n")
	f.Fuzz(func(t *testing.T, s string) {
		parseSurveyFile([]byte(s)) // must not panic
	})
}

func TestSurveysImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	hearth(t, "alice: hi\n", nil, "shell", "--db", db, "--clock", "2026-11-02T09:00:00Z")
	file := filepath.Join(dir, "surveys.yaml")
	if err := os.WriteFile(file, []byte(teamHealth), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := hearth(t, "", nil, "surveys", "import", "--db", db, file); !strings.Contains(out, "imported 1 survey into shell:local: team-health") {
		t.Errorf("import said %q", out)
	}
	hearth(t, "", nil, "surveys", "import", "--db", db, file) // importing again replaces, not duplicates
	out := hearth(t, "carol: /hearth checkin templates\n", nil, "shell", "--db", db, "--clock", "2026-11-02T10:00:00Z", "--facilitator", "carol")
	if strings.Count(out, "`team-health` Team health: 2 questions (scale, multi), anonymous (results from 3 respondents), open 3 days") != 1 || !strings.Contains(out, "`pulse` Weekly pulse") {
		t.Errorf("templates after import:\n%s", out)
	}
}
