package members_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
)

// TestQuietListPages: a large community's quiet list shows a page, says how
// many there are and where the rest is (the attached file holds every
// member), and its More button, which carries all it needs, shows the next
// page; nobody is left out without a word.
func TestQuietListPages(t *testing.T) {
	r := bottest.NewCommunity(t)
	var members []bot.Member
	for i := range 50 {
		members = append(members, bot.Member{ID: fmt.Sprintf("q%02d", i), Name: fmt.Sprintf("Quiet %02d", i), JoinedAt: bottest.T0.Add(-60 * 24 * time.Hour)})
	}
	r.AddMembers(members...)
	r.Clock.Set(bottest.T0.Add(30 * 24 * time.Hour))
	first := r.CarolSays("quiet") // with the cast (alice, bob, carol, dave): 54 quiet
	if first.Code != "" {
		t.Fatalf("quiet: %+v", first)
	}
	for _, want := range []string{"Quiet 00", "Quiet 15", "_1–20 of 54._", "every line is in quiet-members.md", "**More** shows the next page"} {
		if !strings.Contains(first.Text, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, first.Text)
		}
	}
	if strings.Contains(first.Text, "Quiet 16") {
		t.Errorf("page 1 shows more than a page:\n%s", first.Text)
	}
	if first.Attachment == nil || strings.Count(string(first.Attachment.Data), "\n- ") != 54 {
		t.Fatalf("the attachment does not hold every quiet member: %v", first.Attachment)
	}
	if len(first.Buttons) != 1 || first.Buttons[0].ActionID != bot.ActionPage {
		t.Fatalf("buttons %+v, want More", first.Buttons)
	}
	second := r.Click("carol", first.Buttons[0].ActionID, first.Buttons[0].Value, r.Clock.Now())
	if !strings.Contains(second.Text, "Quiet 16") || !strings.Contains(second.Text, "Quiet 35") || strings.Contains(second.Text, "Quiet 15") || !strings.Contains(second.Text, "_21–40 of 54._") {
		t.Errorf("page 2:\n%s", second.Text)
	}
	// The button runs the command with the presser's rights.
	if denied := r.Click("alice", first.Buttons[0].ActionID, first.Buttons[0].Value, r.Clock.Now()); denied.Code != bot.EForbidden {
		t.Errorf("a member paging the facilitators' list: %+v", denied)
	}
	// A forged value is refused with a clear message.
	if bad := r.Click("carol", bot.ActionPage, "x quiet", r.Clock.Now()); bad.Code != bot.EArgument {
		t.Errorf("a forged page: %+v", bad)
	}
}
