package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/schedules"
	"github.com/hearth-community/hearth/store"
)

// samplePlan is the one-year plan Hearth ships for a new community of
// practice: monthly webinar, weekly prompt, fortnightly pulse, quarterly
// reflection, intros every two weeks.
//
//go:embed plans/community-of-practice.yaml
var samplePlan []byte

// planFile is a programme (`hearth plan apply|show`): what Hearth does on a
// rhythm over weeks or months. Unknown fields are refused, so a typo names
// its line.
type planFile struct {
	Name    string `yaml:"name"`
	Weeks   int    `yaml:"weeks"`   // how far `plan show` looks ahead (default 52)
	Channel string `yaml:"channel"` // the default channel
	Digest  *struct {
		Channel  string `yaml:"channel"`
		Schedule string `yaml:"schedule"`
	} `yaml:"digest"`
	Prompts *struct {
		Schedule string   `yaml:"schedule"`
		Channel  string   `yaml:"channel"`
		Add      []string `yaml:"add"`
	} `yaml:"prompts"`
	Checkins []struct {
		Survey   string `yaml:"survey"`
		Schedule string `yaml:"schedule"`
		Channel  string `yaml:"channel"` // post in this channel instead of by DM
		Closes   string `yaml:"closes"`
	} `yaml:"checkins"`
	Events []struct {
		Title    string `yaml:"title"`
		Schedule string `yaml:"schedule"`
		Duration string `yaml:"duration"`
		Link     string `yaml:"link"`
		Channel  string `yaml:"channel"`
	} `yaml:"events"`
	Intros *struct {
		Schedule string `yaml:"schedule"`
	} `yaml:"intros"`
	Nudges *struct {
		Mode     string `yaml:"mode"`
		Schedule string `yaml:"schedule"`
	} `yaml:"nudges"`
}

// planStep is one thing a plan sets up: the command that does it, the spec
// it runs on (for show) and the line it came from (for errors).
type planStep struct {
	What    string
	Command string
	Spec    string
	Line    int
	// Done says whether what the step would create is already there, so
	// applying a plan twice changes nothing.
	Done func(planState) bool
}

