package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/checkins"
)

// addRun stores a closed run of a two-question survey sent to the four
// cast members and answered by all of them (scale 2+i, text "note i").
func (r *rig) addRun(t *testing.T, name string, anonymous bool, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	s := checkins.Survey{Name: name, Title: "Survey " + name, Questions: []checkins.Question{
		{ID: "energy", Kind: checkins.QuestionScale, Prompt: "Energy?", Min: 1, Max: 5},
		{ID: "note", Kind: checkins.QuestionText, Prompt: "Anything else?", Optional: true},
	}, Settings: checkins.SurveySettings{Anonymous: anonymous, MinRespondents: 3}}
	who := []string{"alice", "bob", "carol", "dave"}
	run := checkins.CheckinRun{Community: bottest.Community, Survey: s, Delivery: checkins.DeliverDM, Anonymous: anonymous, OpenedAt: at, ClosesAt: at.Add(24 * time.Hour)}
	id, err := r.Store.CreateRun(ctx, run, who)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range who {
		if err := r.Store.SetRecipient(ctx, id, checkins.Recipient{Member: m, Status: checkins.RecipientSent, SentAt: at}); err != nil {
			t.Fatal(err)
		}
		respondent := m
		if anonymous {
			respondent = fmt.Sprintf("anon:%02d", i)
		}
		if err := r.Store.SaveAnswers(ctx, id, respondent, map[string]string{"energy": fmt.Sprint(2 + i%3), "note": fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Store.CloseRun(ctx, id, at.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCheckinsPageNamesOnlyAttributedAnswers(t *testing.T) {
	r := newRig(t)
	now := r.Clock.Now()
	r.addRun(t, "open", false, now.Add(-20*24*time.Hour))
	r.addRun(t, "open", false, now.Add(-10*24*time.Hour))
	r.addRun(t, "secret", true, now.Add(-5*24*time.Hour))
	r.addRun(t, "old", false, now.Add(-200*24*time.Hour))
	b := body(t, r.get(t, "/dashboard/checkins?period=30d", "s1"))
	for _, want := range []string{`id="chart-response-rate"`, "Scale answers across runs: Survey open", "Alice</bdi>: note 0", "<li>note 3</li>", ">100%<", "anonymous"} {
		if !strings.Contains(b, want) {
			t.Errorf("check-ins page lacks %q", want)
		}
	}
	anon := b[strings.Index(b, "Survey secret</bdi>, opened"):]
	anon = anon[:strings.Index(anon, "</details>")]
	for _, name := range []string{"Alice", "Bob", "Carol", "Dave", "anon:"} {
		if strings.Contains(anon, name) {
			t.Errorf("the anonymous run's answers show %q:\n%s", name, anon)
		}
	}
	if strings.Contains(b, "Survey old") {
		t.Error("a run opened before the period shows")
	}
}
