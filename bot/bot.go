package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config is what a Bot needs. Store and Clock are required.
type Config struct {
	Store Store
	Clock Clock
	Log   *slog.Logger
	// Location is the community time zone (HEARTH_TZ) for dates people type
	// and read. Default UTC.
	Location *time.Location
	// Facilitators bootstraps who may run facilitator commands: platform user
	// ids (or shell names), optionally prefixed with a community id, as in
	// "slack:T0123:U0456".
	Facilitators []string
	// QuietAfter is how long without activity makes a member quiet. Default 14 days.
	QuietAfter time.Duration
	// Specs reads schedule specifications (schedules.Parser). Without it,
	// scheduling commands explain that scheduling is not available.
	Specs SpecParser
	// Charts draws the digest's chart; without it the digest has none.
	Charts ChartDrawer
}

// Bot is Hearth's core. It is safe for concurrent use by several adapters.
// It keeps no copy of anything in the database: several Hearths may run on
// one database, and each reads what the others wrote. Its fields are the
// configuration and what Register set up; mu guards those and the chats.
type Bot struct {
	store        Store
	clock        Clock
	log          *slog.Logger
	loc          *time.Location
	facilitators map[string]bool
	quietAfter   time.Duration
	commands     []CommandSpec
	actions      map[string]ActionFunc
	jobs         map[ScheduleKind]Job
	metrics      Metrics
	observer     liveObserver
	specs        SpecParser
	charter      ChartDrawer
	modules      []Module

	mu    sync.RWMutex
	chats map[Platform]Chat
}

var _ Handler = (*Bot)(nil)

// New returns a Bot, or an error naming what is missing from cfg.
func New(cfg Config) (*Bot, error) {
	if cfg.Store == nil {
		return nil, errors.New("bot: Config.Store is required")
	}
	if cfg.Clock == nil {
		return nil, errors.New("bot: Config.Clock is required")
	}
	b := &Bot{
		store:        cfg.Store,
		clock:        cfg.Clock,
		log:          cfg.Log,
		loc:          cfg.Location,
		facilitators: map[string]bool{},
		quietAfter:   cfg.QuietAfter,
		actions:      map[string]ActionFunc{},
		jobs:         map[ScheduleKind]Job{},
		specs:        cfg.Specs,
		charter:      cfg.Charts,
		chats:        map[Platform]Chat{},
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.loc == nil {
		b.loc = time.UTC
	}
	if b.quietAfter <= 0 {
		b.quietAfter = DefaultQuietAfter
	}
	for _, f := range cfg.Facilitators {
		if f = strings.TrimSpace(f); f != "" {
			b.facilitators[f] = true
		}
	}
	b.commands = sortCommands(b.kernelCommands())
	b.actions[ActionPage] = b.actPage
	return b, nil
}

// Register adds features to the core: their commands join the one table,
// their buttons, forms and jobs the dispatch. It refuses a command, action
// or schedule kind that another module already has. Register before
// adapters start.
func (b *Bot) Register(mods ...Module) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	table := slices.Clone(b.commands)
	for _, m := range mods {
		for _, c := range m.Commands() {
			if c.Run == nil || c.Order == 0 {
				return fmt.Errorf("bot: %s: command %q needs Run and Order", m.Name(), c.Name())
			}
			if i := slices.IndexFunc(table, func(t CommandSpec) bool { return t.Name() == c.Name() }); i >= 0 {
				return fmt.Errorf("bot: %s: command %q is registered twice", m.Name(), c.Name())
			}
			table = append(table, c)
		}
		if a, ok := m.(Actor); ok {
			for id, fn := range a.Actions() {
				if _, dup := b.actions[id]; dup {
					return fmt.Errorf("bot: %s: action %q is registered twice", m.Name(), id)
				}
				b.actions[id] = fn
			}
		}
		if j, ok := m.(Jobber); ok {
			for _, job := range j.Jobs() {
				if _, dup := b.jobs[job.Kind]; dup || job.Run == nil {
					return fmt.Errorf("bot: %s: schedule kind %q is registered twice or has no Run", m.Name(), job.Kind)
				}
				b.jobs[job.Kind] = job
			}
		}
		b.modules = append(b.modules, m)
	}
	b.commands = sortCommands(table)
	return nil
}

// sortCommands orders the table by Order, keeping each module's own order
// among equals.
func sortCommands(cs []CommandSpec) []CommandSpec {
	slices.SortStableFunc(cs, func(a, b CommandSpec) int { return a.Order - b.Order })
	return cs
}

