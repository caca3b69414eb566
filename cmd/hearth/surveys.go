package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hearth-community/hearth/bot"
)

// surveyFile is the YAML `hearth surveys import` reads (README.md, "Check-in
// surveys"). Unknown fields are refused, so a typo names its line.
type surveyFile struct {
	Surveys []surveyYAML `yaml:"surveys"`
}

type surveyYAML struct {
	Name      string         `yaml:"name"`
	Title     string         `yaml:"title"`
	Intro     string         `yaml:"intro"`
	Questions []bot.Question `yaml:"questions"`
	Settings  struct {
		Audience  bot.Audience `yaml:"audience"`
		Members   []string     `yaml:"members"`
		Delivery  bot.Delivery `yaml:"delivery"`
		Anonymous bool         `yaml:"anonymous"`
		Window    string       `yaml:"window"`
		Reminder  *bool        `yaml:"reminder"`
		ResultsTo string       `yaml:"results_to"`
	} `yaml:"settings"`
}

// parseSurveyFile reads and validates surveys; every error names its line.
func parseSurveyFile(data []byte) ([]bot.Survey, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("not a survey file: %w", err)
	}
	var f surveyFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a survey file: %w", err)
	}
	if len(f.Surveys) == 0 {
		return nil, errors.New("no surveys: the file needs a `surveys:` list")
	}
	seen := map[string]bool{}
	var out []bot.Survey
	for i, y := range f.Surveys {
		s := bot.Survey{Name: y.Name, Title: y.Title, Intro: y.Intro, Questions: y.Questions}
		st := &s.Settings
		st.Audience, st.Members, st.Delivery, st.Anonymous, st.ResultsTo = y.Settings.Audience, y.Settings.Members, y.Settings.Delivery, y.Settings.Anonymous, y.Settings.ResultsTo
		st.NoReminder = y.Settings.Reminder != nil && !*y.Settings.Reminder
		line := nodeLine(&root, "surveys", i)
		if w := y.Settings.Window; w != "" {
			d, err := time.ParseDuration(w)
			if err != nil {
				return nil, fmt.Errorf("line %d: window %q is not a duration like 48h", nodeLine(&root, "surveys", i, "settings", "window"), w)
			}
			st.Window = d
		}
		if err := s.Validate(); err != nil {
			var qe *bot.SurveyError
			if errors.As(err, &qe) {
				line = nodeLine(&root, "surveys", i, "questions", qe.Question-1)
			}
			return nil, fmt.Errorf("line %d: %s", line, bot.ErrorMessage(err))
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("line %d: survey %s is defined twice", line, s.Name)
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	return out, nil
}

// nodeLine follows a path of mapping keys and sequence indexes from the
// document root and returns the line it ends on (the deepest found).
func nodeLine(root *yaml.Node, path ...any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p >= 0 && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			break
		}
		n, line = next, next.Line
	}
	return line
}

func cmdSurveys(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "import" {
		return &usageError{"usage: hearth surveys import [--db PATH] [--community ID] FILE.yaml"}
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("surveys import", "surveys import [--db PATH] [--community ID] FILE.yaml", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	if err := fs.Parse(args[1:]); err != nil {
		return &usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return &usageError{"surveys import needs one file: hearth surveys import surveys.yaml"}
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	surveys, err := parseSurveyFile(data)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	db, comm, err := openCommunity(ctx, cfg.DB, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	var names []string
	for _, s := range surveys {
		if err := db.SaveSurvey(ctx, comm.ID, s, e.now()); err != nil {
			return err
		}
		names = append(names, s.Name)
	}
	fmt.Fprintf(e.stdout, "imported %d surveys into %s: %s\n", len(surveys), comm.ID, strings.Join(names, ", "))
	return nil
}