// parsePlan reads a plan and turns it into the /hearth commands that set it
// up, checking each spec; every error names its line.
func parsePlan(data []byte, loc *time.Location) (planFile, []planStep, error) {
	var p planFile
	root, err := decodeYAML(data, "plan file", &p)
	if err != nil {
		return planFile{}, nil, err
	}
	if p.Weeks == 0 {
		p.Weeks = 52
	}
	if p.Weeks < 1 || p.Weeks > 260 {
		return p, nil, fmt.Errorf("line %d: weeks is how far the plan looks ahead: 1 to 260", nodeLine(root, "weeks"))
	}
	ch := func(name string) string {
		if name = strings.TrimPrefix(strings.TrimSpace(name), "#"); name == "" {
			name = strings.TrimPrefix(p.Channel, "#")
		}
		if name == "" {
			return ""
		}
		return "#" + name
	}
	var steps []planStep
	add := func(what, spec, command string, line int, done func(planState) bool) {
		steps = append(steps, planStep{What: what, Command: command, Spec: spec, Line: line, Done: done})
	}
	if d := p.Digest; d != nil {
		if d.Channel != "" {
			name := ch(d.Channel)
			add("digest channel", "", "digest channel "+name, nodeLine(root, "digest", "channel"), func(st planState) bool {
				return st.digestChannel != "" && st.digestChannel == st.channels[strings.TrimPrefix(name, "#")]
			})
		}
		spec := nameOr(d.Schedule, reporting.DefaultDigestSpec)
		add("weekly digest", d.Schedule, "digest schedule "+bot.Quote(spec), nodeLine(root, "digest"), func(st planState) bool {
			return st.hasSchedule(reporting.ScheduleDigest, spec, func(string) bool { return true })
		})
	}
	if pr := p.Prompts; pr != nil {
		// The schedule first: on an empty deck it loads Hearth's starter
		// deck, which the plan's own prompts then join.
		if pr.Schedule != "" {
			add("deck prompt", pr.Schedule, "prompt deck schedule "+bot.Quote(pr.Schedule)+" "+ch(pr.Channel), nodeLine(root, "prompts", "schedule"), func(st planState) bool {
				return st.hasSchedule(prompts.SchedulePrompt, pr.Schedule, func(p string) bool { return p == "deck" })
			})
		}
		for i, text := range pr.Add {
			add("prompt for the deck", "", "prompt deck add "+bot.Quote(text), nodeLine(root, "prompts", "add", i), func(st planState) bool {
				return st.deck[deckKey(text)]
			})
		}
	}
	for i, c := range p.Checkins {
		cmd := "checkin schedule " + bot.Quote(c.Survey) + " " + bot.Quote(c.Schedule)
		if c.Channel != "" {
			cmd += " " + ch(c.Channel)
		}
		if c.Closes != "" {
			cmd += " closes=" + c.Closes
		}
		add("check-in "+c.Survey, c.Schedule, cmd, nodeLine(root, "checkins", i), func(st planState) bool {
			return st.hasSchedule(checkins.ScheduleCheckin, c.Schedule, func(payload string) bool {
				var cp checkins.CheckinPayload
				return json.Unmarshal([]byte(payload), &cp) == nil && strings.EqualFold(cp.Survey, c.Survey)
			})
		})
	}
	for i, ev := range p.Events {
		cmd := "event add " + bot.Quote(ev.Title) + " " + bot.Quote(ev.Schedule)
		if ev.Duration != "" {
			cmd += " " + ev.Duration
		}
		if ev.Link != "" {
			cmd += " " + ev.Link
		}
		cmd += " " + ch(ev.Channel)
		add("event "+ev.Title, ev.Schedule, strings.TrimSpace(cmd), nodeLine(root, "events", i), func(st planState) bool {
			return st.hasSchedule(meetings.ScheduleEvent, ev.Schedule, func(payload string) bool {
				var es meetings.EventSeries
				return json.Unmarshal([]byte(payload), &es) == nil && es.Title == ev.Title
			})
		})
	}
	if in := p.Intros; in != nil {
		add("intro round", in.Schedule, "intros schedule "+bot.Quote(in.Schedule), nodeLine(root, "intros"), func(st planState) bool {
			return st.hasSchedule(intros.ScheduleIntros, in.Schedule, func(string) bool { return true })
		})
	}
	if n := p.Nudges; n != nil {
		if n.Mode != "" {
			add("nudge mode", "", "nudge settings mode="+n.Mode, nodeLine(root, "nudges", "mode"), func(st planState) bool {
				var policy struct {
					Mode string `json:"mode"`
				}
				return json.Unmarshal([]byte(st.nudgePolicy), &policy) == nil && strings.EqualFold(policy.Mode, n.Mode)
			})
		}
		if n.Schedule != "" {
			add("nudges", n.Schedule, "nudge schedule "+bot.Quote(n.Schedule), nodeLine(root, "nudges", "schedule"), func(st planState) bool {
				return st.hasSchedule(members.ScheduleNudge, n.Schedule, func(string) bool { return true })
			})
		}
	}
	if len(steps) == 0 {
		return p, nil, errors.New("the plan sets up nothing: give it digest, prompts, checkins, events, intros or nudges")
	}
	for _, s := range steps {
		if s.Spec == "" {
			continue
		}
		if _, err := (schedules.Parser{}).ParseSpec(s.Spec, loc); err != nil {
			return p, nil, fmt.Errorf("line %d (%s): %v", s.Line, s.What, operatorError(err))
		}
	}
	return p, steps, nil
}

