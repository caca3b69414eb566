package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

func TestSurveyTemplatesAreValid(t *testing.T) {
	for _, s := range checkins.SurveyTemplates() {
		if err := s.Validate(); err != nil {
			t.Errorf("template %s: %v", s.Name, err)
		}
	}
}

func TestSurveyValidate(t *testing.T) {
	scale := checkins.Question{Kind: checkins.QuestionScale, Prompt: "How was it?"}
	tests := []struct {
		name string
		s    checkins.Survey
		err  string
	}{
		{name: "defaults", s: checkins.Survey{Name: " Pulse ", Questions: []checkins.Question{scale}}},
		{name: "bad name", s: checkins.Survey{Name: "two words", Questions: []checkins.Question{scale}}, err: "letters, digits and dashes"},
		{name: "no questions", s: checkins.Survey{Name: "x"}, err: "1 to 10 questions"},
		{name: "empty prompt", s: checkins.Survey{Name: "x", Questions: []checkins.Question{{Kind: checkins.QuestionText}}}, err: "question 1 needs a prompt"},
		{name: "unknown kind", s: checkins.Survey{Name: "x", Questions: []checkins.Question{{Kind: "essay", Prompt: "p"}}}, err: `the kind "essay"`},
		{name: "scale backwards", s: checkins.Survey{Name: "x", Questions: []checkins.Question{{Kind: checkins.QuestionScale, Prompt: "p", Min: 5, Max: 1}}}, err: "a scale goes from"},
		{name: "too few choices", s: checkins.Survey{Name: "x", Questions: []checkins.Question{{Kind: checkins.QuestionSingle, Prompt: "p", Choices: []string{"a"}}}}, err: "2 to 10 choices"},
		{name: "duplicate choices", s: checkins.Survey{Name: "x", Questions: []checkins.Question{{Kind: checkins.QuestionMulti, Prompt: "p", Choices: []string{"a", "A"}}}}, err: "distinct"},
		{name: "duplicate ids", s: checkins.Survey{Name: "x", Questions: []checkins.Question{{ID: "a", Kind: checkins.QuestionYesNo, Prompt: "p"}, {ID: "a", Kind: checkins.QuestionYesNo, Prompt: "q"}}}, err: "used twice"},
		{name: "empty list", s: checkins.Survey{Name: "x", Questions: []checkins.Question{scale}, Settings: checkins.SurveySettings{Audience: checkins.AudienceList}}, err: "the list is empty"},
		{name: "window", s: checkins.Survey{Name: "x", Questions: []checkins.Question{scale}, Settings: checkins.SurveySettings{Window: time.Minute}}, err: "1 hour to 30 days"},
		{name: "delivery", s: checkins.Survey{Name: "x", Questions: []checkins.Question{scale}, Settings: checkins.SurveySettings{Delivery: "pigeon"}}, err: "not dm or channel"},
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
				s.Settings.Audience != checkins.AudienceAll || s.Settings.Delivery != checkins.DeliverDM || s.Settings.Window != checkins.DefaultWindow {
				t.Errorf("defaults not filled: %+v", s)
			}
		})
	}
}

func TestSurveyErrorNamesTheQuestion(t *testing.T) {
	s := checkins.Survey{Name: "x", Questions: []checkins.Question{{Kind: checkins.QuestionYesNo, Prompt: "ok"}, {Kind: "essay", Prompt: "p"}}}
	err := s.Validate()
	var se *checkins.SurveyError
	if !errors.As(err, &se) || se.Question != 2 || bot.ErrorCode(err) != bot.EArgument {
		t.Errorf("err = %#v", err)
	}
	s = checkins.Survey{Name: "bad name!"}
	if err := s.Validate(); errors.As(err, &se) {
		t.Errorf("a survey-level error names question %d", se.Question)
	}
}

func TestSurveysMustFitOneMessage(t *testing.T) {
	long := checkins.Survey{Name: "long"}
	for range 6 {
		long.Questions = append(long.Questions, checkins.Question{Kind: checkins.QuestionYesNo, Prompt: "Yes?"})
	}
	if err := long.Validate(); err == nil || !strings.Contains(err.Error(), "rows") {
		t.Fatalf("six rows of buttons: %v", err)
	}
	wordy := checkins.Survey{Name: "wordy"}
	for range 6 {
		wordy.Questions = append(wordy.Questions, checkins.Question{Kind: checkins.QuestionText, Prompt: "Why?"})
	}
	if err := wordy.Validate(); err == nil || !strings.Contains(err.Error(), "free-text") {
		t.Fatalf("six text questions: %v", err)
	}
	for _, s := range checkins.SurveyTemplates() {
		if err := s.Validate(); err != nil {
			t.Errorf("template %s: %v", s.Name, err)
		}
	}
}
