package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunWithoutPlatformOrTerminalFails: a container started without its
// tokens (no platform variables, stdin not a terminal) exits 1 naming the
// variables Hearth looked for and the misspelt ones it found, instead of
// playing an empty shell script and exiting 0; `hearth shell` still reads
// a script from standard input.
func TestRunWithoutPlatformOrTerminalFails(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		want    []string
		notWant []string
	}{
		{"nothing set", nil, []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_BOT_TOKEN", "hearth shell"}, []string{"not read"}},
		{"misspelt", map[string]string{"SLACK_TOKEN": "xoxb-secret", "DISCORD_TOKEN": "abc", "HEARTH_DATABASE": "x.db", "HEARTH_TZ": "UTC", "PATH": "/bin"},
			[]string{"set but not read by Hearth: DISCORD_TOKEN, HEARTH_DATABASE, SLACK_TOKEN"}, []string{"xoxb-secret", "HEARTH_TZ,", "PATH"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "hearth.db")
			e, stdout, stderr := testEnv("alice: hi\n", tt.vars)
			e.environ = func() []string {
				var kv []string
				for k, v := range tt.vars {
					kv = append(kv, k+"="+v)
				}
				return kv
			}
			for _, args := range [][]string{{"--db", db}, {"run", "--db", db}} {
				stderr.Reset()
				if code := runMain(context.Background(), args, e); code != 1 {
					t.Fatalf("hearth %s: exit %d, want 1\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
				}
				msg := stderr.String()
				if !strings.HasPrefix(msg, "hearth: no platform configured") || strings.Count(msg, "\n") != 1 {
					t.Errorf("want one line starting with the cause, got %q", msg)
				}
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("message %q does not mention %q", msg, w)
					}
				}
				for _, w := range tt.notWant {
					if strings.Contains(msg, w) {
						t.Errorf("message %q mentions %q", msg, w)
					}
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("printed %q, want nothing", stdout)
			}
		})
	}
	// The shell on purpose: a piped script, and `hearth run` on a terminal.
	db := filepath.Join(t.TempDir(), "hearth.db")
	e, _, stderr := testEnv("alice: hi\n", nil)
	if code := runMain(context.Background(), []string{"shell", "--db", db}, e); code != 0 {
		t.Errorf("hearth shell < script: exit %d: %s", code, stderr)
	}
	e, _, stderr = testEnv("alice: hi\n", nil)
	e.terminal = true
	if code := runMain(context.Background(), []string{"run", "--db", db}, e); code != 0 {
		t.Errorf("hearth run on a terminal: exit %d: %s", code, stderr)
	}
}
