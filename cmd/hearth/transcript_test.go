package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts from what Hearth says now")

// testEnv is an env for running hearth in-process with a fixed wall clock.
func testEnv(stdin string, vars map[string]string) (env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return env{
		getenv: func(k string) string { return vars[k] },
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		now:    func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
	}, &stdout, &stderr
}

// TestTranscripts replays each testdata/transcripts/*.txt through
// `hearth shell` and compares what Hearth prints with the .golden file
// beside it. A transcript's first lines may set flags and environment:
//
//	# args: --clock 2026-11-02T09:00:00Z --facilitator carol
//	# env: HEARTH_TZ=Europe/Paris
//
// Run `go test ./cmd/hearth -run Transcripts -update` to accept new output.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/transcripts/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			script, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			args, vars := transcriptHeader(string(script))
			db := filepath.Join(t.TempDir(), "hearth.db")
			files := t.TempDir()
			vars["HEARTH_FILES_DIR"] = files
			e, stdout, stderr := testEnv(string(script), vars)
			if err := run(context.Background(), append([]string{"shell", "--db", db}, args...), e); err != nil {
				t.Fatalf("hearth shell: %v\nstderr:\n%s", err, stderr)
			}
			// Images land in a fresh directory each run: name it.
			got := strings.ReplaceAll(stdout.String(), files, "$FILES")
			golden := strings.TrimSuffix(file, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("transcript %s differs from %s (run with -update if the change is intended)\n%s", name, golden, lineDiff(string(want), got))
			}
			if stderr.Len() > 0 {
				t.Errorf("the operator log has entries:\n%s", stderr)
			}
		})
	}
}

func transcriptHeader(script string) (args []string, vars map[string]string) {
	vars = map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(script))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		if rest, ok := strings.CutPrefix(line, "# args:"); ok {
			args = append(args, strings.Fields(rest)...)
		}
		if rest, ok := strings.CutPrefix(line, "# env:"); ok {
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				vars[k] = v
			}
		}
	}
	return args, vars
}

// lineDiff shows the first lines that differ, which is what a reader needs.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var sb strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			sb.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			shown++
		}
	}
	return sb.String()
}
