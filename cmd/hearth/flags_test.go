package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOfflineFlags drives every offline command's --help, a flag after a
// positional argument, and mistakes with their suggestions.
func TestOfflineFlags(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plan := write("plan.yaml", string(samplePlan))
	prompts := write("prompts.yaml", "prompts:\n  - What did you try this week?\n")
	surveys := write("surveys.yaml", teamHealth)
	if e, _, stderr := testEnv("", nil); runMain(context.Background(), []string{"shell", "--db", db}, e) != 0 {
		t.Fatalf("shell: %s", stderr)
	}

	type want struct {
		code           int
		stdout, stderr []string // each must appear
		notStdout      []string // must not appear in stdout
	}
	help := func(usage string, not ...string) want {
		return want{code: 0, stdout: []string{"Usage: hearth " + usage, "Flags:"}, notStdout: not}
	}
	tests := []struct {
		args []string
		want want
	}{
		// --help: the command's own usage on stdout, every flag in it.
		{[]string{"run", "--help"}, help("[run] [--db PATH] [--facilitator VALUE]")},
		{[]string{"shell", "--help"}, help("shell [--db PATH] [--clock TIME] [--facilitator NAME]... [--max-firings N] [--plan FILE.yaml|sample] < script.txt", "--start")},
		{[]string{"version", "--help"}, want{stdout: []string{"Usage: hearth version\n"}, notStdout: []string{"Flags:"}}},
		{[]string{"report", "--help"}, help("report [--db PATH]")},
		{[]string{"report", "--help"}, want{stdout: []string{"[--now VALUE]"}}},
		{[]string{"simulate", "--help"}, want{stdout: []string{"Usage: hearth simulate", "--until"}}},
		{[]string{"backup", "--help"}, help("backup [--db PATH] DEST")},
		{[]string{"digest", "--help"}, help("digest [--db PATH]")},
		{[]string{"prompts", "--help"}, help("prompts import [--db PATH] [--community ID] FILE.yaml")},
		{[]string{"prompts", "import", "--help"}, help("prompts import")},
		{[]string{"surveys", "--help"}, help("surveys import [--db PATH] [--community ID] FILE.yaml")},
		{[]string{"checkins", "--help"}, help("checkins --survey NAME")},
		{[]string{"resources", "--help"}, help("resources [--db PATH]")},
		{[]string{"plan", "--help"}, want{stdout: []string{"Usage: hearth plan show", "Usage: hearth plan apply", "\n  --as string\n"}}},
		{[]string{"plan", "show", "--help"}, help("plan show FILE.yaml|--sample [--start DATE]", "-as", "-db", "plan apply")},
		{[]string{"plan", "apply", "--help"}, help("plan apply FILE.yaml|--sample [--db PATH] [--community ID] [--as MEMBER]", "-start")},
		{[]string{"impact", "--help"}, help("impact --since DATE")},
		{[]string{"forget", "--help"}, help("forget --member ID")},
		{[]string{"export", "--help"}, help("export --member ID")},
		{[]string{"health", "--help"}, help("health [--addr HOST:PORT]")},
		{[]string{"migrate", "--help"}, help("migrate [--db PATH] | migrate --from SRC --to DST")},
		{[]string{"help"}, want{stdout: []string{"Commands:"}}},

		// Flags after a positional argument, in the README's order.
		{[]string{"plan", "show", plan, "--start", "2027-01-04"}, want{stdout: []string{"Mon Jan 4, 2027"}}},
		{[]string{"plan", "show", "--start", "2027-01-04", plan}, want{stdout: []string{"Mon Jan 4, 2027"}}},
		{[]string{"prompts", "import", prompts, "--db", db}, want{stdout: []string{"1"}}},
		{[]string{"surveys", "import", surveys, "--db", db}, want{stdout: []string{"team-health"}}},
		{[]string{"backup", filepath.Join(dir, "copy.db"), "--db", db}, want{stdout: []string{"backed up " + db}}},
		{[]string{"plan", "apply", plan, "--db", filepath.Join(dir, "none", "x.db")}, want{code: 1}},
		{[]string{"report", "--db", db, "extra"}, want{code: 2, stderr: []string{`unexpected argument "extra"`}}},
		{[]string{"plan", "show", "--", "--sample"}, want{code: 1}}, // "--" ends the flags: a file named --sample

		// Mistakes: once, with a suggestion and where to look.
		{[]string{"reprot"}, want{code: 2, stderr: []string{`unknown command "reprot"; did you mean "report"?`}, notStdout: []string{"Commands:"}}},
		{[]string{"plan", "shwo"}, want{code: 2, stderr: []string{`did you mean "plan show"?`}}},
		{[]string{"report", "--dbb", db}, want{code: 2, stderr: []string{"unknown flag -dbb; did you mean --db? (see hearth report --help)"}}},
		{[]string{"plan", "show", plan, "--strat", "2027-01-04"}, want{code: 2, stderr: []string{"did you mean --start?"}}},
		{[]string{"plan", "show", plan, "--as", "carol"}, want{code: 2, stderr: []string{"unknown flag -as"}}},
		{[]string{"digest", "--format"}, want{code: 2, stderr: []string{"flag needs an argument", "(see hearth digest --help)"}}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e, stdout, stderr := testEnv("", nil)
			code := runMain(context.Background(), tt.args, e)
			if code != tt.want.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want.code, stdout, stderr)
			}
			for _, s := range tt.want.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.want.notStdout {
				if strings.Contains(stdout.String(), s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.want.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tt.want.code == 0 && strings.Contains(stderr.String(), "help requested") {
				t.Errorf("stderr: %s", stderr)
			}
			if tt.want.code == 2 && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("a mistake is one line, got:\n%s", stderr)
			}
		})
	}
}

// TestRunFacilitatorFlag: flags before any command go to run, which takes
// --facilitator as the shell does; without one, the hint names the flag.
func TestRunFacilitatorFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--facilitator", "carol"}, "carol (configured)"},
		{nil, "HEARTH_FACILITATORS (or `--facilitator NAME`"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e, stdout, stderr := testEnv("carol: /hearth facilitators\n", nil)
			e.terminal = true // the shell, not a container without platforms
			args := append(tt.args, "--db", filepath.Join(t.TempDir(), "hearth.db"))
			if code := runMain(context.Background(), args, e); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("stdout lacks %q:\n%s", tt.want, stdout)
			}
		})
	}
}
