package bot_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/hearth-community/hearth"

// TestDependencyRules keeps the house's rules: everything under bot/ imports
// only the standard library and bot/..., and features never import each
// other; adapters, store and schedules import bot and never each other; only
// cmd wires them together.
func TestDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	// Everything under bot/ imports only the standard library and bot/...;
	// a feature imports the kernel and nothing of another feature: they
	// link through interfaces the kernel declares.
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", module+"/bot/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	features := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		feature := !assembly[pkg]
		if feature {
			features++
		}
		for _, imp := range strings.Fields(imports) {
			switch {
			case !strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
				// the standard library
			case !strings.HasPrefix(imp, module+"/bot"):
				t.Errorf("%s imports %s; everything under bot/ imports only the standard library", pkg, imp)
			case feature && imp != module+"/bot":
				t.Errorf("%s imports %s; a feature imports only the kernel (link through an interface in bot)", pkg, imp)
			}
		}
	}
	if features < 8 {
		t.Errorf("found %d feature packages under bot/; the rule is checked on none", features)
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

// assembly are the packages under bot/ that are not features: the kernel,
// the list of features, the in-memory store, the simulator and test helpers.
var assembly = map[string]bool{
	module + "/bot": true, module + "/bot/features": true, module + "/bot/memstore": true,
	module + "/bot/simulate": true, module + "/bot/bottest": true,
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
