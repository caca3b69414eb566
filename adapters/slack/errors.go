package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// slackCode returns Slack's error code ("channel_not_found"...) if err is
// (or wraps) a Web API error, and "" otherwise.
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	var pse *slack.SlackErrorResponse
	if errors.As(err, &pse) && pse != nil {
		return pse.Err
	}
	return ""
}

// describe is a short, secret-free description of an error for logs: a
// response_url or an upload URL is a credential, so URLs are cut to their
// host.
func describe(err error) string {
	if err == nil {
		return ""
	}
	if code := slackCode(err); code != "" {
		return code
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		host := "?"
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Scheme + "://" + u.Host + "/…"
		}
		return ue.Op + " " + host + ": " + describe(ue.Err)
	}
	return err.Error()
}

// platformError turns Slack's refusal into an error a person can act on
// (a *bot.Error with code bot.EPlatform), and logs it for the operator.
// Anything else stays an internal error.
func (a *Adapter) platformError(ctx context.Context, op string, err error, to bot.Destination) error {
	code := slackCode(err)
	where := "that channel"
	if to.Channel != "" && code != "" && code != "channel_not_found" {
		if name := a.channelName(ctx, to.Channel); name != "" {
			where = "#" + name
		}
	}
	var msg string
	switch code {
	case "":
		a.log.Error("Slack call failed", "op", op, "channel", to.Channel, "member", to.Member, "err", describe(err))
		return fmt.Errorf("slack %s: %w", op, err)
	case "not_in_channel":
		msg = fmt.Sprintf("I'm not in %s. Invite me with `/invite @Hearth` there and try again.", where)
	case "channel_not_found":
		msg = fmt.Sprintf("I can't find %s. If it is private, invite me with `/invite @Hearth` first.", where)
	case "is_archived":
		msg = fmt.Sprintf("%s is archived, so I can't post there.", capitalize(where))
	case "user_not_found", "user_disabled", "cannot_dm_bot", "user_not_in_channel":
		msg = "I can't send a message to that member on Slack (they may have left or be a bot)."
	case "restricted_action", "restricted_action_read_only_channel", "restricted_action_thread_only_channel":
		msg = fmt.Sprintf("Slack doesn't allow me to post in %s.", where)
	case "missing_scope", "not_allowed_token_type":
		msg = "I'm missing a Slack permission for that. The operator needs to reinstall the app from its manifest."
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive":
		msg = "Slack no longer accepts my token. The operator needs to check SLACK_BOT_TOKEN."
	default:
		a.log.Error("Slack refused a call", "op", op, "code", code, "channel", to.Channel, "member", to.Member)
		return fmt.Errorf("slack %s: %w", op, err)
	}
	a.log.Warn("Slack refused a call", "op", op, "code", code, "channel", to.Channel, "member", to.Member)
	return &bot.Error{Code: bot.EPlatform, Message: msg}
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
