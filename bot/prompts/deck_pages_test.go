package prompts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/prompts"
)

// TestDeckListPages: a deck of 40 prompts shows 25, says so, and the
// attachment has every prompt whole.
func TestDeckListPages(t *testing.T) {
	r := bottest.NewCommunity(t)
	var texts []string
	for i := range 40 {
		texts = append(texts, fmt.Sprintf("prompt %02d: %s?", i, strings.Repeat("why ", 40)))
	}
	if _, err := r.Store.AddDeckPrompts(context.Background(), bottest.Community, "carol", bottest.T0, texts...); err != nil {
		t.Fatal(err)
	}
	reply := r.CarolSays("prompt deck list")
	if !strings.Contains(reply.Text, "_1–25 of 40._") || len(reply.Buttons) != 1 || reply.Attachment == nil {
		t.Fatalf("deck list: %+v", reply)
	}
	for _, text := range texts {
		if !strings.Contains(string(reply.Attachment.Data), strings.TrimSpace(text)) {
			t.Fatalf("the attachment lacks %q whole", text[:10])
		}
	}
}

// TestDeckIsBounded: a full deck refuses one more prompt with a reason,
// and its list stays one page with the rest in the attachment.
func TestDeckIsBounded(t *testing.T) {
	r := bottest.NewCommunity(t)
	texts := make([]string, prompts.MaxDeck)
	for i := range texts {
		texts[i] = fmt.Sprintf("prompt %d: %s?", i, strings.Repeat("why ", 20))
	}
	if _, err := r.Store.AddDeckPrompts(context.Background(), bottest.Community, "carol", bottest.T0, texts...); err != nil {
		t.Fatal(err)
	}
	if reply := r.CarolSays(`prompt deck add "One more?"`); reply.Code != bot.EConflict || !strings.Contains(reply.Text, "The deck is full: it holds 1000 prompts") {
		t.Fatalf("deck add to a full deck: %+v", reply)
	}
	reply := r.CarolSays("prompt deck list")
	if !strings.Contains(reply.Text, "_1–25 of 1000._") || strings.Count(reply.Text, "\n") > 40 {
		t.Fatalf("deck list of a full deck is not one page:\n%s", reply.Text)
	}
}
