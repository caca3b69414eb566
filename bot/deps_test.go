package bot_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/hearth-community/hearth"

// TestDependencyRules keeps the rooms apart: adapters, store and schedules
// import bot/... and never each other; only cmd wires them together.
// TestFeaturesStandAlone keeps the rules inside bot/.
func TestDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", module+"/...").CombinedOutput()
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

// TestFeaturesStandAlone keeps issue 12's rules for what lives under bot/:
// every package there, tests included, imports only the standard library
// and bot/...; a feature (a package bot/features registers) imports the
// kernel and no other feature, nor what is for wiring and tests
// (bot/features, bot/memstore, bot/bottest); a feature's tests may add
// those three, and no other feature either.
func TestFeaturesStandAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "-test", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", module+"/bot/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// "P", or a test package: "P.test", "P_test [P.test]", "P [P.test]".
		p, _, _ := strings.Cut(line, " ")
		p = strings.TrimSuffix(strings.TrimSuffix(p, ".test"), "_test")
		if p != module+"/bot" && !strings.HasPrefix(p, module+"/bot/") {
			t.Errorf("a package under bot/ depends on %s: bot/... imports only the standard library and bot/...", line)
		}
	}

	out, err = exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", module+"/bot/features").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	feature := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, module+"/bot/") {
			feature[p] = true
		}
	}
	if len(feature) == 0 {
		t.Fatal("bot/features registers no feature package")
	}
	forTests := map[string]bool{module + "/bot/features": true, module + "/bot/memstore": true, module + "/bot/bottest": true}
	out, err = exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}:{{join .TestImports \" \"}} {{join .XTestImports \" \"}}", module+"/bot/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, rest, _ := strings.Cut(line, ":")
		imports, tests, _ := strings.Cut(rest, ":")
		if !feature[pkg] {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if imp != pkg && (feature[imp] || forTests[imp]) {
				t.Errorf("%s imports %s: a feature imports only the kernel (bot) of Hearth's packages", pkg, imp)
			}
		}
		for _, imp := range strings.Fields(tests) {
			if imp != pkg && feature[imp] {
				t.Errorf("%s's tests import %s: a feature's tests may add bot/features, bot/memstore and bot/bottest, not another feature", pkg, imp)
			}
		}
	}
}
