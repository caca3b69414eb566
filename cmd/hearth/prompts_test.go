package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePromptFile(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		err      string
	}{
		{name: "plain and full entries", in: "prompts:\n  - What did you try?\n  - text: What surprised you?\n", want: []string{"What did you try?", "What surprised you?"}},
		{name: "empty text names its line", in: "prompts:\n  - fine\n  - text: \"\"\n", err: "line 3: a prompt has no text"},
		{name: "unknown field", in: "prompts:\n  - txt: oops\n", err: "line 2: unknown field \"txt\""},
		{name: "no list", in: "title: x\n", err: "not a prompt file"},
		{name: "empty list", in: "prompts: []\n", err: "no prompts"},
		{name: "not yaml", in: "prompts: [unclosed\n", err: "not a prompt file"},
		{name: "too long", in: "prompts:\n  - " + strings.Repeat("x", 2001) + "\n", err: "line 2: a prompt is longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePromptFile([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func FuzzParsePromptFile(f *testing.F) {
	f.Add("prompts:\n  - a\n  - text: b\n")
	f.Add("prompts: [")
	f.Fuzz(func(t *testing.T, s string) {
		parsePromptFile([]byte(s)) // must not panic
	})
}

func TestPromptsImportAndDigestFormats(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	hearth(t, "alice: hello\nbob reply: hi\n", nil, "shell", "--db", db, "--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol")
	deck := filepath.Join(dir, "deck.yaml")
	if err := os.WriteFile(deck, []byte("prompts:\n  - What did you try?\n  - text: What surprised you?\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := hearth(t, "", nil, "prompts", "import", "--db", db, deck)
	if !strings.Contains(out, "imported 2 prompts into the deck of shell:local (#1 to #2)") {
		t.Errorf("import said %q", out)
	}
	out = hearth(t, "carol: /hearth prompt deck list\n", nil, "shell", "--db", db, "--clock", "2026-11-02T10:00:00Z", "--facilitator", "carol")
	if !strings.Contains(out, "#1 What did you try? (never posted)") || !strings.Contains(out, "#2 What surprised you?") {
		t.Errorf("deck after import:\n%s", out)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("prompts:\n  - ok\n  - text: \"\"\n"), 0o644)
	e, _, _ := testEnv("", nil)
	if err := run(context.Background(), []string{"prompts", "import", "--db", db, bad}, e); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad file: %v", err)
	}

	chart := filepath.Join(dir, "chart.png")
	md := hearth(t, "", nil, "digest", "--db", db, "--now", "2026-11-03T09:00:00Z", "--format", "markdown", "--chart", chart)
	if !strings.HasPrefix(md, "# Weekly digest · Oct 27 – Nov 3, 2026") || !strings.Contains(md, "## Say thank you to\n\n- alice: 1 post") {
		t.Errorf("markdown digest:\n%s", md)
	}
	if png, err := os.ReadFile(chart); err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("chart file: %v (%d bytes)", err, len(png))
	}
	text := hearth(t, "", nil, "digest", "--db", db, "--now", "2026-11-03T09:00:00Z")
	if !strings.HasPrefix(text, "Weekly digest · Oct 27 – Nov 3, 2026\nMembers 2 (▲2)") {
		t.Errorf("text digest:\n%s", text)
	}
}

// TestPromptsImportIsBounded: a file over 2 MiB, a file of more prompts
// than a deck holds, and an import that would overfill the deck are each
// refused with the reason, and nothing is added.
func TestPromptsImportIsBounded(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	hearth(t, "alice: hello\n", nil, "shell", "--db", db, "--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol")
	deckFile := func(name string, n int, text string) string {
		var sb strings.Builder
		sb.WriteString("prompts:\n")
		for i := range n {
			fmt.Fprintf(&sb, "  - %s %d?\n", text, i)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	huge := deckFile("huge.yaml", 900, strings.Repeat("x", 2500))
	tooMany := deckFile("many.yaml", 1001, "why")
	six := deckFile("six.yaml", 600, "what")
	other := deckFile("other.yaml", 600, "how")
	tests := []struct {
		file, want string
	}{
		{huge, "huge.yaml is too large (2.2 MiB): an import file is 2 MiB at most"},
		{tooMany, "many.yaml: 1001 prompts: a deck holds 1000 at most"},
		{six, ""},
		{other, "other.yaml: The deck holds 600 prompts; 600 more would pass 1000, the most a deck holds: add 400 at most."},
	}
	for _, tt := range tests {
		e, stdout, stderr := testEnv("", nil)
		code := runMain(context.Background(), []string{"prompts", "import", "--db", db, tt.file}, e)
		if tt.want == "" {
			if code != 0 || !strings.Contains(stdout.String(), "imported 600 prompts") {
				t.Fatalf("import %s: exit %d, %s%s", filepath.Base(tt.file), code, stdout, stderr)
			}
			continue
		}
		if code != 1 || !strings.HasSuffix(strings.TrimSpace(stderr.String()), tt.want) {
			t.Errorf("import %s: exit %d, stderr %q; want 1, %q", filepath.Base(tt.file), code, stderr, tt.want)
		}
	}
	out := hearth(t, "carol: /hearth prompt deck list\n", nil, "shell", "--db", db, "--clock", "2026-11-02T10:00:00Z", "--facilitator", "carol")
	if !strings.Contains(out, "_1–25 of 600._") {
		t.Errorf("the deck after the imports:\n%s", out)
	}
}

// Importing a file again adds nothing: prompts already in the deck (by
// their words, whatever the case and spacing) or given twice are skipped,
// and the output counts them in the right number.
func TestPromptsImportSkipsDuplicates(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	hearth(t, "alice: hi\n", nil, "shell", "--db", db, "--clock", "2026-11-02T09:00:00Z")
	file := filepath.Join(dir, "deck.yaml")
	if err := os.WriteFile(file, []byte("prompts:\n  - What did you try?\n  - text: What  did you TRY?\n  - What surprised you?\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"imported 2 prompts into the deck of shell:local (#1 to #2); skipped 1 prompt already in the deck (or given twice)",
		"imported no prompts into the deck of shell:local; skipped 3 prompts already in the deck (or given twice)",
	} {
		if out := hearth(t, "", nil, "prompts", "import", "--db", db, file); !strings.Contains(out, want) {
			t.Errorf("import said %q, want %q", out, want)
		}
	}
	if err := os.WriteFile(file, []byte("prompts:\n  - What did you try?\n  - A new one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := hearth(t, "", nil, "prompts", "import", "--db", db, file); !strings.Contains(out, "imported 1 prompt into the deck of shell:local (#3); skipped 1 prompt") {
		t.Errorf("import said %q", out)
	}
}
