package discord_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
)

// grid lists a message's (or a modal's) action rows: each component's
// label (a button's) or value (a text input's), and custom ids in order.
func grid(t *testing.T, components any) (rows [][]string, ids []string) {
	t.Helper()
	rs, _ := components.([]any)
	for _, r := range rs {
		row, _ := r.(map[string]any)
		if row["type"] != float64(1) {
			t.Errorf("a top-level component of type %v, want an action row", row["type"])
		}
		comps, _ := row["components"].([]any)
		var labels []string
		for _, c := range comps {
			comp, _ := c.(map[string]any)
			text, _ := comp["label"].(string)
			if comp["type"] == float64(4) {
				text, _ = comp["value"].(string)
			}
			labels = append(labels, text)
			id, _ := comp["custom_id"].(string)
			ids = append(ids, id)
		}
		rows = append(rows, labels)
	}
	return rows, ids
}

// A check-in asks three questions, each with its buttons in a row of its
// own. Two questions offer the same answer (same ActionID and Value): the
// two buttons still get different custom ids, and both clicks come back as
// the core's ActionID and Value.
func TestPostButtonRowsBecomeActionRows(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Community: community, Channel: generalID}, bot.Post{
		Text: "**Weekly check-in**",
		Buttons: []bot.Button{
			{ActionID: "checkin.answer", Label: "Yes", Value: "q1:yes", Row: 0},
			{ActionID: "checkin.answer", Label: "No", Value: "q1:no", Row: 0},
			{ActionID: "checkin.answer", Label: "1", Value: "same", Row: 1},
			{ActionID: "checkin.answer", Label: "2", Value: "q2:2", Row: 1},
			{ActionID: "checkin.answer", Label: "3", Value: "q2:3", Row: 1},
			{ActionID: "checkin.answer", Label: "Skip", Value: "same", Row: 2},
		},
	})
	check(t, err)
	msgs := h.fake.Messages(generalID)
	if len(msgs) != 1 {
		t.Fatalf("messages %+v", msgs)
	}
	rows, ids := grid(t, decodeAny(t, msgs[0].Components))
	want := [][]string{{"Yes", "No"}, {"1", "2", "3"}, {"Skip"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %v, want %v", i+1, rows[i], want[i])
		}
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("custom id %q used twice in one message", id)
		}
		seen[id] = true
	}
	if ids[2] != "b|checkin.answer|same" || !strings.HasPrefix(ids[5], "k|") {
		t.Errorf("custom ids %v: the second button with the same action and value needs a kept key", ids)
	}
	for _, id := range []string{ids[2], ids[5]} {
		click, err := h.fake.Click(member(bob, 0), msgs[0].ID, id)
		check(t, err)
		callbackOf(t, h.fake, click.ID)
	}
	acts := h.rec.Actions()
	if len(acts) != 2 {
		t.Fatalf("actions %+v", acts)
	}
	for _, a := range acts {
		if a.ActionID != "checkin.answer" || a.Value != "same" || a.Post.ID != msgs[0].ID {
			t.Errorf("action %+v", a)
		}
	}
}

