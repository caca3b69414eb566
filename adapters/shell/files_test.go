package shell_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
)

// postedPaths posts two files named chart.png from a new session and
// returns the paths the output names.
func postedPaths(t *testing.T, dir string, data ...string) []string {
	t.Helper()
	var out strings.Builder
	sh, err := shell.New(shell.Config{Handler: &fakeHandler{}, Clock: bot.NewManualClock(start), Out: &out, FilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range data {
		if _, err := sh.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: "general"},
			bot.Post{Text: "digest", Image: &bot.File{Name: "chart.png", Data: []byte(d)}}); err != nil {
			t.Fatal(err)
		}
	}
	var paths []string
	for _, m := range regexp.MustCompile(`\(image: (.*)\)`).FindAllStringSubmatch(out.String(), -1) {
		paths = append(paths, m[1])
	}
	if len(paths) != len(data) {
		t.Fatalf("%d paths named, want %d:\n%s", len(paths), len(data), out.String())
	}
	return paths
}

// TestFilesNeverOverwriteEachOther: without HEARTH_FILES_DIR each session
// writes into a directory of its own in the temp directory; within a
// directory (its own or one given) a file of a name already there gets a
// new name, so no chart or calendar file replaces another.
func TestFilesNeverOverwriteEachOther(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	one, two := postedPaths(t, "", "a", "b"), postedPaths(t, "", "c")
	for _, p := range append(one, two...) {
		if !strings.HasPrefix(p, tmp+string(filepath.Separator)+"hearth-files-") {
			t.Errorf("%s is not in a session directory under %s", p, tmp)
		}
	}
	if filepath.Dir(one[0]) == filepath.Dir(two[0]) {
		t.Errorf("two sessions share %s", filepath.Dir(one[0]))
	}
	given := t.TempDir()
	three := postedPaths(t, given, "d")
	four := postedPaths(t, given, "e")
	for _, tc := range []struct{ path, data string }{{one[0], "a"}, {one[1], "b"}, {two[0], "c"}, {three[0], "d"}, {four[0], "e"}} {
		got, err := os.ReadFile(tc.path)
		if err != nil || string(got) != tc.data {
			t.Errorf("%s holds %q, %v; want %q", tc.path, got, err, tc.data)
		}
	}
	if filepath.Base(one[1]) != "chart-2.png" || filepath.Base(four[0]) != "chart-2.png" {
		t.Errorf("second files named %s and %s, want chart-2.png", one[1], four[0])
	}
}
