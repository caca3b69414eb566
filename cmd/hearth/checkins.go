package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/store"
)

func cmdCheckins(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("checkins", "checkins --survey NAME [--db PATH] [--community ID] [--run N] [--format text|json|csv] [--chart FILE.png]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	survey := fs.String("survey", "", "the survey's name, like pulse (required)")
	runID := fs.Int64("run", 0, "only this run (default: every run of the survey)")
	format := fs.String("format", "text", "text (results), json (results) or csv (one row per answer)")
	chartPath := fs.String("chart", "", "also write the chart of the first scale question's mean across runs to this PNG file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *survey == "" {
		return &usageError{"checkins needs --survey NAME, like --survey pulse"}
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return &usageError{fmt.Sprintf("--format %q: use text, json or csv", *format)}
	}
	db, comm, err := openCommunity(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	runs, err := surveyRuns(ctx, db, comm.ID, strings.ToLower(*survey), *runID)
	if err != nil {
		return err
	}
	results := make([]checkins.SurveyResults, len(runs))
	for i, r := range runs {
		if results[i], err = checkins.RunResults(ctx, db, r); err != nil {
			return err
		}
	}
	if *chartPath != "" {
		if err := writeTrendChart(*chartPath, runs, results, cfg.Location); err != nil {
			return err
		}
	}
	switch *format {
	case "json":
		return writeJSON(e.stdout, struct {
			Community string                   `json:"community"`
			Survey    string                   `json:"survey"`
			Runs      []checkins.SurveyResults `json:"runs"`
		}{comm.ID, *survey, results})
	case "csv":
		return writeAnswersCSV(ctx, csvOut(e.stdout), db, runs)
	}
	out := textOut(e.stdout)
	for i, r := range runs {
		var prev *checkins.SurveyResults
		if i > 0 {
			prev = &results[i-1]
		}
		state := "open until " + r.ClosesAt.In(cfg.Location).Format(time.RFC3339)
		if !r.ClosedAt.IsZero() {
			state = "closed " + r.ClosedAt.In(cfg.Location).Format(time.RFC3339)
		}
		fmt.Fprintf(out, "Run #%d, opened %s, %s\n", r.ID, r.OpenedAt.In(cfg.Location).Format(time.RFC3339), state)
		fmt.Fprintln(out, strings.ReplaceAll(checkins.FormatResults(r.Survey, results[i], prev), "**", ""))
		fmt.Fprintln(out)
	}
	return nil
}

// surveyRuns are a survey's runs, oldest first (or the one run asked for).
func surveyRuns(ctx context.Context, db *store.DB, community, survey string, id int64) ([]checkins.CheckinRun, error) {
	if id > 0 {
		r, err := db.CheckinRun(ctx, community, id)
		if errors.Is(err, bot.ErrNotFound) {
			return nil, noRun(ctx, db, community, survey, id)
		} else if err != nil {
			return nil, fmt.Errorf("run %d: %w", id, err)
		}
		if r.Survey.Name != survey {
			return nil, fmt.Errorf("run %d is a run of %s, not %s", id, r.Survey.Name, survey)
		}
		return []checkins.CheckinRun{r}, nil
	}
	runs, err := db.CheckinRuns(ctx, community, checkins.RunQuery{Survey: survey})
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("survey %q has no runs in %s", survey, community)
	}
	slices.Reverse(runs)
	return runs, nil
}

// noRun says that run id does not exist, and which runs of survey do.
func noRun(ctx context.Context, db *store.DB, community, survey string, id int64) error {
	runs, err := db.CheckinRuns(ctx, community, checkins.RunQuery{Survey: survey})
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return fmt.Errorf("no run %d; survey %q has no runs in %s", id, survey, community)
	}
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return fmt.Errorf("no run %d of %s; runs are %s", id, survey, idRanges(ids))
}

// idRanges writes ids as ranges, "1–3, 5, 8–9", the first twenty of them.
func idRanges(ids []int64) string {
	slices.Sort(ids)
	var parts []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if len(parts) == 20 {
			parts = append(parts, "…")
			break
		}
		if j == i {
			parts = append(parts, strconv.FormatInt(ids[i], 10))
		} else {
			parts = append(parts, fmt.Sprintf("%d–%d", ids[i], ids[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// writeAnswersCSV writes one row per answer: anonymous runs number their
// respondents within the run and name nobody.
func writeAnswersCSV(ctx context.Context, w io.Writer, db *store.DB, runs []checkins.CheckinRun) error {
	cw := bot.NewCSVWriter(w)
	if err := cw.Write([]string{"run", "survey", "opened_at", "closed_at", "respondent", "question_id", "question", "kind", "answer"}); err != nil {
		return err
	}
	for _, r := range runs {
		answers, err := db.Answers(ctx, r.ID)
		if err != nil {
			return err
		}
		answers = checkins.PublishableAnswers(r, answers)
		recips, err := db.Recipients(ctx, r.ID)
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, rc := range recips {
			names[rc.Member] = rc.Name
		}
		order := map[string]int{}
		for i, q := range r.Survey.Questions {
			order[q.ID] = i
		}
		slices.SortStableFunc(answers, func(a, b checkins.SurveyAnswer) int {
			if a.Respondent != b.Respondent {
				return strings.Compare(a.Respondent, b.Respondent)
			}
			return order[a.Question] - order[b.Question]
		})
		anon := map[string]int{}
		closed := ""
		if !r.ClosedAt.IsZero() {
			closed = r.ClosedAt.UTC().Format(time.RFC3339)
		}
		for _, a := range answers {
			who := a.Respondent
			if r.Anonymous {
				if _, ok := anon[who]; !ok {
					anon[who] = len(anon) + 1
				}
				who = "respondent " + strconv.Itoa(anon[who])
			} else if n := names[who]; n != "" {
				who = n
			}
			q, _ := surveyQuestion(r.Survey, a.Question)
			row := []string{strconv.FormatInt(r.ID, 10), r.Survey.Name, r.OpenedAt.UTC().Format(time.RFC3339), closed,
				who, a.Question, q.Prompt, string(q.Kind), strings.ReplaceAll(a.Value, "\n", "; ")}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func surveyQuestion(s checkins.Survey, id string) (checkins.Question, bool) {
	for _, q := range s.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return checkins.Question{ID: id}, false
}

// writeTrendChart draws the first scale question's mean across the runs.
func writeTrendChart(path string, runs []checkins.CheckinRun, results []checkins.SurveyResults, loc *time.Location) error {
	var points []bot.TrendPoint
	prompt := ""
	for i, res := range results {
		for _, q := range res.Questions {
			if q.Kind == checkins.QuestionScale && q.Mean != nil && (prompt == "" || q.Prompt == prompt) {
				prompt = q.Prompt
				points = append(points, bot.TrendPoint{At: runs[i].OpenedAt, Label: fmt.Sprintf("#%d %s", runs[i].ID, runs[i].OpenedAt.In(loc).Format("Jan 2")), Value: *q.Mean})
				break
			}
		}
	}
	if len(points) == 0 {
		return fmt.Errorf("no scale question with answers to chart")
	}
	png, err := newCharter().TrendChart(prompt, "mean", points)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Clean(path), png, 0o644); err != nil {
		return fmt.Errorf("write chart: %w", err)
	}
	return nil
}
