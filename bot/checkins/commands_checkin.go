package checkins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func (b *Checkins) checkinCommands() []bot.CommandSpec {
	survey := bot.Arg{Name: "survey", Kind: bot.ArgText, Required: true, Help: "a survey's name: `pulse`, `reflection`, `event-feedback`, or one imported (`/hearth checkin templates`)"}
	where := bot.Arg{Name: "where", Kind: bot.ArgText, Shape: "#channel|dm", Help: "`#channel` to post it in a channel, or `dm` to message each member (default: the survey's setting)"}
	closes := bot.Arg{Name: "closes", Kind: bot.ArgText, Shape: "closes=48h", Help: "how long it stays open, like closes=48h or closes=7d (default: the survey's)"}
	run := bot.Arg{Name: "run", Kind: bot.ArgNumber, Required: true, Help: "the run's number, from `/hearth checkin list`"}
	return []bot.CommandSpec{
		{Path: []string{"checkin", "templates"}, Summary: "The check-in surveys: built in and imported", Facilitator: true, Run: b.cmdCheckinTemplates},
		{Path: []string{"checkin", "start"}, Summary: "Send a check-in survey now",
			Args: []bot.Arg{survey, where, closes}, Facilitator: true, Run: b.cmdCheckinStart},
		{Path: []string{"checkin", "schedule"}, Summary: "Send a check-in survey on a schedule",
			Args: []bot.Arg{survey, {Name: "spec", Kind: bot.ArgText, Required: true, Quoted: true, Help: "when: `every monday at 9:00`, `every 2 weeks on friday at 15:00`, `monthly on day 1 at 9:00`, or cron"},
				where, closes, {Name: "tz", Kind: bot.ArgText, Shape: "tz=ZONE", Help: "time zone, like tz=Europe/Paris (default: the community's)"}},
			Facilitator: true, Run: b.cmdCheckinSchedule},
		{Path: []string{"checkin", "list"}, Summary: "Open and recent check-ins, with how many answered", Facilitator: true, Run: b.cmdCheckinList},
		{Path: []string{"checkin", "close"}, Summary: "Close a check-in now and send its results", Args: []bot.Arg{run}, Facilitator: true, Run: b.cmdCheckinClose},
		{Path: []string{"checkin", "results"}, Summary: "A check-in's results, with the trend against the run before",
			Args:        []bot.Arg{survey, {Name: "run", Kind: bot.ArgNumber, Help: "a run's number (default: the latest)"}},
			Facilitator: true, Run: b.cmdCheckinResults},
	}
}

// surveys returns the community's surveys: the built-in templates, with an
// imported survey of the same name taking a template's place.
func (b *Checkins) surveys(ctx context.Context, community string) ([]Survey, map[string]bool, error) {
	stored, err := b.store.Surveys(ctx, community)
	if err != nil {
		return nil, nil, err
	}
	imported := map[string]bool{}
	for _, s := range stored {
		imported[s.Name] = true
	}
	var all []Survey
	for _, t := range SurveyTemplates() {
		if !imported[t.Name] {
			all = append(all, t)
		}
	}
	return append(all, stored...), imported, nil
}

