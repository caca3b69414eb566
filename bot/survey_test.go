package bot_test

import (
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

func TestSurveysMustFitOneMessage(t *testing.T) {
	long := bot.Survey{Name: "long"}
	for range 6 {
		long.Questions = append(long.Questions, bot.Question{Kind: bot.QuestionYesNo, Prompt: "Yes?"})
	}
	if err := long.Validate(); err == nil || !strings.Contains(err.Error(), "rows") {
		t.Fatalf("six rows of buttons: %v", err)
	}
	wordy := bot.Survey{Name: "wordy"}
	for range 6 {
		wordy.Questions = append(wordy.Questions, bot.Question{Kind: bot.QuestionText, Prompt: "Why?"})
	}
	if err := wordy.Validate(); err == nil || !strings.Contains(err.Error(), "free-text") {
		t.Fatalf("six text questions: %v", err)
	}
	for _, s := range bot.SurveyTemplates() {
		if err := s.Validate(); err != nil {
			t.Errorf("template %s: %v", s.Name, err)
		}
	}
}
