package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// TestYAMLFilesSpeakOfTheFile: every YAML reader (prompts, surveys, plans)
// refuses a second document rather than importing the first alone, says an
// empty file is empty, and words its errors in the file's terms, never Go's.
func TestYAMLFilesSpeakOfTheFile(t *testing.T) {
	parsers := map[string]func([]byte) error{
		"prompts": func(b []byte) error { _, err := parsePromptFile(b); return err },
		"surveys": func(b []byte) error { _, err := parseSurveyFile(b); return err },
		"plan":    func(b []byte) error { _, _, err := parsePlan(b, time.UTC); return err },
	}
	valid := map[string]string{
		"prompts": "prompts:\n  - What did you try?\n",
		"surveys": "surveys:\n  - name: pulse\n    questions:\n      - {kind: scale, prompt: How was it, min: 1, max: 5}\n",
		"plan":    "name: x\nintros: {schedule: every monday at 9:00}\n",
	}
	for name, parse := range parsers {
		ok := valid[name]
		for _, tc := range []struct{ what, in, want string }{
			{"valid", ok, ""},
			{"leading ---", "---\n" + ok, ""},
			{"trailing ---", ok + "---\n", ""},
			{"trailing --- and comment", ok + "---\n# nothing more\n", ""},
			{"two documents", ok + "---\n" + ok, "line " + nextLine(ok) + ": a second YAML document (after ---)"},
			{"empty", "", "the file is empty"},
			{"comments only", "# nothing yet\n\n", "the file is empty"},
			{"null", "~\n", "the file is empty"},
			{"a list, not fields", "- a\n- b\n", "line 1: expected fields (name: value), found a list"},
			{"unknown field", ok + "colour: red\n", "line " + nextLine(ok) + ": unknown field colour"},
			{"syntax", ok + "  : [\n", "not a "},
		} {
			t.Run(name+"/"+tc.what, func(t *testing.T) {
				err := parse([]byte(tc.in))
				switch {
				case tc.want == "" && err != nil:
					t.Fatalf("refused: %v", err)
				case tc.want == "":
					return
				case err == nil:
					t.Fatalf("accepted, want %q", tc.want)
				case !strings.Contains(err.Error(), tc.want):
					t.Errorf("err = %v, want %q", err, tc.want)
				}
				for _, goish := range []string{"main.", "checkins.", "bot.", " type ", "EOF", "unmarshal", "yaml:"} {
					if strings.Contains(err.Error(), goish) {
						t.Errorf("the error speaks Go (%q): %v", goish, err)
					}
				}
			})
		}
	}
}

// nextLine is the number of the line that follows s.
func nextLine(s string) string { return strconv.Itoa(strings.Count(s, "\n") + 1) }

func TestYAMLTypeErrorsInTheFilesWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"weeks: many\nintros: {schedule: daily}\n", "not a plan file: line 1: expected a whole number, found a text (`many`)"},
		{"name: [a, b]\nintros: {schedule: daily}\n", "line 1: expected a text, found a list"},
		{"checkins: {survey: pulse}\n", "line 1: expected a list, found fields (name: value)"},
		{"name: x\nname: y\n", `line 2: mapping key "name" already defined at line 1`},
		{"colour: \"\\e]0;owned\\a\"\n\"\\e[2J\": 1\n", `line 2: unknown field \x1b[2J`},
	} {
		_, _, err := parsePlan([]byte(tc.in), time.UTC)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
		if err != nil && bot.ForTerminal(err.Error()) != err.Error() {
			t.Errorf("%q: the error carries raw control characters: %q", tc.in, err)
		}
	}
	_, err := parseSurveyFile([]byte("surveys:\n  - name: pulse\n    questions:\n      - {kind: scale, prompt: p, min: low}\n"))
	if err == nil || !strings.Contains(err.Error(), "line 4: expected a whole number, found a text (`low`)") {
		t.Errorf("survey: %v", err)
	}
	_, err = parseSurveyFile([]byte("surveys:\n  - name: pulse\n    questions:\n      - {kind: scale, prompt: p, colour: red}\n"))
	if err == nil || !strings.Contains(err.Error(), "line 4: unknown field colour") || strings.Contains(err.Error(), "Question") {
		t.Errorf("survey: %v", err)
	}
}

