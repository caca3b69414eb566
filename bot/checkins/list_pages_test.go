package checkins_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/checkins"
)

// TestCheckinListPages: a community with more runs than a page sees the
// newest ten, how many there are, More for the next ten and every run in
// checkins.md; none is left out without a word (the list used to stop at
// ten silently).
func TestCheckinListPages(t *testing.T) {
	r := bottest.NewCommunity(t)
	ctx := context.Background()
	pulse := checkins.SurveyTemplates()[0]
	for i := range 25 {
		opened := bottest.T0.Add(time.Duration(i-30) * 24 * time.Hour)
		if _, err := r.Store.CreateRun(ctx, checkins.CheckinRun{Community: bottest.Community, Survey: pulse, Delivery: checkins.DeliverDM,
			StartedBy: "carol", OpenedAt: opened, ClosesAt: opened.Add(48 * time.Hour)}, []string{"alice", "bob"}); err != nil {
			t.Fatal(err)
		}
	}
	first := r.CarolSays("checkin list")
	for _, want := range []string{"**Check-ins** (25)", "• #25 Weekly pulse, by DM", "• #16 Weekly pulse", "_1–10 of 25._", "every line is in checkins.md", "**More** shows the next page"} {
		if !strings.Contains(first.Text, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, first.Text)
		}
	}
	if strings.Contains(first.Text, "#15 Weekly pulse") {
		t.Errorf("page 1 shows more than a page:\n%s", first.Text)
	}
	if first.Attachment == nil || first.Attachment.Name != "checkins.md" || strings.Count(string(first.Attachment.Data), "\n- #") != 25 {
		t.Fatalf("the attachment does not hold every run: %v", first.Attachment)
	}
	if len(first.Buttons) != 1 || first.Buttons[0].ActionID != bot.ActionPage {
		t.Fatalf("buttons %+v, want More", first.Buttons)
	}
	second := r.Click("carol", first.Buttons[0].ActionID, first.Buttons[0].Value, r.Clock.Now())
	for _, want := range []string{"• #15 Weekly pulse", "• #6 Weekly pulse", "_11–20 of 25._"} {
		if !strings.Contains(second.Text, want) {
			t.Errorf("page 2 lacks %q:\n%s", want, second.Text)
		}
	}
	if strings.Contains(second.Text, "#16 Weekly pulse") || strings.Contains(second.Text, "#5 Weekly pulse") {
		t.Errorf("page 2 shows another page's runs:\n%s", second.Text)
	}
	// The button runs the command with the presser's rights.
	if denied := r.Click("alice", first.Buttons[0].ActionID, first.Buttons[0].Value, r.Clock.Now()); denied.Code != bot.EForbidden {
		t.Errorf("a member paging the facilitators' list: %+v", denied)
	}
	for _, want := range []string{fmt.Sprintf("#%d Weekly pulse", 1), "#25 Weekly pulse"} {
		if !strings.Contains(string(first.Attachment.Data), want) {
			t.Errorf("checkins.md lacks %q", want)
		}
	}
}