// Buttons that all have Row 0 fill rows of five, as before rows existed.
func TestPostButtonsInOneRowFillRowsOfFive(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	var p bot.Post
	for i := range 12 {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "pick", Label: fmt.Sprint(i), Value: fmt.Sprint(i)})
	}
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Community: community, Channel: generalID}, p)
	check(t, err)
	rows, ids := grid(t, decodeAny(t, h.fake.Messages(generalID)[0].Components))
	if len(rows) != 3 || len(rows[0]) != 5 || len(rows[1]) != 5 || len(rows[2]) != 2 || ids[11] != "b|pick|11" {
		t.Errorf("rows %v ids %v, want 5, 5 and 2 buttons", rows, ids)
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A row longer than five buttons continues on the next row; rows past
// Discord's five a message continue on a message of their own after the
// text (none is dropped); rows past what three messages hold (15) are
// dropped, and logged.
func TestPostTooManyButtonRows(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	h := start(t, setup{config: func(c *discord.Config) { c.Log = slog.New(slog.NewTextHandler(logs, nil)) }})
	var p bot.Post
	p.Text = "Pick one"
	for i := range 7 {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "a", Label: fmt.Sprint("first ", i), Value: fmt.Sprint(i)})
	}
	for row := 1; row <= 5; row++ {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "a", Label: fmt.Sprint("row ", row), Value: "v", Row: row})
	}
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Community: community, Channel: generalID}, p)
	check(t, err)
	msgs := h.fake.Messages(generalID)
	if len(msgs) != 2 || msgs[0].Content != "Pick one" || msgs[1].Content != "" {
		t.Fatalf("messages %+v, want the text with five rows, then the rest of the rows", msgs)
	}
	var rows [][]string
	for _, m := range msgs {
		r, _ := grid(t, decodeAny(t, m.Components))
		rows = append(rows, r...)
	}
	want := [][]string{{"first 0", "first 1", "first 2", "first 3", "first 4"}, {"first 5", "first 6"}, {"row 1"}, {"row 2"}, {"row 3"}, {"row 4"}, {"row 5"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %v, want %v", i+1, rows[i], want[i])
		}
	}
	if strings.Contains(logs.String(), "dropped") {
		t.Errorf("buttons dropped: %s", logs.String())
	}

	// 16 rows: three messages hold 15; the 16th is dropped, and logged.
	p.Buttons = nil
	for row := range 16 {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "b", Label: fmt.Sprint("row ", row), Value: fmt.Sprint(row), Row: row})
	}
	_, err = h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Community: community, Channel: generalID}, p)
	check(t, err)
	msgs = h.fake.Messages(generalID)[2:]
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want three", len(msgs))
	}
	for i, m := range msgs {
		if r, _ := grid(t, decodeAny(t, m.Components)); len(r) != 5 {
			t.Errorf("message %d has %d rows, want 5", i, len(r))
		}
	}
	if !strings.Contains(logs.String(), "the rest are dropped") || !strings.Contains(logs.String(), "dropped=1") {
		t.Errorf("dropped buttons not logged: %s", logs.String())
	}
}

// A field's Value prefills the modal's input, cut to its max length. When
// the form reopens after an error, what was typed wins, even when it was
// nothing.
func TestModalFieldsArePrefilled(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	form := &bot.Form{ID: "checkin.text", Title: "Change your answer", Context: "run-3", Fields: []bot.Field{
		{ID: "answer", Label: "What did you try?", Multiline: true, Value: "Grafting apples"},
		{ID: "short", Label: "In a word", MaxLength: 5, Value: "éééééééé"},
		{ID: "note", Label: "Anything else", Optional: true, Value: "a note"},
		{ID: "empty", Label: "More?", Optional: true},
	}}
	h.rec.command = func(context.Context, bot.Command) bot.Reply { return bot.Reply{Form: form} }
	h.rec.action = func(context.Context, bot.Action) bot.Reply {
		return bot.Reply{FieldErrors: map[string]string{"answer": "A little more, please."}}
	}
	in, err := h.fake.Slash(member(bob, 0), "hearth", fakediscord.SubCommand("me"))
	check(t, err)
	cb, data := callbackOf(t, h.fake, in.ID)
	if cb.Type != 9 {
		t.Fatalf("response type %d, want a modal", cb.Type)
	}
	values, _ := grid(t, data["components"])
	want := [][]string{{"Grafting apples"}, {"ééééé"}, {"a note"}, {""}}
	if !slices.EqualFunc(values, want, slices.Equal) {
		t.Errorf("modal values %v, want %v", values, want)
	}

	sub, err := h.fake.Submit(member(bob, 0), data["custom_id"].(string),
		fakediscord.FieldValue{ID: "answer", Value: "Grafting pears"}, fakediscord.FieldValue{ID: "short", Value: "ok"},
		fakediscord.FieldValue{ID: "note", Value: ""}, fakediscord.FieldValue{ID: "empty", Value: "more"})
	check(t, err)
	_, data = callbackOf(t, h.fake, sub.ID)
	ids := customIDs(data)
	if len(ids) != 1 {
		t.Fatalf("reopen button: %v", ids)
	}
	reopen, err := h.fake.Click(member(bob, 0), h.fake.NewID(), ids[0])
	check(t, err)
	cb, data = callbackOf(t, h.fake, reopen.ID)
	if cb.Type != 9 {
		t.Fatalf("reopened: type %d", cb.Type)
	}
	values, _ = grid(t, data["components"])
	want = [][]string{{"Grafting pears"}, {"ok"}, {""}, {"more"}}
	if !slices.EqualFunc(values, want, slices.Equal) {
		t.Errorf("reopened modal values %v, want %v", values, want)
	}
}
