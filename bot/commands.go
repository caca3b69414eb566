package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// kernelCommands are the commands of the kernel itself: help, who
// facilitates, and the schedules of every feature.
func (b *Bot) kernelCommands() []CommandSpec {
	member := Arg{Name: "member", Kind: ArgMember, Required: true, Help: "the member"}
	table := []CommandSpec{
		{Path: []string{"help"}, Summary: "What Hearth can do, or how to use one command", Order: 10,
			Args: []Arg{{Name: "command", Kind: ArgText, Rest: true, Help: "a command name"}}, Run: b.cmdHelp},
		{Path: []string{"facilitator", "list"}, Aliases: [][]string{{"facilitators"}}, Summary: "Who facilitates this community", Order: 40, Run: b.cmdFacilitators},
		{Path: []string{"facilitator", "add"}, Summary: "Make a member a facilitator", Order: 40,
			Args: []Arg{member}, Facilitator: true, Run: b.cmdFacilitatorAdd},
		{Path: []string{"facilitator", "remove"}, Summary: "Stop a member being a facilitator", Order: 40,
			Args: []Arg{member}, Facilitator: true, Run: b.cmdFacilitatorRemove},
	}
	return append(table, WithOrder(50, b.scheduleCommands())...)
}

// WithOrder sets the Order of commands that have none.
func WithOrder(order int, cs []CommandSpec) []CommandSpec {
	for i := range cs {
		if cs[i].Order == 0 {
			cs[i].Order = order
		}
	}
	return cs
}

// Commands returns the /hearth command table: the single source for text
// parsing, help, permissions and Discord's sub-command registration. The
// caller must not modify it.
func (b *Bot) Commands() []CommandSpec {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.commands
}

func (b *Bot) cmdHelp(_ context.Context, inv Invocation) (Reply, error) {
	if want := strings.TrimSpace(strings.TrimPrefix(strings.ToLower(inv.Arg("command")), "/hearth")); want != "" {
		var lines []string
		for _, c := range b.commands {
			if c.Name() == want || c.Path[0] == want || c.hasAlias(want) {
				line := fmt.Sprintf("`%s`: %s", c.Usage(), c.Summary)
				for _, a := range c.Aliases {
					line += fmt.Sprintf(" (also `/hearth %s`)", strings.Join(a, " "))
				}
				for _, a := range c.Args {
					if a.Help != "" {
						line += fmt.Sprintf("\n    %s: %s", a.usage(), a.Help)
					}
				}
				if c.Facilitator {
					line += "\n    (facilitators only)"
				}
				lines = append(lines, line)
			}
		}
		if len(lines) == 0 {
			return Reply{}, Errorf(ENotFound, "There is no `/hearth %s`. Try `/hearth help` for the list.", Clip(want, 40))
		}
		return Reply{Post: Post{Text: strings.Join(lines, "\n")}, Private: true}, nil
	}
	var sb strings.Builder
	sb.WriteString("**Hearth** helps this community take part: it records who takes part (never what anyone writes) and reports on it.\n")
	for _, c := range b.commands {
		if c.Facilitator && !inv.Facilitator {
			continue
		}
		fmt.Fprintf(&sb, "• `%s`: %s\n", c.Usage(), c.Summary)
	}
	if !inv.Facilitator {
		sb.WriteString("Facilitators have more commands: `/hearth facilitators` lists who they are.")
	} else {
		sb.WriteString("`/hearth help COMMAND` explains one command.")
	}
	return Reply{Post: Post{Text: strings.TrimRight(sb.String(), "\n")}, Private: true}, nil
}

