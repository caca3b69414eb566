package slack

import (
	"strings"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.Permalinker = (*Adapter)(nil)

// Permalink links to a message the way Slack's "Copy link" does:
// https://team.slack.com/archives/C123/p1700000000123456. It is "" before
// Run has learned the workspace's address.
func (a *Adapter) Permalink(_, channel, message string) string {
	base := a.ident().url
	if base == "" || channel == "" || message == "" {
		return ""
	}
	return strings.TrimSuffix(base, "/") + "/archives/" + channel + "/p" + strings.ReplaceAll(message, ".", "")
}