// planChannels are the channels a plan names.
func planChannels(steps []planStep) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range steps {
		for _, w := range strings.Fields(s.Command) {
			if name, ok := strings.CutPrefix(w, "#"); ok && name != "" && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

func cmdPlan(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "apply") {
		return &usageError{"usage: hearth plan show FILE.yaml|--sample [--start DATE] | hearth plan apply FILE.yaml|--sample [--db PATH] [--community ID] [--as MEMBER]"}
	}
	verb := args[0]
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("plan "+verb, map[string]string{"show": "plan show FILE.yaml|--sample [--start DATE]",
		"apply": "plan apply FILE.yaml|--sample [--db PATH] [--community ID] [--as MEMBER]"}[verb], e)
	sample := fs.Bool("sample", false, "the one-year plan Hearth ships for a new community of practice")
	community, start, as := new(string), new(string), new(string) // each verb offers only its own flags
	verbose := new(bool)
	if verb == "show" {
		fs.StringVar(start, "start", "", "the first day, YYYY-MM-DD (default today)")
	} else {
		fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
		fs.StringVar(community, "community", "", "the community id, when the database holds several")
		fs.StringVar(as, "as", "", "the facilitator the plan's schedules belong to (default the first of HEARTH_FACILITATORS)")
		verbose = verboseFlag(fs)
	}
	if err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	if (*sample && fs.NArg() != 0) || (!*sample && fs.NArg() != 1) {
		return &usageError{"plan " + verb + " needs one plan file, or --sample"}
	}
	p, steps, err := readPlan(fs.Arg(0), cfg.Location)
	if err != nil {
		return err
	}
	if verb == "show" {
		from := e.now()
		if *start != "" {
			if from, err = time.ParseInLocation(time.DateOnly, *start, cfg.Location); err != nil {
				return &usageError{fmt.Sprintf("--start %q: use YYYY-MM-DD", *start)}
			}
		}
		return showPlan(e.stdout, p, steps, from, cfg.Location)
	}
	db, comm, err := openCommunityForWriting(ctx, cfg, *community)
	if err != nil {
		return err
	}
	db.Close()
	owner := *as
	if owner == "" && len(cfg.Facilitators) > 0 {
		owner = cfg.Facilitators[0]
	}
	if owner == "" {
		return &usageError{"plan apply needs a facilitator to own the schedules: --as MEMBER (a member id), or HEARTH_FACILITATORS"}
	}
	b, db, err := openCore(ctx, cfg, bot.ClockFunc(e.now), offlineLogger(e, cfg, *verbose))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := applyPlan(ctx, e.stdout, b, db, comm, owner, p, steps, e.now()); err != nil {
		return fileError(planName(fs.Arg(0)), err)
	}
	return nil
}

// readPlan reads and parses the plan file at path ("" for the sample);
// every error names the file.
func readPlan(path string, loc *time.Location) (planFile, []planStep, error) {
	data := samplePlan
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return planFile{}, nil, err // names the path
		}
	}
	p, steps, err := parsePlan(data, loc)
	if err != nil {
		return p, nil, fileError(planName(path), err)
	}
	return p, steps, nil
}

// planName is how errors name the plan file at path ("" for the sample).
func planName(path string) string {
	if path == "" {
		return "the sample plan"
	}
	return path
}

