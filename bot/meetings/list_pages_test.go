package meetings_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/meetings"
)

// TestEventListPages: with more upcoming events than a page, the list says
// how many there are, shows the soonest, turns the page with More and
// attaches every one; nothing later is left out without a word.
func TestEventListPages(t *testing.T) {
	r := bottest.NewCommunity(t)
	for i := range 20 {
		at := t0.Add(time.Duration(i+1) * 24 * time.Hour)
		if _, err := r.Store.AddEvent(context.Background(), meetings.CommunityEvent{Community: community, Title: fmt.Sprintf("Session %02d", i),
			Start: at, End: at.Add(time.Hour), Channel: "general", CreatedBy: "carol", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	first := r.Says("alice", "event list")
	for _, want := range []string{"**Upcoming events** (20)", "Session 00", "Session 14", "_1–15 of 20._", "every line is in events.md", "**More** shows the next page"} {
		if !strings.Contains(first.Text, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, first.Text)
		}
	}
	if strings.Contains(first.Text, "Session 15") {
		t.Errorf("page 1 shows more than a page:\n%s", first.Text)
	}
	if first.Attachment == nil || strings.Count(string(first.Attachment.Data), "\n- ") != 20 {
		t.Fatalf("the attachment does not hold every event: %v", first.Attachment)
	}
	if len(first.Buttons) != 1 || first.Buttons[0].ActionID != bot.ActionPage {
		t.Fatalf("buttons %+v, want More", first.Buttons)
	}
	second := r.Click("alice", first.Buttons[0].ActionID, first.Buttons[0].Value, r.Clock.Now())
	if !strings.Contains(second.Text, "Session 15") || !strings.Contains(second.Text, "Session 19") || strings.Contains(second.Text, "Session 14") || !strings.Contains(second.Text, "_16–20 of 20._") {
		t.Errorf("page 2:\n%s", second.Text)
	}
	// A short list is whole, without a count, a button or a file.
	r2 := bottest.NewCommunity(t)
	if _, err := r2.Store.AddEvent(context.Background(), meetings.CommunityEvent{Community: community, Title: "Only one",
		Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour), Channel: "general", CreatedBy: "carol", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if one := r2.Says("alice", "event list"); !strings.HasPrefix(one.Text, "**Upcoming events**\n• #1 Only one") || len(one.Buttons) != 0 || one.Attachment != nil {
		t.Errorf("one event: %+v", one)
	}
}
