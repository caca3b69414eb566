package fakeslack_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
)

func section(s string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, s, false, false), nil, nil)
}

func sections(n int, each string) []slack.Block {
	var out []slack.Block
	for range n {
		out = append(out, section(each))
	}
	return out
}

func button(actionID, value, label string) slack.BlockElement {
	return slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
}

func buttons(n int) []slack.BlockElement {
	var out []slack.BlockElement
	for i := range n {
		out = append(out, button(fmt.Sprintf("a%d", i), "v", "OK"))
	}
	return out
}

// Every limit the fake enforces, each just under (accepted) and just over
// (refused as Slack refuses it), through the real slack-go client on
// chat.postMessage, chat.postEphemeral and a response_url.
func TestMessageLimits(t *testing.T) {
	cjk := strings.Repeat("語", 3000) // 3,000 characters, 9,000 bytes
	for _, c := range []struct {
		name   string
		text   string
		blocks []slack.Block
		code   string
		detail string // in response_metadata.messages
	}{
		{name: "50 blocks", blocks: sections(50, "x")},
		{name: "51 blocks", blocks: sections(51, "x"), code: "invalid_blocks", detail: "no more than 50 items allowed [json-pointer:/blocks]"},
		{name: "section of 3000 characters", blocks: []slack.Block{section(cjk)}},
		{name: "section of 3001 characters", blocks: []slack.Block{section(cjk + "x")}, code: "invalid_blocks", detail: "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{name: "header of 151 characters", blocks: []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", 151), false, false))},
			code: "invalid_blocks", detail: "must be less than 151 characters [json-pointer:/blocks/0/text/text]"},
		{name: "header of 150 characters", blocks: []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", 150), false, false))}},
		{name: "button text of 76 characters", blocks: []slack.Block{slack.NewActionBlock("b", button("a", "v", strings.Repeat("é", 76)))},
			code: "invalid_blocks", detail: "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"},
		{name: "button text of 75 characters", blocks: []slack.Block{slack.NewActionBlock("b", button("a", "v", strings.Repeat("é", 75)))}},
		{name: "action_id of 256 characters", blocks: []slack.Block{slack.NewActionBlock("b", button(strings.Repeat("a", 256), "v", "OK"))},
			code: "invalid_blocks", detail: "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]"},
		{name: "action_id of 255 characters", blocks: []slack.Block{slack.NewActionBlock("b", button(strings.Repeat("a", 255), "v", "OK"))}},
		{name: "button value of 2001 characters", blocks: []slack.Block{slack.NewActionBlock("b", button("a", strings.Repeat("v", 2001), "OK"))},
			code: "invalid_blocks", detail: "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"},
		{name: "block_id of 256 characters", blocks: []slack.Block{slack.NewActionBlock(strings.Repeat("b", 256), button("a", "v", "OK"))},
			code: "invalid_blocks", detail: "must be less than 256 characters [json-pointer:/blocks/0/block_id]"},
		{name: "25 buttons in a block", blocks: []slack.Block{slack.NewActionBlock("b", buttons(25)...)}},
		{name: "26 buttons in a block", blocks: []slack.Block{slack.NewActionBlock("b", buttons(26)...)},
			code: "invalid_blocks", detail: "must have between 1 and 25 items [json-pointer:/blocks/0/elements]"},
		{name: "the same block_id twice", blocks: []slack.Block{slack.NewActionBlock("b", buttons(1)...), slack.NewActionBlock("b", button("z", "v", "OK"))},
			code: "invalid_blocks", detail: `block_id "b" is used twice`},
		{name: "the same action_id twice", blocks: []slack.Block{slack.NewActionBlock("b", button("a", "v", "1"), button("a", "v", "2"))},
			code: "invalid_blocks", detail: `action_id "a" is used twice`},
		{name: "text of 40000 characters", text: strings.Repeat("t", 40000)},
		{name: "text of 40001 characters", text: strings.Repeat("t", 40001), code: "msg_too_long"},
		{name: "blocks of 12000 characters", blocks: sections(4, cjk)},
		{name: "blocks of 12001 characters", blocks: append(sections(4, cjk), section("x")), code: "msg_blocks_too_long"},
		{name: "button labels count in the total", blocks: append(sections(4, cjk), slack.NewActionBlock("b", button("a", "v", "OK"))), code: "msg_blocks_too_long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fakeslack.New(t, fakeslack.Options{})
			f.AddUser(fakeslack.User{ID: "U1", Name: "one"})
			f.AddChannel(fakeslack.Channel{ID: "C1", Name: "general"})
			api := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()))
			ctx := context.Background()
			opts := []slack.MsgOption{slack.MsgOptionText(first(c.text, "fallback"), false)}
			if len(c.blocks) > 0 {
				opts = append(opts, slack.MsgOptionBlocks(c.blocks...))
			}
			check := func(via string, err error) {
				t.Helper()
				if c.code == "" {
					if err != nil {
						t.Errorf("%s refused: %v", via, err)
					}
					return
				}
				var se slack.SlackErrorResponse
				if !errors.As(err, &se) || se.Err != c.code {
					t.Fatalf("%s: err = %v, want %s", via, err, c.code)
				}
				if c.detail != "" && !strings.Contains(strings.Join(se.ResponseMetadata.Messages, "\n"), c.detail) {
					t.Errorf("%s: response_metadata.messages = %q, want %q", via, se.ResponseMetadata.Messages, c.detail)
				}
			}
			_, _, err := api.PostMessageContext(ctx, "C1", opts...)
			check("chat.postMessage", err)
			_, err = api.PostEphemeralContext(ctx, "C1", "U1", opts...)
			check("chat.postEphemeral", err)

			in := f.SlashCommand(fakeslack.SlashCommand{UserID: "U1", ChannelID: "C1", Text: "x"})
			_, _, _, err = api.SendMessageContext(ctx, "", append(opts, slack.MsgOptionResponseURL(in.ResponseURL, slack.ResponseTypeEphemeral))...)
			if (err == nil) != (c.code == "") {
				t.Errorf("response_url: err = %v, want refused: %v", err, c.code != "")
			}
			want := 2
			if c.code != "" {
				want = 0
			}
			if n := len(f.Posts()); n != want {
				t.Errorf("%d messages kept, want %d", n, want)
			}
			if n := len(f.Responses()); n != want/2 {
				t.Errorf("%d responses kept, want %d", n, want/2)
			}
		})
	}
}

