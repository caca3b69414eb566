package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/store"
)

// readmePlan is the plan the README's "A one-year plan" shows.
func readmePlan(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "### A one-year plan")
	if !ok {
		t.Fatal("README has no one-year plan")
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	if !ok {
		t.Fatal("the one-year plan has no YAML")
	}
	block, _, _ = strings.Cut(block, "```")
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// planSnapshot is every schedule, event, survey and deck prompt, row for row.
func planSnapshot(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const comm = "shell:local"
	var sb strings.Builder
	scheds, err := db.Schedules(ctx, comm)
	if err != nil {
		t.Fatal(err)
	}
	events, err := db.CommunityEvents(ctx, comm, meetings.EventQuery{Cancelled: true})
	if err != nil {
		t.Fatal(err)
	}
	surveys, err := db.Surveys(ctx, comm)
	if err != nil {
		t.Fatal(err)
	}
	deck, err := db.DeckPrompts(ctx, comm)
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []any{scheds, events, surveys, deck} {
		fmt.Fprintf(&sb, "%+v\n", rows)
	}
	return sb.String()
}

// The README's plan applies offline in full, channels it names unseen and
// its event unannounced; applying it again changes nothing and says so.
func TestPlanApplyOfflineTwice(t *testing.T) {
	ctx := context.Background()
	plan := readmePlan(t)
	db := filepath.Join(t.TempDir(), "plan.db")
	e, _, stderr := testEnv("", map[string]string{})
	if err := run(ctx, []string{"shell", "--db", db, "--facilitator", "carol"}, e); err != nil {
		t.Fatalf("shell: %v\n%s", err, stderr)
	}
	apply := func() string {
		e, out, stderr := testEnv("", map[string]string{})
		if err := run(ctx, []string{"plan", "apply", "--db", db, "--as", "carol", plan}, e); err != nil {
			t.Fatalf("plan apply: %v\n%s%s", err, out, stderr)
		}
		return out.String()
	}
	first := apply()
	if strings.Contains(first, "FAILED") || strings.Contains(first, "already set up") {
		t.Fatalf("first apply:\n%s", first)
	}
	for _, want := range []string{"#facilitators, #general not seen on the platform yet", "digest channel: The weekly digest goes to #facilitators", "not announced yet"} {
		if !strings.Contains(first, want) {
			t.Errorf("first apply lacks %q:\n%s", want, first)
		}
	}
	before := planSnapshot(t, db)
	if !strings.Contains(before, "Monthly webinar") || !strings.Contains(before, "What did you try this week?") {
		t.Fatalf("the plan's event or prompt is missing:\n%s", before)
	}
	second := apply()
	if after := planSnapshot(t, db); after != before {
		t.Errorf("applying again changed the database:\nbefore %s\nafter  %s", before, after)
	}
	steps := strings.Count(first, "\n  ok ")
	if n := strings.Count(second, ": already set up\n"); n != steps || !strings.Contains(second, "Every step was already set up: nothing changed.") {
		t.Errorf("second apply: %d of %d steps already set up:\n%s", n, steps, second)
	}
}
