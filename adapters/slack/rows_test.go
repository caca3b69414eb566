package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// actionRows lists, for each actions block of a message, its block_id and
// its buttons' labels.
func actionRows(t *testing.T, blocks []map[string]any) (ids []string, rows [][]string) {
	t.Helper()
	for _, b := range blocks {
		if b["type"] != "actions" {
			continue
		}
		id, _ := b["block_id"].(string)
		ids = append(ids, id)
		var labels []string
		for _, btn := range fakeslack.Buttons([]map[string]any{b}) {
			labels = append(labels, btn.Label)
		}
		rows = append(rows, labels)
	}
	return ids, rows
}

// A check-in asks three questions, each with its buttons in a row of its
// own: Slack shows one actions block per question. Two questions offer the
// same answer (same ActionID and Value): the action_ids still differ, and a
// click on either comes back as the core's ActionID and Value.
func TestPostButtonRowsBecomeActionBlocks(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	p := bot.Post{Text: "**Weekly check-in**", Buttons: []bot.Button{
		{ActionID: "checkin.answer", Label: "Yes", Value: "q1:yes", Row: 0},
		{ActionID: "checkin.answer", Label: "No", Value: "q1:no", Row: 0},
		{ActionID: "checkin.answer", Label: "1", Value: "same", Row: 1},
		{ActionID: "checkin.answer", Label: "2", Value: "q2:2", Row: 1},
		{ActionID: "checkin.answer", Label: "3", Value: "q2:3", Row: 1},
		{ActionID: "checkin.answer", Label: "Skip", Value: "same", Row: 2, Style: bot.StyleDanger},
	}}
	if _, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, p); err != nil {
		t.Fatalf("Post: %v", err)
	}
	posted := f.WaitPosts(1)[0]
	if posted.Blocks[0]["type"] != "section" || len(posted.Blocks) != 4 {
		t.Fatalf("blocks = %v, want a section and three actions blocks", posted.Blocks)
	}
	ids, rows := actionRows(t, posted.Blocks)
	want := [][]string{{"Yes", "No"}, {"1", "2", "3"}, {"Skip"}}
	if len(rows) != len(want) {
		t.Fatalf("rows = %v, want %v", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %v, want %v", i+1, rows[i], want[i])
		}
	}
	if !slices.Equal(ids, []string{"hearth_actions_0", "hearth_actions_1", "hearth_actions_2"}) {
		t.Errorf("block ids = %v", ids)
	}
	btns := fakeslack.Buttons(posted.Blocks)
	seen := map[string]bool{}
	for _, b := range btns {
		if seen[b.ActionID] {
			t.Errorf("action_id %s used twice in one message", b.ActionID)
		}
		seen[b.ActionID] = true
	}
	if btns[5].Style != "danger" {
		t.Errorf("skip button = %+v", btns[5])
	}

	f.PushBlockAction(fakeslack.BlockAction{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general",
		MessageTS: posted.TS, Button: btns[5]})
	a := h.rec.waitActions(1)[0]
	if a.ActionID != "checkin.answer" || a.Value != "same" || a.Post.ID != posted.TS {
		t.Errorf("click on the last row = %+v", a)
	}
}

// Buttons that all have Row 0 fill blocks of 25, as before rows existed.
func TestPostButtonsInOneRowFillBlocksOf25(t *testing.T) {
	h := start(t, setup{})
	var p bot.Post
	for i := range 30 {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "pick", Label: fmt.Sprint(i), Value: fmt.Sprint(i)})
	}
	if _, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, p); err != nil {
		t.Fatalf("Post: %v", err)
	}
	posted := h.fake.WaitPosts(1)[0]
	ids, rows := actionRows(t, posted.Blocks)
	if len(rows) != 2 || len(rows[0]) != 25 || len(rows[1]) != 5 || !slices.Equal(ids, []string{"hearth_actions_0", "hearth_actions_1"}) {
		t.Errorf("blocks %v of %v buttons, want 25 then 5", ids, rows)
	}
	if posted.Text != strings.Join(rows[0], " · ")+" · "+strings.Join(rows[1], " · ") {
		t.Errorf("fallback text %q", posted.Text)
	}
}

// A row that changes after a full block of 25 still starts a new block,
// and more rows than Slack's 50 blocks hold are dropped, with a warning
// and a line in the post saying how many, keeping a block for the text:
// Slack accepts the message.
func TestPostTooManyButtonRows(t *testing.T) {
	h := start(t, setup{})
	p := bot.Post{Text: "Many questions"}
	for i := range 27 {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "a", Label: fmt.Sprint("first ", i), Value: fmt.Sprint(i)})
	}
	for row := 1; row <= 60; row++ {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "a", Label: fmt.Sprint("row ", row), Value: "v", Row: row})
	}
	if _, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, p); err != nil {
		t.Fatalf("Post: %v", err)
	}
	posted := h.fake.WaitPosts(1)[0]
	_, rows := actionRows(t, posted.Blocks)
	if len(posted.Blocks) != 50 || posted.Blocks[0]["type"] != "section" || len(rows) != 48 {
		t.Fatalf("%d blocks, %d of them actions", len(posted.Blocks), len(rows))
	}
	if got := textOfBlock(posted.Blocks[1]); got != "_…and 14 more buttons that Slack cannot show in one message._" {
		t.Errorf("notice = %q", got)
	}
	if len(rows[0]) != 25 || !slices.Equal(rows[1], []string{"first 25", "first 26"}) || !slices.Equal(rows[2], []string{"row 1"}) {
		t.Errorf("first rows = %v %v %v", rows[0], rows[1], rows[2])
	}
	if !strings.Contains(h.logs.String(), "the rest are dropped") || !strings.Contains(h.logs.String(), `"dropped":14`) {
		t.Errorf("dropping buttons was not logged: %s", h.logs.String())
	}
}

// A field's Value prefills the modal's input, cut to its max length; an
// input left alone is submitted with it.
func TestModalFieldsArePrefilled(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	h.rec.setCommand(func(bot.Command) bot.Reply {
		return bot.Reply{Form: &bot.Form{ID: "checkin.text", Title: "Change your answer", Context: "run-3", Fields: []bot.Field{
			{ID: "answer", Label: "What did you try?", Multiline: true, Value: "Grafting apples"},
			{ID: "short", Label: "In a word", MaxLength: 5, Value: "éééééééé"},
			{ID: "empty", Label: "Anything else?", Optional: true},
		}}}
	})
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "checkin"})
	v := f.WaitViews(1)[0]
	if len(v.Blocks) != 3 {
		t.Fatalf("view blocks = %v", v.Blocks)
	}
	initial := func(i int) any {
		el, _ := v.Blocks[i]["element"].(map[string]any)
		return el["initial_value"]
	}
	if initial(0) != "Grafting apples" || initial(1) != "ééééé" || initial(2) != nil {
		t.Errorf("initial values %v %v %v", initial(0), initial(1), initial(2))
	}
	f.PushViewSubmission(alice.ID, "alice", v, map[string]string{"short": "fine"})
	a := h.rec.waitActions(1)[0]
	if a.Values["answer"] != "Grafting apples" || a.Values["short"] != "fine" || a.Context != "run-3" {
		t.Errorf("submission = %+v", a)
	}
}
