package discord

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// CommandName is the one slash command Hearth registers.
const CommandName = "hearth"

// Discord's limits on application commands.
const (
	maxNameLen        = 32
	maxDescriptionLen = 100
	maxOptions        = 25
	maxChoices        = 25
)

var validName = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)

// commandSet is /hearth as Discord sees it, generated from the core's
// command table, and the way back from an interaction to the text the
// core parses.
type commandSet struct {
	schema *discordgo.ApplicationCommand
	specs  map[string]bot.CommandSpec // by Discord path, "report", "facilitator add"
}

// CommandSchema returns the /hearth command Hearth registers, generated
// from the command table (bot.Bot.Commands): one sub-command per entry,
// entries with a two-word path grouped under their first word.
func CommandSchema(table []bot.CommandSpec) (*discordgo.ApplicationCommand, error) {
	cs, err := buildCommands(table)
	if err != nil {
		return nil, err
	}
	return cs.schema, nil
}

func buildCommands(table []bot.CommandSpec) (*commandSet, error) {
	cs := &commandSet{specs: map[string]bot.CommandSpec{}}
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	guildInstall := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	root := &discordgo.ApplicationCommand{
		Type:             discordgo.ChatApplicationCommand,
		Name:             CommandName,
		Description:      "Hearth: who takes part in this community (never what they write)",
		Contexts:         &guildOnly,
		IntegrationTypes: &guildInstall,
		Options:          []*discordgo.ApplicationCommandOption{},
	}
	groups := map[string]*discordgo.ApplicationCommandOption{}
	top := map[string]bool{}
	for _, spec := range table {
		sub, err := subCommand(spec)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, p := range spec.Path {
			n := optionName(p)
			if !validName.MatchString(n) {
				return nil, fmt.Errorf("command %q: %q can't be a Discord command name", spec.Name(), p)
			}
			names = append(names, n)
		}
		if len(names) > 2 {
			// Discord nests two levels under /hearth: "prompt deck add"
			// becomes group "prompt", sub-command "deck-add".
			names = []string{names[0], strings.Join(names[1:], "-")}
		}
		switch len(names) {
		case 1:
			if top[names[0]] {
				return nil, fmt.Errorf("command %q is defined twice", names[0])
			}
			top[names[0]] = true
			root.Options = append(root.Options, sub)
		case 2:
			g := groups[names[0]]
			if g == nil {
				if top[names[0]] {
					return nil, fmt.Errorf("command %q is both a command and a group", names[0])
				}
				top[names[0]] = true
				g = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: names[0]}
				groups[names[0]] = g
				root.Options = append(root.Options, g)
			}
			for _, o := range g.Options {
				if o.Name == names[1] {
					return nil, fmt.Errorf("command %q is defined twice", spec.Name())
				}
			}
			g.Options = append(g.Options, sub)
		}
		cs.specs[strings.Join(names, " ")] = spec
	}
	for _, g := range groups {
		var subs []string
		for _, o := range g.Options {
			subs = append(subs, o.Name)
		}
		g.Description = clip(g.Name+": "+strings.Join(subs, ", "), maxDescriptionLen)
		if len(g.Options) > maxOptions {
			return nil, fmt.Errorf("group %q has %d sub-commands; Discord allows %d", g.Name, len(g.Options), maxOptions)
		}
	}
	if len(root.Options) > maxOptions {
		return nil, fmt.Errorf("/%s has %d sub-commands; Discord allows %d", CommandName, len(root.Options), maxOptions)
	}
	cs.schema = root
	return cs, nil
}

// subCommandName is the Discord name of a command's last level: its last
// word, or for a three-word command its last two joined by "-".
func subCommandName(path []string) string {
	if len(path) > 2 {
		return optionName(strings.Join(path[1:], "-"))
	}
	return optionName(path[len(path)-1])
}