func (b *Checkins) cmdCheckinTemplates(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	all, imported, err := b.surveys(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	var sb strings.Builder
	sb.WriteString("**Check-in surveys**\n")
	for _, s := range all {
		var kinds []string
		for _, q := range s.Questions {
			kinds = append(kinds, string(q.Kind))
		}
		origin := "built in"
		if imported[s.Name] {
			origin = "imported"
		}
		privacy := "attributed"
		if s.Settings.Anonymous {
			privacy = fmt.Sprintf("anonymous (results from %d respondents)", s.MinRespondents())
		}
		fmt.Fprintf(&sb, "• `%s` %s: %s (%s), %s, open %s, %s (%s)\n", s.Name, s.Title,
			bot.Plural(len(s.Questions), "question"), strings.Join(kinds, ", "), privacy, bot.Spell(s.Settings.Window), audienceLabel(s.Settings), origin)
	}
	sb.WriteString("Operators add surveys with `hearth surveys import FILE.yaml`.")
	return bot.Reply{Post: bot.Post{Text: sb.String()}, Private: true}, nil
}

func audienceLabel(st SurveySettings) string {
	who := map[Audience]string{AudienceAll: "every member", AudienceChannel: "a channel's members", AudienceList: "a list of members"}[st.Audience]
	if st.Delivery == DeliverChannel {
		return "posted in a channel for " + who
	}
	return "by DM to " + who
}

// CheckinPayload is a check-in schedule's Payload, as JSON.
type CheckinPayload struct {
	Survey   string        `json:"survey"`
	Delivery Delivery      `json:"delivery,omitempty"` // "" for the survey's own
	Window   time.Duration `json:"window,omitempty"`   // 0 for the survey's own
}

// runArgs are the optional arguments of checkin start and schedule. They
// are read by what they look like, not where they stand, so
// `checkin start pulse closes=24h` and Discord's typed options both work.
type runArgs struct {
	delivery Delivery
	channel  bot.Channel
	window   time.Duration
	tz       string
}

func (b *Checkins) readRunArgs(ctx context.Context, inv bot.Invocation, names ...string) (runArgs, error) {
	var ra runArgs
	for _, n := range names {
		tok := strings.TrimSpace(inv.Arg(n))
		low := strings.ToLower(tok)
		switch {
		case tok == "":
		case low == "dm" || low == "dms":
			ra.delivery = DeliverDM
		case strings.HasPrefix(low, "closes="), n == "closes" && !strings.HasPrefix(low, "tz="):
			w, err := parseWindow(strings.TrimPrefix(low, "closes="))
			if err != nil {
				return ra, err
			}
			ra.window = w
		case strings.HasPrefix(low, "tz="), n == "tz", strings.Contains(tok, "/"), tok == "UTC":
			inv.Args["tz"] = tok
			tz, err := bot.ZoneArg(inv)
			if err != nil {
				return ra, err
			}
			ra.tz = tz
		default:
			if _, _, ok := bot.ParseChannelRef(tok); ok {
				ch, err := b.core.ResolveChannel(ctx, inv.Community, tok)
				if err != nil {
					return ra, err
				}
				ra.delivery, ra.channel = DeliverChannel, ch
				continue
			}
			if w, err := parseWindow(low); err == nil {
				ra.window = w
				continue
			}
			return ra, bot.Errorf(bot.EArgument, "I don't know what to do with %q: say where (`#channel` or `dm`) and how long it stays open (`closes=48h`).", bot.Clip(tok, 40))
		}
	}
	return ra, nil
}

// parseWindow reads how long a run stays open: 90m, 48h, 2d, 1w.
func parseWindow(s string) (time.Duration, error) {
	bad := bot.Errorf(bot.EArgument, "I can't read %q as how long the check-in stays open. Try `closes=48h`, `closes=2d` or `closes=1w` (1 hour to 30 days).", bot.Clip(s, 20))
	if len(s) < 2 || len(s) > 6 {
		return 0, bad
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, bad
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, bad
	}
	w := time.Duration(n) * unit
	if w < time.Hour || w > MaxSurveyWindow {
		return 0, bad
	}
	return w, nil
}

// runChannel is the channel a run concerns: the one named, else the one
// the command ran in (for a channel post or a channel's audience).
func runChannel(inv bot.Invocation, s Survey, ra runArgs) string {
	if ra.channel.ID != "" {
		return ra.channel.ID
	}
	delivery := bot.NameOr(string(ra.delivery), string(s.Settings.Delivery))
	if Delivery(delivery) == DeliverChannel || s.Settings.Audience == AudienceChannel {
		return inv.Channel
	}
	return ""
}

func (b *Checkins) cmdCheckinStart(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	s, err := b.findSurvey(ctx, inv.Community, inv.Arg("survey"))
	if err != nil {
		return bot.Reply{}, err
	}
	ra, err := b.readRunArgs(ctx, inv, "where", "closes")
	if err != nil {
		return bot.Reply{}, err
	}
	progress := func(sent, total int) {
		b.tell(ctx, inv.Community, inv.Member, fmt.Sprintf("%s: sent %d/%d…", bot.NameOr(s.Title, s.Name), sent, total))
	}
	r, d, err := b.startRun(ctx, inv.Community, s, runOptions{Delivery: ra.delivery, Channel: runChannel(inv, s, ra),
		Window: ra.window, By: inv.Member, At: inv.At, Progress: progress})
	if err != nil {
		if r.ID != 0 {
			b.log.ErrorContext(ctx, "check-in delivery", "community", inv.Community, "run", r.ID, "err", err)
			return bot.PrivateText("Check-in #%d (%s) started, but sending it failed part way (%s). Whoever was missed gets it with the reminder.", r.ID, s.Title, d.summary()), nil
		}
		return bot.Reply{}, err
	}
	return bot.PrivateText("Check-in #%d (%s) is open until %s: %s. `/hearth checkin results %s` shows answers so far.",
		r.ID, s.Title, bot.WhenIn(r.ClosesAt, b.loc), b.deliveredWhere(ctx, r, d), s.Name), nil
}

func (b *Checkins) deliveredWhere(ctx context.Context, r CheckinRun, d delivery) string {
	if r.Delivery == DeliverChannel {
		return fmt.Sprintf("posted in #%s for %s", b.core.ChannelName(ctx, r.Community, r.Channel), bot.Plural(d.Total, "member"))
	}
	return d.summary()
}

// tell DMs a member, logging a failure: progress is a courtesy.
func (b *Checkins) tell(ctx context.Context, community, member, text string) {
	if member == "" {
		return
	}
	chat, err := b.core.Chat(community)
	if err == nil {
		_, err = chat.Post(ctx, bot.Destination{Kind: bot.ToDM, Community: community, Member: member}, bot.Post{Text: text})
	}
	if err != nil {
		b.log.WarnContext(ctx, "tell a member", "community", community, "member", member, "err", err)
	}
}

func (b *Checkins) cmdCheckinSchedule(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	s, err := b.findSurvey(ctx, inv.Community, inv.Arg("survey"))
	if err != nil {
		return bot.Reply{}, err
	}
	ra, err := b.readRunArgs(ctx, inv, "where", "closes", "tz")
	if err != nil {
		return bot.Reply{}, err
	}
	channel := runChannel(inv, s, ra)
	delivery := bot.NameOr(string(ra.delivery), string(s.Settings.Delivery))
	if channel == "" && Delivery(delivery) == DeliverChannel {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "Survey %s is posted in a channel: name it, like `#general`, or schedule it from there.", s.Name)
	}
	payload, err := json.Marshal(CheckinPayload{Survey: s.Name, Delivery: ra.delivery, Window: ra.window})
	if err != nil {
		return bot.Reply{}, err
	}
	inv.Args["tz"] = ra.tz
	sc, next, err := b.core.AddSchedule(ctx, inv, bot.Schedule{Kind: ScheduleCheckin, Spec: inv.Arg("spec"), Channel: channel, Payload: string(payload)})
	if err != nil {
		return bot.Reply{}, err
	}
	window := ra.window
	if window == 0 {
		window = s.Settings.Window
	}
	return bot.PrivateText("Check-in schedule #%d: %s, %s, open %s each time. First one: %s.", sc.ID, s.Title, sc.Spec, bot.Spell(window), bot.WhenIn(next, b.core.Zone(sc.TZ))), nil
}

