package discord

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/bot"
)

// Discord's limits on messages and components.
const (
	maxContent       = 2000
	maxButtonsPerRow = 5
	maxRows          = 5
	maxLabel         = 80
	maxCustomID      = 100
	maxModalTitle    = 45
	maxInputLabel    = 45
	maxPlaceholder   = 100
	maxInputLength   = 4000
	maxModalInputs   = 5
)

// noMentions keeps Hearth's posts from pinging anyone they name.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// maxMessages is how many Discord messages one post becomes at most: past
// that, the last one says how much more there is and carries the whole
// text as a file, so a long list (check-in results for 2,000 members) is
// neither cut silently nor a wall of 200 messages.
const maxMessages = 3

// overflowRoom is what the last message keeps free for its note.
const overflowRoom = 100

// fullTextName is the file that carries a post's whole text.
const fullTextName = "hearth-full-text.md"

// message is one Discord message to send: a post longer than Discord's
// 2,000 characters becomes up to three, the last one carrying the buttons,
// the image and, when the text did not fit, the whole text as a file.
type message struct {
	content    string
	components []discordgo.MessageComponent
	image      *bot.File
	list       *bot.File // the whole of a long list (bot.Post.Attachment)
	text       *bot.File // the post's whole text, when it did not fit
	full       string    // the post's whole text, for a shortened retry
}

func (m message) hasFiles() bool { return m.image != nil || m.list != nil || m.text != nil }

// files returns the message's attachments with fresh readers (a retry
// must send them again from the start).
func (m message) files() []*discordgo.File {
	var out []*discordgo.File
	if m.image != nil {
		ct := m.image.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		name := m.image.Name
		if name == "" {
			name = "chart.png"
		}
		out = append(out, &discordgo.File{Name: name, ContentType: ct, Reader: bytes.NewReader(m.image.Data)})
	}
	if m.list != nil {
		ct := m.list.ContentType
		if ct == "" {
			ct = "text/markdown; charset=utf-8"
		}
		out = append(out, &discordgo.File{Name: m.list.Name, ContentType: ct, Reader: bytes.NewReader(m.list.Data)})
	}
	if m.text != nil {
		out = append(out, &discordgo.File{Name: m.text.Name, ContentType: m.text.ContentType, Reader: bytes.NewReader(m.text.Data)})
	}
	return out
}

// fullText is the attachment that carries a post's whole text.
func fullText(text string) *bot.File {
	return &bot.File{Name: fullTextName, ContentType: "text/markdown; charset=utf-8", Data: []byte(text)}
}

// render turns a post into at most maxMessages messages of at most
// maxContent characters each, cut between lines (a line longer than a
// message is cut between words, never inside a character, a link, a
// mention or a code span). When the text needs more, the last message
// ends with "…and N more lines: see the attached file." and carries the
// whole text as a Markdown file; what moved is logged. The core's markdown
// (**bold**, _italic_, `code`, "• " lists) is Discord's own, so text
// passes through.
func (a *Adapter) render(p bot.Post) []message {
	// Buttons past a message's five rows continue on messages of their
	// own after the text, which then keeps fewer messages to itself.
	var groups [][]discordgo.MessageComponent
	rows := a.buttonRows(p.Buttons)
	for len(rows) > 0 {
		n := min(len(rows), maxRows)
		groups, rows = append(groups, rows[:n]), rows[n:]
	}
	textMessages := maxMessages - max(len(groups)-1, 0)
	chunks, rest := takePieces(p.Text, maxContent, textMessages)
	var file *bot.File
	if strings.TrimSpace(rest) != "" {
		chunks, rest = takePieces(p.Text, maxContent, textMessages-1)
		last, more := takePieces(rest, maxContent-overflowRoom, 1)
		moved := lineCount(more)
		note := fmt.Sprintf("_…and %d more %s: see the attached file._", moved, plural(moved, "line", "lines"))
		chunks = append(chunks, strings.Join(append(last, note), "\n\n"))
		file = fullText(p.Text)
		a.log.Info("a post is longer than Discord shows in three messages; the whole text goes in an attached file",
			"chars", utf8.RuneCountInString(p.Text), "lines", lineCount(p.Text), "lines_in_file_only", moved,
			"chars_in_file_only", utf8.RuneCountInString(more), "file", fullTextName, "file_bytes", len(p.Text),
			"button_messages", max(len(groups)-1, 0))
	}
	if len(chunks) == 0 {
		chunks = []string{""}
	}
	msgs := make([]message, len(chunks))
	for i, c := range chunks {
		msgs[i].content = c
		msgs[i].full = p.Text
	}
	last := &msgs[len(msgs)-1]
	if len(groups) > 0 {
		last.components = groups[0]
	}
	last.image = p.Image
	last.list = p.Attachment
	last.text = file
	if last.content == "" && len(last.components) == 0 && last.image == nil && last.list == nil {
		last.content = "Done."
	}
	for _, g := range groups[min(1, len(groups)):] {
		msgs = append(msgs, message{components: g, full: p.Text})
	}
	return msgs
}

