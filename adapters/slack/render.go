package slack

import (
	"encoding/json"
	"fmt"
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
// notifications. Images are uploaded separately.
func render(p bot.Post) (string, []slack.Block) {
	text := mrkdwn(strings.TrimRight(p.Text, "\n"))
	var blocks []slack.Block
	chunks := splitText(text, maxSectionText)
	room := max(1, maxBlocks-(len(p.Buttons)+maxButtonsPerRow-1)/maxButtonsPerRow)
	if len(chunks) > room {
		chunks = chunks[:room]
		chunks[room-1] = clip(chunks[room-1], maxSectionText-1) + "…"
	}
	for _, c := range chunks {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, c, false, false), nil, nil))
	}
	var labels []string
	for row := 0; row*maxButtonsPerRow < len(p.Buttons); row++ {
		var els []slack.BlockElement
		for i := row * maxButtonsPerRow; i < len(p.Buttons) && i < (row+1)*maxButtonsPerRow; i++ {
			b := p.Buttons[i]
			labels = append(labels, b.Label)
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
// with block_id and action_id = Field.ID so submissions map back.
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
		if fld.MaxLength > 0 {
			el.MaxLength = min(fld.MaxLength, maxInputLength)
		}
		in := slack.NewInputBlock(fld.ID, slack.NewTextBlockObject(slack.PlainTextType, clipRunes(first(fld.Label, fld.ID), maxFieldLabel), false, false), nil, el)
		in.Optional = fld.Optional
		v.Blocks.BlockSet = append(v.Blocks.BlockSet, in)
	}
	return v
}
