package slack

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// Block Kit limits.
const (
	maxSectionText   = 3000
	maxBlocks        = 50
	maxButtonsPerRow = 25
	maxButtonLabel   = 75
	maxButtonValue   = 2000
	maxFallbackText  = 3000
	maxModalTitle    = 24
	maxModalButton   = 24
	maxFieldLabel    = 2000
	maxPlaceholder   = 150
	maxInputLength   = 3000
	maxPrivateMeta   = 3000
)

// mrkdwn translates the core's small markdown to Slack's: **bold** becomes
// *bold*; _italic_, `code` and "• " lists are the same. &, < and > are
// escaped as Slack requires, so names cannot inject mentions or links.
func mrkdwn(s string) string {
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	return strings.ReplaceAll(s, "**", "*")
}

// render turns a post into Block Kit and the plain text Slack shows in
// notifications. Images are uploaded separately. Buttons go in actions
// blocks of at most 25, a new block whenever Button.Row changes; what does
// not fit in Slack's 50 blocks is dropped, and logged on log when it is
// not nil.
func render(p bot.Post, log *slog.Logger) (string, []slack.Block) {
	text := mrkdwn(strings.TrimRight(p.Text, "\n"))
	var blocks []slack.Block
	chunks := splitText(text, maxSectionText)
	rows := buttonRows(p.Buttons, maxButtonsPerRow)
	// Keep one block for the text, if there is any.
	if keep := maxBlocks - min(1, len(chunks)); len(rows) > keep {
		if log != nil {
			dropped := 0
			for _, r := range rows[keep:] {
				dropped += len(r)
			}
			log.Warn("a post has more rows of buttons than Slack shows; the rest are dropped",
				"buttons", len(p.Buttons), "dropped", dropped)
		}
		rows = rows[:keep]
	}
	room := max(1, maxBlocks-len(rows))
	if len(chunks) > room {
		chunks = chunks[:room]
		chunks[room-1] = clip(chunks[room-1], maxSectionText-1) + "…"
	}
	for _, c := range chunks {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, c, false, false), nil, nil))
	}
	var labels []string
	for row, idx := range rows {
		var els []slack.BlockElement
		for _, i := range idx {
			b := p.Buttons[i]
			labels = append(labels, b.Label)
			// The button's index keeps action_ids unique in the message,
			// the row's keeps block_ids unique.
			btn := slack.NewButtonBlockElement(encodeActionID(b.ActionID, i), clip(b.Value, maxButtonValue),
				slack.NewTextBlockObject(slack.PlainTextType, clip(first(b.Label, "OK"), maxButtonLabel), true, false))
			switch b.Style {
			case bot.StylePrimary:
				btn.Style = slack.StylePrimary
			case bot.StyleDanger:
				btn.Style = slack.StyleDanger
			}
			els = append(els, btn)
		}
		blocks = append(blocks, slack.NewActionBlock(fmt.Sprintf("hearth_actions_%d", row), els...))
	}
	fallback := clip(text, maxFallbackText)
	if fallback == "" {
		fallback = strings.Join(labels, " · ")
	}
	return fallback, blocks
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

// splitText cuts text into pieces of at most n bytes, at line ends where it can.
func splitText(text string, n int) []string {
	var out []string
	for len(text) > n {
		cut := strings.LastIndexByte(text[:n], '\n')
		if cut <= 0 {
			cut = n
			for cut > 0 && !utf8.RuneStart(text[cut]) {
				cut--
			}
		}
		out = append(out, text[:cut])
		text = strings.TrimPrefix(text[cut:], "\n")
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
