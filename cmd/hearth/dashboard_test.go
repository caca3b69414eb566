package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

var operatorLink = regexp.MustCompile(`^http://127\.0\.0\.1:(\d+)/dashboard/signin\?token=[A-Za-z0-9_-]+$`)

// TestDashboardOffline: `hearth dashboard` serves a database's dashboard on
// a local address, prints an operator's sign-in link that signs in once,
// and stops cleanly when interrupted.
func TestDashboardOffline(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hearth.db")
	hearthOK(t, nil, "", "simulate", "--db", db, "--until", "2026-11-30T00:00:00Z", "--members", "20", "--days", "30")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errOut bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: outW, stderr: &errOut, now: time.Now}
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"dashboard", "--db", db, "--addr", "127.0.0.1:0"}, e)
		outW.Close()
		done <- err
	}()
	var printed []string
	link := ""
	sc := bufio.NewScanner(outR)
	for link == "" && sc.Scan() {
		printed = append(printed, sc.Text())
		if operatorLink.MatchString(sc.Text()) {
			link = sc.Text()
		}
	}
	if link == "" {
		t.Fatalf("no sign-in link printed:\n%s\n%s", strings.Join(printed, "\n"), errOut.String())
	}
	go io.Copy(io.Discard, outR) // whatever else it prints
	if !strings.Contains(printed[0], "shell:local") || !strings.Contains(printed[0], "/dashboard/") {
		t.Errorf("first line %q should name the community and the address", printed[0])
	}
	u, _ := url.Parse(link)
	base := u.Scheme + "://" + u.Host

	// Without a session: the sign-in page.
	if code, body := httpGet(t, base+"/dashboard/members", ""); code != http.StatusUnauthorized || !strings.Contains(body, "Sign in") {
		t.Errorf("members without a session: %d %.300s", code, body)
	}
	// The link signs in once.
	cookie := signInWith(t, base, u.Query().Get("token"))
	if cookie == nil {
		t.Fatal("the operator's link did not sign in")
	}
	if cookie.Secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie over http: %+v", cookie)
	}
	code, body := httpGet(t, base+"/dashboard/", cookie.Name+"="+cookie.Value)
	if code != 200 || strings.Contains(body, "Sign in to the dashboard") || !strings.Contains(body, "data-figure") {
		t.Errorf("overview signed in: %d %.300s", code, body)
	}
	// The operator gets the pages' navigation, period picker and sign-out.
	for _, want := range []string{`href="/dashboard/members`, `class="picker"`, `action="/dashboard/signout"`, "Signed in as <bdi>the operator</bdi>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the operator's overview lacks %s", want)
		}
	}
	if signInWith(t, base, u.Query().Get("token")) != nil {
		t.Error("the operator's link signed in twice")
	}
	if code, body := httpGet(t, base+"/", ""); code != http.StatusUnauthorized || !strings.Contains(body, "Sign in") {
		t.Errorf("/ (redirected to the dashboard's sign-in): %d", code)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("hearth dashboard, interrupted: %v\n%s", err, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("hearth dashboard did not stop when interrupted")
	}
}

func TestDashboardOfflineRefuses(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hearth.db")
	hearthOK(t, nil, "", "simulate", "--db", db, "--until", "2026-11-30T00:00:00Z", "--members", "5", "--days", "7")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"dashboard", "--db", filepath.Join(dir, "missing.db")}, "missing.db"},
		{[]string{"dashboard", "--db", db, "--community", "slack:T404"}, `no community "slack:T404"`},
		{[]string{"dashboard", "--db", db, "--addr", "127.0.0.1:99999"}, "--addr"},
	} {
		var out, errOut bytes.Buffer
		e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, now: time.Now}
		err := run(context.Background(), tc.args, e)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("hearth %s: %v, want an error naming %s", strings.Join(tc.args, " "), err, tc.want)
		}
		if strings.Contains(out.String(), "token=") {
			t.Errorf("hearth %s printed a link though it failed: %s", strings.Join(tc.args, " "), out.String())
		}
	}
}

