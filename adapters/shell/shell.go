// Package shell is Hearth's terminal adapter: one person plays every member
// of a small community, line by line. It needs no chat platform and no
// server, so a new user tries Hearth in one command, and it doubles as the
// test harness for conversations (golden transcripts under testdata/).
package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// DueRunner runs whatever falls due up to a time. The scheduler implements
// it; the shell calls it each time the simulated clock moves.
type DueRunner interface {
	RunDue(ctx context.Context, until time.Time) error
}

// Config configures the shell adapter.
type Config struct {
	Handler bot.Handler // required
	// Clock is the time source. When it is a *bot.ManualClock the shell runs
	// in simulated time: each line takes one second and :advance moves it.
	Clock bot.Clock
	Due   DueRunner    // optional
	Out   io.Writer    // where the conversation is printed (default os.Stdout)
	Log   *slog.Logger // operator log (default: discard)
	// Community defaults to "shell:local".
	Community bot.Community
	// FilesDir is where posted images and files are written; a name
	// already there is never replaced (see writeFile). Default: a
	// directory of the session's own in the temp directory.
	FilesDir string
	// Banner prints a short how-to at start (for a terminal).
	Banner bool
	// Prompt prints "> " before each line (for a terminal read without
	// an Editor, which shows its own).
	Prompt bool
	// Look dresses the output: LookPlain (the default) for scripts and
	// pipes, LookTerminal or LookColour for a person (ChooseLook).
	Look Look
	// Lines, when set, remembers the lines that were applied (commands,
	// clicks, written answers), so a replayed script applies each once.
	Lines LineClaimer
	// Firings, when set, is the scheduler's job runner, and bounds what
	// one move of simulated time runs (see FiringBound).
	Firings *FiringBound
}

// Adapter is the shell adapter. It is a bot.Chat: the core's posts print.
type Adapter struct {
	h         bot.Handler
	clock     bot.Clock
	simulated *bot.ManualClock
	due       DueRunner
	log       *slog.Logger
	community bot.Community
	filesDir  string
	banner    bool
	prompt    bool
	look      Look
	editing   bool         // lines come from a LineReader (the banner names its keys)
	claimer   LineClaimer  // nil: lines are not remembered
	firings   *FiringBound // nil: moves are not bounded

	mu          sync.Mutex // guards everything below and writes to out
	out         io.Writer
	n           int               // the last message number shown
	memberLines int               // member lines read, in real time (lineIdentity)
	postIDs     map[string]int    // Hearth's post ids of the instant postIDsAt, with their counts
	postIDsAt   int64             // unix ms
	failures    int               // what could not be recorded (Run's error)
	messages    map[int]message   // by number
	latest      map[string]int    // channel -> number of its latest top-level message
	current     string            // the current channel
	buttons     map[string]posted // member id -> latest interactive post addressed to them
}

type message struct {
	id      string // platform id
	channel string
	root    string // the thread's top-level message id ("" for a top-level message)
	author  string
}

var (
	_ bot.Chat    = (*Adapter)(nil)
	_ bot.Capable = (*Adapter)(nil)
)

// DefaultCommunity is the shell's community.
var DefaultCommunity = bot.Community{ID: bot.CommunityID(bot.Shell, "local"), Platform: bot.Shell, Name: "Shell community"}

