package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// playTranscript plays testdata/transcripts/NAME.txt in the shell into a
// new database and returns its path. clock, when set, replaces the
// transcript's --clock (to start at an instant with a fraction of a second).
func playTranscript(t *testing.T, name, clock string) string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "transcripts", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return playScript(t, name, string(script), clock)
}

// playScript is playTranscript with the script given.
func playScript(t *testing.T, name, script, clock string) string {
	t.Helper()
	args, vars := transcriptHeader(script)
	if clock != "" {
		for i := range args {
			if args[i] == "--clock" && i+1 < len(args) {
				args[i+1] = clock
			}
		}
	}
	vars["HEARTH_FILES_DIR"] = t.TempDir()
	db := filepath.Join(t.TempDir(), name+".db")
	e, _, stderr := testEnv(script, vars)
	if err := run(context.Background(), append([]string{"shell", "--db", db}, args...), e); err != nil {
		t.Fatalf("shell %s: %v\n%s", name, err, stderr)
	}
	return db
}

// logLine matches a structured log line, as slog's text or JSON handler
// writes it.
var logLine = regexp.MustCompile(`(^|\s)level=|^\s*\{.*"level"\s*:`)

// TestOfflineCommandsWriteNoLogLines runs every offline command in-process
// with HEARTH_LOG_LEVEL=info (as a container set up for `hearth run` has
// it): neither output holds a structured log line, and a command that
// succeeds leaves standard error empty.
func TestOfflineCommandsWriteNoLogLines(t *testing.T) {
	db := playTranscript(t, "checkin", "")
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	prompts := write("prompts.yaml", "prompts:\n  - What did you try this week?\n")
	surveys := write("surveys.yaml", "surveys:\n  - name: retro\n    title: Retro\n    questions:\n      - {id: value, kind: scale, prompt: \"How useful?\"}\n")
	plan := readmePlan(t)
	tests := []struct {
		args []string
		fail bool // the command fails, and says why on standard error
	}{
		{args: []string{"plan", "apply", "--db", db, "--as", "carol", plan}},
		{args: []string{"plan", "apply", "--db", db, "--as", "carol", plan}}, // again: all set up
		{args: []string{"plan", "apply", "--db", db, "--as", "carol", "--sample"}},
		{args: []string{"plan", "show", plan}},
		{args: []string{"prompts", "import", "--db", db, prompts}},
		{args: []string{"surveys", "import", "--db", db, surveys}},
		{args: []string{"export", "--db", db, "--member", "alice"}},
		{args: []string{"forget", "--db", db, "--member", "alice", "--yes"}},
		{args: []string{"simulate", "--db", filepath.Join(dir, "sim.db"), "--members", "20", "--days", "14"}},
		{args: []string{"migrate", "--db", db}},
		{args: []string{"backup", "--db", db, filepath.Join(dir, "backup.db")}},
		{args: []string{"report", "--db", db, "--format", "json"}},
		{args: []string{"digest", "--db", db, "--format", "json"}},
		{args: []string{"digest", "--db", db}},
		{args: []string{"impact", "--db", db, "--since", "2026-11-01", "--format", "json"}},
		{args: []string{"impact", "--db", db, "--since", "2026-11-01"}},
		{args: []string{"checkins", "--db", db, "--survey", "pulse"}},
		{args: []string{"resources", "--db", db, "--format", "json"}},
		{args: []string{"version"}},
		{args: []string{"health", "--addr", "127.0.0.1:1", "--timeout", "1s"}, fail: true},
		{args: []string{"forget", "--db", db, "--member", "nobody", "--yes"}, fail: true},
		{args: []string{"history", "status", "--db", db}},
		{args: []string{"history", "import", "--db", db}, fail: true}, // no platform configured
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:min(2, len(tt.args))], " "), func(t *testing.T) {
			e, stdout, stderr := testEnv("", map[string]string{"HEARTH_LOG_LEVEL": "info", "HEARTH_FACILITATORS": "carol"})
			code := runMain(context.Background(), tt.args, e)
			if (code != 0) != tt.fail {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
				for _, line := range strings.Split(out, "\n") {
					if logLine.MatchString(line) {
						t.Errorf("%s holds a log line: %s", name, line)
					}
				}
			}
			if !tt.fail && stderr.Len() > 0 {
				t.Errorf("stderr of a command that succeeded:\n%s", stderr)
			}
		})
	}
}

// --verbose, or HEARTH_LOG_LEVEL=debug, shows the structured log of the
// commands that drive the core.
func TestOfflineVerboseShowsTheLog(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		vars map[string]string
	}{
		{"--verbose", []string{"--verbose"}, map[string]string{}},
		{"HEARTH_LOG_LEVEL=debug", nil, map[string]string{"HEARTH_LOG_LEVEL": "debug"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := playTranscript(t, "first-session", "")
			e, stdout, stderr := testEnv("", tt.vars)
			args := append([]string{"plan", "apply", "--db", db, "--as", "carol", readmePlan(t)}, tt.args...)
			if code := runMain(context.Background(), args, e); code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr.String(), `level=INFO msg="schedule added"`) {
				t.Errorf("stderr has no log:\n%s", stderr)
			}
			if strings.Contains(stdout.String(), "level=") {
				t.Errorf("the log reached stdout:\n%s", stdout)
			}
		})
	}
}

// Quiet, the offline log turns warnings and errors into one sentence each,
// with the error but without levels, times, ids or terminal controls, and
// drops the rest.
func TestOfflineLogSentences(t *testing.T) {
	var buf bytes.Buffer
	e := env{stderr: &buf}
	log := offlineLogger(e, config{LogLevel: slog.LevelInfo}, false)
	log.Info("schedule added", "schedule", 3)
	log.Debug("details")
	log.Warn("check-in results have nowhere to go; set a digest channel", "community", "shell:local", "run", 2)
	log.With("room", "checkins", "err", errors.New("disk full")).Error("check-in chart", "community", "shell:local")
	log.ErrorContext(context.Background(), "command failed", "err", errors.New("no such member \x1b[2J"))
	want := "hearth: check-in results have nowhere to go; set a digest channel\n" +
		"hearth: check-in chart: disk full\n" +
		"hearth: command failed: no such member \\x1b[2J\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// A warning the core logs while a reading command works reaches the
// operator as a sentence on standard error, and the result still comes.
func TestOfflineWarningsAreSentences(t *testing.T) {
	ctx := context.Background()
	path := playTranscript(t, "first-session", "")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = db.SetSetting(ctx, "shell:local", bot.SettingPilot, "{not json")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	e, stdout, stderr := testEnv("", map[string]string{"HEARTH_LOG_LEVEL": "info"})
	if code := runMain(ctx, []string{"impact", "--db", path, "--since", "2026-11-01"}, e); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.HasPrefix(stderr.String(), "hearth: stored pilot does not read; acting everywhere: ") || strings.Contains(stderr.String(), "level=") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if !strings.Contains(stdout.String(), "# ") {
		t.Errorf("no report:\n%s", stdout)
	}
}