// shortened is m cut to half a message, saying so, with the post's whole
// text attached: what is sent when Discord refuses m as invalid (50035).
func shortened(m message) message {
	full := m.full
	if full == "" {
		full = m.content
	}
	head, _ := takePieces(m.content, maxContent/2, 1)
	note := "_Shortened: Discord refused the whole message. The full text is in the attached file._"
	m.content = strings.Join(append(head, note), "\n\n")
	m.text = fullText(full)
	return m
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// lineCount is how many lines text has (a last line without "\n" counts).
func lineCount(text string) int {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return 0
	}
	return strings.Count(text, "\n") + 1
}

// buttonRows lays buttons out in action rows of five: a new row whenever
// Button.Row changes from the button before. Rows past what three messages
// hold (15) are dropped, and logged. Every button of the message gets its own
// custom id: two buttons with the same ActionID and Value would share
// "b|ActionID|Value", which Discord refuses, so the second one gets a kept
// key instead.
func (a *Adapter) buttonRows(buttons []bot.Button) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	seen := map[string]bool{}
	shown := 0
	for _, idx := range groupRows(buttons, maxButtonsPerRow) {
		if len(rows) == maxRows*maxMessages {
			break
		}
		var row []discordgo.MessageComponent
		for _, i := range idx {
			b := buttons[i]
			id := a.ids.button(b.ActionID, b.Value)
			if seen[id] {
				id = a.ids.newKey(stored{kind: 'b', actionID: b.ActionID, value: b.Value})
			}
			seen[id] = true
			row = append(row, discordgo.Button{
				Label:    clip(orDefault(b.Label, b.Value), maxLabel),
				Style:    buttonStyle(b.Style),
				CustomID: id,
			})
		}
		shown += len(row)
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	if shown < len(buttons) {
		a.log.Warn("a post has more buttons than Discord shows; the rest are dropped", "buttons", len(buttons), "dropped", len(buttons)-shown)
	}
	return rows
}

