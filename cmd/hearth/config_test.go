package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		err  string // the variable the error must name
		test func(t *testing.T, c config)
	}{
		{name: "defaults", vars: map[string]string{}, test: func(t *testing.T, c config) {
			if c.DB != "hearth.db" || c.Location != time.UTC || c.QuietAfter != 14*24*time.Hour || c.Slack.configured() || c.Discord.configured() {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{name: "everything", vars: map[string]string{"HEARTH_DB": "/data/h.db", "HEARTH_TZ": "Europe/Paris", "HEARTH_FACILITATORS": " U1, ,alice ",
			"HEARTH_LOG_LEVEL": "DEBUG", "HEARTH_QUIET_DAYS": "21", "DISCORD_BOT_TOKEN": "x", "DISCORD_MEMBERS_INTENT": "1", "DISCORD_SHARDS": "4"}, test: func(t *testing.T, c config) {
			if c.DB != "/data/h.db" || c.Location.String() != "Europe/Paris" || strings.Join(c.Facilitators, "|") != "U1|alice" ||
				c.LogLevel.String() != "DEBUG" || c.QuietAfter != 21*24*time.Hour || !c.Discord.configured() || !c.Discord.MembersIntent || c.Discord.Shards != 4 {
				t.Errorf("config: %+v", c)
			}
		}},
		{name: "public url", vars: map[string]string{"HEARTH_PUBLIC_URL": "https://hearth.example.org/"}, test: func(t *testing.T, c config) {
			if c.PublicURL != "https://hearth.example.org" {
				t.Errorf("PublicURL = %q, want it without the trailing slash", c.PublicURL)
			}
		}},
		{name: "public url with a port", vars: map[string]string{"HEARTH_PUBLIC_URL": "http://127.0.0.1:8080"}, test: func(t *testing.T, c config) {
			if c.PublicURL != "http://127.0.0.1:8080" {
				t.Errorf("PublicURL = %q", c.PublicURL)
			}
		}},
		{name: "public url with a path", vars: map[string]string{"HEARTH_PUBLIC_URL": "https://example.org/hearth"}, err: "HEARTH_PUBLIC_URL"},
		{name: "no public url by default", vars: map[string]string{}, test: func(t *testing.T, c config) {
			if c.PublicURL != "" {
				t.Errorf("PublicURL = %q, want none", c.PublicURL)
			}
		}},
		{name: "public url not a url", vars: map[string]string{"HEARTH_PUBLIC_URL": "hearth.example.org"}, err: "HEARTH_PUBLIC_URL"},
		{name: "public url other scheme", vars: map[string]string{"HEARTH_PUBLIC_URL": "ftp://hearth.example.org"}, err: "HEARTH_PUBLIC_URL"},
		{name: "public url without host", vars: map[string]string{"HEARTH_PUBLIC_URL": "https:///dashboard"}, err: "HEARTH_PUBLIC_URL"},
		{name: "public url with query", vars: map[string]string{"HEARTH_PUBLIC_URL": "https://hearth.example.org/?a=1"}, err: "HEARTH_PUBLIC_URL"},
		{name: "public url with empty query", vars: map[string]string{"HEARTH_PUBLIC_URL": "https://hearth.example.org/?"}, err: "HEARTH_PUBLIC_URL"},
		{name: "public url with fragment", vars: map[string]string{"HEARTH_PUBLIC_URL": "https://hearth.example.org/#x"}, err: "HEARTH_PUBLIC_URL"},
		{name: "public url with password", vars: map[string]string{"HEARTH_PUBLIC_URL": "https://a:b@hearth.example.org"}, err: "HEARTH_PUBLIC_URL"},
		{name: "bad tz", vars: map[string]string{"HEARTH_TZ": "Mars/Olympus"}, err: "HEARTH_TZ"},
		{name: "bad level", vars: map[string]string{"HEARTH_LOG_LEVEL": "loud"}, err: "HEARTH_LOG_LEVEL"},
		{name: "bad quiet days", vars: map[string]string{"HEARTH_QUIET_DAYS": "0"}, err: "HEARTH_QUIET_DAYS"},
		{name: "bad intent", vars: map[string]string{"DISCORD_MEMBERS_INTENT": "yes please"}, err: "DISCORD_MEMBERS_INTENT"},
		{name: "bad shards", vars: map[string]string{"DISCORD_SHARDS": "0"}, err: "DISCORD_SHARDS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.vars[k] })
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one naming %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.test(t, c)
		})
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	_, err := loadConfig(func(k string) string {
		if k == "SLACK_BOT_TOKEN" {
			return "xoxb-secret-value"
		}
		if k == "HEARTH_TZ" {
			return "Nowhere/Land"
		}
		return ""
	})
	if err == nil || strings.Contains(err.Error(), "secret-value") {
		t.Errorf("err = %v", err)
	}
	_, err = loadConfig(func(k string) string {
		if k == "HEARTH_PUBLIC_URL" {
			return "https://admin:hunter2@hearth.example.org"
		}
		return ""
	})
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "HEARTH_PUBLIC_URL") {
		t.Errorf("err = %v", err)
	}
}

func TestGraceRefusesUnknownKinds(t *testing.T) {
	for _, tc := range []struct {
		grace, want string
	}{
		{"bogus=2h", `"bogus" is not a schedule kind; the kinds are`},
		{"prompt=3h,digst=12h", `"digst" is not a schedule kind`},
	} {
		var out bytes.Buffer
		vars := map[string]string{"HEARTH_GRACE": tc.grace, "HEARTH_DB": filepath.Join(t.TempDir(), "h.db")}
		e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &out, stderr: &out,
			now: func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) }}
		err := run(context.Background(), []string{"shell"}, e)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "HEARTH_GRACE") {
			t.Errorf("HEARTH_GRACE=%s: %v", tc.grace, err)
		}
	}
	// A known kind is taken.
	var out bytes.Buffer
	vars := map[string]string{"HEARTH_GRACE": "prompt=3h", "HEARTH_DB": filepath.Join(t.TempDir(), "h.db")}
	e := env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &out, stderr: &out,
		now: func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) }}
	if err := run(context.Background(), []string{"shell"}, e); err != nil {
		t.Errorf("HEARTH_GRACE=prompt=3h: %v\n%s", err, out.String())
	}
}
