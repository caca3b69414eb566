package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/store"
)

// surveyFile is the YAML `hearth surveys import` reads (README.md, "Check-in
// surveys"). Unknown fields are refused, so a typo names its line.
type surveyFile struct {
	Surveys []surveyYAML `yaml:"surveys"`
}

type surveyYAML struct {
	Name      string              `yaml:"name"`
	Title     string              `yaml:"title"`
	Intro     string              `yaml:"intro"`
	Questions []checkins.Question `yaml:"questions"`
	Settings  struct {
		Audience  checkins.Audience `yaml:"audience"`
		Members   []string          `yaml:"members"`
		Delivery  checkins.Delivery `yaml:"delivery"`
		Anonymous bool              `yaml:"anonymous"`
		Window    string            `yaml:"window"`
		Reminder  *bool             `yaml:"reminder"`
		ResultsTo string            `yaml:"results_to"`
		// MinRespondents: an anonymous run's answers show from this many
		// respondents (default and least: checkins.DefaultMinRespondents).
		MinRespondents int `yaml:"min_respondents"`
	} `yaml:"settings"`
}

// parseSurveyFile reads and validates surveys; every error names its line.
func parseSurveyFile(data []byte) ([]checkins.Survey, error) {
	var f surveyFile
	root, err := decodeYAML(data, "survey file", &f)
	if err != nil {
		return nil, err
	}
	if len(f.Surveys) == 0 {
		return nil, errors.New("no surveys: the file needs a `surveys:` list")
	}
	seen := map[string]bool{}
	var out []checkins.Survey
	var problems []string // every survey's, not the first only
	for i, y := range f.Surveys {
		s := checkins.Survey{Name: y.Name, Title: y.Title, Intro: y.Intro, Questions: y.Questions}
		st := &s.Settings
		st.Audience, st.Members, st.Delivery, st.Anonymous, st.ResultsTo = y.Settings.Audience, y.Settings.Members, y.Settings.Delivery, y.Settings.Anonymous, y.Settings.ResultsTo
		st.NoReminder = y.Settings.Reminder != nil && !*y.Settings.Reminder
		st.MinRespondents = y.Settings.MinRespondents
		line := nodeLine(root, "surveys", i)
		if w := y.Settings.Window; w != "" {
			d, err := time.ParseDuration(w)
			if err != nil {
				problems = append(problems, fmt.Sprintf("line %d: window %q is not a duration like 48h", nodeLine(root, "surveys", i, "settings", "window"), w))
			}
			st.Window = d
		}
		if err := s.Validate(); err != nil {
			var qe *checkins.SurveyError
			if errors.As(err, &qe) {
				line = nodeLine(root, "surveys", i, "questions", qe.Question-1)
			}
			problems = append(problems, fmt.Sprintf("line %d: %v", line, operatorError(err)))
		}
		if seen[s.Name] {
			problems = append(problems, fmt.Sprintf("line %d: survey %s is defined twice", line, s.Name))
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	if len(problems) > 0 {
		return nil, errors.New(joinProblems(problems))
	}
	return out, nil
}

func cmdSurveys(ctx context.Context, args []string, e env) error {
	return importFile(ctx, args, e, "surveys", func(ctx context.Context, db *store.DB, comm bot.Community, data []byte) (string, error) {
		surveys, err := parseSurveyFile(data)
		if err != nil {
			return "", err
		}
		var names []string
		for _, s := range surveys {
			if err := db.SaveSurvey(ctx, comm.ID, s, e.now()); err != nil {
				return "", err
			}
			names = append(names, s.Name)
		}
		return fmt.Sprintf("imported %s into %s: %s", bot.Plural(len(surveys), "survey"), comm.ID, strings.Join(names, ", ")), nil
	})
}
