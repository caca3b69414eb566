package slack

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// Block Kit limits (see fakeslack/limits.go for the sources).
const (
	maxSectionText   = 3000
	maxBlocks        = 50
	maxButtonsPerRow = 25
	maxButtonLabel   = 75
	maxButtonValue   = 2000
	maxActionID      = 255
	maxFallbackText  = 3000
	maxModalTitle    = 24
	maxModalButton   = 24
	maxFieldLabel    = 2000
	maxPlaceholder   = 150
	maxInputLength   = 3000
	maxPrivateMeta   = 3000
	// maxBlocksText is how much text all of a message's blocks carry at
	// most. Slack refuses about 12,000 (msg_blocks_too_long, undocumented:
	// slackapi/bolt-js#2509, #2867) and counts some of it in ways we cannot
	// see, so Hearth keeps 1,000 characters of headroom.
	maxBlocksText = 11000
	// noticeRoom is what the line saying what was left out may take.
	noticeRoom = 200
)

// budget is how much one message may carry.
type budget struct {
	blocks  int // blocks in the message
	section int // characters in one section
	total   int // characters of text in all blocks
}

var (
	// fullBudget is what every post is rendered within.
	fullBudget = budget{blocks: maxBlocks, section: maxSectionText, total: maxBlocksText}
	// smallBudget is for the second try, when Slack refused a post within
	// fullBudget for its size anyway.
	smallBudget = budget{blocks: 12, section: maxSectionText, total: 3000}
)

// fullTextFile is the name of the file that carries a post's full text
// when the message cannot.
const fullTextFile = "hearth-full-text.md"

// mrkdwn translates the core's small markdown to Slack's: **bold** becomes
// *bold*; _italic_, `code` and "• " lists are the same. &, < and > are
// escaped as Slack requires, so names cannot inject mentions or links.
func mrkdwn(s string) string {
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	return strings.ReplaceAll(s, "**", "*")
}

// rendered is a post as Block Kit.
type rendered struct {
	text   string // the fallback Slack shows in notifications
	blocks []slack.Block
	// left is set when the message could not carry all the text: the lines
	// left out are said in the message, and the full text goes as a file.
	left *leftOut
	// droppedButtons counts buttons beyond Slack's 50 blocks (49 rows).
	droppedButtons int
	// longIDs counts buttons whose ActionID was cut to Slack's 255
	// characters: a click on one comes back with the shortened id.
	longIDs int
}

// leftOut describes the text a message could not carry.
type leftOut struct {
	lines, chars int // how much of the text was left out
	file         *bot.File
}