// New returns a shell adapter.
func New(cfg Config) (*Adapter, error) {
	if cfg.Handler == nil || cfg.Clock == nil {
		return nil, errors.New("shell: Config.Handler and Config.Clock are required")
	}
	a := &Adapter{
		h: cfg.Handler, clock: cfg.Clock, due: cfg.Due, log: cfg.Log, out: cfg.Out,
		community: cfg.Community, filesDir: cfg.FilesDir, banner: cfg.Banner, prompt: cfg.Prompt,
		look:    cfg.Look,
		claimer: cfg.Lines, firings: cfg.Firings,
		messages: map[int]message{}, latest: map[string]int{}, current: "general", buttons: map[string]posted{},
	}
	a.simulated, _ = cfg.Clock.(*bot.ManualClock)
	if a.out == nil {
		a.out = os.Stdout
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.community.ID == "" {
		a.community = DefaultCommunity
	}
	return a, nil
}

// Community is the community the shell plays.
func (a *Adapter) Community() bot.Community { return a.community }

// Capabilities: the shell shows buttons (press them with "NAME clicks
// LABEL" or "NAME clicks ROW:LABEL"), private replies and files; it has no
// forms.
func (a *Adapter) Capabilities() bot.Capabilities {
	return bot.Capabilities{Buttons: true, Ephemeral: true, Files: true}
}

// Run reads lines from in until it ends or ctx is done. A line that can't be
// read (too long, say) gets a friendly note and the session goes on. When
// something could not be recorded (a full disk, a damaged database), the
// session still goes on, and Run returns an error at the end saying how
// many times, so a script's run fails.
func (a *Adapter) Run(ctx context.Context, in io.Reader) error {
	return a.finish(a.run(ctx, in, nil))
}

// RunLines is Run on a line editor (Editor): each line is read once the
// one before has been handled, so lines pasted as a block show one after
// the other, each followed by what it did, never a prompt ahead of output.
func (a *Adapter) RunLines(ctx context.Context, lr LineReader) error {
	return a.finish(a.run(ctx, nil, lr))
}

// finish is Run's error: err, or the failures to record counted.
func (a *Adapter) finish(err error) error {
	a.mu.Lock()
	failures := a.failures
	a.mu.Unlock()
	if err == nil && failures > 0 {
		err = fmt.Errorf("shell: %d failure(s) to record what happened in the session; the log has each one", failures)
	}
	return err
}

// run reads lines from lr when it is set, or else from in.
func (a *Adapter) run(ctx context.Context, in io.Reader, lr LineReader) error {
	// Cancelled on return, so the reader stops at its next line (after
	// :quit, say) rather than wait to hand it over.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.mu.Lock()
	a.editing = lr != nil
	a.mu.Unlock()
	if err := a.h.HandleDirectory(ctx, bot.Directory{Community: a.community, At: a.clock.Now()}); err != nil {
		return fmt.Errorf("shell: register community: %w", err)
	}
	if a.banner {
		a.printBanner()
	}
	if a.due != nil {
		// Catch up on what fell due while Hearth was not running (within
		// each kind's grace window; the scheduler records what it skips).
		a.runDue(ctx, a.clock.Now())
	}
	lines := make(chan inputLine)
	readErr := make(chan error, 1)
	// want asks a LineReader for its next line; a plain reader reads
	// ahead.
	var want chan struct{}
	// The reader goroutine ends at the end of input or when ctx is done;
	// a terminal's input ends when the process does.
	if lr != nil {
		want = make(chan struct{}, 1)
		go func() { readErr <- readEach(ctx, lr, want, lines) }()
	} else {
		go func() { readErr <- readLines(ctx, in, lines) }()
	}
	for {
		a.showPrompt()
		if want != nil {
			want <- struct{}{}
		}
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			if err != nil && ctx.Err() == nil {
				return fmt.Errorf("shell: read input: %w", err)
			}
			return nil
		case l := <-lines:
			if l.refused != nil {
				a.note("%s", l.refused)
				continue
			}
			if l.tooLong() {
				a.note("that line is too long (%d characters, %d at most); it was not read", l.length, maxLine)
				continue
			}
			if quit := a.Line(ctx, l.text); quit {
				return nil
			}
		}
	}
}

// Line handles one line of input and reports whether it asked to quit.
func (a *Adapter) Line(ctx context.Context, s string) (quit bool) {
	l, err := parseLine(s)
	if err != nil {
		a.note("%s", err)
		return false
	}
	if l.kind == lineBlank {
		return false
	}
	if l.kind == lineDirective {
		return a.directive(ctx, l)
	}
	if strings.EqualFold(l.name, "hearth") {
		a.hint("hearth is me; play the members. Try `alice: hello`.")
		return false
	}
	now := a.clock.Now()
	a.mu.Lock()
	id := a.lineIdentity(memberID(l.name), strings.TrimSpace(s), now)
	a.mu.Unlock()
	a.act(ctx, l, id, now)
	a.tick(ctx, time.Second)
	return false
}

// memberID is a shell name's platform id: names are case-insensitive.
func memberID(name string) string { return strings.ToLower(name) }

