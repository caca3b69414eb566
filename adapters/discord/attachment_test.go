package discord_test

import (
	"context"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// TestListAttachmentRidesOnThePost: the whole of a long list
// (bot.Post.Attachment) is a file on the post's last message, with its
// buttons.
func TestListAttachmentRidesOnThePost(t *testing.T) {
	h, _ := startLogged(t)
	doc := &bot.File{Name: "quiet-members.md", ContentType: "text/markdown", Data: []byte("## Quiet\n\n- Alice\n")}
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID},
		bot.Post{Text: "**Quiet** (1)\n• Alice", Attachment: doc, Buttons: reviewButtons})
	check(t, err)
	msgs := h.fake.Messages(generalID)
	if len(msgs) != 1 || len(msgs[0].Files) != 1 || msgs[0].Files[0].Name != doc.Name || string(msgs[0].Files[0].Data) != string(doc.Data) {
		t.Fatalf("messages %+v; want one with quiet-members.md", msgs)
	}
	if len(msgs[0].Components) == 0 {
		t.Error("the buttons are gone")
	}
}
