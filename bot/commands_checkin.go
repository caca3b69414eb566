package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

func (b *Bot) checkinCommands() []CommandSpec {
	survey := Arg{Name: "survey", Kind: ArgText, Required: true, Help: "a survey's name: `pulse`, `reflection`, `event-feedback`, or one imported (`/hearth checkin templates`)"}
	where := Arg{Name: "where", Kind: ArgText, Shape: "#channel|dm", Help: "`#channel` to post it in a channel, or `dm` to message each member (default: the survey's setting)"}
	closes := Arg{Name: "closes", Kind: ArgText, Shape: "closes=48h", Help: "how long it stays open, like closes=48h or closes=7d (default: the survey's)"}
	run := Arg{Name: "run", Kind: ArgNumber, Required: true, Help: "the run's number, from `/hearth checkin list`"}
	return []CommandSpec{
		{Path: []string{"checkin", "templates"}, Summary: "The check-in surveys: built in and imported", Facilitator: true, Run: b.cmdCheckinTemplates},
		{Path: []string{"checkin", "start"}, Summary: "Send a check-in survey now",
			Args: []Arg{survey, where, closes}, Facilitator: true, Run: b.cmdCheckinStart},
		{Path: []string{"checkin", "schedule"}, Summary: "Send a check-in survey on a schedule",
			Args: []Arg{survey, {Name: "spec", Kind: ArgText, Required: true, Quoted: true, Help: "when: `every monday at 9:00`, `every 2 weeks on friday at 15:00`, `monthly on day 1 at 9:00`, or cron"},
				where, closes, {Name: "tz", Kind: ArgText, Shape: "tz=ZONE", Help: "this schedule's time zone, like tz=Europe/Paris (default: the community's)"}},
			Facilitator: true, Run: b.cmdCheckinSchedule},
		{Path: []string{"checkin", "list"}, Summary: "Open and recent check-ins, with how many answered", Facilitator: true, Run: b.cmdCheckinList},
		{Path: []string{"checkin", "close"}, Summary: "Close a check-in now and send its results", Args: []Arg{run}, Facilitator: true, Run: b.cmdCheckinClose},
		{Path: []string{"checkin", "results"}, Summary: "A check-in's results, with the trend against the run before",
			Args:        []Arg{survey, {Name: "run", Kind: ArgNumber, Help: "a run's number (default: the latest)"}},
			Facilitator: true, Run: b.cmdCheckinResults},
	}
}

// surveys returns the community's surveys: the built-in templates, with an
// imported survey of the same name taking a template's place.
func (b *Bot) surveys(ctx context.Context, community string) ([]Survey, map[string]bool, error) {
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

func (b *Bot) cmdCheckinTemplates(ctx context.Context, inv Invocation) (Reply, error) {
	all, imported, err := b.surveys(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
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
			privacy = "anonymous"
		}
		fmt.Fprintf(&sb, "• `%s` %s: %s (%s), %s, open %s, %s (%s)\n", s.Name, s.Title,
			plural(len(s.Questions), "question"), strings.Join(kinds, ", "), privacy, spell(s.Settings.Window), audienceLabel(s.Settings), origin)
	}
	sb.WriteString("Operators add surveys with `hearth surveys import FILE.yaml`.")
	return Reply{Post: Post{Text: sb.String()}, Private: true}, nil
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
	channel  Channel
	window   time.Duration
	tz       string
}

func (b *Bot) readRunArgs(ctx context.Context, inv Invocation, names ...string) (runArgs, error) {
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
			inv.args["tz"] = tok
			tz, err := zoneArg(inv)
			if err != nil {
				return ra, err
			}
			ra.tz = tz
		default:
			if _, _, ok := ParseChannelRef(tok); ok {
				ch, err := b.resolveChannel(ctx, inv.Community, tok)
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
			return ra, Errorf(EArgument, "I don't know what to do with %q: say where (`#channel` or `dm`) and how long it stays open (`closes=48h`).", clip(tok, 40))
		}
	}
	return ra, nil
}

