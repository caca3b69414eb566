package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func TestSurveyTemplatesAreValid(t *testing.T) {
	for _, s := range bot.SurveyTemplates() {
		if err := s.Validate(); err != nil {
			t.Errorf("template %s: %v", s.Name, err)
		}
	}
}

func TestSurveyValidate(t *testing.T) {
	scale := bot.Question{Kind: bot.QuestionScale, Prompt: "How was it?"}
	tests := []struct {
		name string
		s    bot.Survey
		err  string
	}{
		{name: "defaults", s: bot.Survey{Name: " Pulse ", Questions: []bot.Question{scale}}},
		{name: "bad name", s: bot.Survey{Name: "two words", Questions: []bot.Question{scale}}, err: "letters, digits and dashes"},
		{name: "no questions", s: bot.Survey{Name: "x"}, err: "1 to 10 questions"},
		{name: "empty prompt", s: bot.Survey{Name: "x", Questions: []bot.Question{{Kind: bot.QuestionText}}}, err: "question 1 needs a prompt"},
		{name: "unknown kind", s: bot.Survey{Name: "x", Questions: []bot.Question{{Kind: "essay", Prompt: "p"}}}, err: `the kind "essay"`},
		{name: "scale backwards", s: bot.Survey{Name: "x", Questions: []bot.Question{{Kind: bot.QuestionScale, Prompt: "p", Min: 5, Max: 1}}}, err: "a scale goes from"},
		{name: "too few choices", s: bot.Survey{Name: "x", Questions: []bot.Question{{Kind: bot.QuestionSingle, Prompt: "p", Choices: []string{"a"}}}}, err: "2 to 10 choices"},
		{name: "duplicate choices", s: bot.Survey{Name: "x", Questions: []bot.Question{{Kind: bot.QuestionMulti, Prompt: "p", Choices: []string{"a", "A"}}}}, err: "distinct"},
		{name: "duplicate ids", s: bot.Survey{Name: "x", Questions: []bot.Question{{ID: "a", Kind: bot.QuestionYesNo, Prompt: "p"}, {ID: "a", Kind: bot.QuestionYesNo, Prompt: "q"}}}, err: "used twice"},
		{name: "empty list", s: bot.Survey{Name: "x", Questions: []bot.Question{scale}, Settings: bot.SurveySettings{Audience: bot.AudienceList}}, err: "the list is empty"},
		{name: "window", s: bot.Survey{Name: "x", Questions: []bot.Question{scale}, Settings: bot.SurveySettings{Window: time.Minute}}, err: "1 hour to 30 days"},
		{name: "delivery", s: bot.Survey{Name: "x", Questions: []bot.Question{scale}, Settings: bot.SurveySettings{Delivery: "pigeon"}}, err: "not dm or channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			err := s.Validate()
			if tt.err != "" {
				if err == nil || !strings.Contains(bot.ErrorMessage(err), tt.err) || bot.ErrorCode(err) != bot.EArgument {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != "pulse" || s.Questions[0].ID != "q1" || s.Questions[0].Min != 1 || s.Questions[0].Max != 5 ||
				s.Settings.Audience != bot.AudienceAll || s.Settings.Delivery != bot.DeliverDM || s.Settings.Window != bot.DefaultWindow {
				t.Errorf("defaults not filled: %+v", s)
			}
		})
	}
}

func TestCheckinTemplatesCommand(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore()
	custom := bot.Survey{Name: "pulse", Title: "Our pulse", Questions: []bot.Question{{Kind: bot.QuestionYesNo, Prompt: "Good week?"}}}
	if err := custom.Validate(); err != nil {
		t.Fatal(err)
	}
	s.surveys = []bot.Survey{custom}
	b := newBot(t, s, "carol")
	r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "carol", Text: "checkin templates"})
	for _, want := range []string{
		"• `reflection` Monthly reflection: 3 questions (text, text, single), attributed, open 7 days, by DM to every member (built in)",
		"• `event-feedback` Event feedback: 3 questions (scale, yesno, text), anonymous",
		"• `pulse` Our pulse: 1 question (yesno), attributed, open 2 days, by DM to every member (imported)",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("templates lack %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "Weekly pulse") {
		t.Errorf("an imported survey must take the template's place:\n%s", r.Text)
	}
	if r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "bob", Text: "checkin templates"}); r.Code != bot.EForbidden {
		t.Errorf("member: %+v", r)
	}
}

func TestSurveyErrorNamesTheQuestion(t *testing.T) {
	s := bot.Survey{Name: "x", Questions: []bot.Question{{Kind: bot.QuestionYesNo, Prompt: "ok"}, {Kind: "essay", Prompt: "p"}}}
	err := s.Validate()
	var se *bot.SurveyError
	if !errors.As(err, &se) || se.Question != 2 || bot.ErrorCode(err) != bot.EArgument {
		t.Errorf("err = %#v", err)
	}
	s = bot.Survey{Name: "bad name!"}
	if err := s.Validate(); errors.As(err, &se) {
		t.Errorf("a survey-level error names question %d", se.Question)
	}
}
