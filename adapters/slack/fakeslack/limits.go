package fakeslack

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Slack's limits on what a message or a modal may carry. The fake refuses
// what Slack refuses, so a renderer that overruns one fails its tests
// instead of failing in a large workspace.
//
// Sources: the Block Kit reference (docs.slack.dev/reference/block-kit:
// blocks, section "text ... Maximum length 3000 characters", header 150,
// button text 75, value 2000, action_id 255, block_id 255, actions "up to
// 25 elements", "up to 50 blocks in each message, and 100 blocks in modals
// or Home tabs"); chat.postMessage ("text ... truncated at 40,000
// characters", error msg_too_long); and, for the total text of a message's
// blocks, which no reference documents, Slack's answer in
// slackapi/bolt-js#2509 ("12,000 text characters with a buffer for block
// containers") and #2867 (msg_blocks_too_long below 12,000 measured
// characters in some messages): the fake refuses over 12,000.
const (
	MaxMessageBlocks   = 50
	MaxModalBlocks     = 100
	MaxSectionText     = 3000
	MaxHeaderText      = 150
	MaxButtonText      = 75
	MaxButtonValue     = 2000
	MaxActionID        = 255
	MaxBlockID         = 255
	MaxActionsElements = 25
	MaxMessageText     = 40000
	MaxBlocksText      = 12000
)

// Refusal is why the fake refused a message: Slack's error code and the
// details Slack gives in response_metadata.messages.
type Refusal struct {
	Code     string
	Messages []string
}

// chars counts characters as Slack does for its limits: runes.
func chars(s string) int { return utf8.RuneCountInString(s) }

// CheckMessage checks a message's text and blocks against Slack's limits.
// It returns nil when Slack would accept them.
func CheckMessage(text string, blocks []map[string]any) *Refusal {
	if chars(text) > MaxMessageText {
		return &Refusal{Code: "msg_too_long"}
	}
	if r := checkBlockSet(blocks, MaxMessageBlocks); r != nil {
		return r
	}
	total := 0
	for _, b := range blocks {
		total += textChars(b)
	}
	if total > MaxBlocksText {
		return &Refusal{Code: "msg_blocks_too_long"}
	}
	return nil
}

// checkBlockSet refuses blocks as Slack does with invalid_blocks: more than
// max blocks, a text, button or id over its limit, a block_id used twice,
// an actions block with no element or more than 25, an action_id used
// twice.
func checkBlockSet(blocks []map[string]any, max int) *Refusal {
	var msgs []string
	bad := func(path, format string, args ...any) {
		msgs = append(msgs, fmt.Sprintf("[ERROR] "+format+" [json-pointer:%s]", append(args, path)...))
	}
	tooLong := func(path, s string, n int) {
		if chars(s) > n {
			bad(path, "must be less than %d characters", n+1)
		}
	}
	if len(blocks) > max {
		bad("/blocks", "no more than %d items allowed", max)
	}
	blockIDs, actionIDs := map[string]bool{}, map[string]bool{}
	for i, b := range blocks {
		at := fmt.Sprintf("/blocks/%d", i)
		if id, _ := b["block_id"].(string); id != "" {
			tooLong(at+"/block_id", id, MaxBlockID)
			if blockIDs[id] {
				bad(at+"/block_id", "block_id %q is used twice", id)
			}
			blockIDs[id] = true
		}
		switch b["type"] {
		case "section":
			tooLong(at+"/text/text", textOf(b["text"]), MaxSectionText)
		case "header":
			tooLong(at+"/text/text", textOf(b["text"]), MaxHeaderText)
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > MaxActionsElements {
				bad(at+"/elements", "must have between 1 and %d items", MaxActionsElements)
			}
			for j, e := range els {
				em, _ := e.(map[string]any)
				eat := fmt.Sprintf("%s/elements/%d", at, j)
				if id, _ := em["action_id"].(string); id != "" {
					tooLong(eat+"/action_id", id, MaxActionID)
					if actionIDs[id] {
						bad(eat+"/action_id", "action_id %q is used twice", id)
					}
					actionIDs[id] = true
				}
				if em["type"] == "button" {
					tooLong(eat+"/text/text", textOf(em["text"]), MaxButtonText)
					v, _ := em["value"].(string)
					tooLong(eat+"/value", v, MaxButtonValue)
				}
			}
		}
	}
	if len(msgs) > 0 {
		return &Refusal{Code: "invalid_blocks", Messages: msgs}
	}
	return nil
}

// TextChars counts the characters of every "text" string in v (a block, a
// list of blocks), at any depth, as the fake does for msg_blocks_too_long.
func TextChars(v any) int { return textChars(v) }

// textChars counts the characters of every "text" string in v, at any depth
// (section and header text, button labels, context elements...): what
// Slack's total for msg_blocks_too_long is understood to count.
func textChars(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "text" {
				n += chars(s)
			} else {
				n += textChars(x)
			}
		}
	case []any:
		for _, x := range v {
			n += textChars(x)
		}
	}
	return n
}

// details are the fields Slack adds to {"ok":false,"error":code}.
func (r *Refusal) details() map[string]any {
	m := map[string]any{}
	if len(r.Messages) > 0 {
		m["response_metadata"] = map[string]any{"messages": r.Messages}
	}
	return m
}

// String is the refusal as one line, for test failures.
func (r *Refusal) String() string {
	if r == nil {
		return "accepted"
	}
	return r.Code + " " + strings.Join(r.Messages, "; ")
}
