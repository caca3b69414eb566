package bot

import (
	"context"
	"strconv"
	"strings"
)

// ArgKind is the type of a command argument. It drives the text parser, the
// help text and the Discord option types, so each is written once.
type ArgKind int

// Argument kinds.
const (
	ArgText    ArgKind = iota // any word, or with Rest the rest of the line
	ArgPeriod                 // 7d, 30d, 90d, YYYY-MM-DD..YYYY-MM-DD
	ArgChannel                // #name, <#C123|name>, <#123>
	ArgMember                 // @name, <@U123>, <@!123>
	ArgChoice                 // one of Choices
	ArgNumber                 // a positive whole number, such as an id
)

// Arg is one argument of a command.
type Arg struct {
	Name     string
	Kind     ArgKind
	Required bool
	Help     string
	// Choices are the allowed words of an ArgChoice, and the suggested
	// values of an ArgPeriod (Discord offers them as choices).
	Choices []string
	// Rest makes an ArgText take the rest of the line.
	Rest bool
	// Quoted shows the argument in quotes in the usage: text with spaces.
	Quoted bool
	// Shape, when set, is how the usage line writes the argument, like
	// `#channel|dm` or `tz=ZONE`.
	Shape string
}

func (a Arg) accepts(tok string) bool {
	switch a.Kind {
	case ArgPeriod:
		return LooksLikePeriod(tok)
	case ArgChannel:
		_, _, ok := ParseChannelRef(tok)
		return ok
	case ArgMember:
		_, _, ok := ParseMemberRef(tok)
		return ok
	case ArgNumber:
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "#"))
		return err == nil && n > 0
	case ArgChoice:
		for _, c := range a.Choices {
			if strings.EqualFold(c, tok) {
				return true
			}
		}
		return false
	}
	return true
}

func (a Arg) describe() string {
	switch a.Kind {
	case ArgPeriod:
		return "a period like `7d`, `30d` or `2026-11-01..2026-11-28`"
	case ArgChannel:
		return "a channel like `#general`"
	case ArgMember:
		return "a member like `@alice`"
	case ArgChoice:
		return "one of `" + strings.Join(a.Choices, "`, `") + "`"
	case ArgNumber:
		return "a number (the " + a.Name + ")"
	}
	return a.Name
}

func (a Arg) usage() string {
	var s string
	switch a.Kind {
	case ArgPeriod:
		s = "PERIOD"
	case ArgChannel:
		s = "#channel"
	case ArgMember:
		s = "@member"
	case ArgChoice:
		s = strings.Join(a.Choices, "|")
	default:
		s = strings.ToUpper(a.Name)
		if a.Shape != "" {
			s = a.Shape
		}
		if a.Quoted {
			s = `"` + s + `"`
		}
	}
	if !a.Required {
		s = "[" + s + "]"
	}
	return s
}

// CommandSpec is one entry of the /hearth command table.
type CommandSpec struct {
	Path        []string // e.g. {"facilitator", "add"}
	Summary     string   // one line, shown in help and as Discord's description
	Args        []Arg
	Facilitator bool // only facilitators may run it
	// Aliases are other paths typed text may use (Slack, the shell), such as
	// {"launch"} for {"pilot", "launch"}. Discord registers Path only: it
	// allows 25 top-level names, and an alias keeps a short word without
	// spending one.
	Aliases [][]string
	// Order places the command in help and in Discord's list: the table is
	// sorted by it, keeping each module's own order among equals. Features
	// take the tens: help 10, report 20, me 30, facilitators 40, schedule
	// 50, prompt 60, digest 70, checkin 80, members 90, charter 100,
	// library 110, pilot 120, event 130, intros 140.
	Order int
	// Run carries the command out. The caller's rights and the pilot are
	// checked before.
	Run func(ctx context.Context, inv Invocation) (Reply, error)
}

// hasAlias reports whether name (words joined by spaces) is one of the
// command's aliases.
func (c CommandSpec) hasAlias(name string) bool {
	for _, a := range c.Aliases {
		if strings.EqualFold(strings.Join(a, " "), name) {
			return true
		}
	}
	return false
}

// Name is the command's path joined by spaces.
func (c CommandSpec) Name() string { return strings.Join(c.Path, " ") }

// Usage is how to type the command.
func (c CommandSpec) Usage() string {
	parts := append([]string{"/hearth"}, c.Path...)
	for _, a := range c.Args {
		parts = append(parts, a.usage())
	}
	return strings.Join(parts, " ")
}

// Invocation is a parsed command with its caller.
type Invocation struct {
	Command
	Args map[string]string
	// Facilitator tells whether the caller may run facilitator commands.
	Facilitator bool
}

// Arg returns the named argument as typed, or "".
func (inv Invocation) Arg(name string) string { return inv.Args[name] }

// ParseChannelRef reads a channel reference: Slack's <#C123|name> or <#C123>,
// Discord's <#123>, or a plain #name. It returns the id (if the reference
// carries one) and the name (if it carries one).
func ParseChannelRef(tok string) (id, name string, ok bool) {
	if inner, found := strings.CutPrefix(tok, "<#"); found {
		inner, found = strings.CutSuffix(inner, ">")
		if !found || inner == "" {
			return "", "", false
		}
		id, name, _ = strings.Cut(inner, "|")
		return id, name, id != ""
	}
	if n, found := strings.CutPrefix(tok, "#"); found && n != "" && !strings.ContainsAny(n, "<>@# ") {
		return "", n, true
	}
	return "", "", false
}

// ParseMemberRef reads a member reference: Slack's <@U123> or <@U123|name>,
// Discord's <@123> or <@!123>, or a plain @name.
func ParseMemberRef(tok string) (id, name string, ok bool) {
	if inner, found := strings.CutPrefix(tok, "<@"); found {
		inner, found = strings.CutSuffix(inner, ">")
		inner = strings.TrimPrefix(inner, "!")
		if !found || inner == "" {
			return "", "", false
		}
		id, name, _ = strings.Cut(inner, "|")
		return id, name, id != ""
	}
	if n, found := strings.CutPrefix(tok, "@"); found && n != "" && !strings.ContainsAny(n, "<>@# ") {
		return "", n, true
	}
	return "", "", false
}