// groupRows groups the indexes of buttons into rows: a new row whenever
// Button.Row changes from the button before, and whenever a row holds
// perRow already. Buttons that all have the same Row fill rows of perRow.
func groupRows(buttons []bot.Button, perRow int) [][]int {
	var rows [][]int
	for i, b := range buttons {
		if n := len(rows); n == 0 || len(rows[n-1]) == perRow || buttons[i-1].Row != b.Row {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
	}
	return rows
}

func buttonStyle(s bot.ButtonStyle) discordgo.ButtonStyle {
	switch s {
	case bot.StylePrimary:
		return discordgo.PrimaryButton
	case bot.StyleDanger:
		return discordgo.DangerButton
	}
	return discordgo.SecondaryButton
}

// takePieces takes up to k pieces of at most n characters (runes) from
// the start of text, cut between lines when it can, and returns them with
// the text left over.
func takePieces(text string, n, k int) (pieces []string, rest string) {
	for len(pieces) < k && text != "" {
		if utf8.RuneCountInString(text) <= n {
			if p := strings.TrimRight(text, "\n"); p != "" {
				pieces = append(pieces, p)
			}
			return pieces, ""
		}
		cut, midLine := cutPoint(text, n)
		if p := strings.TrimRight(text[:cut], "\n "); p != "" {
			pieces = append(pieces, p)
		}
		text = text[cut:]
		if midLine {
			text = strings.TrimLeft(text, " ")
		}
	}
	return pieces, text
}

// unsafeSpan matches what a cut must not fall inside: a markdown link, a
// mention (<@id>, <@&id>, <#id>, </cmd:id>, <t:…>, a custom emoji), a bare
// URL, a code span, bold, a spoiler.
var unsafeSpan = regexp.MustCompile(`\[[^\]\n]*\]\([^)\s]*\)|<(?:@[!&]?\d+|#\d+|/[^<>\n]+:\d+|t:-?\d+(?::[tTdDfFR])?|a?:\w+:\d+)>|https?://[^\s<>]+|` + "`[^`\n]*`" + `|\*\*[^*\n]+\*\*|\|\|[^|\n]+\|\|`)

// cutPoint returns where to cut text (longer than n runes) so the piece
// before it has at most n runes: after the last line break that fits; in
// a line longer than n, after the last space outside a link, mention or
// code span, else at the last character boundary outside one, else (one
// link longer than a whole message) at n runes. midLine says the cut is
// inside a line.
func cutPoint(text string, n int) (cut int, midLine bool) {
	end := len(text)
	count := 0
	for i := range text {
		if count == n {
			end = i
			break
		}
		count++
	}
	window := text[:end]
	if end < len(text) && text[end] == '\n' {
		return end + 1, false
	}
	if i := strings.LastIndexByte(window, '\n'); i >= 0 {
		return i + 1, false
	}
	line := text
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		line = text[:i]
	}
	spans := unsafeSpan.FindAllStringIndex(line, -1)
	inside := func(p int) bool {
		for _, s := range spans {
			if s[0] < p && p < s[1] {
				return true
			}
			if s[0] >= p {
				break
			}
		}
		return false
	}
	afterSpace, anyBoundary := -1, -1
	prev := rune(0)
	for i, r := range window {
		if i > 0 && !inside(i) {
			anyBoundary = i
			if prev == ' ' {
				afterSpace = i
			}
		}
		prev = r
	}
	if !inside(end) {
		anyBoundary = end
		if prev == ' ' || (end < len(text) && text[end] == ' ') {
			afterSpace = end
		}
	}
	switch {
	case afterSpace > 0:
		return afterSpace, true
	case anyBoundary > 0:
		return anyBoundary, true
	}
	return end, true
}

// Custom ids carry what a click or a submission needs. A button's is
// "b|ActionID|Value" and a form's "f|FormID|Context" when that fits in
// Discord's 100 characters; otherwise, and for the buttons that reopen a
// form, "k|key" names an entry the adapter keeps (lost on restart: the
// person is asked to run the command again).
type stored struct {
	kind     byte // 'b' button, 'f' form submission, 'r' reopen a form
	actionID string
	value    string
	form     *bot.Form
	values   map[string]string
}

// idStore keeps the entries "k|key" custom ids name, and the forms opened
// recently (to show their labels beside errors and to reopen them).
type idStore struct {
	mu     sync.Mutex
	prefix string
	n      uint64
	limit  int
	m      map[string]stored
	order  []string
}

func newIDStore(limit int) *idStore {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &idStore{prefix: hex.EncodeToString(b), limit: limit, m: map[string]stored{}}
}

func (s *idStore) put(key string, v stored) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok {
		s.order = append(s.order, key)
	}
	s.m[key] = v
	if len(s.order) > s.limit {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *idStore) newKey(v stored) string {
	s.mu.Lock()
	s.n++
	key := "k|" + s.prefix + strconv.FormatUint(s.n, 36)
	s.mu.Unlock()
	s.put(key, v)
	return key
}