// runScheduledCheckin starts a scheduled run and tells the facilitators
// how sending went.
func (b *Checkins) runScheduledCheckin(ctx context.Context, sc bot.Schedule, at time.Time) error {
	var p CheckinPayload
	if err := json.Unmarshal([]byte(sc.Payload), &p); err != nil {
		return fmt.Errorf("check-in schedule %d: payload: %w", sc.ID, err)
	}
	s, err := b.findSurvey(ctx, sc.Community, p.Survey)
	if err != nil {
		return err
	}
	r, d, err := b.startRun(ctx, sc.Community, s, runOptions{Delivery: p.Delivery, Channel: sc.Channel, Window: p.Window, Schedule: sc.ID, At: at})
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Check-in #%d (%s) is out: %s. It closes %s.", r.ID, s.Title, b.deliveredWhere(ctx, r, d), bot.WhenIn(r.ClosesAt, b.loc))
	if channel, err := b.store.Setting(ctx, sc.Community, bot.SettingDigestChannel); err == nil && channel != "" {
		chat, err := b.core.Chat(sc.Community)
		if err == nil {
			_, err = chat.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: sc.Community, Channel: channel}, bot.Post{Text: note})
		}
		return err
	}
	b.tell(ctx, sc.Community, sc.CreatedBy, note)
	return nil
}

