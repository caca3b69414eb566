package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

// maxRuns bounds the runs one check-ins page shows.
const maxRuns = 50

type runView struct {
	Title      string
	Results    checkins.SurveyResults
	Open       bool
	Attributed bool
}

type checkinsView struct {
	Runs         []runView
	More         int
	ResponseRate chart
	Trends       []chart
}

// checkins: the runs opened in the period with their results as every
// output shows them (checkins.RunResults: the anonymity rule applied,
// names only for attributed runs), the response rate across runs, and each
// survey's scale questions' means across runs.
//
// Cost: for each run shown, its recipients and its answers.
func (s *Server) checkins(ctx context.Context, _ *http.Request, v *view) error {
	v.Title, v.template = "Check-ins", "checkins"
	c, p := v.Session.Community, v.Period.Period
	runs, err := s.cfg.Source.CheckinRuns(ctx, c, checkins.RunQuery{})
	if err != nil {
		return err
	}
	runs = slices.DeleteFunc(runs, func(r checkins.CheckinRun) bool { return r.OpenedAt.Before(p.From) || !r.OpenedAt.Before(p.To) })
	cv := checkinsView{More: max(0, len(runs)-maxRuns)}
	runs = runs[:min(len(runs), maxRuns)]
	now := s.cfg.Clock.Now()
	loc := s.cfg.Source.Location()
	// Oldest first for the charts; the page lists newest first.
	slices.SortStableFunc(runs, func(a, b checkins.CheckinRun) int { return a.OpenedAt.Compare(b.OpenedAt) })
	cv.ResponseRate = chart{ID: "chart-response-rate", Title: "Response rate per check-in", XLabel: "Check-in", YLabel: "Response rate (%)", Line: true,
		Series: []chartSeries{{Name: "Response rate (%)"}}}
	trends := map[string]*chart{}
	var order []string
	for _, r := range runs {
		res, err := checkins.RunResults(ctx, s.cfg.Source, r)
		if err != nil {
			return fmt.Errorf("check-in run %d: %w", r.ID, err)
		}
		title := bot.NameOr(r.Survey.Title, r.Survey.Name)
		cv.Runs = append(cv.Runs, runView{Title: title, Results: res, Open: r.Open(now), Attributed: !r.Anonymous})
		label := fmt.Sprintf("#%d %s", r.ID, r.OpenedAt.In(loc).Format("Jan 2"))
		cv.ResponseRate.Categories = append(cv.ResponseRate.Categories, label)
		cv.ResponseRate.Series[0].Values = append(cv.ResponseRate.Series[0].Values, res.ResponseRate*100)
		tc, ok := trends[r.Survey.Name]
		for _, q := range res.Questions {
			if q.Kind != checkins.QuestionScale || q.Mean == nil {
				continue
			}
			if !ok {
				tc = &chart{ID: fmt.Sprintf("chart-trend-%d", len(order)), Title: "Scale answers across runs: " + title, XLabel: "Check-in", YLabel: "Mean answer", Line: true}
				trends[r.Survey.Name], ok = tc, true
				order = append(order, r.Survey.Name)
			}
			i := slices.IndexFunc(tc.Series, func(s chartSeries) bool { return s.Name == q.Prompt })
			if i < 0 {
				tc.Series = append(tc.Series, chartSeries{Name: q.Prompt, Values: make([]float64, len(tc.Categories))})
				i = len(tc.Series) - 1
			}
			if len(tc.Categories) == 0 || tc.Categories[len(tc.Categories)-1] != label {
				tc.Categories = append(tc.Categories, label)
			}
			for len(tc.Series[i].Values) < len(tc.Categories)-1 {
				tc.Series[i].Values = append(tc.Series[i].Values, 0)
			}
			tc.Series[i].Values = append(tc.Series[i].Values, *q.Mean)
		}
	}
	cv.ResponseRate.Desc = fmt.Sprintf("The share of members reached who answered, for each of the %d check-ins opened in the period.", len(runs))
	for _, name := range order {
		tc := trends[name]
		tc.Series = tc.Series[:min(len(tc.Series), 4)]
		tc.Desc = fmt.Sprintf("The mean answer to each scale question, for %d runs; runs whose answers are withheld are left out.", len(tc.Categories))
		cv.Trends = append(cv.Trends, *tc)
	}
	slices.Reverse(cv.Runs)
	v.Content = cv
	return nil
}
