package discord

import (
	"strings"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.Permalinker = (*Adapter)(nil)

// Permalink links to a message: https://discord.com/channels/GUILD/CHANNEL/MESSAGE.
func (a *Adapter) Permalink(community, channel, message string) string {
	guild, ok := strings.CutPrefix(community, string(bot.Discord)+":")
	if !ok || guild == "" || channel == "" || message == "" {
		return ""
	}
	return "https://discord.com/channels/" + guild + "/" + channel + "/" + message
}