// hearthOK runs a hearth command in-process and returns its standard
// output, failing t if it fails.
func hearthOK(t *testing.T, vars map[string]string, stdin string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, now: time.Now}
	if err := run(context.Background(), args, e); err != nil {
		t.Fatalf("hearth %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// httpGet gets url with cookie ("" for none) without following redirects
// elsewhere than the dashboard, and returns the status and body.
func httpGet(t *testing.T, url, cookie string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// signInWith posts a link's token as the sign-in page's form does and
// returns the session cookie set, or nil.
func signInWith(t *testing.T, base, token string) *http.Cookie {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/dashboard/signin", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			return c
		}
	}
	return nil
}

// TestDashboardServedByRun: a real `hearth run` on a fake Slack serves the
// dashboard on HEARTH_HTTP_ADDR beside /healthz; a facilitator's
// `/hearth dashboard` answers privately with a link under
// HEARTH_PUBLIC_URL that signs in there, with a Secure cookie since that
// URL is https; a member's gets a refusal and no link.
func TestDashboardServedByRun(t *testing.T) {
	clock := bot.NewManualClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	sl := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	sl.AddUser(platSlackAlice, platSlackAda)
	sl.AddChannel(platSlackGeneral)
	vars := map[string]string{
		"SLACK_BOT_TOKEN": sl.Options().BotToken, "SLACK_APP_TOKEN": sl.Options().AppToken, "SLACK_API_URL": sl.URL(),
		"HEARTH_TZ": "UTC", "HEARTH_FACILITATORS": platSlackAda.ID,
		"HEARTH_HTTP_ADDR": "127.0.0.1:0", "HEARTH_PUBLIC_URL": "https://hearth.example.org",
	}
	logs := &platLog{}
	e := platformEnv(vars, clock.Now, logs)
	e.wait = newCISim(clock).wait
	db := filepath.Join(t.TempDir(), "hearth.db")
	runInBackground(t, db, e)
	sl.WaitConnections(1)
	nuWaitCount(t, db, logs, "slack's members synced", 3, sqlNuMembers, "slack:"+sl.TeamID())
	base := "http://" + platHTTPAddr(t, logs)

	command := func(u fakeslack.User) fakeslack.Response {
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: u.ID, UserName: u.Name, ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: "dashboard"})
		return platSlackResponse(t, sl, in.ResponseURL)
	}
	refused := command(platSlackAlice)
	if strings.Contains(refused.Text, "/dashboard/signin") || !strings.Contains(refused.Text, "for facilitators") {
		t.Errorf("a member's /hearth dashboard: %q", refused.Text)
	}
	answer := command(platSlackAda)
	if answer.ResponseType != "ephemeral" {
		t.Errorf("the link was posted %q, not privately", answer.ResponseType)
	}
	m := regexp.MustCompile(`https://hearth\.example\.org(/dashboard/signin\?token=[A-Za-z0-9_-]+)`).FindStringSubmatch(answer.Text)
	if m == nil {
		t.Fatalf("no link under HEARTH_PUBLIC_URL in %q", answer.Text)
	}
	u, _ := url.Parse(base + m[1])
	if code, body := httpGet(t, u.String(), ""); code != 200 || !strings.Contains(body, `name="token"`) {
		t.Errorf("the link's page: %d %.300s", code, body)
	}
	cookie := signInWith(t, base, u.Query().Get("token"))
	if cookie == nil || !cookie.Secure || !cookie.HttpOnly {
		t.Fatalf("session cookie under an https public URL: %+v", cookie)
	}
	if code, body := httpGet(t, base+"/dashboard/", cookie.Name+"="+cookie.Value); code != 200 || !strings.Contains(body, "data-figure") {
		t.Errorf("overview signed in: %d %.300s", code, body)
	}
	if body := platGet(t, base+"/healthz"); strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz beside the dashboard: %q", body)
	}
}