// render turns a post into Block Kit within b and the plain text Slack
// shows in notifications. Images are uploaded separately. Buttons go in
// actions blocks of at most 25, a new block whenever Button.Row changes,
// and are never dropped for text. Text is cut only between lines (a line
// longer than a section is split without breaking a character, an entity
// or a <link>); when lines must be left out, the message ends with
// "…and N more lines: " + where, and left carries the full text as a file.
func render(p bot.Post, b budget, where string) rendered {
	var out rendered
	text := mrkdwn(strings.TrimRight(p.Text, "\n"))
	rows := buttonRows(p.Buttons, maxButtonsPerRow)
	// Keep one block for the text, if there is any, and one to say how
	// many buttons Slack cannot show: rows are kept whole, one per
	// question, so what is cut is the last questions, not the layout.
	if keep := b.blocks - min(1, len(text)); len(rows) > keep {
		keep--
		for _, r := range rows[keep:] {
			out.droppedButtons += len(r)
		}
		rows = rows[:keep]
		b.blocks--
		b.total -= noticeRoom
	}
	var actions []slack.Block
	var labels []string
	buttonChars := 0
	for row, idx := range rows {
		var els []slack.BlockElement
		for _, i := range idx {
			btn := p.Buttons[i]
			label := clipChars(first(btn.Label, "OK"), maxButtonLabel)
			labels = append(labels, label)
			buttonChars += chars(label)
			// The button's index keeps action_ids unique in the message,
			// the row's keeps block_ids unique.
			id := encodeActionID(btn.ActionID, i)
			if len(id) > maxActionID {
				suffix := id[len(btn.ActionID):]
				id = encodeActionID(btn.ActionID[:safeCut(btn.ActionID, maxActionID-len(suffix))], i)
				out.longIDs++
			}
			el := slack.NewButtonBlockElement(id, clipChars(btn.Value, maxButtonValue),
				slack.NewTextBlockObject(slack.PlainTextType, label, true, false))
			switch btn.Style {
			case bot.StylePrimary:
				el.Style = slack.StylePrimary
			case bot.StyleDanger:
				el.Style = slack.StyleDanger
			}
			els = append(els, el)
		}
		actions = append(actions, slack.NewActionBlock(fmt.Sprintf("hearth_actions_%d", row), els...))
	}

	lines := strings.Split(text, "\n")
	if text == "" {
		lines = nil
	}
	room := budget{blocks: b.blocks - len(actions), section: b.section, total: b.total - buttonChars}
	secs, placed := pack(lines, room)
	if placed < len(lines) {
		// Not everything fits: make room for the notice and pack again.
		room.blocks--
		room.total -= noticeRoom
		secs, placed = pack(lines, room)
		left := lines[placed:]
		n := len(left) - 1
		for _, l := range left {
			n += chars(l)
		}
		out.left = &leftOut{lines: len(left), chars: n,
			file: &bot.File{Name: fullTextFile, ContentType: "text/markdown; charset=utf-8", Data: []byte(p.Text)}}
		notice := fmt.Sprintf("_…and %s more %s: %s_", bot.Thousands(len(left)), plural(len(left), "line", "lines"), where)
		secs = append(secs, clipChars(notice, noticeRoom))
	}
	if out.droppedButtons > 0 {
		secs = append(secs, fmt.Sprintf("_…and %s more %s that Slack cannot show in one message._",
			bot.Thousands(out.droppedButtons), plural(out.droppedButtons, "button", "buttons")))
	}
	for _, s := range secs {
		out.blocks = append(out.blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, s, false, false), nil, nil))
	}
	out.blocks = append(out.blocks, actions...)
	out.text = text
	if chars(text) > maxFallbackText {
		out.text = text[:safeCut(text, maxFallbackText-1)] + "…"
	}
	if out.text == "" {
		out.text = strings.Join(labels, " · ")
	}
	return out
}

// pack fills sections with whole lines, within b: at most b.section
// characters each, b.blocks sections and b.total characters in all. A line
// longer than a section is split over several (see splitLine). It returns
// the sections and how many lines they hold; the rest did not fit. No
// section starts with a blank line.
func pack(lines []string, b budget) (secs []string, placed int) {
	var cur []string
	curChars, used := 0, 0
	flush := func() {
		if len(cur) > 0 {
			secs = append(secs, strings.Join(cur, "\n"))
			cur, curChars = nil, 0
		}
	}
	defer flush()
	for _, line := range lines {
		n := chars(line)
		if len(cur) > 0 {
			if curChars+1+n <= b.section && used+1+n <= b.total {
				cur = append(cur, line)
				curChars += 1 + n
				used += 1 + n
				placed++
				continue
			}
			flush()
		}
		if strings.TrimSpace(line) == "" {
			placed++ // the break between sections shows it
			continue
		}
		pieces := splitLine(line, b.section)
		need := 0
		for _, pc := range pieces {
			need += chars(pc)
		}
		if len(secs)+len(pieces) > b.blocks || used+need > b.total {
			if placed == 0 && len(secs) == 0 && b.blocks > 0 {
				// Not even the first line fits: show what does of it,
				// rather than no text at all.
				for _, pc := range pieces {
					if len(secs) >= b.blocks || used+chars(pc) > b.total {
						break
					}
					secs = append(secs, pc)
					used += chars(pc)
				}
			}
			return secs, placed
		}
		secs = append(secs, pieces[:len(pieces)-1]...)
		used += need
		cur, curChars = []string{pieces[len(pieces)-1]}, chars(pieces[len(pieces)-1])
		placed++
	}
	return secs, placed
}

