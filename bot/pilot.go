package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SettingPilot keeps the pilot (JSON Pilot).
const SettingPilot = "pilot"

// Pilot is a community's pilot (step 2 of the practice guide: pilot with a
// few passionate members, then launch). While it runs, Hearth acts only in
// its channels and for its members.
type Pilot struct {
	Channels   []string  `json:"channels"` // channel ids; none: every channel
	Members    []string  `json:"members"`  // member ids; none: every member
	StartedAt  time.Time `json:"started_at"`
	LaunchedAt time.Time `json:"launched_at,omitzero"`
}

// Active reports whether the pilot runs (started, not launched).
func (p Pilot) Active() bool { return !p.StartedAt.IsZero() && p.LaunchedAt.IsZero() }

// inChannel reports whether Hearth acts in channel ("" is a DM or the
// community itself: always).
func (p Pilot) InChannel(channel string) bool {
	return !p.Active() || channel == "" || len(p.Channels) == 0 || slices.Contains(p.Channels, channel)
}

// forMember reports whether Hearth acts for member.
func (p Pilot) ForMember(member string) bool {
	return !p.Active() || len(p.Members) == 0 || slices.Contains(p.Members, member)
}

func (b *Bot) pilotCommands() []CommandSpec {
	scope := Arg{Name: "scope", Kind: ArgText, Rest: true, Shape: "#channel… @member…", Help: "the pilot's channels and members"}
	return []CommandSpec{
		{Path: []string{"pilot", "start"}, Summary: "Pilot Hearth with a few channels and members before everyone",
			Args: []Arg{scope}, Facilitator: true, Run: b.cmdPilotStart},
		{Path: []string{"pilot", "add"}, Summary: "Add channels or members to the pilot",
			Args: []Arg{{Name: "scope", Kind: ArgText, Required: true, Rest: true, Shape: scope.Shape, Help: scope.Help}}, Facilitator: true, Run: b.cmdPilotAdd},
		{Path: []string{"pilot", "status"}, Summary: "The pilot's scope, or how the time since launch compares with it",
			Facilitator: true, Run: b.cmdPilotStatus},
		{Path: []string{"pilot", "launch"}, Aliases: [][]string{{"launch"}}, Summary: "End the pilot: Hearth acts everywhere, for everyone",
			Facilitator: true, Run: b.cmdLaunch},
	}
}

// Pilot returns the community's pilot. It is read from the store on every
// call, never kept in memory: another Hearth on the same database may start
// or launch it at any time. The event path asks once per batch; the read is
// one settings row.
func (b *Bot) Pilot(ctx context.Context, community string) (Pilot, error) {
	var p Pilot
	raw, err := b.store.Setting(ctx, community, SettingPilot)
	if err != nil {
		return Pilot{}, err
	}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			b.log.ErrorContext(ctx, "stored pilot does not read; acting everywhere", "community", community, "err", err)
			p = Pilot{}
		}
	}
	return p, nil
}

func (b *Bot) savePilot(ctx context.Context, community string, p Pilot) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return b.store.SetSetting(ctx, community, SettingPilot, string(raw))
}

// pilotScope reads `#channel… @member…` into channel and member ids.
func (b *Bot) pilotScope(ctx context.Context, community, text string) (channels, members []string, err error) {
	for _, tok := range strings.Fields(text) {
		if _, _, ok := ParseChannelRef(tok); ok {
			ch, err := b.ResolveChannel(ctx, community, tok)
			if err != nil {
				return nil, nil, err
			}
			channels = append(channels, ch.ID)
			continue
		}
		if _, _, ok := ParseMemberRef(tok); ok {
			m, err := b.ResolveMember(ctx, community, tok)
			if err != nil {
				return nil, nil, err
			}
			members = append(members, m.ID)
			continue
		}
		return nil, nil, Errorf(EArgument, "%q is neither a channel nor a member: name them like `#design @alice`.", Clip(tok, 40))
	}
	return channels, members, nil
}

