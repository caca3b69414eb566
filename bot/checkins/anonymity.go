package checkins

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// DefaultMinRespondents is the fewest respondents an anonymous run needs
// before any of its answers are shown: below it, one or two people's
// answers would read as theirs to whoever knows who answered (the
// checkin_answer participation events say so). A survey may ask for more
// (settings.min_respondents), never fewer.
const DefaultMinRespondents = 3

// MaxMinRespondents bounds a survey's minimum: a larger one would withhold
// every run of most communities.
const MaxMinRespondents = 1000

// MinRespondents is the fewest respondents (and answers to a question)
// whose answers an anonymous run of s shows.
func (s Survey) MinRespondents() int {
	return max(DefaultMinRespondents, s.Settings.MinRespondents)
}

// Publishable is the only view of a run's results any output may show: the
// rule that keeps anonymous answers anonymous lives here, and RunResults
// (so the close post, `/hearth checkin results`, the digest, the impact
// report, charts, RunSummary and `hearth checkins`) returns nothing else.
//
// Attributed runs are unchanged. For an anonymous run:
//   - while it is open, only the response counts show: two looks at interim
//     results would isolate the answers given between them, and the
//     participation events say who answered then;
//   - once closed, a run with fewer respondents than the survey's minimum
//     shows only its counts (the answers stay stored; they never join
//     another view, see README "Anonymous runs");
//   - a question with fewer answers than the minimum shows only its count;
//   - free-text answers are sorted by their text, never in the order they
//     arrived or of their respondent tokens.
func Publishable(r CheckinRun, raw SurveyResults) SurveyResults {
	if !r.Anonymous {
		return raw
	}
	out := raw
	out.Anonymous = true
	out.MinRespondents = r.Survey.MinRespondents()
	out.Questions = slices.Clone(raw.Questions)
	switch {
	case r.ClosedAt.IsZero():
		out.Withheld = fmt.Sprintf("Anonymous results appear when the check-in closes, and only if at least %d answered: answers given between two looks at interim results could be picked out.", out.MinRespondents)
	case raw.Respondents < out.MinRespondents:
		out.Withheld = fmt.Sprintf("Withheld: %s answered, and anonymous results appear only from %d respondents, so that no one's answers can be picked out.", answeredCount(raw.Respondents), out.MinRespondents)
	}
	for i := range out.Questions {
		q := &out.Questions[i]
		switch {
		case out.Withheld != "":
			q.Withheld = "withheld with the run's results"
		case q.Answered < out.MinRespondents:
			q.Withheld = fmt.Sprintf("withheld: fewer than %d answered this question", out.MinRespondents)
		default:
			q.Texts = sortedTexts(q.Texts)
			continue
		}
		q.Mean, q.Median, q.Counts, q.Texts = nil, nil, nil, nil
	}
	return out
}

// Comparable reports whether a trend may set two runs' results side by
// side: only when both show (an attributed run always does). A change
// against a withheld run would be the withheld answers by another name.
func Comparable(a, b SurveyResults) bool { return a.Withheld == "" && b.Withheld == "" }

func answeredCount(n int) string {
	switch n {
	case 0:
		return "nobody"
	case 1:
		return "1 person"
	}
	return strconv.Itoa(n) + " people"
}

// sortedTexts orders anonymous free text by its text, which says nothing
// about who answered or when.
func sortedTexts(ts []TextAnswer) []TextAnswer {
	out := make([]TextAnswer, len(ts))
	for i, t := range ts {
		out[i] = TextAnswer{Text: t.Text}
	}
	slices.SortStableFunc(out, func(a, b TextAnswer) int { return strings.Compare(a.Text, b.Text) })
	return out
}

// PublishableAnswers is Publishable for an export of single answers (the
// CSV): attributed runs' answers unchanged; for an anonymous run, nothing
// while it is open or below its minimum, no answers to a question fewer
// than the minimum answered, and respondents relabelled "r1", "r2"… in
// the order of their answers' values, so neither the arrival order nor
// the respondent tokens' order shows. The result is ordered by respondent
// label, then as answers was.
func PublishableAnswers(r CheckinRun, answers []SurveyAnswer) []SurveyAnswer {
	if !r.Anonymous {
		return answers
	}
	least := r.Survey.MinRespondents()
	respondents := map[string]bool{}
	perQuestion := map[string]int{}
	for _, a := range answers {
		respondents[a.Respondent] = true
		perQuestion[a.Question]++
	}
	if r.ClosedAt.IsZero() || len(respondents) < least {
		return nil
	}
	order := map[string]int{}
	for i, q := range r.Survey.Questions {
		order[q.ID] = i
	}
	// Each respondent's kept answers, in the survey's order, as a key.
	keys := map[string][]string{}
	var kept []SurveyAnswer
	for _, a := range answers {
		if perQuestion[a.Question] < least {
			continue
		}
		kept = append(kept, a)
	}
	slices.SortStableFunc(kept, func(a, b SurveyAnswer) int { return cmp.Compare(order[a.Question], order[b.Question]) })
	for _, a := range kept {
		keys[a.Respondent] = append(keys[a.Respondent], a.Question+"\x00"+a.Value)
	}
	tokens := make([]string, 0, len(keys))
	for t := range keys {
		tokens = append(tokens, t)
	}
	slices.SortFunc(tokens, func(a, b string) int { return slices.Compare(keys[a], keys[b]) })
	label := map[string]string{}
	for i, t := range tokens {
		label[t] = fmt.Sprintf("r%0*d", len(strconv.Itoa(len(tokens))), i+1)
	}
	out := make([]SurveyAnswer, 0, len(kept))
	for _, a := range kept {
		out = append(out, SurveyAnswer{Respondent: label[a.Respondent], Question: a.Question, Value: a.Value})
	}
	slices.SortStableFunc(out, func(a, b SurveyAnswer) int { return strings.Compare(a.Respondent, b.Respondent) })
	return out
}
