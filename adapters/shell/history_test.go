package shell_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/adapters/shell"
)

func historyLines(h *shell.History) []string {
	var out []string
	for i := h.Len() - 1; i >= 0; i-- {
		out = append(out, h.At(i))
	}
	return out
}

func TestHistoryKeepsTypedLinesInAPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "hearth", "history")
	h, err := shell.OpenHistory(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"alice: hello", "alice: hello", "", "   ", " erin dm: kept out, it starts with a space",
		"bob: /hearth report", strings.Repeat("x", 8001), strings.Repeat("y", 4096), ":advance 1d"} {
		h.Add(l)
	}
	want := []string{"alice: hello", "bob: /hearth report", ":advance 1d"}
	if got := historyLines(h); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("kept %q, want %q (no repeats, blanks, space-led or too-long lines)", got, want)
	}
	if h.At(0) != ":advance 1d" {
		t.Errorf("At(0) = %q, want the newest line", h.At(0))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != strings.Join(want, "\n")+"\n" {
		t.Errorf("file holds %q", data)
	}
	for p, mode := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v (%v), want %v", p, fi.Mode().Perm(), err, mode)
		}
	}
	again, err := shell.OpenHistory(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := historyLines(again); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("reopened: %q, want %q", got, want)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	const max = 5
	h, err := shell.OpenHistory(path, max)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 23; i++ {
		h.Add(fmt.Sprintf("alice: line %d", i))
		if h.Len() > max {
			t.Fatalf("after %d lines, %d kept, want at most %d", i, h.Len(), max)
		}
		data, _ := os.ReadFile(path)
		if n := strings.Count(string(data), "\n"); n >= 2*max {
			t.Fatalf("after %d lines the file holds %d, want fewer than %d", i, n, 2*max)
		}
	}
	if err := h.Err(); err != nil {
		t.Fatal(err)
	}
	again, err := shell.OpenHistory(path, max)
	if err != nil {
		t.Fatal(err)
	}
	want := "alice: line 19|alice: line 20|alice: line 21|alice: line 22|alice: line 23"
	if got := strings.Join(historyLines(again), "|"); got != want {
		t.Errorf("reopened: %q, want the newest %d: %q", got, max, want)
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n > max {
		t.Errorf("reopening leaves %d lines in the file, want it cut back to %d", n, max)
	}
}

func TestHistoryTightensAWiderFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	if err := os.WriteFile(path, []byte("alice: hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := shell.OpenHistory(path, 0); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

func TestHistoryInMemory(t *testing.T) {
	h, err := shell.OpenHistory("", 2)
	if err != nil {
		t.Fatal(err)
	}
	h.Add("a: 1")
	h.Add("a: 2")
	h.Add("a: 3")
	if got := strings.Join(historyLines(h), "|"); got != "a: 2|a: 3" || h.Err() != nil {
		t.Errorf("got %q (%v)", got, h.Err())
	}
}