// showPlan prints every date the plan's schedules fall on in its weeks.
func showPlan(w io.Writer, p planFile, steps []planStep, from time.Time, loc *time.Location) error {
	w = textOut(w) // titles, channels and links come from the file
	until := from.AddDate(0, 0, 7*p.Weeks)
	fmt.Fprintf(w, "%s: %d weeks from %s to %s (%s)\n", nameOr(p.Name, "Plan"), p.Weeks, from.In(loc).Format("Mon Jan 2, 2006"), until.In(loc).Format("Mon Jan 2, 2006"), loc)
	for _, s := range steps {
		if s.Spec == "" {
			fmt.Fprintf(w, "\n%s: set up once (/hearth %s)\n", s.What, s.Command)
			continue
		}
		spec, err := (schedules.Parser{}).ParseSpec(s.Spec, loc)
		if err != nil {
			return err
		}
		var dates []string
		for t := spec.Next(from.Add(-time.Nanosecond)); !t.IsZero() && t.Before(until); t = spec.Next(t) {
			dates = append(dates, t.In(loc).Format("Mon Jan 2 2006 15:04"))
		}
		fmt.Fprintf(w, "\n%s, %s: %d times\n", s.What, s.Spec, len(dates))
		for _, d := range dates {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	return nil
}

// planState is what a community already has that a plan's steps create:
// each step's Done looks here first.
type planState struct {
	schedules     []bot.Schedule
	deck          map[string]bool // deckKey of each prompt in the deck
	channels      map[string]string
	digestChannel string
	nudgePolicy   string
}

// hasSchedule says whether a schedule of that kind and spec exists whose
// payload payloadOK accepts.
func (st planState) hasSchedule(kind bot.ScheduleKind, spec string, payloadOK func(string) bool) bool {
	for _, s := range st.schedules {
		if s.Kind == kind && strings.TrimSpace(s.Spec) == strings.TrimSpace(spec) && payloadOK(s.Payload) {
			return true
		}
	}
	return false
}

// planStore is what applying a plan reads and writes besides the commands.
type planStore interface {
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	DeckPrompts(ctx context.Context, community string) ([]prompts.Prompt, error)
	Setting(ctx context.Context, community, key string) (string, error)
	FindChannel(ctx context.Context, community, name string) (bot.Channel, error)
}

var _ planStore = (*store.DB)(nil)

// readPlanState reads what the community has now, the channels the plan
// names included.
func readPlanState(ctx context.Context, db planStore, community string, steps []planStep) (planState, error) {
	st := planState{deck: map[string]bool{}, channels: map[string]string{}}
	var err error
	if st.schedules, err = db.Schedules(ctx, community); err != nil {
		return st, err
	}
	deck, err := db.DeckPrompts(ctx, community)
	if err != nil {
		return st, err
	}
	for _, p := range deck {
		st.deck[deckKey(p.Text)] = true
	}
	for _, name := range planChannels(steps) {
		ch, err := db.FindChannel(ctx, community, name)
		if errors.Is(err, bot.ErrNotFound) {
			continue
		} else if err != nil {
			return st, err
		}
		st.channels[name] = ch.ID
	}
	if st.digestChannel, err = db.Setting(ctx, community, bot.SettingDigestChannel); err != nil {
		return st, err
	}
	if st.nudgePolicy, err = db.Setting(ctx, community, members.SettingNudgePolicy); err != nil {
		return st, err
	}
	return st, nil
}

// learnPlanChannels makes the channels a plan names that Hearth has not
// seen yet known by name, so the plan applies before the platform is
// connected. A placeholder's id is its name: once the platform's channel
// of that name is seen, name lookups find the platform's (its id sorts
// first), and settings made with the placeholder keep the name (a chat
// command with the real channel moves them; see "A one-year plan").
func learnPlanChannels(ctx context.Context, b *bot.Bot, db planStore, comm bot.Community, steps []planStep, now time.Time) ([]string, error) {
	dir := bot.Directory{Community: comm, At: now}
	var learnt []string
	for _, name := range planChannels(steps) {
		if _, err := db.FindChannel(ctx, comm.ID, name); err == nil {
			continue
		} else if !errors.Is(err, bot.ErrNotFound) {
			return nil, err
		}
		dir.Channels = append(dir.Channels, bot.Channel{ID: name, Name: name})
		learnt = append(learnt, "#"+name)
	}
	if len(dir.Channels) == 0 {
		return nil, nil
	}
	return learnt, b.HandleDirectory(ctx, dir)
}

// applyPlan sets the plan up through the core's own commands, as the
// facilitator owner, so every check and message is the one chat gives. A
// step whose result is already there is not run again ("already set up"),
// so applying a plan twice changes nothing. A step that fails is reported
// and the others go on.
func applyPlan(ctx context.Context, w io.Writer, b *bot.Bot, db planStore, comm bot.Community, owner string, p planFile, steps []planStep, now time.Time) error {
	w = textOut(w) // the replies name channels, members and titles
	failed, already := 0, 0
	fmt.Fprintf(w, "Applying %q to %s:\n", nameOr(p.Name, "plan"), comm.ID)
	learnt, err := learnPlanChannels(ctx, b, db, comm, steps, now)
	if err != nil {
		return err
	}
	if len(learnt) > 0 {
		fmt.Fprintf(w, "  note   %s not seen on the platform yet: known by name until it is\n", strings.Join(learnt, ", "))
	}
	for _, s := range steps {
		st, err := readPlanState(ctx, db, comm.ID, steps)
		if err != nil { // as a failed command: reported, and the others go on
			failed++
			fmt.Fprintf(w, "  FAILED %s: cannot tell whether it is set up: %v\n", s.What, err)
			continue
		}
		if s.Done != nil && s.Done(st) {
			already++
			fmt.Fprintf(w, "  ok     %s: already set up\n", s.What)
			continue
		}
		r := b.HandleCommand(ctx, bot.Command{Community: comm.ID, Member: owner, Admin: true, Text: s.Command, At: now})
		mark := "ok"
		if r.Code != "" {
			mark, failed = "FAILED", failed+1
		}
		first, _, _ := strings.Cut(strings.ReplaceAll(r.Text, "**", ""), "\n")
		if r.Err != nil { // offline the operator reads the error, not the apology
			first = "internal error: " + r.Err.Error()
		}
		fmt.Fprintf(w, "  %-6s %s: %s\n", mark, s.What, first)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s failed (see above); fix them and apply again: what is already set up is left as it is", failed, bot.Plural(len(steps), "step"))
	}
	if already == len(steps) {
		fmt.Fprintln(w, "Every step was already set up: nothing changed.")
	}
	return nil
}