func (s *idStore) get(key string) (stored, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

func (s *idStore) button(actionID, value string) string {
	id := "b|" + actionID + "|" + value
	if !strings.Contains(actionID, "|") && len(id) <= maxCustomID {
		return id
	}
	return s.newKey(stored{kind: 'b', actionID: actionID, value: value})
}

// form returns the custom id of a modal for f, and keeps f to reopen it.
func (s *idStore) form(f bot.Form) string {
	fc := f
	fc.Fields = append([]bot.Field(nil), f.Fields...)
	id := "f|" + f.ID + "|" + f.Context
	if strings.Contains(f.ID, "|") || len(id) > maxCustomID {
		return s.newKey(stored{kind: 'f', actionID: f.ID, value: f.Context, form: &fc})
	}
	s.put(id, stored{kind: 'f', actionID: f.ID, value: f.Context, form: &fc})
	return id
}

// reopen returns the custom id of a button that opens f again, filled in.
func (s *idStore) reopen(f bot.Form, values map[string]string) string {
	fc := f
	return s.newKey(stored{kind: 'r', form: &fc, values: values})
}

// decode reads a custom id; ok is false when it names an entry that is gone.
func (s *idStore) decode(customID string) (stored, bool) {
	switch {
	case strings.HasPrefix(customID, "b|"):
		parts := strings.SplitN(customID, "|", 3)
		if len(parts) == 3 {
			return stored{kind: 'b', actionID: parts[1], value: parts[2]}, true
		}
	case strings.HasPrefix(customID, "f|"):
		parts := strings.SplitN(customID, "|", 3)
		if len(parts) == 3 {
			v, _ := s.get(customID) // for the form's labels, if still kept
			return stored{kind: 'f', actionID: parts[1], value: parts[2], form: v.form}, true
		}
	case strings.HasPrefix(customID, "k|"):
		return s.get(customID)
	}
	return stored{}, false
}

// modal renders a form as a modal response, prefilled with values (what
// was typed, when a form reopens after errors) or else each Field.Value.
// Discord modals hold five inputs and have their own Submit button.
func (a *Adapter) modal(f bot.Form, values map[string]string) *discordgo.InteractionResponse {
	var rows []discordgo.MessageComponent
	fields := f.Fields
	if len(fields) > maxModalInputs {
		a.log.Warn("a form has more fields than a Discord modal holds; the rest are dropped", "form", f.ID, "fields", len(fields))
		fields = fields[:maxModalInputs]
	}
	for _, fld := range fields {
		style := discordgo.TextInputShort
		if fld.Multiline {
			style = discordgo.TextInputParagraph
		}
		maxLen := fld.MaxLength
		if maxLen <= 0 || maxLen > maxInputLength {
			maxLen = maxInputLength
		}
		// What was typed, when the form reopens; else the field's own value.
		value, typed := values[fld.ID]
		if !typed {
			value = fld.Value
		}
		if utf8.RuneCountInString(value) > maxLen {
			value = string([]rune(value)[:maxLen])
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
			CustomID:    clip(fld.ID, maxCustomID),
			Label:       clip(orDefault(fld.Label, fld.ID), maxInputLabel),
			Style:       style,
			Placeholder: clip(fld.Placeholder, maxPlaceholder),
			Value:       value,
			Required:    !fld.Optional,
			MaxLength:   maxLen,
		}}})
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID:   a.ids.form(f),
			Title:      clip(orDefault(f.Title, "Hearth"), maxModalTitle),
			Components: rows,
		},
	}
}

// modalValues reads a modal submission's text inputs from the raw
// interaction, whatever layout components hold them in.
func modalValues(raw json.RawMessage) map[string]string {
	var in struct {
		Data struct {
			Components []rawComponent `json:"components"`
		} `json:"data"`
	}
	out := map[string]string{}
	if json.Unmarshal(raw, &in) != nil {
		return out
	}
	var walk func([]rawComponent)
	walk = func(cs []rawComponent) {
		for _, c := range cs {
			if c.Value != nil && c.CustomID != "" {
				out[c.CustomID] = *c.Value
			}
			walk(c.Components)
			if c.Component != nil {
				walk([]rawComponent{*c.Component})
			}
		}
	}
	walk(in.Data.Components)
	return out
}

type rawComponent struct {
	Type       int            `json:"type"`
	CustomID   string         `json:"custom_id"`
	Value      *string        `json:"value"`
	Components []rawComponent `json:"components"`
	Component  *rawComponent  `json:"component"`
}
