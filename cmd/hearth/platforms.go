package main

import (
	"log/slog"
	"net/http"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/slack"
	"github.com/hearth-community/hearth/bot"
)

// platformServices builds the Slack and Discord adapters that the
// environment configures, and the HTTP routes they serve. One process can
// serve a Slack workspace and a Discord guild at once: each is its own
// community in the same database.
func platformServices(cfg config, b *bot.Bot, clock bot.Clock, log *slog.Logger) ([]service, map[string]http.Handler, error) {
	var services []service
	routes := map[string]http.Handler{}
	if cfg.Slack.configured() {
		a, err := slack.New(slack.Config{
			BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken, SigningSecret: cfg.Slack.SigningSecret,
			APIURL: cfg.Slack.APIURL, Handler: b, Clock: clock, Log: log, Observer: b.Observer(),
		})
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
		services = append(services, service{name: "slack", run: a.Run})
	}
	if cfg.Discord.configured() {
		a, err := discord.New(discord.Config{
			BotToken: cfg.Discord.BotToken, GuildID: cfg.Discord.GuildID, APIURL: cfg.Discord.APIURL,
			MembersIntent: cfg.Discord.MembersIntent, PublicKey: cfg.Discord.PublicKey,
			Handler: b, Commands: b.Commands(), Clock: clock, Log: log.With("adapter", "discord"), Observer: b.Observer(),
		})
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
		services = append(services, service{name: "discord", run: a.Run})
	}
	return services, routes, nil
}