// act does what a member's line says. identity is the line's
// (lineIdentity): it names the messages the line makes, and is what is
// claimed before a line that changes things (a command, a click, a written
// answer) is applied, so that a replay applies it once.
func (a *Adapter) act(ctx context.Context, l line, identity string, now time.Time) {
	who := memberID(l.name)
	id := messageID(now, identity)
	switch l.kind {
	case lineMessage:
		if l.channel != "" {
			a.mu.Lock()
			a.current = l.channel
			a.mu.Unlock()
		}
		if cmd, ok := slashCommand(l.text); ok {
			a.command(ctx, l.name, a.currentChannel(), cmd, identity, now)
			return
		}
		a.mu.Lock()
		ch := a.current
		num := a.next()
		a.messages[num] = message{id: id, channel: ch, author: who}
		a.latest[ch] = num
		a.printf("[%d] #%s %s: %s\n", num, ch, l.name, l.text)
		a.mu.Unlock()
		a.record(ctx, bot.Event{Kind: bot.KindMessage, Channel: ch, ChannelName: ch, Member: who, MemberName: l.name,
			At: now, Key: "msg:" + ch + ":" + id, Message: id})
	case lineReply:
		if cmd, ok := slashCommand(l.text); ok {
			a.command(ctx, l.name, a.currentChannel(), cmd, identity, now)
			return
		}
		a.mu.Lock()
		target, tnum, ok := a.target(l.target, true)
		if !ok {
			a.mu.Unlock()
			a.note("there is no message %s to reply to", describeTarget(l.target))
			return
		}
		root := target.root
		if root == "" {
			root = target.id
		}
		num := a.next()
		a.messages[num] = message{id: id, channel: target.channel, root: root, author: who}
		a.printf("[%d] #%s %s (reply to [%d]): %s\n", num, target.channel, l.name, tnum, l.text)
		a.mu.Unlock()
		a.record(ctx, bot.Event{Kind: bot.KindReply, Channel: target.channel, ChannelName: target.channel, Member: who,
			MemberName: l.name, At: now, Key: "msg:" + id, Message: id, Parent: root})
	case lineReact:
		a.mu.Lock()
		target, tnum, ok := a.target(l.target, false)
		if !ok {
			a.mu.Unlock()
			a.note("there is no message %s to react to", describeTarget(l.target))
			return
		}
		a.printf("%s reacted :%s: to [%d]\n", l.name, l.text, tnum)
		a.mu.Unlock()
		a.record(ctx, bot.Event{Kind: bot.KindReaction, Channel: target.channel, Member: who, MemberName: l.name,
			At: now, Key: "react:" + id, Message: target.id})
	case lineDM:
		if cmd, ok := slashCommand(l.text); ok {
			a.command(ctx, l.name, "", cmd, identity, now)
			return
		}
		// DMs are not numbered: nobody replies to them in a thread.
		a.mu.Lock()
		a.printf("(dm from %s) %s\n", l.name, l.text)
		a.mu.Unlock()
		if !a.claim(ctx, identity, now) {
			return // a written answer is applied once
		}
		// The shell has no forms: a DM's text answers a check-in's
		// free-text question, so the core gets it.
		a.record(ctx, bot.Event{Kind: bot.KindMessage, DM: true, Member: who, MemberName: l.name, At: now,
			Key: "dm:" + who + ":" + id, Message: id, Text: l.text})
	case lineJoin, lineLeave:
		kind, verb := bot.KindJoin, "joined"
		if l.kind == lineLeave {
			kind, verb = bot.KindLeave, "left"
		}
		a.mu.Lock()
		a.printf("* %s %s the community\n", l.name, verb)
		a.mu.Unlock()
		a.record(ctx, bot.Event{Kind: kind, Member: who, MemberName: l.name, At: now,
			Key: string(kind) + ":" + who + ":" + strconv.FormatInt(now.UnixNano(), 10)})
	case lineClick:
		a.click(ctx, l.name, l.text, identity, now)
	}
}

// next hands out the next message number, as shown in brackets. Numbers
// only name messages for replies in this session: platform ids come from
// lines and posts (messageID, postID). Callers hold mu.
func (a *Adapter) next() int {
	a.n++
	return a.n
}

// target finds the message a reply or reaction points at: number n, or the
// latest top-level message of the current channel (topLevel) or the latest
// message there (!topLevel). Callers hold mu.
func (a *Adapter) target(n int, topLevel bool) (message, int, bool) {
	if n == 0 {
		n = a.latest[a.current]
		if !topLevel {
			for i := a.n; i > n; i-- {
				if m, ok := a.messages[i]; ok && m.channel == a.current {
					n = i
					break
				}
			}
		}
	}
	m, ok := a.messages[n]
	return m, n, ok
}

