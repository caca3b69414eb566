package prompts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot/bottest"
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
