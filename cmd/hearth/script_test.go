package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestMain makes this test binary also the `hearth` command the scripts
// run: testscript puts a copy of it on the scripts' PATH under that name,
// and started under that name it runs main, the real command.
// TestMain serves two kinds of child process besides the tests: a script's
// `hearth` (testscript) and an instance of TestSeveralInstances
// (instanceVar, see instances_rig_test.go).
func TestMain(m *testing.M) {
	if name := os.Getenv(instanceVar); name != "" {
		os.Exit(runInstance(name))
	}
	testscript.Main(m, map[string]func(){"hearth": main})
}

// TestScripts runs testdata/script/*.txtar: the README's examples, each as
// written, with its output (see TestREADMEExamplesAreScripted). Run
// `go test ./cmd/hearth -run TestScripts -update` to accept new output
// into the scripts' golden files (the files their cmp lines name).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		// Scripts start from an environment of their own (no HEARTH_*,
		// SLACK_* or DISCORD_* of the developer's): what a line needs, it
		// sets.
		Setup: func(e *testscript.Env) error {
			// Under -race every process sleeps a second at exit by
			// default, which would make the scripts' thirty commands slow.
			if os.Getenv("GORACE") == "" {
				e.Setenv("GORACE", "atexit_sleep_ms=0")
			}
			return nil
		},
	})
}

// readmeCommand matches a line of a README example that runs hearth:
// `hearth ARGS` or `go run ./cmd/hearth ARGS`.
var readmeCommand = regexp.MustCompile(`^(?:go run \./cmd/hearth|hearth)(\s+.*)?$`)

// readmeExamples is every `hearth …` command line of the README's shell
// examples (```sh blocks), as `hearth ARGS` with comments dropped and
// spaces collapsed. A bare `hearth` (or `go run ./cmd/hearth`) is left
// out: it runs the platforms, or the shell on a terminal, which no script
// has.
func readmeExamples(t *testing.T) []string {
	t.Helper()
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, block := range fencedBlocks(string(text)) {
		if block.lang != "sh" {
			continue
		}
		for _, line := range strings.Split(block.body, "\n") {
			line, _, _ = strings.Cut(line, " #")
			line = strings.Join(strings.Fields(line), " ")
			m := readmeCommand.FindStringSubmatch(line)
			if m == nil || strings.TrimSpace(m[1]) == "" {
				continue
			}
			lines = append(lines, "hearth "+strings.TrimSpace(m[1]))
		}
	}
	return lines
}

// fencedBlock is a Markdown code block: its info string and its lines.
type fencedBlock struct {
	lang string
	body string // the lines between the fences, each ending in "\n"
}

func fencedBlocks(text string) []fencedBlock {
	var blocks []fencedBlock
	var cur *fencedBlock
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &fencedBlock{lang: strings.TrimPrefix(trimmed, "```")}
		case cur != nil && trimmed == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.body += line + "\n"
		}
	}
	return blocks
}

// scriptedCommands is every `exec hearth …` line of the scripts, as
// `hearth ARGS` with spaces collapsed (and, after a `stdin FILE` line,
// also as `hearth ARGS < FILE`), by script file.
func scriptedCommands(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/script: %v", err)
	}
	exec := regexp.MustCompile(`^(?:\[[^]]*\]\s*)*!?\s*exec\s+(hearth(?:\s.*)?)$`)
	cmds := map[string][]string{}
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stdin := ""
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			line, _, _ = strings.Cut(line, " #")
			line = strings.TrimSpace(line)
			if file, ok := strings.CutPrefix(line, "stdin "); ok {
				stdin = strings.TrimSpace(file)
				continue
			}
			m := exec.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			cmd := strings.Join(strings.Fields(m[1]), " ")
			// `stdin FILE` then `exec hearth …` is the README's
			// `hearth … < FILE`; a README line that pastes its input
			// (the first session) names no file.
			cmds[f] = append(cmds[f], cmd)
			if stdin != "" {
				cmds[f] = append(cmds[f], cmd+" < "+stdin)
				stdin = ""
			}
		}
	}
	return cmds
}

// TestREADMEExamplesAreScripted keeps the README from drifting from the
// tools: every `hearth …` line of its shell examples must be run, as
// written, by some script in testdata/script (whose expected output then
// holds the README to what the command prints).
func TestREADMEExamplesAreScripted(t *testing.T) {
	examples := readmeExamples(t)
	if len(examples) < 10 {
		t.Fatalf("found only %d hearth lines in the README's sh examples: is the extraction broken?\n%s", len(examples), strings.Join(examples, "\n"))
	}
	var scripted []string
	for _, cmds := range scriptedCommands(t) {
		scripted = append(scripted, cmds...)
	}
	for _, ex := range examples {
		if !slices.Contains(scripted, ex) {
			t.Errorf("the README's example %q is run by no script in testdata/script: add it, with its output, to one", ex)
		}
	}
}

// readmeFiles are the files the scripts take from the README's examples:
// each must be, byte for byte, the body of one of its code blocks, so that
// the example commands run on what the reader copies.
var readmeFiles = []struct{ script, file string }{
	{"first_session.txtar", "session.txt"},
	{"offline_tools.txtar", "plan.yaml"},
	{"offline_tools.txtar", "team-health.yaml"},
	{"offline_tools.txtar", "prompts.yaml"},
	{"checkins.txtar", "pulse.txt"},
}

func TestREADMEFilesAreScripted(t *testing.T) {
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, b := range fencedBlocks(string(text)) {
		bodies = append(bodies, b.body)
	}
	for _, rf := range readmeFiles {
		ar, err := txtar.ParseFile(filepath.Join("testdata/script", rf.script))
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ar.Files, func(f txtar.File) bool { return f.Name == rf.file })
		if i < 0 {
			t.Errorf("%s has no file %s", rf.script, rf.file)
			continue
		}
		if !slices.Contains(bodies, string(ar.Files[i].Data)) {
			t.Errorf("%s in %s is not a code block of the README: copy the README's block into it (or fix the README)", rf.file, rf.script)
		}
	}
}