// Location is the community time zone.
func (b *Bot) Location() *time.Location { return b.loc }

// AttachChat makes c the way the core speaks on platform p. cmd/hearth
// attaches each adapter after building it with the Bot as its Handler.
func (b *Bot) AttachChat(p Platform, c Chat) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.chats[p] = c
}

// chat returns the Chat for a community's platform.
func (b *Bot) Chat(community string) (Chat, error) {
	p, _, _ := strings.Cut(community, ":")
	b.mu.RLock()
	defer b.mu.RUnlock()
	c, ok := b.chats[Platform(p)]
	if !ok {
		return nil, fmt.Errorf("no chat adapter attached for %s", community)
	}
	return c, nil
}

// capabilities returns what the community's platform can render.
func (b *Bot) Capabilities(community string) Capabilities {
	c, err := b.Chat(community)
	if err != nil {
		return Capabilities{}
	}
	if cc, ok := c.(Capable); ok {
		return cc.Capabilities()
	}
	return Capabilities{}
}

// HandleEvent records one piece of participation. Bot authors are ignored;
// DMs to Hearth are routed, not counted. A redelivered event is recorded once.
func (b *Bot) HandleEvent(ctx context.Context, e Event) error {
	return b.HandleEvents(ctx, e)
}

// HandleEvents records a burst of events in one write. It is the path the
// simulator and bulk imports take; adapters may use it for batches too.
func (b *Bot) HandleEvents(ctx context.Context, events ...Event) error {
	keep := events[:0:0]
	pilots := map[string]Pilot{} // read once per community: a batch is one moment
	for i, e := range events {
		if err := e.Validate(); err != nil {
			return b.eventsFailed(err, keep, events[i:])
		}
		switch {
		case e.IsBot:
			b.ignored(e)
		case e.DM:
			b.handleDM(ctx, e)
		case !e.Retract && e.Kind.Activity():
			p, ok := pilots[e.Community]
			if !ok {
				var err error
				if p, err = b.Pilot(ctx, e.Community); err != nil {
					return b.eventsFailed(err, keep, events[i:])
				}
				pilots[e.Community] = p
			}
			if !p.InChannel(e.Channel) || !p.ForMember(e.Member) {
				b.ignored(e) // outside the pilot: Hearth is not there yet
				continue
			}
			keep = append(keep, e)
		default:
			keep = append(keep, e)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	keep, err := b.withPromptReplies(ctx, keep)
	if err != nil {
		return b.eventsFailed(err, keep, nil)
	}
	n, err := b.store.Record(ctx, keep...)
	if err != nil {
		return b.eventsFailed(err, keep, nil) // the store says what it was recording
	}
	b.metrics.EventsRecorded.Add(int64(n))
	b.metrics.EventsDuplicate.Add(int64(len(keep) - n))
	b.observeRecorded(keep, n)
	for _, m := range b.modules {
		if r, ok := m.(Recorded); ok {
			if err := r.Recorded(ctx, keep); err != nil {
				b.internalError("event")
				return err
			}
		}
	}
	return nil
}

// observeRecorded tells the observer what became of the events of one
// write, of which the store newly recorded n. The store does not say which
// ones: a partly new batch (imports, the simulator; adapters send events one
// by one) is reported under the kind "batch".
func (b *Bot) observeRecorded(keep []Event, n int) {
	switch n {
	case len(keep), 0:
		outcome := OutcomeRecorded
		if n == 0 {
			outcome = OutcomeDuplicate
		}
		for _, e := range keep {
			b.observeEvent(e, outcome)
		}
	default:
		p := platformOf(keep[0].Community)
		for i := range keep {
			outcome := OutcomeRecorded
			if i >= n {
				outcome = OutcomeDuplicate
			}
			b.observer.Event(p, "batch", outcome)
		}
	}
}

// ignored counts an event that is not participation.
func (b *Bot) ignored(e Event) {
	b.metrics.EventsIgnored.Add(1)
	b.observeEvent(e, OutcomeIgnored)
}

// eventsFailed counts an internal error and the events it left unrecorded,
// and returns err.
func (b *Bot) eventsFailed(err error, lists ...[]Event) error {
	b.internalError("event")
	for _, l := range lists {
		for _, e := range l {
			b.observeEvent(e, OutcomeFailed)
		}
	}
	return err
}

// internalError counts an error for the operator in source.
func (b *Bot) internalError(source string) {
	b.metrics.Errors.Add(1)
	b.observer.InternalError(source)
}

// handleDM receives direct messages to Hearth. They are never counted as
// participation; where an adapter passes their text (the shell, which has no
// forms), a DM answers the check-in question Hearth asked in writing.
func (b *Bot) handleDM(ctx context.Context, e Event) {
	b.ignored(e)
	log := b.log.With("community", e.Community, "member", e.Member)
	log.DebugContext(ctx, "dm received")
	if e.Text == "" {
		return
	}
	var reply string
	for _, m := range b.modules {
		r, ok := m.(DMReader)
		if !ok {
			continue
		}
		var err error
		if reply, err = r.ReadDM(ctx, e); err != nil {
			b.internalError("event")
			log.ErrorContext(ctx, "dm answer failed", "err", err)
			reply = Apology
		}
		if reply != "" {
			break
		}
	}
	if reply == "" {
		reply = "I read direct messages only as answers to a check-in's written questions. `/hearth help` lists what I can do."
	}
	chat, err := b.Chat(e.Community)
	if err != nil {
		log.ErrorContext(ctx, "dm reply", "err", err)
		return
	}
	if _, err := chat.Post(ctx, Destination{Kind: ToDM, Community: e.Community, Member: e.Member}, Post{Text: reply}); err != nil {
		log.ErrorContext(ctx, "dm reply", "err", err)
	}
}

// HandleDirectory keeps members and channels fresh.
func (b *Bot) HandleDirectory(ctx context.Context, d Directory) error {
	if d.Community.ID == "" {
		return errors.New("directory without community id")
	}
	if d.At.IsZero() {
		d.At = b.clock.Now()
	}
	if err := b.store.SaveDirectory(ctx, d); err != nil {
		b.internalError("directory")
		return fmt.Errorf("save directory of %s: %w", d.Community.ID, err)
	}
	return nil
}

// HandleCommand parses and runs a /hearth command. It never panics: a bad
// command gets a reply naming the right usage, an internal error an apology
// (and a log line for the operator).
func (b *Bot) HandleCommand(ctx context.Context, c Command) (reply Reply) {
	b.metrics.Commands.Add(1)
	start := b.clock.Now()
	if c.At.IsZero() {
		c.At = start
	}
	name := CommandUnknown
	defer func() { // after the recovery below has set reply
		outcome := replyOutcome(reply)
		if outcome == OutcomeFailed {
			b.observer.InternalError("command")
		}
		b.observer.Command(name, outcome, b.clock.Now().Sub(start))
	}()
	log := b.log.With("community", c.Community, "member", c.Member, "channel", c.Channel)
	defer func() {
		if r := recover(); r != nil {
			log.ErrorContext(ctx, "command panicked", "panic", r, "stack", string(debug.Stack()))
			b.metrics.Errors.Add(1)
			reply = errorReply(errors.New("panic"))
		}
	}()
	p, err := Parse(b.Commands(), c.Text)
	if err != nil {
		b.metrics.CommandErrors.Add(1)
		log.InfoContext(ctx, "command not understood", "code", ErrorCode(err), "len", len(c.Text))
		return errorReply(err)
	}
	name = p.Spec.Name()
	log = log.With("command", name)
	if err := b.learnChannel(ctx, c.Community, Channel{ID: c.Channel, Name: c.ChannelName}); err != nil {
		return b.failed(ctx, log, err)
	}
	inv := Invocation{Command: c, Args: p.Args}
	inv.Facilitator, err = b.IsFacilitator(ctx, c.Community, c.Member, c.Admin)
	if err != nil {
		return b.failed(ctx, log, err)
	}
	if p.Spec.Facilitator && !inv.Facilitator {
		b.metrics.CommandErrors.Add(1)
		log.InfoContext(ctx, "facilitator command refused")
		return errorReply(Errorf(EForbidden, "Sorry, `/hearth %s` is for facilitators. Ask one of them (`/hearth facilitators` lists them) if you need it.", p.Spec.Name()))
	}
	if !inv.Facilitator && !openDuringPilot[p.Spec.Name()] {
		pl, err := b.Pilot(ctx, c.Community)
		if err != nil {
			return b.failed(ctx, log, err)
		}
		if !pl.ForMember(c.Member) {
			b.metrics.CommandErrors.Add(1)
			return errorReply(Errorf(EForbidden, "Hearth is being piloted with a few members for now; it opens to everyone at launch. `/hearth privacy` and `/hearth me` work for everyone."))
		}
	}
	reply, err = p.Spec.Run(ctx, inv)
	if err != nil {
		return b.failed(ctx, log, err)
	}
	log.DebugContext(ctx, "command handled")
	return reply
}

// openDuringPilot are the commands every member may run during a pilot:
// what Hearth keeps about them, and their choices about it.
var openDuringPilot = map[string]bool{"help": true, "me": true, "privacy": true, "forget me": true, "nudges": true, "charter": true, "facilitator list": true}

// HandleAction handles a button press or a form submission. The presser's
// rights are checked again: a forged click cannot do more than a command.
func (b *Bot) HandleAction(ctx context.Context, a Action) (reply Reply) {
	b.metrics.Actions.Add(1)
	if a.At.IsZero() {
		a.At = b.clock.Now()
	}
	id := CommandUnknown
	defer func() { // after the recovery below has set reply
		outcome := replyOutcome(reply)
		if outcome == OutcomeFailed {
			b.observer.InternalError("action")
		}
		b.observer.Action(id, outcome)
	}()
	log := b.log.With("community", a.Community, "member", a.Member, "action", a.ActionID)
	defer func() {
		if r := recover(); r != nil {
			log.ErrorContext(ctx, "action panicked", "panic", r, "stack", string(debug.Stack()))
			b.metrics.Errors.Add(1)
			reply = errorReply(errors.New("panic"))
		}
	}()
	b.mu.RLock()
	fn, ok := b.actions[a.ActionID]
	b.mu.RUnlock()
	if !ok {
		log.WarnContext(ctx, "unknown action")
		return errorReply(Errorf(ECommand, "That button no longer does anything. Try the command again."))
	}
	id = a.ActionID
	reply, err := fn(ctx, a)
	if err != nil {
		return b.failed(ctx, log, err)
	}
	return reply
}

// failed turns an error into the reply a person sees, logging internal ones.
func (b *Bot) failed(ctx context.Context, log *slog.Logger, err error) Reply {
	if code := ErrorCode(err); code != EInternal {
		b.metrics.CommandErrors.Add(1)
		log.InfoContext(ctx, "command refused", "code", code, "reason", ErrorMessage(err))
	} else {
		b.metrics.Errors.Add(1)
		log.ErrorContext(ctx, "command failed", "err", err)
	}
	return errorReply(err)
}

// replyOutcome is the Observer outcome of a command's or action's reply.
func replyOutcome(r Reply) string {
	switch r.Code {
	case "":
		return OutcomeOK
	case EInternal:
		return OutcomeFailed
	}
	return OutcomeRefused
}

func errorReply(err error) Reply {
	r := Reply{Post: Post{Text: ErrorMessage(err)}, Private: true, Code: ErrorCode(err)}
	if r.Code == EInternal {
		r.Err = err
	}
	return r
}

// isFacilitator tells whether member may run facilitator commands: listed in
// configuration, added from chat, or a platform admin.
func (b *Bot) IsFacilitator(ctx context.Context, community, member string, admin bool) (bool, error) {
	if admin || b.facilitators[member] || b.facilitators[community+":"+member] {
		return true, nil
	}
	if m, err := b.store.Member(ctx, community, member); err == nil && m.Admin {
		return true, nil
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return false, err
	}
	return b.store.IsFacilitator(ctx, community, member)
}

// configuredFacilitator reports whether member is a facilitator by configuration.
func (b *Bot) configuredFacilitator(community, member string) bool {
	return b.facilitators[member] || b.facilitators[community+":"+member]
}

func (b *Bot) MemberName(ctx context.Context, community, id string) string {
	if m, err := b.store.Member(ctx, community, id); err == nil && m.Name != "" {
		return m.Name
	}
	return id
}

// Log is the logger features log through.
func (b *Bot) Log() *slog.Logger { return b.log }

// Clock is the injected clock.
func (b *Bot) Clock() Clock { return b.clock }

// QuietAfter is how long without activity makes a member quiet.
func (b *Bot) QuietAfter() time.Duration { return b.quietAfter }

// Charts draws charts; nil when none is configured.
func (b *Bot) Charts() ChartDrawer { return b.charter }

// Modules are the registered features, in the order they were registered.
func (b *Bot) Modules() []Module {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return slices.Clone(b.modules)
}
