package discord_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot/features"
)

// The budget /hearth keeps under Discord's limits (fakediscord/limits.go
// names the sources). Discord refuses the whole command past 8,000
// characters (code 50035) and /hearth then stops working everywhere, so
// the generated command keeps 100 characters spare: about one more
// sub-command with a short description, or a clipped description grown
// back. A change that crosses the line fails here, in review, not on a
// community's server at registration.
const (
	commandCharBudget = fakediscord.MaxCommandChars - 100 // 7,900
	// Top-level entries: Discord allows 25. Single commands that belong
	// to a group live in it (`facilitator list`, `nudge quiet`, with their
	// old words kept as aliases for typed text), which leaves room for
	// `dashboard` and `history`. Groups and sub-commands keep one spare.
	topLevelBudget = fakediscord.MaxOptions
	nestedBudget   = fakediscord.MaxOptions - 1
	choiceBudget   = fakediscord.MaxChoices - 1
)

// commandChars counts what Discord counts towards its 8,000: the names,
// descriptions and values of the command, of every option (sub-commands
// and groups included) and of every choice.
func commandChars(name, desc string, opts []*discordgo.ApplicationCommandOption) (total int, parts map[string]int) {
	parts = map[string]int{}
	var walk func(path string, o *discordgo.ApplicationCommandOption) int
	walk = func(path string, o *discordgo.ApplicationCommandOption) int {
		n := utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(o.Description)
		for _, c := range o.Choices {
			n += utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(fmt.Sprint(c.Value))
		}
		for _, sub := range o.Options {
			n += walk(path+" "+sub.Name, sub)
		}
		return n
	}
	total = utf8.RuneCountInString(name) + utf8.RuneCountInString(desc)
	for _, o := range opts {
		n := walk(o.Name, o)
		parts[o.Name] = n
		total += n
	}
	return total, parts
}

func TestHearthCommandKeepsHeadroomUnderDiscordLimits(t *testing.T) {
	cmd, err := discord.CommandSchema(features.Commands())
	check(t, err)
	const help = "\nWhen a feature needs more room: fold its command under an existing group " +
		"(a two-word Path in the feature's CommandSpec, e.g. \"checkin export\" rather than \"export\"), " +
		"or shorten the Summary of its CommandSpecs and the Help of their Args (bot/features/<feature>/). " +
		"Every character of a name, Summary, Help and choice counts; the fake refuses a command over Discord's limits."
	total, parts := commandChars(cmd.Name, cmd.Description, cmd.Options)
	t.Logf("/hearth: %d of Discord's %d characters (budget %d), %d of %d top-level entries",
		total, fakediscord.MaxCommandChars, commandCharBudget, len(cmd.Options), fakediscord.MaxOptions)
	if total > commandCharBudget {
		var big []string
		for _, o := range cmd.Options {
			big = append(big, fmt.Sprintf("%s %d", o.Name, parts[o.Name]))
		}
		t.Errorf("/hearth is %d characters; the budget is %d of Discord's %d (by entry: %s).%s",
			total, commandCharBudget, fakediscord.MaxCommandChars, strings.Join(big, ", "), help)
	}
	if len(cmd.Options) > topLevelBudget {
		t.Errorf("/hearth has %d top-level entries; Discord allows %d.%s", len(cmd.Options), fakediscord.MaxOptions, help)
	}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			p := path + " " + o.Name
			if len(o.Options) > nestedBudget {
				t.Errorf("%s has %d options; the budget is %d of Discord's %d.%s", p, len(o.Options), nestedBudget, fakediscord.MaxOptions, help)
			}
			if len(o.Choices) > choiceBudget {
				t.Errorf("%s has %d choices; the budget is %d of Discord's %d: shorten the list or take free text.", p, len(o.Choices), choiceBudget, fakediscord.MaxChoices)
			}
			walk(p, o.Options)
		}
	}
	walk("/"+cmd.Name, cmd.Options)
}
