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
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
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
	// Prompt prints "> " before each line (for a terminal).
	Prompt bool
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

type posted struct {
	ref     bot.PostRef
	channel string
	buttons []bot.Button
	rows    []int // the printed row of each button, from 1
}

// printedRows numbers the lines a post's buttons print on, from 1: a new
// line whenever Button.Row changes from the button before.
func printedRows(buttons []bot.Button) []int {
	rows := make([]int, len(buttons))
	for i, b := range buttons {
		switch {
		case i == 0:
			rows[i] = 1
		case b.Row != buttons[i-1].Row:
			rows[i] = rows[i-1] + 1
		default:
			rows[i] = rows[i-1]
		}
	}
	return rows
}

// lines returns the post's buttons as printed, one string per row.
func (p posted) lines() []string {
	var out []string
	for i, b := range p.buttons {
		if i == 0 || p.rows[i] != p.rows[i-1] {
			out = append(out, "")
		} else {
			out[len(out)-1] += " "
		}
		out[len(out)-1] += "[" + b.Label + "]"
	}
	return out
}

// find picks the button "clicks TEXT" names: the one labelled TEXT (any
// case), or else, for TEXT = ROW:LABEL, the one labelled LABEL in that
// printed row; -1 when there is none. When TEXT labels buttons in more
// than one row, it also returns those rows: the person must say which.
func (p posted) find(text string) (pressed int, rows []int) {
	pressed = -1
	for i, b := range p.buttons {
		if !strings.EqualFold(b.Label, text) {
			continue
		}
		if pressed < 0 {
			pressed = i
		}
		if len(rows) == 0 || rows[len(rows)-1] != p.rows[i] {
			rows = append(rows, p.rows[i])
		}
	}
	if pressed >= 0 {
		return pressed, rows
	}
	row, label, ok := strings.Cut(text, ":")
	if !ok {
		return -1, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(row))
	if err != nil {
		return -1, nil
	}
	label = strings.Trim(label, " []\"")
	for i, b := range p.buttons {
		if p.rows[i] == n && strings.EqualFold(b.Label, label) {
			return i, []int{n}
		}
	}
	return -1, nil
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

// writeFile writes a posted file into the files directory and returns its
// path. Without Config.FilesDir, the directory is one of this session's
// own, made in the temp directory at the first file, so sessions (and
// databases) never share one; it is kept after the session, since the
// output names the files in it. Within the directory a file never
// replaces another: a name already taken gets -2, -3… before its
// extension. The caller holds a.mu.
func (a *Adapter) writeFile(f *bot.File) (string, error) {
	if a.filesDir == "" {
		dir, err := os.MkdirTemp("", "hearth-files-")
		if err != nil {
			return "", err
		}
		a.filesDir = dir
	}
	base := filepath.Base(f.Name)
	if base == "." || base == string(filepath.Separator) {
		base = "file"
	}
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i <= maxSameName; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		path := filepath.Join(a.filesDir, name)
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := fh.Write(f.Data)
		if err := errors.Join(werr, fh.Close()); err != nil {
			return "", err
		}
		return path, nil
	}
	return "", fmt.Errorf("%d files named like %s in %s already: choose another HEARTH_FILES_DIR or clear it", maxSameName, base, a.filesDir)
}

// maxSameName bounds the files of one name in the files directory.
const maxSameName = 10_000

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
	err := a.run(ctx, in)
	a.mu.Lock()
	failures := a.failures
	a.mu.Unlock()
	if err == nil && failures > 0 {
		err = fmt.Errorf("shell: %d failure(s) to record what happened in the session; the log has each one", failures)
	}
	return err
}

