package slack

import (
	"context"
	"testing"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// TestListAttachmentIsShared: the whole of a long list (bot.Post.Attachment)
// is shared beside the reply: privately, so in the member's DM; beside a
// channel post, in the channel.
func TestListAttachmentIsShared(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	doc := &bot.File{Name: "quiet-members.md", ContentType: "text/markdown", Data: []byte("## Quiet\n\n- Alice\n")}
	h.rec.setCommand(func(bot.Command) bot.Reply {
		return bot.Reply{Post: bot.Post{Text: "**Quiet** (1)\n• Alice", Attachment: doc}, Private: true}
	})
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "quiet"})
	f.WaitResponses(1)
	file := f.WaitFiles(1)[0]
	if file.Channel != f.DMChannel(alice.ID) || string(file.Data) != string(doc.Data) || file.Name != doc.Name {
		t.Errorf("file %s in %s (%q); want quiet-members.md in alice's DM", file.Name, file.Channel, file.Data)
	}
	if _, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Community: h.a.communityID(), Channel: general.ID},
		bot.Post{Text: "Schedules", Attachment: &bot.File{Name: "schedules.md", Data: []byte("- one\n")}}); err != nil {
		t.Fatal(err)
	}
	if files := f.WaitFiles(2); files[1].Channel != general.ID || files[1].Name != "schedules.md" {
		t.Errorf("the channel post's attachment: %+v", files[1])
	}
}
