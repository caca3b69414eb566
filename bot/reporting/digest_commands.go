package reporting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func (b *Reporting) digestCommands() []bot.CommandSpec {
	return []bot.CommandSpec{
		{Path: []string{"digest", "channel"}, Summary: "Where the weekly digest goes",
			Args: []bot.Arg{{Name: "channel", Kind: bot.ArgChannel, Required: true, Help: "the facilitators' channel"}}, Facilitator: true, Run: b.cmdDigestChannel},
		{Path: []string{"digest", "schedule"}, Summary: "When the digest goes out (default every monday at 9:00)",
			Args: []bot.Arg{{Name: "spec", Kind: bot.ArgText, Quoted: true, Help: bot.SpecArg().Help}, bot.TZArg()}, Facilitator: true, Run: b.cmdDigestSchedule},
		{Path: []string{"digest", "now"}, Summary: "The digest of the last 7 days, now", Facilitator: true, Run: b.cmdDigestNow},
		{Path: []string{"digest", "off"}, Summary: "Stop the weekly digest", Facilitator: true, Run: b.cmdDigestOff},
	}
}

// DefaultDigestSpec is when the digest goes out unless told otherwise.
const DefaultDigestSpec = "every monday at 9:00"

func (b *Reporting) cmdDigestChannel(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	ch, err := b.core.ResolveChannel(ctx, inv.Community, inv.Arg("channel"))
	if err != nil {
		return bot.Reply{}, err
	}
	if err := b.store.SetSetting(ctx, inv.Community, bot.SettingDigestChannel, ch.ID); err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("The weekly digest goes to #%s. Schedule it with `/hearth digest schedule` (default %s).", bot.ChannelLabel(ch.ID, ch.Name), DefaultDigestSpec), nil
}

func (b *Reporting) cmdDigestSchedule(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	spec := inv.Arg("spec")
	if spec == "" {
		spec = DefaultDigestSpec
	}
	tz, err := bot.ZoneArg(inv)
	if err != nil {
		return bot.Reply{}, err
	}
	if _, err := b.core.ParseSpecIn(spec, b.core.Zone(tz)); err != nil { // before changing anything
		return bot.Reply{}, err
	}
	channel, err := b.store.Setting(ctx, inv.Community, bot.SettingDigestChannel)
	if err != nil {
		return bot.Reply{}, err
	}
	note := ""
	if channel == "" {
		if inv.Channel == "" {
			return bot.Reply{}, bot.Errorf(bot.EConflict, "Where should the digest go? Set a channel first: `/hearth digest channel #facilitators`.")
		}
		if err := b.store.SetSetting(ctx, inv.Community, bot.SettingDigestChannel, inv.Channel); err != nil {
			return bot.Reply{}, err
		}
		note = fmt.Sprintf(" It goes to #%s (change it with `/hearth digest channel`).", bot.ChannelLabel(inv.Channel, inv.ChannelName))
	}
	if _, err := b.removeDigestSchedules(ctx, inv.Community); err != nil {
		return bot.Reply{}, err
	}
	s, next, err := b.core.AddSchedule(ctx, inv, bot.Schedule{Kind: ScheduleDigest, Spec: spec})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("Digest schedule #%d: %s. First one: %s.%s", s.ID, spec, bot.WhenIn(next, b.core.Zone(s.TZ)), note), nil
}

