package intros_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// TestIntrosListOfALargeCommunity: 60 members opted in write 30 names and
// "and 30 more" on the line, the latest round's 30 groups come a page at a
// time, and the attachment holds every name and every group.
func TestIntrosListOfALargeCommunity(t *testing.T) {
	r := newIntrosBot(t)
	var ids []string
	for i := range 60 {
		id := fmt.Sprintf("m%02d", i)
		r.AddMembers(bot.Member{ID: id, Name: "Member " + id})
		ids = append(ids, id)
	}
	optIn(t, r, ids...)
	if reply := r.CarolSays("intros now"); reply.Code != "" {
		t.Fatalf("intros now: %+v", reply)
	}
	reply := r.CarolSays("intros list")
	if !strings.Contains(reply.Text, "Opted in (60): ") || !strings.Contains(reply.Text, " and 30 more\n") {
		t.Errorf("names line:\n%s", reply.Text)
	}
	if !strings.Contains(reply.Text, "_1–20 of 30._") || len(reply.Buttons) != 1 || reply.Buttons[0].ActionID != bot.ActionPage {
		t.Errorf("groups are not paged: %+v\n%s", reply.Buttons, reply.Text)
	}
	if reply.Attachment == nil {
		t.Fatal("no attachment")
	}
	doc := string(reply.Attachment.Data)
	for _, id := range ids {
		if strings.Count(doc, "Member "+id) != 2 { // once opted in, once in a group
			t.Fatalf("%s is not in the attachment twice:\n%.400s", id, doc)
		}
	}
	next := r.Click("carol", reply.Buttons[0].ActionID, reply.Buttons[0].Value, r.Clock.Now())
	if !strings.Contains(next.Text, "_21–30 of 30._") {
		t.Errorf("page 2:\n%s", next.Text)
	}
}
