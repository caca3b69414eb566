package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimulateRefusesAnExistingCommunity: simulate needs --db, fills a new
// file, refuses to mix a second history into it, and adds only with --add.
func TestSimulateRefusesAnExistingCommunity(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sim.db")
	run := func(args ...string) (int, string, string) {
		e, stdout, stderr := testEnv("", map[string]string{"HEARTH_LOG_LEVEL": "error"})
		code := runMain(context.Background(), append([]string{"simulate"}, args...), e)
		return code, stdout.String(), stderr.String()
	}
	if code, _, stderr := run("--members", "3", "--days", "2"); code == 0 || !strings.Contains(stderr, "needs --db") {
		t.Fatalf("without --db: exit %d, stderr %q; want a refusal naming --db", code, stderr)
	}
	if code, _, stderr := run("--db", db, "--members", "3", "--days", "2"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := run("--db", db, "--members", "3", "--days", "2")
	if code != 1 || !strings.Contains(stderr, "already holds a community (shell:local)") || !strings.Contains(stderr, "--add") {
		t.Fatalf("second run: exit %d, stdout %q, stderr %q; want a refusal naming the community and --add", code, stdout, stderr)
	}
	if strings.Contains(stdout, "simulated") {
		t.Errorf("the refused run simulated: %q", stdout)
	}
	if code, _, stderr := run("--db", db, "--add", "--members", "3", "--days", "2"); code != 0 {
		t.Fatalf("with --add: exit %d: %s", code, stderr)
	}
}