func (a *Adapter) run(ctx context.Context, in io.Reader) error {
	// Cancelled on return, so the reader stops at its next line (after
	// :quit, say) rather than wait to hand it over.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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
	// The reader goroutine ends at the end of input or when ctx is done;
	// a terminal's input ends when the process does.
	go func() { readErr <- readLines(ctx, in, lines) }()
	for {
		a.showPrompt()
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			if err != nil && ctx.Err() == nil {
				return fmt.Errorf("shell: read input: %w", err)
			}
			return nil
		case l := <-lines:
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
		a.note("hearth is me; play the members. Try `alice: hello`.")
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
		a.note("already done by an earlier run of this line (same member, time and words): not done again")
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

// joinInts writes 1, 2 and 3.
func joinInts(ns []int) string {
	var parts []string
	for _, n := range ns {
		parts = append(parts, strconv.Itoa(n))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// deliverReply shows a command's or a click's reply to the member.
func (a *Adapter) deliverReply(ctx context.Context, member, channel string, r bot.Reply) {
	if r.Code == bot.EInternal {
		a.failed() // the core logged it; the person sees the apology
	}
	if r.Text == "" && len(r.Buttons) == 0 && r.Form == nil {
		return
	}
	to := bot.Destination{Kind: bot.ToEphemeral, Community: a.community.ID, Channel: channel, Member: member}
	switch {
	case channel == "":
		to.Kind = bot.ToDM
	case !r.Private:
		to.Kind = bot.ToChannel
	}
	if r.Form != nil {
		r.Text = strings.TrimSpace(r.Text + "\n" + "(" + r.Form.Title + ": forms open in Slack and Discord; in the shell, answer with `" + member + " dm: …`)")
	}
	if _, err := a.Post(ctx, to, r.Post); err != nil {
		a.log.ErrorContext(ctx, "deliver reply", "member", member, "err", err)
	}
}

// Post prints what Hearth says. It implements bot.Chat.
func (a *Adapter) Post(_ context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	ref := bot.PostRef{Channel: to.Channel, At: now}
	var prefix string
	switch to.Kind {
	case bot.ToChannel, bot.ToThread:
		if to.Channel == "" {
			return bot.PostRef{}, bot.Errorf(bot.EPlatform, "No channel to post in.")
		}
		num := a.next()
		id := a.postID(now, to.Channel, to.Thread, p.Text)
		ref.ID = id
		m := message{id: id, channel: to.Channel, author: "hearth"}
		if to.Kind == bot.ToThread {
			m.root = to.Thread
			prefix = fmt.Sprintf("[%d] #%s hearth (in thread): ", num, to.Channel)
		} else {
			a.latest[to.Channel] = num
			prefix = fmt.Sprintf("[%d] #%s hearth: ", num, to.Channel)
		}
		a.messages[num] = m
	case bot.ToDM:
		ref.ID = "dm-" + to.Member + "-" + strconv.FormatInt(now.UnixNano(), 10)
		prefix = fmt.Sprintf("(dm to %s) hearth: ", to.Member)
	case bot.ToEphemeral:
		ref.ID = "eph-" + to.Member + "-" + strconv.FormatInt(now.UnixNano(), 10)
		prefix = fmt.Sprintf("(only %s sees) hearth: ", to.Member)
	}
	a.printf("%s%s\n", prefix, indent(plain(p.Text)))
	if len(p.Buttons) > 0 {
		// One line per row of buttons (Button.Row).
		pp := posted{ref: ref, channel: to.Channel, buttons: p.Buttons, rows: printedRows(p.Buttons)}
		for _, l := range pp.lines() {
			a.printf("    %s\n", l)
		}
		if to.Member != "" {
			a.buttons[to.Member] = pp
		} else {
			// A channel post's buttons are for whoever is in the channel;
			// "NAME clicks" finds them through the "*" entry.
			a.buttons["*"] = pp
		}
	}
	for _, f := range []*bot.File{p.Image, p.Attachment} {
		if f == nil {
			continue
		}
		path, err := a.writeFile(f)
		if err != nil {
			return ref, fmt.Errorf("shell: write %s: %w", f.Name, err)
		}
		kind := "image" // the digest's chart; a calendar file or a list says what it is
		if ct := f.ContentType; ct != "" && !strings.HasPrefix(ct, "image/") {
			kind = "file"
		}
		a.printf("    (%s: %s)\n", kind, path)
	}
	return ref, nil
}

// plain turns the core's markdown into terminal text.
func plain(s string) string { return strings.ReplaceAll(s, "**", "") }

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }

func (a *Adapter) directive(ctx context.Context, l line) bool {
	switch l.verb {
	case "now":
		a.mu.Lock()
		a.printf("now: %s\n", a.clock.Now().UTC().Format(time.RFC3339))
		a.mu.Unlock()
	case "advance":
		if a.simulated == nil {
			a.note(":advance needs simulated time: start with `hearth shell --clock 2026-11-02T09:00:00Z`")
			return false
		}
		d, err := parseDuration(l.text)
		if err != nil {
			a.note("%s", err)
			return false
		}
		a.tick(ctx, d)
		a.mu.Lock()
		a.printf("now: %s\n", a.clock.Now().UTC().Format(time.RFC3339))
		a.mu.Unlock()
	case "channel":
		ch := strings.ToLower(strings.TrimPrefix(l.text, "#"))
		if !validName(ch) {
			a.note("which channel? Try `:channel #design`")
			return false
		}
		a.mu.Lock()
		a.current = ch
		a.mu.Unlock()
	case "help":
		a.printBanner()
	case "quit", "exit", "q":
		return true
	default:
		a.note("I don't know :%s. Directives: :now, :advance 1d, :channel #name, :help, :quit", clipped(l.verb))
	}
	return false
}

// tick moves simulated time forward by d, running what falls due. In real
// time it does nothing: the wall clock moves by itself.
func (a *Adapter) tick(ctx context.Context, d time.Duration) {
	if a.simulated == nil {
		return
	}
	until := a.simulated.Now().Add(d)
	if a.due != nil {
		a.runDue(ctx, until)
	}
	if a.simulated.Now().Before(until) {
		a.simulated.Set(until)
	}
}

// runDue runs what falls due up to until (the runner moves a simulated
// clock to each due time in order, then to until). When the firing bound
// stops it, simulated time still moves to until and what was left is
// caught up as after a downtime (for each schedule, the latest time runs
// if still within its grace; the others are recorded as skipped): a
// replay of the script then takes the same path whatever an earlier run
// fired, and one move stays bounded.
func (a *Adapter) runDue(ctx context.Context, until time.Time) {
	fired, stopped := a.runDueOnce(ctx, until)
	if !stopped || a.simulated == nil {
		return
	}
	if a.simulated.Now().Before(until) {
		a.simulated.Set(until)
	}
	a.runDueOnce(ctx, until)
	a.note("ran %d scheduled firings in order, the most one move of time runs; what fell due after them until %s was caught up as after a downtime (the latest time of each schedule runs if still within its grace, the others are skipped)",
		fired, until.UTC().Format(time.RFC3339))
}

// runDueOnce is one call of the runner up to until, under the firing
// bound: how many jobs it ran, and whether it stopped at the bound.
func (a *Adapter) runDueOnce(ctx context.Context, until time.Time) (fired int, stopped bool) {
	runCtx := ctx
	if a.firings != nil {
		runCtx = a.firings.begin(ctx)
	}
	err := a.due.RunDue(runCtx, until)
	if a.firings != nil {
		fired, stopped = a.firings.end()
	}
	if err != nil && !stopped && ctx.Err() == nil {
		a.log.ErrorContext(ctx, "run due work", "until", until, "err", err)
		a.failed()
	}
	return fired, stopped
}

func (a *Adapter) note(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.printf("? "+format+"\n", args...)
}

// printf writes to out, made harmless for a terminal: members' words,
// names and reactions, and Hearth's posts that quote them, may hold escape
// sequences (bot.ForTerminal). Callers hold mu.
func (a *Adapter) printf(format string, args ...any) {
	io.WriteString(a.out, bot.ForTerminal(fmt.Sprintf(format, args...)))
}

func (a *Adapter) showPrompt() {
	if a.prompt {
		a.mu.Lock()
		a.printf("> ")
		a.mu.Unlock()
	}
}

func (a *Adapter) printBanner() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.printf(`Hearth shell: you play every member of a small community.
  alice: hello everyone          post in the current channel (#general at start)
  bob #design: a question        post in #design and make it current
  carol reply: good point        reply in the thread of the latest message (or: reply 2: …)
  dave react: tada               react to the latest message (or: react 2: …)
  erin dm: hi                    a direct message to Hearth
  frank joins / frank leaves     join or leave the community
  alice: /hearth help            run a command as alice
  alice clicks Last 30 days      press a button Hearth showed alice
  alice clicks 2:Yes             press [Yes] in the second row of buttons
  :advance 1d  :now  :quit       simulated time (start with --clock), the time, leave
To connect Slack or Discord instead, set SLACK_BOT_TOKEN + SLACK_APP_TOKEN or DISCORD_BOT_TOKEN (see README.md).
`)
}
