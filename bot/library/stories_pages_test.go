package library_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/library"
)

// TestStoriesPageWithEveryStoryWhole: a year of long stories shows ten,
// clipped, a page at a time, and the attachment tells every story whole.
func TestStoriesPageWithEveryStoryWhole(t *testing.T) {
	r := bottest.NewCommunity(t)
	long := strings.Repeat("we tried it and it worked ", 40)
	for i := range 12 {
		if _, err := r.Store.AddStory(context.Background(), library.Story{Community: bottest.Community, Member: "alice", Text: fmt.Sprintf("story %02d: %s", i, long),
			Consent: library.ConsentNamed, Source: "command", At: bottest.T0.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	r.Clock.Set(bottest.T0.Add(24 * time.Hour))
	reply := r.CarolSays("stories")
	if !strings.Contains(reply.Text, "story 11") || strings.Contains(reply.Text, "story 01") || !strings.Contains(reply.Text, "_1–10 of 12._") {
		t.Errorf("first page:\n%s", reply.Text)
	}
	if reply.Attachment == nil {
		t.Fatal("no attachment")
	}
	for i := range 12 {
		if !strings.Contains(string(reply.Attachment.Data), fmt.Sprintf("story %02d: %s", i, strings.TrimSpace(long))) {
			t.Fatalf("the attachment lacks story %d whole", i)
		}
	}
}