// parseWindow reads how long a run stays open: 90m, 48h, 2d, 1w.
func parseWindow(s string) (time.Duration, error) {
	bad := Errorf(EArgument, "I can't read %q as how long the check-in stays open. Try `closes=48h`, `closes=2d` or `closes=1w` (1 hour to 30 days).", clip(s, 20))
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
func runChannel(inv Invocation, s Survey, ra runArgs) string {
	if ra.channel.ID != "" {
		return ra.channel.ID
	}
	delivery := nameOr(string(ra.delivery), string(s.Settings.Delivery))
	if Delivery(delivery) == DeliverChannel || s.Settings.Audience == AudienceChannel {
		return inv.Channel
	}
	return ""
}

func (b *Bot) cmdCheckinStart(ctx context.Context, inv Invocation) (Reply, error) {
	s, err := b.findSurvey(ctx, inv.Community, inv.Arg("survey"))
	if err != nil {
		return Reply{}, err
	}
	ra, err := b.readRunArgs(ctx, inv, "where", "closes")
	if err != nil {
		return Reply{}, err
	}
	progress := func(sent, total int) {
		b.tell(ctx, inv.Community, inv.Member, fmt.Sprintf("%s: sent %d/%d…", nameOr(s.Title, s.Name), sent, total))
	}
	r, d, err := b.startRun(ctx, inv.Community, s, runOptions{Delivery: ra.delivery, Channel: runChannel(inv, s, ra),
		Window: ra.window, By: inv.Member, At: inv.At, Progress: progress})
	if err != nil {
		if r.ID != 0 {
			b.log.ErrorContext(ctx, "check-in delivery", "community", inv.Community, "run", r.ID, "err", err)
			return privateText("Check-in #%d (%s) started, but sending it failed part way (%s). Whoever was missed gets it with the reminder.", r.ID, s.Title, d.summary()), nil
		}
		return Reply{}, err
	}
	return privateText("Check-in #%d (%s) is open until %s: %s. `/hearth checkin results %s` shows answers so far.",
		r.ID, s.Title, whenIn(r.ClosesAt, b.loc), b.deliveredWhere(ctx, r, d), s.Name), nil
}

func (b *Bot) deliveredWhere(ctx context.Context, r CheckinRun, d delivery) string {
	if r.Delivery == DeliverChannel {
		return fmt.Sprintf("posted in #%s for %s", b.ChannelName(ctx, r.Community, r.Channel), plural(d.Total, "member"))
	}
	return d.summary()
}

// tell DMs a member, logging a failure: progress is a courtesy.
func (b *Bot) tell(ctx context.Context, community, member, text string) {
	if member == "" {
		return
	}
	chat, err := b.chat(community)
	if err == nil {
		_, err = chat.Post(ctx, Destination{Kind: ToDM, Community: community, Member: member}, Post{Text: text})
	}
	if err != nil {
		b.log.WarnContext(ctx, "tell a member", "community", community, "member", member, "err", err)
	}
}

func (b *Bot) cmdCheckinSchedule(ctx context.Context, inv Invocation) (Reply, error) {
	s, err := b.findSurvey(ctx, inv.Community, inv.Arg("survey"))
	if err != nil {
		return Reply{}, err
	}
	ra, err := b.readRunArgs(ctx, inv, "where", "closes", "tz")
	if err != nil {
		return Reply{}, err
	}
	channel := runChannel(inv, s, ra)
	delivery := nameOr(string(ra.delivery), string(s.Settings.Delivery))
	if channel == "" && Delivery(delivery) == DeliverChannel {
		return Reply{}, Errorf(EArgument, "Survey %s is posted in a channel: name it, like `#general`, or schedule it from there.", s.Name)
	}
	payload, err := json.Marshal(CheckinPayload{Survey: s.Name, Delivery: ra.delivery, Window: ra.window})
	if err != nil {
		return Reply{}, err
	}
	inv.args["tz"] = ra.tz
	sc, next, err := b.addSchedule(ctx, inv, Schedule{Kind: ScheduleCheckin, Spec: inv.Arg("spec"), Channel: channel, Payload: string(payload)})
	if err != nil {
		return Reply{}, err
	}
	window := ra.window
	if window == 0 {
		window = s.Settings.Window
	}
	return privateText("Check-in schedule #%d: %s, %s, open %s each time. First one: %s.", sc.ID, s.Title, sc.Spec, spell(window), whenIn(next, b.zone(sc.TZ))), nil
}

// runScheduledCheckin starts a scheduled run and tells the facilitators
// how sending went.
func (b *Bot) runScheduledCheckin(ctx context.Context, sc Schedule, at time.Time) error {
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
	note := fmt.Sprintf("Check-in #%d (%s) is out: %s. It closes %s.", r.ID, s.Title, b.deliveredWhere(ctx, r, d), whenIn(r.ClosesAt, b.loc))
	if channel, err := b.store.Setting(ctx, sc.Community, SettingDigestChannel); err == nil && channel != "" {
		chat, err := b.chat(sc.Community)
		if err == nil {
			_, err = chat.Post(ctx, Destination{Kind: ToChannel, Community: sc.Community, Channel: channel}, Post{Text: note})
		}
		return err
	}
	b.tell(ctx, sc.Community, sc.CreatedBy, note)
	return nil
}

func (b *Bot) cmdCheckinList(ctx context.Context, inv Invocation) (Reply, error) {
	runs, err := b.store.CheckinRuns(ctx, inv.Community, RunQuery{Limit: 10})
	if err != nil {
		return Reply{}, err
	}
	scheds, err := b.store.Schedules(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	var sb strings.Builder
	sb.WriteString("**Check-ins**\n")
	if len(runs) == 0 {
		sb.WriteString("None yet. Start one with `/hearth checkin start pulse`.\n")
	}
	for _, r := range runs {
		res, err := b.resultsOf(ctx, r)
		if err != nil {
			return Reply{}, err
		}
		state := "open until " + whenIn(r.ClosesAt, b.loc)
		if !r.ClosedAt.IsZero() {
			state = "closed " + whenIn(r.ClosedAt, b.loc)
		}
		how := "by DM"
		if r.Delivery == DeliverChannel {
			how = "in #" + b.ChannelName(ctx, r.Community, r.Channel)
		}
		fmt.Fprintf(&sb, "• #%d %s, %s, %s: %d of %d answered (%.0f%%)\n", r.ID, nameOr(r.Survey.Title, r.Survey.Name), how, state,
			res.Respondents, res.Delivered, 100*res.ResponseRate)
	}
	for _, sc := range scheds {
		if sc.Kind != ScheduleCheckin {
			continue
		}
		var p CheckinPayload
		_ = json.Unmarshal([]byte(sc.Payload), &p)
		fmt.Fprintf(&sb, "• schedule #%d: %s, %s", sc.ID, p.Survey, sc.Spec)
		if sc.Paused {
			sb.WriteString(" (paused)")
		}
		sb.WriteString("\n")
	}
	return Reply{Post: Post{Text: strings.TrimRight(sb.String(), "\n")}, Private: true}, nil
}

func (b *Bot) runArg(ctx context.Context, inv Invocation) (CheckinRun, error) {
	id, _ := strconv.ParseInt(strings.TrimPrefix(inv.Arg("run"), "#"), 10, 64)
	r, err := b.store.CheckinRun(ctx, inv.Community, id)
	if errors.Is(err, ErrNotFound) {
		return r, Errorf(ENotFound, "There is no check-in #%d. `/hearth checkin list` shows them.", id)
	}
	return r, err
}

func (b *Bot) cmdCheckinClose(ctx context.Context, inv Invocation) (Reply, error) {
	r, err := b.runArg(ctx, inv)
	if err != nil {
		return Reply{}, err
	}
	_, where, closed, err := b.closeRun(ctx, inv.Community, r.ID, inv.At)
	if err != nil {
		return Reply{}, platformError(err, "close the check-in")
	}
	if !closed {
		return privateText("Check-in #%d closed already, %s. `/hearth checkin results %s %d` shows its results.", r.ID, whenIn(r.ClosedAt, b.loc), r.Survey.Name, r.ID), nil
	}
	b.log.InfoContext(ctx, "check-in closed by hand", "community", inv.Community, "run", r.ID, "by", inv.Member)
	return privateText("Closed check-in #%d (%s). Its results went to %s.", r.ID, r.Survey.Title, where), nil
}

func (b *Bot) cmdCheckinResults(ctx context.Context, inv Invocation) (Reply, error) {
	s, err := b.findSurvey(ctx, inv.Community, inv.Arg("survey"))
	if err != nil {
		return Reply{}, err
	}
	var r CheckinRun
	if inv.Arg("run") != "" {
		if r, err = b.runArg(ctx, inv); err != nil {
			return Reply{}, err
		}
		if r.Survey.Name != s.Name {
			return Reply{}, Errorf(EArgument, "Check-in #%d is a run of %s, not %s.", r.ID, r.Survey.Name, s.Name)
		}
	} else {
		runs, err := b.store.CheckinRuns(ctx, inv.Community, RunQuery{Survey: s.Name, Closed: true, Limit: 1})
		if err != nil {
			return Reply{}, err
		}
		if len(runs) == 0 {
			if runs, err = b.store.CheckinRuns(ctx, inv.Community, RunQuery{Survey: s.Name, Limit: 1}); err != nil {
				return Reply{}, err
			}
		}
		if len(runs) == 0 {
			return privateText("%s has not run yet. `/hearth checkin start %s` sends it now.", s.Title, s.Name), nil
		}
		r = runs[0]
	}
	post, err := b.resultsPost(ctx, r, false)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Post: post, Private: true}, nil
}
