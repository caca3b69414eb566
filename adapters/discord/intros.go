package discord

import (
	"github.com/hearth-community/hearth/bot/intros"
)

var _ intros.Mentioner = (*Adapter)(nil)

// Mention names a member so that the reader can open their profile and
// write to them: Discord's <@id>. Hearth's posts never ping anyone (their
// allowed_mentions parse nothing), so an intro DM names without notifying.
// Discord bots cannot open group DMs, so intros go to each member this way.
func (a *Adapter) Mention(_, member string) string { return "<@" + member + ">" }