// cmdCheckinList lists every run, newest first, and the check-in
// schedules: a page of each in chat, More for the next, and the whole list
// in checkins.md where the platform takes files.
func (b *Checkins) cmdCheckinList(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	runs, err := b.store.CheckinRuns(ctx, inv.Community, RunQuery{})
	if err != nil {
		return bot.Reply{}, err
	}
	scheds, err := b.store.Schedules(ctx, inv.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	runLines := make([]string, 0, len(runs))
	for _, r := range runs {
		res, err := b.resultsOf(ctx, r)
		if err != nil {
			return bot.Reply{}, err
		}
		state := "open until " + bot.WhenIn(r.ClosesAt, b.loc)
		if !r.ClosedAt.IsZero() {
			state = "closed " + bot.WhenIn(r.ClosedAt, b.loc)
		}
		how := "by DM"
		if r.Delivery == DeliverChannel {
			how = "in #" + b.core.ChannelName(ctx, r.Community, r.Channel)
		}
		runLines = append(runLines, fmt.Sprintf("• #%d %s, %s, %s: %d of %d answered (%.0f%%)", r.ID, bot.NameOr(r.Survey.Title, r.Survey.Name), how, state,
			res.Respondents, res.Delivered, 100*res.ResponseRate))
	}
	var schedLines []string
	for _, sc := range scheds {
		if sc.Kind != ScheduleCheckin {
			continue
		}
		var p CheckinPayload
		_ = json.Unmarshal([]byte(sc.Payload), &p)
		line := fmt.Sprintf("• schedule #%d: %s, %s", sc.ID, p.Survey, sc.Spec)
		if sc.Paused {
			line += " (paused)"
		}
		schedLines = append(schedLines, line)
	}
	lists := []bot.List{{Title: counted("**Check-ins**", len(runs), checkinListPage), Lines: runLines, PageSize: checkinListPage,
		Empty: "None yet. Start one with `/hearth checkin start pulse`."}}
	if len(schedLines) > 0 {
		lists = append(lists, bot.List{Title: counted("**Check-in schedules**", len(schedLines), checkinListPage), Lines: schedLines, PageSize: checkinListPage})
	}
	text, buttons, file := bot.Pages(inv, b.core.Capabilities(inv.Community), "checkins.md", lists...)
	return bot.Reply{Post: bot.Post{Text: text, Buttons: buttons, Attachment: file}, Private: true}, nil
}

// checkinListPage is how many runs (and schedules) a page of /hearth
// checkin list shows.
const checkinListPage = 10

// counted is a list's title with its count when the list is longer than
// a page.
func counted(title string, n, page int) string {
	if n > page {
		return fmt.Sprintf("%s (%d)", title, n)
	}
	return title
}

func (b *Checkins) runArg(ctx context.Context, inv bot.Invocation) (CheckinRun, error) {
	id, _ := strconv.ParseInt(strings.TrimPrefix(inv.Arg("run"), "#"), 10, 64)
	r, err := b.store.CheckinRun(ctx, inv.Community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return r, bot.Errorf(bot.ENotFound, "There is no check-in #%d. `/hearth checkin list` shows them.", id)
	}
	return r, err
}

func (b *Checkins) cmdCheckinClose(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	r, err := b.runArg(ctx, inv)
	if err != nil {
		return bot.Reply{}, err
	}
	_, where, closed, err := b.closeRun(ctx, inv.Community, r.ID, inv.At)
	if err != nil {
		return bot.Reply{}, bot.PlatformError(err, "close the check-in")
	}
	if !closed {
		return bot.PrivateText("Check-in #%d closed already, %s. `/hearth checkin results %s %d` shows its results.", r.ID, bot.WhenIn(r.ClosedAt, b.loc), r.Survey.Name, r.ID), nil
	}
	b.log.InfoContext(ctx, "check-in closed by hand", "community", inv.Community, "run", r.ID, "by", inv.Member)
	return bot.PrivateText("Closed check-in #%d (%s). Its results went to %s.", r.ID, r.Survey.Title, where), nil
}

func (b *Checkins) cmdCheckinResults(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	s, err := b.findSurvey(ctx, inv.Community, inv.Arg("survey"))
	if err != nil {
		return bot.Reply{}, err
	}
	var r CheckinRun
	if inv.Arg("run") != "" {
		if r, err = b.runArg(ctx, inv); err != nil {
			return bot.Reply{}, err
		}
		if r.Survey.Name != s.Name {
			return bot.Reply{}, bot.Errorf(bot.EArgument, "Check-in #%d is a run of %s, not %s.", r.ID, r.Survey.Name, s.Name)
		}
	} else {
		runs, err := b.store.CheckinRuns(ctx, inv.Community, RunQuery{Survey: s.Name, Closed: true, Limit: 1})
		if err != nil {
			return bot.Reply{}, err
		}
		if len(runs) == 0 {
			if runs, err = b.store.CheckinRuns(ctx, inv.Community, RunQuery{Survey: s.Name, Limit: 1}); err != nil {
				return bot.Reply{}, err
			}
		}
		if len(runs) == 0 {
			return bot.PrivateText("%s has not run yet. `/hearth checkin start %s` sends it now.", s.Title, s.Name), nil
		}
		r = runs[0]
	}
	post, err := b.resultsPost(ctx, r, false)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: post, Private: true}, nil
}
