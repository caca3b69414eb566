package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/store"
)

const session = `alice: Hello everyone
bob reply: hi alice
carol react: wave
dave #design: card sorting?
erin joins
erin reply: yes!
gus #general: any tips for running a retro?
frank joins
:advance 2d
`

// hearth runs the command in-process and returns its standard output.
func hearth(t *testing.T, stdin string, vars map[string]string, args ...string) string {
	t.Helper()
	e, stdout, stderr := testEnv(stdin, vars)
	if err := run(context.Background(), args, e); err != nil {
		t.Fatalf("hearth %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return stdout.String()
}

func reportJSON(t *testing.T, db string, args ...string) bot.Report {
	t.Helper()
	out := hearth(t, "", nil, append([]string{"report", "--db", db, "--format", "json"}, args...)...)
	var r bot.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report json: %v\n%s", err, out)
	}
	return r
}

// TestShellAndReportAgree is the "done when": members post in the
// shell, the facilitator's /hearth report and `hearth report --format json`
// on the same database give the same numbers, and replaying the same
// session changes no number.
func TestShellAndReportAgree(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	shellArgs := []string{"shell", "--db", db, "--clock", "2026-11-02T09:00:00Z", "--facilitator", "carol"}
	out := hearth(t, session+"carol: /hearth report\n", nil, shellArgs...)
	for _, want := range []string{"Members 7 (▲7) · active 6 (▲6) · new 7 (▲7) · quiet 0 (=)",
		"Activity 3 messages (▲3) · 2 replies (▲2) · 1 reaction (▲1) · 0 check-in answers (=)",
		"Who takes part 3 creators · 3 responders · 1 observer"} {
		if !strings.Contains(out, want) {
			t.Errorf("/hearth report lacks %q:\n%s", want, out)
		}
	}
	// The shell's clock stood at 2026-11-04T09:00:08Z when carol asked.
	now := "2026-11-04T09:00:08Z"
	r := reportJSON(t, db, "--now", now)
	if r.Members != (bot.MemberCounts{Total: 7, Active: 6, New: 7}) ||
		r.Activity != (bot.ActivityCounts{Messages: 3, Replies: 2, Reactions: 1}) ||
		r.Tiers != (bot.Tiers{Creators: 3, Responders: 3, Observers: 1}) {
		t.Errorf("hearth report json: %+v %+v %+v", r.Members, r.Activity, r.Tiers)
	}
	// erin replied in #design, where dave's message made it the current channel.
	if len(r.Channels) != 2 || r.Channels[0].Name != "general" || r.Channels[0].Messages != 2 || r.Channels[1].Replies != 1 {
		t.Errorf("channels: %+v", r.Channels)
	}
	if len(r.Unanswered) != 1 || r.Unanswered[0].Author != "gus" || r.Unanswered[0].Channel != "general" {
		t.Errorf("unanswered: %+v", r.Unanswered)
	}

	// Replaying the same session records nothing new.
	hearth(t, session, nil, shellArgs...)
	again := reportJSON(t, db, "--now", now)
	a, _ := json.Marshal(r)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Errorf("replay changed the report:\nbefore %s\nafter  %s", a, b)
	}

	csv := hearth(t, "", nil, "report", "--db", db, "--format", "csv", "--now", now)
	if !strings.Contains(csv, "members,,,total,7,0\n") || !strings.Contains(csv, "channels,design,design,messages,1,\n") {
		t.Errorf("csv:\n%s", csv)
	}
	text := hearth(t, "", nil, "report", "--db", db, "--channel", "#design", "--since", "2026-11-01", "--until", "2026-11-04")
	if !strings.Contains(text, "Participation report · #design · Nov 1 – Nov 4, 2026") || !strings.Contains(text, "1 message") {
		t.Errorf("text report:\n%s", text)
	}
}

func TestReportCommandLineErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	hearth(t, "alice: hi\n", nil, "shell", "--db", db)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"report", "--db", filepath.Join(t.TempDir(), "missing.db")}, "missing.db"},
		{[]string{"report", "--db", db, "--format", "xml"}, "--format"},
		{[]string{"report", "--db", db, "--since", "2026-11-01"}, "--since and --until go together"},
		{[]string{"report", "--db", db, "--period", "7d", "--since", "2026-11-01", "--until", "2026-11-02"}, "either"},
		{[]string{"report", "--db", db, "--period", "soon"}, "can't read the period"},
		{[]string{"report", "--db", db, "--channel", "nowhere"}, "no channel named"},
		{[]string{"report", "--db", db, "--community", "slack:T1"}, "shell:local"},
		{[]string{"report", "--db", db, "extra"}, "unexpected argument"},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, tt := range tests {
		e, _, _ := testEnv("", nil)
		err := run(context.Background(), tt.args, e)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("hearth %s: err = %v, want it to mention %q", strings.Join(tt.args, " "), err, tt.want)
		}
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	hearth(t, session, nil, "shell", "--db", db, "--clock", "2026-11-02T09:00:00Z")
	dest := filepath.Join(dir, "copy.db")
	out := hearth(t, "", nil, "backup", "--db", db, dest)
	if !strings.Contains(out, "backed up") {
		t.Errorf("backup said %q", out)
	}
	now := "2026-11-04T09:00:08Z"
	if a, b := reportJSON(t, db, "--now", now), reportJSON(t, dest, "--now", now); a.Members != b.Members || a.Activity != b.Activity {
		t.Errorf("backup differs: %+v vs %+v", a, b)
	}
	e, _, _ := testEnv("", nil)
	if err := run(context.Background(), []string{"backup", "--db", db, dest}, e); err == nil {
		t.Error("backup overwrote an existing file")
	}
}

func TestOperatorEndpoints(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(testNow)})
	if err == nil {
		err = features.Register(b, db)
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(operatorMux(db, b, map[string]http.Handler{"POST /slack/events": http.NotFoundHandler()}, nil))
	defer srv.Close()
	b.HandleEvent(ctx, bot.Event{Kind: bot.KindMessage, Community: "shell:local", Channel: "general", Member: "alice", At: testNow, Key: "k1", Message: "1"})
	b.HandleEvent(ctx, bot.Event{Kind: bot.KindMessage, Community: "shell:local", Channel: "general", Member: "alice", At: testNow, Key: "k1", Message: "1"})
	for path, want := range map[string]string{
		"/healthz": "ok",
		"/readyz":  "ready",
		"/metrics": `hearth_events_total{kind="message",outcome="recorded",platform="shell"} 1` + "\n",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body := new(strings.Builder)
		_, _ = copyBody(body, resp)
		if resp.StatusCode != 200 || !strings.Contains(body.String(), want) {
			t.Errorf("GET %s = %d %q, want %q", path, resp.StatusCode, body, want)
		}
	}
	resp, _ := http.Get(srv.URL + "/metrics")
	body := new(strings.Builder)
	copyBody(body, resp)
	if !strings.Contains(body.String(), `hearth_events_total{kind="message",outcome="duplicate",platform="shell"} 1`+"\n") {
		t.Errorf("metrics:\n%s", body)
	}
}

func TestVersionAndHelp(t *testing.T) {
	if out := hearth(t, "", nil, "version"); !strings.HasPrefix(out, "hearth ") {
		t.Errorf("version: %q", out)
	}
	out := hearth(t, "", nil, "help")
	for _, c := range []string{"run", "shell", "report", "simulate", "backup", "version"} {
		if !strings.Contains(out, "  "+c) {
			t.Errorf("help lacks %s:\n%s", c, out)
		}
	}
}

var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func copyBody(w io.Writer, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}
