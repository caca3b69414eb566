package bot_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/hearth-community/hearth"

// TestDependencyRules keeps the house's one rule: bot imports only the
// standard library; adapters, store and schedules import bot and never each
// other; only cmd wires them together.
func TestDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", module+"/bot").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != module+"/bot" {
			t.Errorf("bot depends on %s; the core imports only the standard library", p)
		}
	}

	out, err = exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		from := room(pkg)
		for _, imp := range strings.Fields(imports) {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to := room(imp)
			if from != to && from != "cmd" && to != "bot" {
				t.Errorf("%s imports %s: %s may import only bot (cmd wires the rooms together)", pkg, imp, from)
			}
			if from == "bot" && to != "bot" {
				t.Errorf("%s imports %s: the core imports nothing of Hearth's outside bot/", pkg, imp)
			}
		}
	}
}

// room names the part of the house a package lives in: bot, store,
// schedules, cmd, or adapters/NAME (each adapter is its own room).
func room(pkg string) string {
	rel := strings.TrimPrefix(pkg, module+"/")
	parts := strings.Split(rel, "/")
	if parts[0] == "adapters" && len(parts) > 1 {
		return "adapters/" + parts[1]
	}
	return parts[0]
}
