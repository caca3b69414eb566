package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

func TestMrkdwn(t *testing.T) {
	for in, want := range map[string]string{
		"**Members** 12 · _new_ `3`": "*Members* 12 · _new_ `3`",
		"• Tom & Jerry <script>":     "• Tom &amp; Jerry &lt;script&gt;",
		"plain":                      "plain",
	} {
		if got := mrkdwn(in); got != want {
			t.Errorf("mrkdwn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderLongTextAndManyButtons(t *testing.T) {
	var lines []string
	for i := range 400 {
		lines = append(lines, strings.Repeat("é", 30)+" line "+string(rune('a'+i%26)))
	}
	p := bot.Post{Text: strings.Join(lines, "\n")}
	for range 30 {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "pick", Label: strings.Repeat("L", 100), Value: "v"})
	}
	r := render(p, fullBudget, whereAttached)
	fallback, blocks := r.text, r.blocks
	if len(blocks) > maxBlocks {
		t.Fatalf("%d blocks, Slack allows %d", len(blocks), maxBlocks)
	}
	if chars(fallback) > maxFallbackText || !utf8.ValidString(fallback) {
		t.Errorf("fallback: %d bytes, valid utf8 %v", len(fallback), utf8.ValidString(fallback))
	}
	var sections, buttons int
	ids := map[string]bool{}
	blockIDs := map[string]bool{}
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			sections++
			if n := chars(b.Text.Text); n > maxSectionText || !utf8.ValidString(b.Text.Text) {
				t.Errorf("section of %d bytes", n)
			}
		case *slack.ActionBlock:
			if blockIDs[b.BlockID] {
				t.Errorf("duplicate block_id %s", b.BlockID)
			}
			blockIDs[b.BlockID] = true
			if len(b.Elements.ElementSet) > maxButtonsPerRow {
				t.Errorf("%d buttons in one block", len(b.Elements.ElementSet))
			}
			for _, e := range b.Elements.ElementSet {
				btn := e.(*slack.ButtonBlockElement)
				buttons++
				if ids[btn.ActionID] {
					t.Errorf("duplicate action_id %s", btn.ActionID)
				}
				ids[btn.ActionID] = true
				if decodeActionID(btn.ActionID) != "pick" {
					t.Errorf("action_id %s does not decode to pick", btn.ActionID)
				}
				if chars(btn.Text.Text) > maxButtonLabel {
					t.Errorf("label of %d chars", len(btn.Text.Text))
				}
			}
		}
	}
	if buttons != 30 || sections < 2 {
		t.Errorf("%d sections, %d buttons", sections, buttons)
	}
	if _, err := json.Marshal(blocks); err != nil {
		t.Fatal(err)
	}
}

func TestActionIDRoundTrip(t *testing.T) {
	for _, id := range []string{"hearth.report", "a#b", "x#", "#1", "checkin#answer"} {
		if got := decodeActionID(encodeActionID(id, 7)); got != id {
			t.Errorf("round trip of %q = %q", id, got)
		}
	}
	if got := decodeActionID("hearth.report"); got != "hearth.report" {
		t.Errorf("plain id decoded to %q", got)
	}
}

func TestParseTS(t *testing.T) {
	for in, want := range map[string]time.Time{
		"1700000000.123456": time.Unix(1700000000, 123456000).UTC(),
		"1700000000":        time.Unix(1700000000, 0).UTC(),
		"1531420618.5":      time.Unix(1531420618, 500000000).UTC(),
	} {
		if got, ok := parseTS(in); !ok || !got.Equal(want) {
			t.Errorf("parseTS(%q) = %v %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "abc", "-5.1", "12.x"} {
		if _, ok := parseTS(bad); ok {
			t.Errorf("parseTS(%q) accepted", bad)
		}
	}
}

func TestModalLimitsAndMeta(t *testing.T) {
	f := &bot.Form{ID: "f", Title: "A title far longer than twenty-four characters", Submit: "Submit my answers now please",
		Fields: []bot.Field{{ID: "a", Label: "A", MaxLength: 10000}}}
	meta, err := encodeMeta(formMeta{Channel: "C1", Context: "ctx"})
	if err != nil {
		t.Fatal(err)
	}
	v := modal(f, meta)
	if utf8.RuneCountInString(v.Title.Text) > maxModalTitle || utf8.RuneCountInString(v.Submit.Text) > maxModalButton {
		t.Errorf("title %q submit %q", v.Title.Text, v.Submit.Text)
	}
	if in := v.Blocks.BlockSet[0].(*slack.InputBlock); in.Element.(*slack.PlainTextInputBlockElement).MaxLength != maxInputLength {
		t.Errorf("max length not capped")
	}
	if got := decodeMeta(v.PrivateMetadata); got != (formMeta{Channel: "C1", Context: "ctx"}) {
		t.Errorf("meta = %+v", got)
	}
	if got := decodeMeta("not json"); got.Context != "not json" {
		t.Errorf("foreign metadata = %+v", got)
	}
	if _, err := encodeMeta(formMeta{Context: strings.Repeat("x", 4000)}); err == nil {
		t.Error("oversized context accepted")
	}
}
