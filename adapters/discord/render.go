package discord

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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

// message is one Discord message to send: a post longer than Discord's
// 2,000 characters becomes several, the last one carrying the buttons and
// the image.
type message struct {
	content    string
	components []discordgo.MessageComponent
	image      *bot.File
}

// files returns the message's attachment with a fresh reader (a retry
// must send it again from the start).
func (m message) files() []*discordgo.File {
	if m.image == nil {
		return nil
	}
	ct := m.image.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	name := m.image.Name
	if name == "" {
		name = "chart.png"
	}
	return []*discordgo.File{{Name: name, ContentType: ct, Reader: bytes.NewReader(m.image.Data)}}
}

// render turns a post into messages. The core's markdown (**bold**,
// _italic_, `code`, "• " lists) is Discord's own, so text passes through.
func (a *Adapter) render(p bot.Post) []message {
	chunks := splitText(p.Text, maxContent)
	msgs := make([]message, len(chunks))
	for i, c := range chunks {
		msgs[i].content = c
	}
	last := &msgs[len(msgs)-1]
	last.components = a.buttonRows(p.Buttons)
	last.image = p.Image
	if last.content == "" && len(last.components) == 0 && last.image == nil {
		last.content = "Done."
	}
	return msgs
}

// buttonRows lays buttons out in action rows of five (25 at most): a new
// row whenever Button.Row changes from the button before. Rows past the
// fifth are dropped, and logged. Every button of the message gets its own
// custom id: two buttons with the same ActionID and Value would share
// "b|ActionID|Value", which Discord refuses, so the second one gets a kept
// key instead.
func (a *Adapter) buttonRows(buttons []bot.Button) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	seen := map[string]bool{}
	shown := 0
	for _, idx := range groupRows(buttons, maxButtonsPerRow) {
		if len(rows) == maxRows {
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

// splitText cuts text into pieces of at most n runes, at line breaks when
// it can.
func splitText(text string, n int) []string {
	if utf8.RuneCountInString(text) <= n {
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, strings.TrimRight(cur.String(), "\n"))
			cur.Reset()
			curLen = 0
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		l := utf8.RuneCountInString(line)
		if curLen+l > n {
			flush()
		}
		for l > n { // a single line longer than a message
			r := []rune(line)
			out = append(out, string(r[:n]))
			line = string(r[n:])
			l = len(r) - n
		}
		cur.WriteString(line)
		curLen += l
	}
	flush()
	if len(out) == 0 {
		out = []string{""}
	}
	return out
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