func (b *Bot) cmdPilotStart(ctx context.Context, inv Invocation) (Reply, error) {
	p, err := b.Pilot(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	if p.Active() {
		return Reply{}, Errorf(EConflict, "A pilot is running already, since %s. `/hearth pilot add` widens it; `/hearth launch` ends it.", p.StartedAt.In(b.loc).Format("Jan 2"))
	}
	channels, members, err := b.pilotScope(ctx, inv.Community, inv.Arg("scope"))
	if err != nil {
		return Reply{}, err
	}
	if len(channels) == 0 && inv.Channel != "" {
		channels = []string{inv.Channel}
	}
	if !slices.Contains(members, inv.Member) && len(members) > 0 {
		members = append(members, inv.Member) // the facilitator who pilots takes part
	}
	p = Pilot{Channels: dedupe(channels), Members: dedupe(members), StartedAt: inv.At}
	if err := b.savePilot(ctx, inv.Community, p); err != nil {
		return Reply{}, err
	}
	b.log.InfoContext(ctx, "pilot started", "community", inv.Community, "channels", len(p.Channels), "members", len(p.Members))
	return PrivateText("The pilot has started. %s `/hearth launch` opens Hearth to everyone.", b.pilotLine(ctx, inv.Community, p)), nil
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

func (b *Bot) cmdPilotAdd(ctx context.Context, inv Invocation) (Reply, error) {
	p, err := b.Pilot(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	if !p.Active() {
		return Reply{}, Errorf(EConflict, "No pilot is running. `/hearth pilot start #channel @member…` starts one.")
	}
	channels, members, err := b.pilotScope(ctx, inv.Community, inv.Arg("scope"))
	if err != nil {
		return Reply{}, err
	}
	p.Channels = dedupe(append(p.Channels, channels...))
	p.Members = dedupe(append(p.Members, members...))
	if err := b.savePilot(ctx, inv.Community, p); err != nil {
		return Reply{}, err
	}
	return PrivateText("The pilot now covers: %s", b.pilotLine(ctx, inv.Community, p)), nil
}

// pilotLine says where and for whom the pilot runs.
func (b *Bot) pilotLine(ctx context.Context, community string, p Pilot) string {
	where := "every channel"
	if len(p.Channels) > 0 {
		var names []string
		for _, id := range p.Channels {
			names = append(names, "#"+b.ChannelName(ctx, community, id))
		}
		where = strings.Join(names, ", ")
	}
	who := "every member"
	if len(p.Members) > 0 {
		var names []string
		for _, id := range p.Members {
			names = append(names, b.MemberName(ctx, community, id))
		}
		who = strings.Join(names, ", ")
	}
	return fmt.Sprintf("Hearth acts only in %s, for %s.", where, who)
}

func (b *Bot) cmdLaunch(ctx context.Context, inv Invocation) (Reply, error) {
	p, err := b.Pilot(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	if !p.Active() {
		if !p.LaunchedAt.IsZero() {
			return PrivateText("Hearth launched on %s already.", p.LaunchedAt.In(b.loc).Format("Jan 2, 2006")), nil
		}
		return PrivateText("There is no pilot to end: Hearth already acts everywhere, for everyone."), nil
	}
	p.LaunchedAt = inv.At
	if err := b.savePilot(ctx, inv.Community, p); err != nil {
		return Reply{}, err
	}
	b.log.InfoContext(ctx, "launched", "community", inv.Community)
	return PrivateText("Launched! Hearth now acts in every channel, for every member. `/hearth pilot status` compares the time since launch with the pilot."), nil
}

func (b *Bot) cmdPilotStatus(ctx context.Context, inv Invocation) (Reply, error) {
	p, err := b.Pilot(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	switch {
	case p.StartedAt.IsZero():
		return PrivateText("There has been no pilot. `/hearth pilot start #channel @member…` starts one: Hearth then acts only there, for them, until `/hearth launch`."), nil
	case p.Active():
		return PrivateText("**Pilot** since %s. %s", p.StartedAt.In(b.loc).Format("Jan 2"), b.pilotLine(ctx, inv.Community, p)), nil
	}
	cmp, err := ComparePilot(ctx, b.store, inv.Community, p, inv.At)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Post: Post{Text: FormatPilotComparison(cmp, b.loc)}, Private: true}, nil
}

// PilotComparison compares the pilot with the time since launch, per week.
type PilotComparison struct {
	Pilot       PeriodFigures `json:"pilot"`
	SinceLaunch PeriodFigures `json:"since_launch"`
}

// PeriodFigures are one period's headline figures, and per week.
type PeriodFigures struct {
	From           time.Time `json:"from"`
	To             time.Time `json:"to"`
	Weeks          float64   `json:"weeks"`
	ActiveMembers  int       `json:"active_members"`
	Posts          int       `json:"posts"` // messages + replies
	PostsPerWeek   float64   `json:"posts_per_week"`
	CheckinAnswers int       `json:"checkin_answers"`
}

// ComparePilot computes the pilot's and the time since launch's figures.
func ComparePilot(ctx context.Context, r Reporter, community string, p Pilot, now time.Time) (PilotComparison, error) {
	figures := func(from, to time.Time) (PeriodFigures, error) {
		f := PeriodFigures{From: from, To: to, Weeks: to.Sub(from).Hours() / (24 * 7)}
		if !from.Before(to) {
			return f, nil
		}
		rep, err := r.Report(ctx, ReportQuery{Community: community, From: from, To: to, SummaryOnly: true})
		if err != nil {
			return f, err
		}
		f.ActiveMembers, f.Posts, f.CheckinAnswers = rep.Members.Active, rep.Activity.Messages+rep.Activity.Replies, rep.Activity.CheckinAnswers
		if f.Weeks > 0 {
			f.PostsPerWeek = float64(f.Posts) / f.Weeks
		}
		return f, nil
	}
	var c PilotComparison
	var err error
	if c.Pilot, err = figures(p.StartedAt, p.LaunchedAt); err != nil {
		return c, err
	}
	c.SinceLaunch, err = figures(p.LaunchedAt, now)
	return c, err
}

// FormatPilotComparison renders the comparison for chat.
func FormatPilotComparison(c PilotComparison, loc *time.Location) string {
	line := func(name string, f PeriodFigures) string {
		return fmt.Sprintf("• %s (%s – %s, %.1f weeks): %s, %s (%.1f a week), %s",
			name, f.From.In(loc).Format("Jan 2"), f.To.Add(-time.Second).In(loc).Format("Jan 2"), f.Weeks, Plural(f.ActiveMembers, "active member"),
			Plural(f.Posts, "post"), f.PostsPerWeek, Plural(f.CheckinAnswers, "check-in answer"))
	}
	return "**Pilot and launch**\n" + line("Pilot", c.Pilot) + "\n" + line("Since launch", c.SinceLaunch)
}