func (b *Bot) cmdFacilitators(ctx context.Context, inv Invocation) (Reply, error) {
	stored, err := b.store.Facilitators(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	var names []string
	for _, m := range stored {
		names = append(names, DisplayName(m))
	}
	for f := range b.facilitators {
		id := strings.TrimPrefix(f, inv.Community+":")
		if strings.Contains(id, ":") { // configured for another community
			continue
		}
		name := id
		if m, err := b.store.Member(ctx, inv.Community, id); err == nil {
			name = DisplayName(m)
		}
		names = append(names, name+" (configured)")
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return Reply{Post: Post{Text: "This community has no facilitators yet. The operator can name some with HEARTH_FACILITATORS (or `--facilitator NAME` on the command line); platform admins are facilitators too."}, Private: true}, nil
	}
	text := "**Facilitators**\n• " + strings.Join(names, "\n• ") + "\nPlatform admins are facilitators too."
	return Reply{Post: Post{Text: text}, Private: true}, nil
}

func (b *Bot) cmdFacilitatorAdd(ctx context.Context, inv Invocation) (Reply, error) {
	m, err := b.ResolveMember(ctx, inv.Community, inv.Arg("member"))
	if err != nil {
		return Reply{}, err
	}
	if m.IsBot {
		return Reply{}, Errorf(EArgument, "%s is a bot; bots can't facilitate.", DisplayName(m))
	}
	if already, err := b.IsFacilitator(ctx, inv.Community, m.ID, false); err != nil {
		return Reply{}, err
	} else if already {
		return Reply{Post: Post{Text: DisplayName(m) + " is already a facilitator."}, Private: true}, nil
	}
	if err := b.store.AddFacilitator(ctx, inv.Community, m.ID, inv.Member, inv.At); err != nil {
		return Reply{}, err
	}
	b.log.InfoContext(ctx, "facilitator added", "community", inv.Community, "member", m.ID, "by", inv.Member)
	return Reply{Post: Post{Text: DisplayName(m) + " is now a facilitator."}, Private: true}, nil
}

func (b *Bot) cmdFacilitatorRemove(ctx context.Context, inv Invocation) (Reply, error) {
	m, err := b.ResolveMember(ctx, inv.Community, inv.Arg("member"))
	if err != nil {
		return Reply{}, err
	}
	err = b.store.RemoveFacilitator(ctx, inv.Community, m.ID)
	switch {
	case errors.Is(err, ErrNotFound) && b.configuredFacilitator(inv.Community, m.ID):
		return Reply{}, Errorf(EConflict, "%s is a facilitator by configuration (HEARTH_FACILITATORS); the operator can change that.", DisplayName(m))
	case errors.Is(err, ErrNotFound) && m.Admin:
		return Reply{}, Errorf(EConflict, "%s administers the workspace, which makes them a facilitator.", DisplayName(m))
	case errors.Is(err, ErrNotFound):
		return Reply{}, Errorf(ENotFound, "%s is not a facilitator.", DisplayName(m))
	case err != nil:
		return Reply{}, err
	}
	b.log.InfoContext(ctx, "facilitator removed", "community", inv.Community, "member", m.ID, "by", inv.Member)
	return Reply{Post: Post{Text: DisplayName(m) + " is no longer a facilitator."}, Private: true}, nil
}

// resolveChannel finds the channel a token names.
func (b *Bot) ResolveChannel(ctx context.Context, community, tok string) (Channel, error) {
	id, name, ok := ParseChannelRef(tok)
	if !ok {
		return Channel{}, Errorf(EArgument, "%q is not a channel. Write it like `#general`.", Clip(tok, 40))
	}
	if id != "" {
		ch, err := b.store.Channel(ctx, community, id)
		if errors.Is(err, ErrNotFound) || (err == nil && ch.Name == "" && name != "") {
			// Known to the platform, quiet so far: keep the name the
			// reference carries, so later messages can say #general.
			ch = Channel{ID: id, Name: name}
			return ch, b.learnChannel(ctx, community, ch)
		}
		return ch, err
	}
	ch, err := b.store.FindChannel(ctx, community, name)
	if errors.Is(err, ErrNotFound) {
		return Channel{}, Errorf(ENotFound, "I don't know a channel called #%s yet. I learn channels when someone posts in them.", Clip(name, 40))
	}
	return ch, err
}

// resolveMember finds the member a token names.
func (b *Bot) ResolveMember(ctx context.Context, community, tok string) (Member, error) {
	id, name, ok := ParseMemberRef(tok)
	if !ok {
		return Member{}, Errorf(EArgument, "%q is not a member. Mention them like `@alice`.", Clip(tok, 40))
	}
	if id != "" {
		m, err := b.store.Member(ctx, community, id)
		if errors.Is(err, ErrNotFound) {
			return Member{}, Errorf(ENotFound, "I don't know that member yet. I learn members when they join or take part.")
		}
		return m, err
	}
	ms, err := b.store.FindMembers(ctx, community, name)
	if err != nil {
		return Member{}, err
	}
	switch {
	case len(ms) == 0:
		return Member{}, Errorf(ENotFound, "I don't know anyone called @%s. I learn members when they join or take part.", Clip(name, 40))
	case len(ms) > 1 && !strings.EqualFold(ms[0].Name, name):
		var names []string
		for _, m := range ms[:min(len(ms), 5)] {
			names = append(names, "@"+m.Name)
		}
		return Member{}, Errorf(EArgument, "@%s could be %s. Which one?", Clip(name, 40), strings.Join(names, ", "))
	}
	return ms[0], nil
}

func DisplayName(m Member) string {
	if m.Name != "" {
		return m.Name
	}
	return m.ID
}

// learnChannel keeps a channel's name that a command told Hearth (the
// channel it ran in, or a <#ID|name> reference), for channels no event has
// named yet. It compares with the store rather than a memory of its own, so
// a rename another instance saw is never undone.
func (b *Bot) learnChannel(ctx context.Context, community string, ch Channel) error {
	if ch.ID == "" || ch.Name == "" {
		return nil
	}
	if known, err := b.store.Channel(ctx, community, ch.ID); err == nil && known.Name == ch.Name {
		return nil
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("learn channel %s: %w", ch.ID, err)
	}
	if err := b.store.SaveDirectory(ctx, Directory{Community: Community{ID: community, Platform: Platform(strings.SplitN(community, ":", 2)[0])},
		Channels: []Channel{ch}, At: b.clock.Now()}); err != nil {
		return fmt.Errorf("learn channel %s: %w", ch.ID, err)
	}
	return nil
}

// CommandTable is the table the kernel and mods make together, without a
// core to run it: for the Discord schema and for tests. Its Run funcs must
// not be called.
func CommandTable(mods ...Module) []CommandSpec {
	table := (&Bot{}).kernelCommands()
	for _, m := range mods {
		table = append(table, m.Commands()...)
	}
	return sortCommands(table)
}
