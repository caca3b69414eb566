package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/members"
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
	var d memberExport
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Member.ID != "bob" || d.Counts[bot.KindMessage] != 1 || d.Counts[bot.KindReaction] != 1 || len(d.Events) != 2 {
		t.Fatalf("export: %v %s", err, out)
	}
	if strings.Contains(out, "Hi alice") {
		t.Fatal("the export holds message text, which Hearth never stores")
	}
	if out, err := cli("forget", "--db", db, "--member", "bob", "--yes"); err != nil || !strings.Contains(out, "erased member bob of shell:local") {
		t.Fatalf("forget: %q %v", out, err)
	}
	if _, err := cli("export", "--db", db, "--member", "bob"); err == nil || !strings.Contains(err.Error(), `keeps nothing about member "bob"`) {
		t.Fatalf("export after forget: %v", err)
	}
	if _, err := cli("forget", "--db", db, "--member", "bob", "--yes"); err == nil {
		t.Fatal("forgetting twice should say there is nothing")
	}
	for _, args := range [][]string{{"forget", "--db", db}, {"export", "--db", db}} {
		if _, err := cli(args...); err == nil || !strings.Contains(err.Error(), "needs --member") {
			t.Errorf("%q: %v", args, err)
		}
	}
}

// TestForgetAsksFirst: erasing cannot be undone, so on a terminal forget
// asks for the member's id to be typed back, with --yes it does not ask,
// and without a terminal it needs --yes.
func TestForgetAsksFirst(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		typed    string
		yes      bool
		code     int
		erased   bool
		stderr   string // part of it
	}{
		{name: "terminal, confirmed", terminal: true, typed: "bob\n", code: 0, erased: true,
			stderr: "Forget bob (2 events)? This cannot be undone. Type the name (bob) to confirm: "},
		{name: "terminal, another name", terminal: true, typed: "alice\n", code: 1, stderr: "not confirmed: nothing erased"},
		{name: "terminal, end of input", terminal: true, typed: "", code: 1, stderr: "not confirmed: nothing erased"},
		{name: "terminal, --yes", terminal: true, yes: true, code: 0, erased: true},
		{name: "no terminal, --yes", yes: true, code: 0, erased: true},
		{name: "no terminal", typed: "bob\n", code: 2, stderr: "add --yes to erase without asking"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "hearth.db")
			e, _, stderr := testEnv("alice: Hello!\nbob: Hi alice\nbob react: tada\n", map[string]string{})
			if err := run(context.Background(), []string{"shell", "--db", db, "--clock", "2026-11-02T08:00:00Z"}, e); err != nil {
				t.Fatalf("shell: %v\n%s", err, stderr)
			}
			args := []string{"forget", "--db", db, "--member", "bob"}
			if tt.yes {
				args = append(args, "--yes")
			}
			e, stdout, stderr := testEnv(tt.typed, map[string]string{})
			e.terminal = tt.terminal
			if code := runMain(context.Background(), args, e); code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not hold %q", stderr, tt.stderr)
			}
			if tt.yes && strings.Contains(stderr.String(), "Type the name") {
				t.Errorf("--yes asked: %q", stderr)
			}
			e, _, _ = testEnv("", map[string]string{})
			err := run(context.Background(), []string{"export", "--db", db, "--member", "bob"}, e)
			if erased := err != nil && strings.Contains(err.Error(), "keeps nothing"); erased != tt.erased {
				t.Errorf("erased: %v, want %v (export: %v)", erased, tt.erased, err)
			}
			if got := strings.Contains(stdout.String(), "erased member bob"); got != tt.erased {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
}

// The question names what would go: the display name when it is not the
// id, the events, and each other kind of data the member has.
func TestForgetSummary(t *testing.T) {
	d := features.MemberData{Member: bot.Member{ID: "U1", Name: "Ann"}, Events: make([]features.MemberEvent, 12),
		Answers: make([]checkins.MemberAnswer, 3), Nudges: make([]members.Nudge, 1), Stories: make([]library.Story, 2)}
	if got, want := forgetSummary(d), "Ann, 12 events, 3 check-in answers, 1 nudge, 2 stories"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := forgetSummary(features.MemberData{Member: bot.Member{ID: "bob", Name: "bob"}, Events: make([]features.MemberEvent, 1)}), "1 event"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