// A modal takes 100 blocks, not 101.
func TestModalBlockLimit(t *testing.T) {
	for n, code := range map[int]string{100: "", 101: "invalid_blocks"} {
		f := fakeslack.New(t, fakeslack.Options{})
		f.AddUser(fakeslack.User{ID: "U1", Name: "one"})
		f.AddChannel(fakeslack.Channel{ID: "C1", Name: "general"})
		api := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()))
		in := f.SlashCommand(fakeslack.SlashCommand{UserID: "U1", ChannelID: "C1"})
		v := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Form", false, false)}
		for i := range n {
			v.Blocks.BlockSet = append(v.Blocks.BlockSet, section(fmt.Sprintf("line %d", i)))
		}
		_, err := api.OpenViewContext(context.Background(), in.TriggerID, v)
		if got := slackErr(err); got != code {
			t.Errorf("views.open with %d blocks: %v, want %q", n, err, code)
		}
	}
}

// CheckMessage is the fake's rule book, for renderer tests that need no server.
func TestCheckMessage(t *testing.T) {
	if r := fakeslack.CheckMessage("hi", []map[string]any{{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": strings.Repeat("x", 3001)}}}); r == nil || r.Code != "invalid_blocks" {
		t.Errorf("CheckMessage = %v", r)
	}
	if r := fakeslack.CheckMessage("hi", nil); r != nil {
		t.Errorf("CheckMessage of plain text = %v", r)
	}
}

func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func first(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