// splitLine cuts a line into pieces of at most n characters, at spaces
// where it can, and never inside a character, an entity or a <link>.
func splitLine(s string, n int) []string {
	var out []string
	for chars(s) > n {
		cut := safeCut(s, n)
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// safeCut returns where to cut s so that s[:cut] holds at most n
// characters (n >= 2): on a rune boundary, not inside an entity (&amp;,
// &lt;, &gt;) or a <…> link or mention, after a space if there is one in
// the last quarter. A link longer than n is cut anyway.
func safeCut(s string, n int) int {
	end, c := 0, 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if c+w > n {
			break
		}
		c += w
		end = i + utf8.RuneLen(r)
	}
	if end >= len(s) {
		return len(s)
	}
	if end == 0 { // n is smaller than the first character
		_, w := utf8.DecodeRuneInString(s)
		return w
	}
	cut := end
	if i := strings.LastIndexByte(s[:cut], '&'); i >= 0 && cut-i < len("&amp;") && !strings.Contains(s[i:cut], ";") {
		cut = i
	}
	if i := strings.LastIndexByte(s[:cut], '<'); i >= 0 && !strings.Contains(s[i:cut], ">") {
		cut = i
	}
	if i := strings.LastIndexByte(s[:cut], ' '); i >= 0 && i+1 > cut*3/4 {
		cut = i + 1
	}
	if cut == 0 {
		cut = end
	}
	return cut
}

// chars counts characters as the most Slack could count them: UTF-16 code
// units (an emoji outside the Basic Multilingual Plane counts two).
func chars(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++
		}
	}
	return n
}

// clipChars shortens s to at most n characters (as chars counts them),
// ending in "…" when it was cut.
func clipChars(s string, n int) string {
	if chars(s) <= n {
		return s
	}
	return s[:safeCut(s, n-1)] + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// buttonRows groups the indexes of buttons into rows: a new row whenever
// Button.Row changes from the button before, and whenever a row holds
// perRow already. Buttons that all have the same Row fill rows of perRow.
func buttonRows(buttons []bot.Button, perRow int) [][]int {
	var rows [][]int
	for i, b := range buttons {
		if n := len(rows); n == 0 || len(rows[n-1]) == perRow || buttons[i-1].Row != b.Row {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
	}
	return rows
}

// encodeActionID makes a button's action_id unique within its message
// (Slack requires it) while keeping the core's ActionID recoverable.
func encodeActionID(id string, i int) string { return id + "#" + strconv.Itoa(i) }

// decodeActionID undoes encodeActionID.
func decodeActionID(id string) string {
	i := strings.LastIndexByte(id, '#')
	if i <= 0 || i == len(id)-1 {
		return id
	}
	if _, err := strconv.Atoi(id[i+1:]); err != nil {
		return id
	}
	return id[:i]
}

// clipRunes shortens s to at most n characters (Slack counts characters in
// modal titles and labels).
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// truncRunes shortens s to at most n characters, without a mark (it is a
// value the person edits, not a label).
func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// formMeta is what a modal carries through Slack in private_metadata: the
// core's Form.Context and where the form was opened.
type formMeta struct {
	Channel string `json:"c,omitempty"`
	Context string `json:"x,omitempty"`
}

func encodeMeta(m formMeta) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	if len(b) > maxPrivateMeta {
		return "", fmt.Errorf("form context is %d bytes; Slack keeps at most %d", len(b), maxPrivateMeta)
	}
	return string(b), nil
}

func decodeMeta(s string) formMeta {
	var m formMeta
	if s == "" {
		return m
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return formMeta{Context: s}
	}
	return m
}

// modal renders a form as a Slack modal: one plain-text input per field,
// with block_id and action_id = Field.ID so submissions map back, and
// Field.Value as the input's initial value.
func modal(f *bot.Form, meta string) slack.ModalViewRequest {
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, clipRunes(first(f.Title, "Hearth"), maxModalTitle), false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, clipRunes(first(f.Submit, "Submit"), maxModalButton), false, false),
		Close:           slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		CallbackID:      f.ID,
		PrivateMetadata: meta,
	}
	for _, fld := range f.Fields {
		var ph *slack.TextBlockObject
		if fld.Placeholder != "" {
			ph = slack.NewTextBlockObject(slack.PlainTextType, clipRunes(fld.Placeholder, maxPlaceholder), false, false)
		}
		el := slack.NewPlainTextInputBlockElement(ph, fld.ID)
		el.Multiline = fld.Multiline
		limit := maxInputLength
		if fld.MaxLength > 0 {
			el.MaxLength = min(fld.MaxLength, maxInputLength)
			limit = el.MaxLength
		}
		// A prefilled value longer than the input takes is cut to fit:
		// Slack refuses the whole modal otherwise.
		el.InitialValue = truncRunes(fld.Value, limit)
		in := slack.NewInputBlock(fld.ID, slack.NewTextBlockObject(slack.PlainTextType, clipRunes(first(fld.Label, fld.ID), maxFieldLabel), false, false), nil, el)
		in.Optional = fld.Optional
		v.Blocks.BlockSet = append(v.Blocks.BlockSet, in)
	}
	return v
}
