package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

// config is everything Hearth reads from the environment. Only cmd/hearth
// reads the environment; the rooms get plain values.
type config struct {
	DB string
	// dbEnv is HEARTH_DB as set ("" when unset): errors about the database
	// name HEARTH_DB only when the path is its (dbSource).
	dbEnv        string
	Location     *time.Location
	Facilitators []string
	LogLevel     slog.Level
	HTTPAddr     string
	// PublicURL is HEARTH_PUBLIC_URL, the base URL people reach Hearth at
	// (the dashboard's sign-in links start with it), without a trailing
	// slash; "" when unset.
	PublicURL  string
	QuietAfter time.Duration
	// Retention, when set, prunes raw events older than this daily.
	Retention time.Duration
	// plan is a plan the shell applies before its session (--plan).
	plan struct {
		file  planFile
		steps []planStep
	}
	Grace map[bot.ScheduleKind]time.Duration

	Slack   slackEnv
	Discord discordEnv
}

type slackEnv struct {
	BotToken, AppToken, SigningSecret, APIURL string
}

func (s slackEnv) configured() bool {
	return s.BotToken != "" || s.AppToken != "" || s.SigningSecret != ""
}

type discordEnv struct {
	BotToken, GuildID, APIURL, PublicKey string
	MembersIntent                        bool
	Shards                               int // DISCORD_SHARDS; 0: Discord's recommendation
}

func (d discordEnv) configured() bool { return d.BotToken != "" }

// configError names the variable that is wrong, so the operator can fix it
// without reading code.
type configError struct {
	Var, Value, Why string
}

func (e *configError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Var, e.Why)
	}
	return fmt.Sprintf("%s=%q: %s", e.Var, e.Value, e.Why)
}

// defaultDB is the database when neither --db nor HEARTH_DB names one.
const defaultDB = "hearth.db"

// loadConfig reads and validates the environment. Secrets are never echoed
// in errors.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DB:         or(getenv("HEARTH_DB"), defaultDB),
		dbEnv:      getenv("HEARTH_DB"),
		HTTPAddr:   getenv("HEARTH_HTTP_ADDR"),
		QuietAfter: 14 * 24 * time.Hour,
		Location:   time.UTC,
	}
	if tz := getenv("HEARTH_TZ"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return c, &configError{"HEARTH_TZ", tz, "not a time zone name; use an IANA name like Europe/Paris or America/New_York"}
		}
		c.Location = loc
	}
	for _, f := range strings.Split(getenv("HEARTH_FACILITATORS"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			c.Facilitators = append(c.Facilitators, f)
		}
	}
	switch lvl := strings.ToLower(getenv("HEARTH_LOG_LEVEL")); lvl {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		return c, &configError{"HEARTH_LOG_LEVEL", lvl, "use debug, info, warn or error"}
	}
	if v := getenv("HEARTH_PUBLIC_URL"); v != "" {
		u, err := parsePublicURL(v)
		if err != nil {
			shown := v
			if p, perr := url.Parse(v); perr == nil && p.User != nil {
				shown = p.Redacted() // a password in the URL is a secret too
			}
			return c, &configError{"HEARTH_PUBLIC_URL", shown, err.Error()}
		}
		c.PublicURL = u
	}
	if q := getenv("HEARTH_QUIET_DAYS"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 365 {
			return c, &configError{"HEARTH_QUIET_DAYS", q, "a whole number of days from 1 to 365"}
		}
		c.QuietAfter = time.Duration(n) * 24 * time.Hour
	}
	if r := getenv("HEARTH_RETENTION"); r != "" {
		d, err := members.ParseDays(r)
		if err != nil || d < 30*24*time.Hour {
			return c, &configError{"HEARTH_RETENTION", r, "a number of days of at least 30, like 400d"}
		}
		c.Retention = d
	}
	c.Grace = map[bot.ScheduleKind]time.Duration{} // overrides of the jobs' own
	if g := getenv("HEARTH_GRACE"); g != "" {
		for _, part := range strings.Split(g, ",") {
			kind, dur, ok := strings.Cut(strings.TrimSpace(part), "=")
			d, err := time.ParseDuration(strings.TrimSpace(dur))
			if !ok || err != nil || d < 0 || d > 30*24*time.Hour {
				return c, &configError{"HEARTH_GRACE", g, "a list like prompt=2h,digest=24h (durations up to 720h)"}
			}
			c.Grace[bot.ScheduleKind(strings.TrimSpace(kind))] = d
		}
	}
	c.Slack = slackEnv{
		BotToken:      getenv("SLACK_BOT_TOKEN"),
		AppToken:      getenv("SLACK_APP_TOKEN"),
		SigningSecret: getenv("SLACK_SIGNING_SECRET"),
		APIURL:        getenv("SLACK_API_URL"),
	}
	c.Discord = discordEnv{
		BotToken:  getenv("DISCORD_BOT_TOKEN"),
		GuildID:   getenv("DISCORD_GUILD_ID"),
		APIURL:    getenv("DISCORD_API_URL"),
		PublicKey: getenv("DISCORD_PUBLIC_KEY"),
	}
	switch v := getenv("DISCORD_MEMBERS_INTENT"); v {
	case "", "0", "false":
	case "1", "true":
		c.Discord.MembersIntent = true
	default:
		return c, &configError{"DISCORD_MEMBERS_INTENT", v, "use 1 to enable the privileged members intent, 0 or nothing otherwise"}
	}
	if v := getenv("DISCORD_SHARDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, &configError{"DISCORD_SHARDS", v, "a whole number of gateway shards of at least 1 (the same on every instance), or unset for Discord's recommendation"}
		}
		c.Discord.Shards = n
	}
	return c, nil
}

// parsePublicURL checks a base URL people reach Hearth at and returns it
// without a trailing slash: http or https and a host, nothing else. Links
// are built by appending to it, and no path is allowed: the dashboard's
// pages link to each other, and scope their cookie, at /dashboard/ of the
// host, so Hearth behind a proxy's path prefix would break them.
func parsePublicURL(s string) (string, error) {
	const want = "an http:// or https:// URL people reach Hearth at, like https://hearth.example.org"
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", fmt.Errorf("%s", want)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%s (the scheme must be http or https)", want)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%s (a host is missing)", want)
	case u.User != nil:
		return "", fmt.Errorf("%s, without a user or password", want)
	case u.RawQuery != "" || u.ForceQuery:
		return "", fmt.Errorf("%s, without a query (?...)", want)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("%s, without a fragment (#...)", want)
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("%s, without a path: the dashboard is served at /dashboard/ of that host", want)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
