package members_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
)

// TestNudgeReviewOfManyShowsAPageAndFilesEveryone: with 60 members to nudge,
// the review shows a page of them, attaches everyone, and its Send button
// still nudges all 60.
func TestNudgeReviewOfManyShowsAPageAndFilesEveryone(t *testing.T) {
	r := bottest.New(t)
	var ms []bot.Member
	for i := range 60 {
		id := fmt.Sprintf("m%02d", i)
		ms = append(ms, bot.Member{ID: id, Name: "Member " + id})
	}
	r.AddMembers(ms...)
	for _, m := range ms {
		r.Record(bottest.Message(m.ID, "general", m.ID+"-1", t0))
	}
	now := t0.Add(20 * 24 * time.Hour)
	r.Clock.Set(now)
	reply := r.CarolSays("nudge run")
	if !strings.Contains(reply.Text, "(60)") || !strings.Contains(reply.Text, "_1–25 of 60._") || !strings.Contains(reply.Text, "nudges-to-approve.md") {
		t.Fatalf("review:\n%s", reply.Text)
	}
	if reply.Attachment == nil || strings.Count(string(reply.Attachment.Data), "\n- ") != 60 {
		t.Fatalf("the attachment does not list all 60: %v", reply.Attachment)
	}
	if len(reply.Buttons) != 1 || reply.Buttons[0].Label != "Send 60 nudges" {
		t.Fatalf("buttons %+v", reply.Buttons)
	}
}

// TestNudgeSendOfManyFilesEveryName: Send for 60 members says ten names
// and how many more, and attaches every one of them under what happened.
func TestNudgeSendOfManyFilesEveryName(t *testing.T) {
	r := bottest.New(t)
	var ms []bot.Member
	for i := range 60 {
		id := fmt.Sprintf("m%02d", i)
		ms = append(ms, bot.Member{ID: id, Name: "Member " + id})
	}
	r.AddMembers(ms...)
	for _, m := range ms {
		r.Record(bottest.Message(m.ID, "general", m.ID+"-1", t0))
	}
	now := t0.Add(20 * 24 * time.Hour)
	r.Clock.Set(now)
	review := r.CarolSays("nudge run")
	if len(review.Buttons) != 1 {
		t.Fatalf("review buttons %+v", review.Buttons)
	}
	sent := r.Click("carol", review.Buttons[0].ActionID, review.Buttons[0].Value, now)
	if !strings.Contains(sent.Text, "and 50 more") || !strings.Contains(sent.Text, "_Every name is in nudges.md._") {
		t.Fatalf("send:\n%s", sent.Text)
	}
	if sent.Attachment == nil || sent.Attachment.Name != "nudges.md" {
		t.Fatalf("no nudges.md: %+v", sent.Attachment)
	}
	doc := string(sent.Attachment.Data)
	for _, m := range ms {
		if !strings.Contains(doc, "- "+m.Name+"\n") {
			t.Errorf("nudges.md lacks %s:\n%s", m.Name, doc)
		}
	}
	// Without files, the reply says where the names are instead.
	r2 := bottest.New(t)
	r2.Chat.Caps.Files = false
	r2.AddMembers(ms...)
	for _, m := range ms {
		r2.Record(bottest.Message(m.ID, "general", m.ID+"-1", t0))
	}
	r2.Clock.Set(now)
	if got := r2.Click("carol", review.Buttons[0].ActionID, review.Buttons[0].Value, now); got.Attachment != nil || !strings.Contains(got.Text, "`/hearth schedule list` lists every queued nudge") {
		t.Errorf("send without files: %+v", got)
	}
}