// removeDigestSchedules keeps one digest schedule per community: a new one
// replaces the old.
func (b *Reporting) removeDigestSchedules(ctx context.Context, community string) (int, error) {
	all, err := b.store.Schedules(ctx, community)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range all {
		if s.Kind == ScheduleDigest {
			if err := b.store.RemoveSchedule(ctx, community, s.ID); err != nil && !errors.Is(err, bot.ErrNotFound) {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func (b *Reporting) cmdDigestOff(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	n, err := b.removeDigestSchedules(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if n == 0 {
		return bot.PrivateText("The digest was not scheduled."), nil
	}
	return bot.PrivateText("The weekly digest is off. `/hearth digest schedule` brings it back."), nil
}

func (b *Reporting) cmdDigestNow(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	channel, err := b.store.Setting(ctx, inv.Community, bot.SettingDigestChannel)
	if err != nil {
		return bot.Reply{}, err
	}
	if channel != "" {
		if err := b.postDigest(ctx, inv.Community, inv.At); err != nil {
			return bot.Reply{}, bot.PlatformError(err, "post the digest")
		}
		return bot.PrivateText("Posted the digest of the last 7 days in #%s.", b.core.ChannelName(ctx, inv.Community, channel)), nil
	}
	// No digest channel: the digest names members, so only the caller sees it.
	post, err := b.digestPost(ctx, inv.Community, inv.At)
	if err != nil {
		return bot.Reply{}, err
	}
	post.Text += "\n_Set a digest channel with `/hearth digest channel #facilitators` to share it with the other facilitators._"
	return bot.Reply{Post: post, Private: true}, nil
}

// postDigest posts the weekly digest for the week ending at to the
// community's digest channel, with the chart where the platform takes files.
func (b *Reporting) postDigest(ctx context.Context, community string, at time.Time) error {
	channel, err := b.store.Setting(ctx, community, bot.SettingDigestChannel)
	if err != nil {
		return err
	}
	if channel == "" {
		return bot.Errorf(bot.EConflict, "There is no digest channel yet: set one with `/hearth digest channel #facilitators`.")
	}
	post, err := b.digestPost(ctx, community, at)
	if err != nil {
		return err
	}
	chat, err := b.core.Chat(community)
	if err != nil {
		return err
	}
	if _, err := chat.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: community, Channel: channel}, post); err != nil {
		return fmt.Errorf("post digest to %s: %w", channel, err)
	}
	return nil
}

// digestPost builds the digest as a post, with its chart when the community's
// platform takes files and a Charter is configured.
func (b *Reporting) digestPost(ctx context.Context, community string, at time.Time) (bot.Post, error) {
	d, err := BuildDigest(ctx, b.store, community, at, b.quietAfter, b.loc, b.core.Modules()...)
	if err != nil {
		return bot.Post{}, err
	}
	post := bot.Post{Text: FormatDigest(d, DigestView{Location: b.loc, Links: b.core.Permalinker(community)})}
	if b.charter != nil && b.core.Capabilities(community).Files {
		png, err := b.charter.WeeklyChart("Participation, last 8 weeks", d.Weeks)
		if err != nil {
			b.log.ErrorContext(ctx, "digest chart", "community", community, "err", err)
		} else {
			post.Image = &bot.File{Name: "hearth-digest-" + at.In(b.loc).Format(time.DateOnly) + ".png", ContentType: "image/png", Data: png}
		}
	}
	return post, nil
}

func (b *Reporting) cmdReport(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	period, err := bot.ParsePeriod(inv.Arg("period"), inv.At, b.loc)
	if err != nil {
		return bot.Reply{}, err
	}
	q := bot.ReportQuery{Community: inv.Community, From: period.From, To: period.To, QuietAfter: b.quietAfter}
	var ch bot.Channel
	if tok := inv.Arg("channel"); tok != "" {
		if ch, err = b.core.ResolveChannel(ctx, inv.Community, tok); err != nil {
			return bot.Reply{}, err
		}
		q.Channel = ch.ID
	}
	rep, err := b.core.Report(ctx, q)
	if err != nil {
		return bot.Reply{}, err
	}
	text := FormatReport(rep, ReportView{Location: b.loc, Channel: ch, Label: PeriodLabel(inv.Arg("period"))})
	reply := bot.Reply{Post: bot.Post{Text: text}, Private: true}
	for _, p := range []string{"7d", "30d", "90d"} {
		if p == inv.Arg("period") || (p == "7d" && inv.Arg("period") == "") {
			continue
		}
		val := p
		if ch.ID != "" {
			val += " <#" + ch.ID + ">"
		}
		reply.Buttons = append(reply.Buttons, bot.Button{ActionID: ActionReport, Label: "Last " + strings.TrimSuffix(p, "d") + " days", Value: val})
	}
	return reply, nil
}

// PeriodLabel is the words a report's title gives a period argument: "last
// 7 days" for 7d, "last 2 weeks" for 2w, and "" for a date range, which the
// title names by its dates alone (ReportView.Label).
func PeriodLabel(arg string) string {
	arg = strings.ToLower(strings.TrimSpace(arg))
	if arg == "" {
		arg = "7d"
	}
	if strings.HasSuffix(arg, "d") && !strings.Contains(arg, "..") {
		return "last " + strings.TrimSuffix(arg, "d") + " days"
	}
	if strings.HasSuffix(arg, "w") && !strings.Contains(arg, "..") {
		return "last " + strings.TrimSuffix(arg, "w") + " weeks"
	}
	return ""
}

// ActionReport is the action of a report's period buttons; Value holds the
// report command's arguments.
const ActionReport = "hearth.report"

func (b *Reporting) actReport(ctx context.Context, a bot.Action) (bot.Reply, error) {
	return b.core.HandleCommand(ctx, bot.Command{Community: a.Community, Channel: a.Channel, Member: a.Member,
		MemberName: a.MemberName, Admin: a.Admin, Text: "report " + a.Value, At: a.At}), nil
}
