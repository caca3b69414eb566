package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/checkins"
)

func pulse(t *testing.T) checkins.Survey {
	t.Helper()
	for _, s := range checkins.SurveyTemplates() {
		if s.Name == "pulse" {
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	t.Fatal("no pulse template")
	return checkins.Survey{}
}

func TestComputeResults(t *testing.T) {
	s := pulse(t)
	answers := []checkins.SurveyAnswer{
		{Respondent: "U1", Question: "value", Value: "5"},
		{Respondent: "U2", Question: "value", Value: "4"},
		{Respondent: "U3", Question: "value", Value: "2"},
		{Respondent: "U4", Question: "value", Value: "4"},
		{Respondent: "U4", Question: "value", Value: "9"}, // out of range: ignored in the distribution
		{Respondent: "U1", Question: "learned", Value: "Pairing works"},
	}
	names := map[string]string{"U1": "Alice"}
	r := checkins.ComputeResults(checkins.CheckinRun{Survey: s}, 8, answers, names)
	if r.Respondents != 4 || r.Delivered != 8 || r.ResponseRate != 0.5 {
		t.Errorf("rate: %+v", r)
	}
	v := r.Questions[0]
	if v.Mean == nil || *v.Mean != 3.75 || *v.Median != 4 || len(v.Counts) != 5 || v.Counts[3] != (checkins.ChoiceCount{Choice: "4", Count: 2}) {
		t.Errorf("scale: %+v mean %v median %v", v, v.Mean, v.Median)
	}
	if got := r.Questions[1].Texts; len(got) != 1 || got[0].Respondent != "Alice" {
		t.Errorf("attributed text: %+v", got)
	}
	anonymous := append(answers, checkins.SurveyAnswer{Respondent: "U2", Question: "learned", Value: "A"}, checkins.SurveyAnswer{Respondent: "U3", Question: "learned", Value: "B"})
	anon := checkins.ComputeResults(checkins.CheckinRun{Survey: s, Anonymous: true, ClosedAt: time.Unix(1, 0)}, 8, anonymous, names)
	if got := anon.Questions[1].Texts; len(got) != 3 || got[0].Respondent != "" || got[0].Text != "A" || got[2].Text != "Pairing works" {
		t.Errorf("an anonymous run named someone, or kept their order: %+v", got)
	}
	if r.Questions[2].Answered != 0 || r.Questions[2].Texts != nil {
		t.Errorf("unanswered question: %+v", r.Questions[2])
	}

	prev := checkins.ComputeResults(checkins.CheckinRun{Survey: s}, 10, answers[:2], nil)
	text := checkins.FormatResults(s, r, &prev)
	for _, want := range []string{"**Weekly pulse: results**", "4 of 8 answered (50%) (▲30.0%)", "mean 3.8, median 4.0 (▼0.8) · 1: 0 · 2: 1 · 3: 0 · 4: 2 · 5: 1", "• Alice: Pairing works"} {
		if !strings.Contains(text, want) {
			t.Errorf("results lack %q:\n%s", want, text)
		}
	}
	if empty := checkins.ComputeResults(checkins.CheckinRun{Survey: s}, 0, nil, nil); empty.ResponseRate != 0 || empty.Questions[0].Mean != nil {
		t.Errorf("no answers: %+v", empty)
	}
}

func TestChoiceResults(t *testing.T) {
	s := checkins.Survey{Name: "x", Questions: []checkins.Question{
		{ID: "pick", Kind: checkins.QuestionMulti, Prompt: "Which?", Choices: []string{"a", "b", "c"}},
		{ID: "ok", Kind: checkins.QuestionYesNo, Prompt: "OK?"},
	}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r := checkins.ComputeResults(checkins.CheckinRun{Survey: s}, 3, []checkins.SurveyAnswer{
		{Respondent: "1", Question: "pick", Value: "a\nc"},
		{Respondent: "2", Question: "pick", Value: "c"},
		{Respondent: "1", Question: "ok", Value: "yes"},
	}, nil)
	if c := r.Questions[0].Counts; c[0].Count != 1 || c[1].Count != 0 || c[2].Count != 2 {
		t.Errorf("multi counts: %+v", c)
	}
	if c := r.Questions[1].Counts; c[0] != (checkins.ChoiceCount{Choice: "yes", Count: 1}) || c[1].Count != 0 {
		t.Errorf("yes/no counts: %+v", c)
	}
}
