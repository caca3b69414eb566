package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
)

// TestForgetAndExport: an operator exports a member's data, erases it, and
// the export then finds nothing; bad flags are usage errors.
func TestForgetAndExport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	script := "alice: Hello!\nbob: Hi alice\nbob react: tada\n"
	e, _, stderr := testEnv(script, map[string]string{})
	if err := run(context.Background(), []string{"shell", "--db", db, "--clock", "2026-11-02T08:00:00Z"}, e); err != nil {
		t.Fatalf("shell: %v\n%s", err, stderr)
	}
	cli := func(args ...string) (string, error) {
		e, out, _ := testEnv("", map[string]string{})
		err := run(context.Background(), args, e)
		return out.String(), err
	}
	out, err := cli("export", "--db", db, "--member", "bob")
	if err != nil {
		t.Fatal(err)
	}
	var d features.MemberData
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Member.ID != "bob" || d.Counts[bot.KindMessage] != 1 || d.Counts[bot.KindReaction] != 1 || len(d.Events) != 2 {
		t.Fatalf("export: %v %s", err, out)
	}
	if strings.Contains(out, "Hi alice") {
		t.Fatal("the export holds message text, which Hearth never stores")
	}
	if out, err := cli("forget", "--db", db, "--member", "bob"); err != nil || !strings.Contains(out, "erased member bob of shell:local") {
		t.Fatalf("forget: %q %v", out, err)
	}
	if _, err := cli("export", "--db", db, "--member", "bob"); err == nil || !strings.Contains(err.Error(), `keeps nothing about member "bob"`) {
		t.Fatalf("export after forget: %v", err)
	}
	if _, err := cli("forget", "--db", db, "--member", "bob"); err == nil {
		t.Fatal("forgetting twice should say there is nothing")
	}
	for _, args := range [][]string{{"forget", "--db", db}, {"export", "--db", db}} {
		if _, err := cli(args...); err == nil || !strings.Contains(err.Error(), "needs --member") {
			t.Errorf("%q: %v", args, err)
		}
	}
}