func subCommand(spec bot.CommandSpec) (*discordgo.ApplicationCommandOption, error) {
	if len(spec.Path) == 0 {
		return nil, errors.New("a command has an empty path")
	}
	desc := spec.Summary
	if spec.Facilitator {
		desc += " (facilitators)"
	}
	sub := &discordgo.ApplicationCommandOption{
		Type:        discordgo.ApplicationCommandOptionSubCommand,
		Name:        subCommandName(spec.Path),
		Description: clip(orDefault(desc, spec.Name()), maxDescriptionLen),
		Options:     []*discordgo.ApplicationCommandOption{},
	}
	seen := map[string]bool{}
	for _, arg := range spec.Args {
		o := argOption(arg)
		if !validName.MatchString(o.Name) {
			return nil, fmt.Errorf("command %q: argument %q can't be a Discord option name", spec.Name(), arg.Name)
		}
		if seen[o.Name] {
			return nil, fmt.Errorf("command %q: argument %q is defined twice", spec.Name(), arg.Name)
		}
		seen[o.Name] = true
		sub.Options = append(sub.Options, o)
	}
	if len(sub.Options) > maxOptions {
		return nil, fmt.Errorf("command %q has %d arguments; Discord allows %d", spec.Name(), len(sub.Options), maxOptions)
	}
	// Discord wants required options first; the text is rebuilt in the
	// table's order, so the order here does not matter to the core.
	slices.SortStableFunc(sub.Options, func(x, y *discordgo.ApplicationCommandOption) int {
		switch {
		case x.Required && !y.Required:
			return -1
		case !x.Required && y.Required:
			return 1
		}
		return 0
	})
	return sub, nil
}

// argOption maps an argument kind to Discord's option types: channels as
// channel options, members as user options, periods and choices as string
// choices, text as a string.
func argOption(arg bot.Arg) *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{
		Name:        optionName(arg.Name),
		Description: clip(orDefault(arg.Help, arg.Name), maxDescriptionLen),
		Required:    arg.Required,
	}
	switch arg.Kind {
	case bot.ArgChannel:
		o.Type = discordgo.ApplicationCommandOptionChannel
		o.ChannelTypes = []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews, discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildMedia}
	case bot.ArgMember:
		o.Type = discordgo.ApplicationCommandOptionUser
	case bot.ArgNumber:
		o.Type = discordgo.ApplicationCommandOptionInteger
		o.MinValue = new(float64)
		*o.MinValue = 1
	case bot.ArgPeriod, bot.ArgChoice:
		o.Type = discordgo.ApplicationCommandOptionString
		for _, c := range arg.Choices[:min(len(arg.Choices), maxChoices)] {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: clip(c, maxDescriptionLen), Value: c})
		}
	default:
		o.Type = discordgo.ApplicationCommandOptionString
		o.MaxLength = 1000
	}
	return o
}

func optionName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, " ", "-")
	if utf8.RuneCountInString(s) > maxNameLen {
		s = string([]rune(s)[:maxNameLen])
	}
	return s
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// clip cuts s to n runes, ending with "…" when it was longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// text rebuilds the command text the core parses (`report 30d <#123>`)
// from a /hearth interaction's typed options, in the table's argument order.
func (cs *commandSet) text(d discordgo.ApplicationCommandInteractionData) (string, error) {
	if d.Name != CommandName {
		return "", fmt.Errorf("unknown command /%s", d.Name)
	}
	opts := d.Options
	var path []string
	for len(opts) == 1 && len(path) < 2 {
		o := opts[0]
		if o.Type != discordgo.ApplicationCommandOptionSubCommandGroup && o.Type != discordgo.ApplicationCommandOptionSubCommand {
			break
		}
		path = append(path, o.Name)
		opts = o.Options
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			break
		}
	}
	spec, ok := cs.specs[strings.Join(path, " ")]
	if !ok {
		return "", fmt.Errorf("unknown sub-command %q", strings.Join(path, " "))
	}
	given := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range opts {
		given[o.Name] = o
	}
	words := slices.Clone(spec.Path)
	var pending []string // placeholders for skipped text arguments
	for _, arg := range spec.Args {
		o := given[optionName(arg.Name)]
		if o == nil || o.Value == nil {
			if arg.Kind == bot.ArgText {
				pending = append(pending, `""`) // keeps later arguments in their slots
			}
			continue
		}
		w, err := argWord(arg, o)
		if err != nil {
			return "", err
		}
		words = append(words, pending...)
		pending = nil
		words = append(words, w)
	}
	return strings.Join(words, " "), nil
}

func argWord(arg bot.Arg, o *discordgo.ApplicationCommandInteractionDataOption) (string, error) {
	var v string
	switch x := o.Value.(type) {
	case string:
		v = x
	case float64: // Discord's JSON numbers (integer options)
		v = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		v = fmt.Sprint(o.Value)
	}
	switch arg.Kind {
	case bot.ArgChannel:
		if !isSnowflake(v) {
			return "", fmt.Errorf("option %q is not a channel id", arg.Name)
		}
		return "<#" + v + ">", nil
	case bot.ArgMember:
		if !isSnowflake(v) {
			return "", fmt.Errorf("option %q is not a user id", arg.Name)
		}
		return "<@" + v + ">", nil
	}
	return bot.Quote(v), nil
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
