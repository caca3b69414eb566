package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/slack"
	"github.com/hearth-community/hearth/bot"
)

// platformServices builds the Slack and Discord adapters that the
// environment configures, and the HTTP routes they serve. One process can
// serve a Slack workspace and a Discord guild at once: each is its own
// community in the same database. Several processes may share the
// database: leases (the database) elect each Discord shard's owner.
func platformServices(cfg config, b *bot.Bot, leases shardLeases, clock bot.Clock, log *slog.Logger) ([]service, map[string]http.Handler, error) {
	var services []service
	routes := map[string]http.Handler{}
	if cfg.Slack.configured() {
		a, err := newSlack(cfg, b, clock, log)
		if err != nil {
			return nil, nil, err
		}
		if !a.SocketMode() {
			if cfg.HTTPAddr == "" {
				return nil, nil, &configError{"HEARTH_HTTP_ADDR", "", "Slack's HTTP mode (SLACK_SIGNING_SECRET without SLACK_APP_TOKEN) needs an address to receive Slack's requests, e.g. :8080"}
			}
			routes["POST /slack/events"] = a.HTTPHandler()
		}
		b.AttachChat(bot.Slack, a)
		services = append(services, service{name: "slack", run: a.Run, connected: a.Connected})
	}
	if cfg.Discord.configured() {
		a, err := newDiscord(cfg, b, leases, clock, log)
		if err != nil {
			return nil, nil, err
		}
		if cfg.Discord.PublicKey != "" {
			if cfg.HTTPAddr == "" {
				return nil, nil, &configError{"HEARTH_HTTP_ADDR", "", "DISCORD_PUBLIC_KEY turns on the interactions endpoint, which needs an address, e.g. :8080"}
			}
			routes["POST /discord/interactions"] = a.HTTPHandler()
		}
		b.AttachChat(bot.Discord, a)
		services = append(services, service{name: "discord", run: a.Run, connected: a.Connected})
	}
	return services, routes, nil
}

// newSlack builds the Slack adapter the environment configures, speaking
// to b (`hearth run`, and `hearth history import`, which only reads).
func newSlack(cfg config, b *bot.Bot, clock bot.Clock, log *slog.Logger) (*slack.Adapter, error) {
	return slack.New(slack.Config{
		BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken, SigningSecret: cfg.Slack.SigningSecret,
		APIURL: cfg.Slack.APIURL, Handler: b, Clock: clock, Log: log, Observer: b.Observer(),
	})
}

// newDiscord builds the Discord adapter the environment configures.
func newDiscord(cfg config, b *bot.Bot, leases shardLeases, clock bot.Clock, log *slog.Logger) (*discord.Adapter, error) {
	leaseClock := leases.clock
	if leaseClock == nil {
		leaseClock = clock
	}
	return discord.New(discord.Config{
		BotToken: cfg.Discord.BotToken, GuildID: cfg.Discord.GuildID, APIURL: cfg.Discord.APIURL,
		MembersIntent: cfg.Discord.MembersIntent, PublicKey: cfg.Discord.PublicKey,
		Handler: b, Commands: b.Commands(), Clock: clock, Log: log.With("adapter", "discord"), Observer: b.Observer(),
		Shards: cfg.Discord.Shards, Leases: leases.store, Holder: leases.holder,
		LeaseTTL: leases.ttl, LeaseWait: leases.wait, LeaseClock: leaseClock,
	})
}

// shardLeases is how instances elect each Discord shard's owner: the
// database's leases, and the term and wait (zero: the adapter's defaults).
type shardLeases struct {
	store  discord.Leases
	holder string // this process
	ttl    time.Duration
	wait   func(ctx context.Context, d time.Duration) error
	clock  bot.Clock // nil: the adapters' clock
}

// readVars are the variables Hearth reads. A HEARTH_*, SLACK_* or DISCORD_*
// variable outside them is likely a misspelling, which noPlatformError
// names.
var readVars = map[string]bool{
	"HEARTH_DB": true, "HEARTH_TZ": true, "HEARTH_FACILITATORS": true, "HEARTH_LOG_LEVEL": true,
	"HEARTH_HTTP_ADDR": true, "HEARTH_QUIET_DAYS": true, "HEARTH_RETENTION": true, "HEARTH_GRACE": true,
	"HEARTH_CLOCK": true, "HEARTH_FILES_DIR": true,
	"SLACK_BOT_TOKEN": true, "SLACK_APP_TOKEN": true, "SLACK_SIGNING_SECRET": true, "SLACK_API_URL": true,
	"DISCORD_BOT_TOKEN": true, "DISCORD_GUILD_ID": true, "DISCORD_API_URL": true, "DISCORD_PUBLIC_KEY": true,
	"DISCORD_MEMBERS_INTENT": true, "DISCORD_SHARDS": true,
}

// instanceID names this process among the instances sharing the database
// (the holder of its Discord shards' leases): host, process id and a
// random part, so a restarted process with a reused pid is another holder.
func instanceID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// noPlatformError is why `hearth run` stops when no platform is configured
// and standard input is not a terminal (a container started without its
// tokens): the shell would read end of input and exit 0, and an
// orchestrator would see a clean exit. It names the variables looked for
// and, from environ ("KEY=value" pairs), the ones set that Hearth does not
// read. Values are never shown: they may be secrets.
func noPlatformError(environ []string) error {
	var b strings.Builder
	b.WriteString("no platform configured: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) for Slack, " +
		"and/or DISCORD_BOT_TOKEN for Discord; to play a community in the terminal or from a script, run `hearth shell`")
	var unread []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if readVars[name] || !(strings.HasPrefix(upper, "HEARTH") || strings.HasPrefix(upper, "SLACK") || strings.HasPrefix(upper, "DISCORD")) {
			continue
		}
		unread = append(unread, name)
	}
	if len(unread) > 0 {
		slices.Sort(unread)
		unread = slices.Compact(unread)
		fmt.Fprintf(&b, " (set but not read by Hearth: %s)", strings.Join(unread, ", "))
	}
	return errors.New(b.String())
}
