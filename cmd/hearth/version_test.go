package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestVersionFlags(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}, {"-version"}} {
		var out bytes.Buffer
		e := env{getenv: func(string) string { return "" }, stdout: &out, stderr: &out}
		if err := run(context.Background(), args, e); err != nil {
			t.Errorf("hearth %s: %v", strings.Join(args, " "), err)
		}
		if !strings.HasPrefix(out.String(), "hearth ") {
			t.Errorf("hearth %s printed %q", strings.Join(args, " "), out.String())
		}
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	for _, tc := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}, "dev-0123456789ab+dirty"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}}, "dev-abc"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
	} {
		if got := versionFrom(&tc.info); got != tc.want {
			t.Errorf("versionFrom(%+v) = %q, want %q", tc.info.Main, got, tc.want)
		}
	}
}

func TestErrorsReachTheTerminalShown(t *testing.T) {
	var out bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdout: &out, stderr: &out}
	e.now = func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) }
	// A path is printed as given, not %q-quoted: only ForTerminal stands
	// between it and the terminal.
	dir := t.TempDir() + "/evil\x1b]0;owned\x07"
	if code := runMain(context.Background(), []string{"report", "--db", dir + "/missing/hearth.db"}, e); code != 1 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if strings.ContainsAny(out.String(), "\x1b\x07") || !strings.Contains(out.String(), `\x1b]0;owned\x07`) {
		t.Errorf("stderr holds %q", out.String())
	}
}
