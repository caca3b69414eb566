package shell

// What the shell prints: Hearth's posts and replies with their buttons
// numbered, notes, the prompt and the banner. Text from members passes
// through bot.ForTerminal before it reaches the terminal.

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

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
	if _, err := a.post(to, r.Post, r.Code != ""); err != nil {
		a.log.ErrorContext(ctx, "deliver reply", "member", member, "err", err)
	}
}

// Post prints what Hearth says. It implements bot.Chat.
func (a *Adapter) Post(_ context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	return a.post(to, p, false)
}

// post prints a post; failed marks a reply that reports an error.
func (a *Adapter) post(to bot.Destination, p bot.Post, failed bool) (bot.PostRef, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	ref := bot.PostRef{Channel: to.Channel, At: now}
	var prefix string // who says it, where, as "… hearth:"
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
			prefix = fmt.Sprintf("[%d] #%s hearth (in thread):", num, to.Channel)
		} else {
			a.latest[to.Channel] = num
			prefix = fmt.Sprintf("[%d] #%s hearth:", num, to.Channel)
		}
		a.messages[num] = m
	case bot.ToDM:
		ref.ID = "dm-" + to.Member + "-" + strconv.FormatInt(now.UnixNano(), 10)
		prefix = fmt.Sprintf("(dm to %s) hearth:", to.Member)
	case bot.ToEphemeral:
		ref.ID = "eph-" + to.Member + "-" + strconv.FormatInt(now.UnixNano(), 10)
		prefix = fmt.Sprintf("(only %s sees) hearth:", to.Member)
	}
	prefixStyle := styleBold
	if failed {
		prefixStyle = styleError
	}
	a.emit(piece{style: prefixStyle, text: prefix}, piece{text: " "},
		piece{text: p.Text, markdown: true}, piece{text: "\n"})
	if len(p.Buttons) > 0 {
		// One line per row of buttons (Button.Row).
		pp := posted{ref: ref, channel: to.Channel, buttons: p.Buttons, rows: printedRows(p.Buttons)}
		for _, l := range pp.lines() {
			a.emit(piece{text: "    "}, piece{style: styleBold, text: l}, piece{text: "\n"})
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
		a.emit(piece{style: styleDim, text: fmt.Sprintf("    (%s: %s)", kind, path)}, piece{text: "\n"})
	}
	return ref, nil
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }

// note tells the person something went wrong with what they did ("? …",
// red in colour).
func (a *Adapter) note(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.emit(piece{style: styleError, text: "? " + fmt.Sprintf(format, args...)}, piece{text: "\n"})
}

// hint tells the person something worth knowing that is not a mistake
// ("? …", dim in colour).
func (a *Adapter) hint(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.emit(piece{style: styleDim, text: "? " + fmt.Sprintf(format, args...)}, piece{text: "\n"})
}

// piece is a part of a line of output, with its style.
type piece struct {
	style style
	text  string
	// markdown renders text in the adapter's look (indented after its
	// first line, as posts print).
	markdown bool
}

// emit writes pieces, each made harmless for a terminal (bot.ForTerminal)
// before the look renders and paints it: what members wrote can hold
// escape sequences, the look's own are the only ones printed. In
// LookPlain it writes what printf would. Callers hold mu.
func (a *Adapter) emit(pieces ...piece) {
	var sb strings.Builder
	for _, p := range pieces {
		text := bot.ForTerminal(p.text)
		if p.markdown {
			text = indent(a.look.render(text))
		}
		sb.WriteString(a.look.paint(p.style, text))
	}
	io.WriteString(a.out, sb.String())
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
	a.emit(piece{style: styleBold, text: "Hearth shell: you play every member of a small community."}, piece{text: "\n"})
	a.emit(piece{style: styleDim, text: `  alice: hello everyone          post in the current channel (#general at start)
  bob #design: a question        post in #design and make it current
  carol reply: good point        reply in the thread of the latest message (or: reply 2: …)
  dave react: tada               react to the latest message (or: react 2: …)
  erin dm: hi                    a direct message to Hearth
  frank joins / frank leaves     join or leave the community
  alice: /hearth help            run a command as alice
  alice clicks Last 30 days      press a button Hearth showed alice
  alice clicks 2:Yes             press [Yes] in the second row of buttons
  :advance 1d  :now  :quit       simulated time (start with --clock), the time, leave
To connect Slack or Discord instead, set SLACK_BOT_TOKEN + SLACK_APP_TOKEN or DISCORD_BOT_TOKEN (see README.md).`}, piece{text: "\n"})
	if a.editing {
		a.emit(piece{style: styleDim, text: "Keys: ↑/↓ recall earlier lines, Tab completes, Ctrl-C drops the line, Ctrl-D leaves."}, piece{text: "\n"})
	}
}
