package slack

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// TestPostGroupOpensOneConversation: an intro's group DM is one
// conversations.open with all its members, then one chat.postMessage there;
// the same members again reuse it.
func TestPostGroupOpensOneConversation(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	ctx := context.Background()
	members := []string{bob.ID, alice.ID, ada.ID}
	ref, err := h.a.PostGroup(ctx, "slack:T1", members, bot.Post{Text: "**Meet each other!** Alice, Bob and Ada"})
	if err != nil {
		t.Fatal(err)
	}
	opens := f.Calls("conversations.open")
	if len(opens) != 1 || opens[0].Params.Get("users") != strings.Join(members, ",") {
		t.Fatalf("conversations.open calls: %+v", opens)
	}
	want := slices.Sorted(slices.Values(members))
	if got := f.GroupDM(ref.Channel); !slices.Equal(got, want) {
		t.Fatalf("the post went to %q, a group DM with %v; want %v", ref.Channel, got, want)
	}
	posts := f.Posts()
	if len(posts) != 1 || posts[0].Channel != ref.Channel || posts[0].Method != "chat.postMessage" || !strings.Contains(posts[0].Text, "*Meet each other!*") {
		t.Fatalf("posts: %+v", posts)
	}
	again, err := h.a.PostGroup(ctx, "slack:T1", []string{ada.ID, bob.ID, alice.ID}, bot.Post{Text: "again"})
	if err != nil || again.Channel != ref.Channel {
		t.Fatalf("the same members again: %+v, %v", again, err)
	}
	if _, err := h.a.PostGroup(ctx, "slack:T1", []string{alice.ID}, bot.Post{Text: "alone"}); err == nil {
		t.Error("a group DM of one")
	}
	if _, err := h.a.PostGroup(ctx, "slack:T1", []string{alice.ID, robot.ID}, bot.Post{Text: "with a bot"}); err == nil || bot.ErrorCode(err) == bot.EInternal {
		t.Errorf("a group DM with a bot: %v", err)
	}
	if n := len(f.Posts()); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}