func describeTarget(n int) string {
	if n == 0 {
		return "in this channel yet"
	}
	return "[" + strconv.Itoa(n) + "]"
}

func (a *Adapter) currentChannel() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.current
}

func slashCommand(text string) (string, bool) {
	rest, ok := strings.CutPrefix(text, "/hearth")
	if !ok || (rest != "" && rest[0] != ' ') {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

func (a *Adapter) record(ctx context.Context, e bot.Event) {
	e.Community = a.community.ID
	if err := a.h.HandleEvent(ctx, e); err != nil {
		a.log.ErrorContext(ctx, "record event", "kind", e.Kind, "member", e.Member, "err", err)
		a.failed()
		a.note("%s", bot.Apology)
	}
}

// failed counts something that could not be recorded (Run's error).
func (a *Adapter) failed() {
	a.mu.Lock()
	a.failures++
	a.mu.Unlock()
}

// claim records that the line with this identity is applied now, and
// reports whether to apply it: false when an earlier run of the script
// applied it (a replay), or when it could not be recorded. Claiming first
// means a line is applied at most once: should Hearth stop between the
// claim and the line's work, the line is lost rather than doubled.
//
// In real time nothing is claimed: a line's time is the wall clock's, so
// no later run can replay it.
func (a *Adapter) claim(ctx context.Context, identity string, now time.Time) bool {
	if a.claimer == nil || a.simulated == nil {
		return true
	}
	ok, err := a.claimer.ClaimLine(ctx, a.community.ID, identity, now)
	switch {
	case err != nil:
		a.log.ErrorContext(ctx, "claim line", "err", err)
		a.failed()
		a.note("%s", bot.Apology)
		return false
	case !ok:
		a.hint("already done by an earlier run of this line (same member, time and words): not done again")
	}
	return ok
}

func (a *Adapter) command(ctx context.Context, name, channel, text, identity string, now time.Time) {
	who := memberID(name)
	a.mu.Lock()
	where := "#" + channel
	if channel == "" {
		where = "dm"
	}
	a.printf("%s (%s): %s\n", name, where, strings.TrimSpace("/hearth "+text))
	a.mu.Unlock()
	if !a.claim(ctx, identity, now) {
		return
	}
	reply := a.h.HandleCommand(ctx, bot.Command{Community: a.community.ID, Channel: channel, ChannelName: channel,
		Member: who, MemberName: name, Text: text, At: now})
	a.deliverReply(ctx, who, channel, reply)
}

func (a *Adapter) click(ctx context.Context, name, text, identity string, now time.Time) {
	who := memberID(name)
	a.mu.Lock()
	p, ok := a.buttons[who]
	if !ok {
		p = a.buttons["*"]
	}
	a.mu.Unlock()
	i, rows := p.find(text)
	switch {
	case len(rows) > 1:
		// The same label in several rows (say, a 1 to 5 scale for each
		// question of a check-in): don't guess.
		label := p.buttons[i].Label
		a.note("more than one row has [%s] (rows %s): write `%s clicks ROW:%s`, such as `%s clicks %d:%s`; rows count from 1, top to bottom",
			label, joinInts(rows), name, label, name, rows[0], label)
		return
	case i < 0:
		lines := p.lines()
		switch len(lines) {
		case 0:
			a.note("%s has no buttons to press", name)
		case 1:
			a.note("%s can press %s", name, lines[0])
		default:
			for n := range lines {
				lines[n] += fmt.Sprintf(" (row %d)", n+1)
			}
			a.note("%s can press %s", name, strings.Join(lines, ", "))
		}
		return
	}
	pressed := p.buttons[i]
	a.mu.Lock()
	if p.rows[len(p.rows)-1] > 1 {
		a.printf("%s clicked [%s] (row %d)\n", name, pressed.Label, p.rows[i])
	} else {
		a.printf("%s clicked [%s]\n", name, pressed.Label)
	}
	a.mu.Unlock()
	if !a.claim(ctx, identity, now) {
		return
	}
	reply := a.h.HandleAction(ctx, bot.Action{Community: a.community.ID, Channel: p.channel, Member: who, MemberName: name,
		ActionID: pressed.ActionID, Value: pressed.Value, Post: p.ref, At: now})
	a.deliverReply(ctx, who, p.channel, reply)
}