// TestPlanErrorsNameTheFile: plan show and apply name the file they refuse.
func TestPlanErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "year.yaml")
	if err := os.WriteFile(file, []byte("name: x\nintros: {schedule: sometimes}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "hearth.db")
	hearth(t, "alice: hi\n", nil, "shell", "--db", db, "--clock", "2026-11-02T09:00:00Z")
	for _, args := range [][]string{
		{"plan", "show", file},
		{"plan", "apply", "--db", db, "--as", "alice", file},
		{"shell", "--db", db, "--plan", file},
	} {
		e, _, _ := testEnv("", nil)
		err := run(context.Background(), args, e)
		if err == nil || !strings.HasPrefix(err.Error(), file+": line 2 (intro round)") {
			t.Errorf("%q: %v, want the file named", args, err)
		}
	}
	if err := os.WriteFile(file, []byte("events:\n  - {title: \"\\e]0;owned\\a\", schedule: sometimes}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, _, _ := testEnv("", nil)
	if err := run(context.Background(), []string{"plan", "show", file}, e); err == nil || !strings.Contains(err.Error(), `line 2 (event \x1b]0;owned\x07)`) {
		t.Errorf("an error quoting the file must show its control characters visibly: %q", err)
	}
	e, _, _ = testEnv("", nil)
	if err := run(context.Background(), []string{"plan", "show", filepath.Join(dir, "missing.yaml")}, e); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing plan: %v", err)
	}
}

// TestImportsRefuseSeveralDocuments: `surveys import` and `prompts import`
// store nothing from a file of two documents, and say which file.
func TestImportsRefuseSeveralDocuments(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	hearth(t, "alice: hi\n", nil, "shell", "--db", db, "--clock", "2026-11-02T09:00:00Z")
	for _, tc := range []struct{ what, doc string }{
		{"surveys", "surveys:\n  - name: pulse\n    questions:\n      - {kind: scale, prompt: How was it, min: 1, max: 5}\n"},
		{"prompts", "prompts:\n  - What did you try?\n"},
	} {
		file := filepath.Join(dir, tc.what+".yaml")
		if err := os.WriteFile(file, []byte(tc.doc+"---\n"+tc.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		e, stdout, _ := testEnv("", nil)
		err := run(context.Background(), []string{tc.what, "import", "--db", db, file}, e)
		if err == nil || !strings.HasPrefix(err.Error(), file+": line ") || !strings.Contains(err.Error(), "a second YAML document") {
			t.Errorf("%s: %v", tc.what, err)
		}
		if stdout.Len() > 0 {
			t.Errorf("%s said %q", tc.what, stdout)
		}
		empty := filepath.Join(dir, "empty.yaml")
		if err := os.WriteFile(empty, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		e, _, _ = testEnv("", nil)
		if err := run(context.Background(), []string{tc.what, "import", "--db", db, empty}, e); err == nil || err.Error() != empty+": the file is empty" {
			t.Errorf("%s of an empty file: %v", tc.what, err)
		}
	}
}

// A YAML file's problems are all reported (up to maxYAMLErrors), each on
// its own line, and a syntax error names the line it is on, not the line
// where the list around it began.
func TestYAMLErrorsAllOnTheirLines(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []string
	}{
		{"syntax error in a list", "prompts:\n  - one\n  key: value\n", []string{"line 3: did not find expected '-' indicator"}},
		{"every prompt's problem", "prompts:\n  - one\n  - text: two\n    colour: red\n  - [x]\n  - text: four\n    size: 2\n",
			[]string{`line 4: unknown field "colour"`, "line 5: a prompt is a text", `line 7: unknown field "size"`}},
		{"every empty prompt", "prompts:\n  - one\n  - \"\"\n  - ok\n  - \" \"\n", []string{"line 3: a prompt has no text", "line 5: a prompt has no text"}},
	} {
		_, err := parsePromptFile([]byte(tt.in))
		for _, want := range tt.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", tt.name, err, want)
			}
		}
	}
	var sb strings.Builder
	sb.WriteString("prompts:\n")
	for range 25 {
		sb.WriteString("  - \"\"\n")
	}
	_, err := parsePromptFile([]byte(sb.String()))
	if err == nil || strings.Count(err.Error(), "has no text") != maxYAMLErrors || !strings.HasSuffix(err.Error(), "; and 5 more") {
		t.Errorf("25 problems: %v", err)
	}
	sb.Reset()
	sb.WriteString("prompts:\n")
	for range 22 {
		sb.WriteString("  - colour: red\n")
	}
	_, err = parsePromptFile([]byte(sb.String()))
	if err == nil || strings.Count(err.Error(), "unknown field") != maxYAMLErrors || !strings.HasSuffix(err.Error(), "; and 2 more") {
		t.Errorf("22 decoding problems: %v", err)
	}
}
