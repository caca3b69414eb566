package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/memstore"
)

// TestReadyzWaitsForPlatforms: /readyz answers 503 naming the platforms
// still connecting (at start, or while one reconnects), so an
// orchestrator routes nothing to a Hearth that cannot hear its platforms.
func TestReadyzWaitsForPlatforms(t *testing.T) {
	clock := bot.NewManualClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	b, err := bot.New(bot.Config{Store: memstore.New(clock), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	slackUp, discordUp := false, false
	services := []service{
		{name: "slack", connected: func() bool { return slackUp }},
		{name: "discord", connected: func() bool { return discordUp }},
		{name: "schedules"}, // not a platform: never waited for
	}
	srv := httptest.NewServer(operatorMux(okPinger{}, b, nil, func() []string { return connecting(services) }))
	defer srv.Close()
	tests := []struct {
		slack, discord bool
		code           int
		body           string
	}{
		{false, false, 503, "not ready: slack, discord connecting"},
		{true, false, 503, "not ready: discord connecting"},
		{true, true, 200, "ready"},
		{false, true, 503, "not ready: slack connecting"}, // reconnecting
	}
	for _, tt := range tests {
		slackUp, discordUp = tt.slack, tt.discord
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code || strings.TrimSpace(string(body)) != tt.body {
			t.Errorf("slack %v, discord %v: /readyz = %d %q, want %d %q", tt.slack, tt.discord, resp.StatusCode, body, tt.code, tt.body)
		}
	}
}

// TestReadyzOnceBothPlatformsConnect: a real `hearth run` on both fakes
// answers 503 while Slack cannot be reached (auth.test held), and ready
// once both adapters are connected.
func TestReadyzOnceBothPlatformsConnect(t *testing.T) {
	r := startPlatRig(t, platRigOptions{start: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		slackUsers: []fakeslack.User{platSlackAlice}, discordOwner: platDiscordOwner, discordUsers: []fakediscord.User{platDiscordOwner},
		vars: map[string]string{"HEARTH_HTTP_ADDR": "127.0.0.1:0"}, slackMembers: 2, discordMembers: 1})
	// READY came before /hearth was registered; a Slack event handled
	// comes after the socket's connected event.
	r.sl.PushEvent(fakeslack.Message(platSlackGeneral.ID, platSlackAlice.ID, "1793610000.000100"))
	nuWaitCount(t, r.db, r.logs, "slack's message recorded", 1, sqlNuEvents, r.slackCommunity, "message")
	url := "http://" + platHTTPAddr(t, r.logs) + "/readyz"
	if code, body := platGetReady(t, url); code != 200 || body != "ready" {
		t.Errorf("/readyz with both platforms connected = %d %q, want 200 ready", code, body)
	}
}

// TestReadyzWhileSlackUnreachable: Slack's auth.test does not answer yet,
// so `hearth run` is up (healthz) but not ready, and names Slack.
func TestReadyzWhileSlackUnreachable(t *testing.T) {
	sl := fakeslack.New(t, fakeslack.Options{})
	release := sl.Hold("auth.test")
	defer release()
	logs := &platLog{}
	e := platformEnv(map[string]string{"SLACK_BOT_TOKEN": sl.Options().BotToken, "SLACK_APP_TOKEN": sl.Options().AppToken,
		"SLACK_API_URL": sl.URL(), "HEARTH_HTTP_ADDR": "127.0.0.1:0"}, time.Now, logs)
	stop := runInBackground(t, filepath.Join(t.TempDir(), "hearth.db"), e)
	var addr string
	deadline := time.Now().Add(platWait)
	for addr == "" {
		if m := platListening.FindStringSubmatch(logs.String()); m != nil {
			addr = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no http listening line:\n%s", logs)
		} else {
			runtime.Gosched()
		}
	}
	if code, body := platGetReady(t, "http://"+addr+"/readyz"); code != 503 || body != "not ready: slack connecting" {
		t.Errorf("/readyz before Slack answered = %d %q, want 503 not ready: slack connecting", code, body)
	}
	release()
	if err := stop(); err != nil {
		t.Errorf("run: %v", err)
	}
}

func platGetReady(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// TestRefusedTokenExitsAtOnce: a token the platform refuses (Slack
// invalid_auth, Discord 401 or gateway close 4004) stops `hearth run` with
// exit 1 and one line naming the variable, with no doubled prefix; no
// retrying a token that will never work.
func TestRefusedTokenExitsAtOnce(t *testing.T) {
	sl := fakeslack.New(t, fakeslack.Options{})
	dc := fakediscord.New(fakediscord.Options{})
	t.Cleanup(dc.Close)
	tests := []struct {
		name, variable string
		vars           map[string]string
		want           string
	}{
		{"slack bot token", "SLACK_BOT_TOKEN", map[string]string{"SLACK_BOT_TOKEN": "xoxb-bogus", "SLACK_APP_TOKEN": sl.Options().AppToken, "SLACK_API_URL": sl.URL()},
			"hearth: slack: SLACK_BOT_TOKEN was refused by Slack (invalid_auth)"},
		{"discord bot token", "DISCORD_BOT_TOKEN", map[string]string{"DISCORD_BOT_TOKEN": "bogus", "DISCORD_API_URL": dc.URL()},
			"hearth: discord: DISCORD_BOT_TOKEN was refused by Discord (gateway close 4004"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, out := testEnv("", tt.vars)
			ctx, cancel := context.WithTimeout(context.Background(), platWait)
			defer cancel()
			code := runMain(ctx, []string{"run", "--db", filepath.Join(t.TempDir(), "hearth.db")}, e)
			if ctx.Err() != nil {
				t.Fatalf("still retrying after %v:\n%s", platWait, out)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			last := lines[len(lines)-1] // after the structured log
			if code != 1 || !strings.HasPrefix(last, tt.want) || !strings.Contains(last, tt.variable) || strings.Contains(last, "bogus") || strings.Count(last, "slack:")+strings.Count(last, "discord:") > 1 {
				t.Errorf("exit %d, last line %q; want 1 and %q…, naming %s, not echoing the token", code, last, tt.want, tt.variable)
			}
		})
	}
}
