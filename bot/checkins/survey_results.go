package checkins

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// SurveyAnswer is one member's answer to one question of a run. For an
// anonymous run Respondent is an opaque token, never a member id.
type SurveyAnswer struct {
	Respondent string
	Question   string
	// Value is the scale number, the choice (multi: choices joined by "\n"),
	// "yes"/"no", or the text.
	Value string
}

// ChoiceCount is how many chose one option.
type ChoiceCount struct {
	Choice string `json:"choice"`
	Count  int    `json:"count"`
}

// TextAnswer is a free-text answer; Respondent is "" for anonymous runs.
type TextAnswer struct {
	Respondent string `json:"respondent,omitempty"`
	Text       string `json:"text"`
}

// QuestionResult is the distribution of one question's answers.
type QuestionResult struct {
	ID       string        `json:"id"`
	Kind     QuestionKind  `json:"kind"`
	Prompt   string        `json:"prompt"`
	Answered int           `json:"answered"`
	Mean     *float64      `json:"mean,omitempty"`   // scale
	Median   *float64      `json:"median,omitempty"` // scale
	Counts   []ChoiceCount `json:"counts,omitempty"` // scale, choices, yes/no: every option, in order
	Texts    []TextAnswer  `json:"texts,omitempty"`
	// Withheld says why only the count shows (see Publishable); "" when
	// the question's answers show.
	Withheld string `json:"withheld,omitempty"`
}

// SurveyResults are a run's results.
type SurveyResults struct {
	Survey       string           `json:"survey"`
	Run          int64            `json:"run,omitempty"`
	OpenedAt     time.Time        `json:"opened_at,omitzero"`
	ClosesAt     time.Time        `json:"closes_at,omitzero"`
	ClosedAt     time.Time        `json:"closed_at,omitzero"` // zero while the run is open
	Delivered    int              `json:"delivered"`
	Respondents  int              `json:"respondents"`
	ResponseRate float64          `json:"response_rate"` // respondents / delivered, 0 when nothing was delivered
	Questions    []QuestionResult `json:"questions"`
	// Anonymous runs say so, with the fewest respondents their answers
	// need; Withheld says why only the counts show ("" when they show).
	Anonymous      bool   `json:"anonymous,omitempty"`
	MinRespondents int    `json:"min_respondents,omitempty"`
	Withheld       string `json:"withheld,omitempty"`
}

// ComputeResults turns a run's answers into the results any output may
// show (Publishable). names maps respondents to display names for
// attributed free text; anonymous runs never name anyone.
func ComputeResults(r CheckinRun, delivered int, answers []SurveyAnswer, names map[string]string) SurveyResults {
	res := tally(r.Survey, delivered, answers, r.Anonymous, names)
	res.Run = r.ID
	res.OpenedAt, res.ClosesAt, res.ClosedAt = r.OpenedAt, r.ClosesAt, r.ClosedAt
	return Publishable(r, res)
}

// tally is every answer of a run counted, before the anonymity rule: only
// ComputeResults calls it.
func tally(s Survey, delivered int, answers []SurveyAnswer, anonymous bool, names map[string]string) SurveyResults {
	r := SurveyResults{Survey: s.Name, Delivered: delivered}
	respondents := map[string]bool{}
	byQuestion := map[string][]SurveyAnswer{}
	for _, a := range answers {
		respondents[a.Respondent] = true
		byQuestion[a.Question] = append(byQuestion[a.Question], a)
	}
	r.Respondents = len(respondents)
	if delivered > 0 {
		r.ResponseRate = float64(r.Respondents) / float64(delivered)
	}
	for _, q := range s.Questions {
		qa := byQuestion[q.ID]
		qr := QuestionResult{ID: q.ID, Kind: q.Kind, Prompt: q.Prompt, Answered: len(qa)}
		switch q.Kind {
		case QuestionScale:
			counts := map[string]int{}
			var nums []float64
			for _, a := range qa {
				n, err := strconv.Atoi(a.Value)
				if err != nil || n < q.Min || n > q.Max {
					continue // answers are validated when given; skip anything odd
				}
				nums = append(nums, float64(n))
				counts[a.Value]++
			}
			for v := q.Min; v <= q.Max; v++ {
				qr.Counts = append(qr.Counts, ChoiceCount{Choice: strconv.Itoa(v), Count: counts[strconv.Itoa(v)]})
			}
			if len(nums) > 0 {
				mean, median := meanMedian(nums)
				qr.Mean, qr.Median = &mean, &median
			}
		case QuestionSingle, QuestionMulti, QuestionYesNo:
			options := q.Choices
			if q.Kind == QuestionYesNo {
				options = []string{"yes", "no"}
			}
			counts := map[string]int{}
			for _, a := range qa {
				for _, v := range strings.Split(a.Value, "\n") {
					counts[v]++
				}
			}
			for _, o := range options {
				qr.Counts = append(qr.Counts, ChoiceCount{Choice: o, Count: counts[o]})
			}
		case QuestionText:
			for _, a := range qa {
				t := TextAnswer{Text: a.Value}
				if !anonymous {
					t.Respondent = bot.NameOr(names[a.Respondent], a.Respondent)
				}
				qr.Texts = append(qr.Texts, t)
			}
		}
		r.Questions = append(r.Questions, qr)
	}
	return r
}

func meanMedian(nums []float64) (mean, median float64) {
	slices.Sort(nums)
	var sum float64
	for _, n := range nums {
		sum += n
	}
	mean = sum / float64(len(nums))
	if m := len(nums) / 2; len(nums)%2 == 1 {
		median = nums[m]
	} else {
		median = (nums[m-1] + nums[m]) / 2
	}
	return mean, median
}

// FormatResults renders a run's results for chat, with the change against
// the previous run of the same survey when there is one.
func FormatResults(s Survey, r SurveyResults, prev *SurveyResults) string {
	text, _ := FormatResultsShort(s, r, prev, 0)
	return text
}

// ChatTexts is how many free-text answers per question a results post
// shows in chat; the attached file has every answer, whole.
const ChatTexts = 5

// FormatResultsShort is FormatResults with at most maxTexts free-text
// answers per question (0: all), each clipped; omitted counts the answers
// it left out, which the caller puts in a file (ResultsMarkdown).
func FormatResultsShort(s Survey, r SurveyResults, prev *SurveyResults, maxTexts int) (text string, omitted int) {
	if prev != nil && !Comparable(r, *prev) {
		prev = nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**%s: results**\n", bot.NameOr(s.Title, s.Name))
	fmt.Fprintf(&sb, "%d of %d answered (%.0f%%)", r.Respondents, r.Delivered, 100*r.ResponseRate)
	if prev != nil {
		fmt.Fprintf(&sb, "%s", bot.PointsTrend(100*r.ResponseRate, 100*prev.ResponseRate, "%"))
	}
	sb.WriteString("\n")
	if r.Withheld != "" {
		return sb.String() + "_" + r.Withheld + "_", 0
	}
	for i, q := range r.Questions {
		fmt.Fprintf(&sb, "**%d. %s** (%s)\n", i+1, q.Prompt, bot.Plural(q.Answered, "answer"))
		if q.Withheld != "" {
			if q.Answered > 0 {
				fmt.Fprintf(&sb, "_%s_\n", q.Withheld)
			}
			continue
		}
		switch q.Kind {
		case QuestionScale:
			if q.Mean != nil {
				fmt.Fprintf(&sb, "mean %.1f, median %.1f", *q.Mean, *q.Median)
				if prev != nil && i < len(prev.Questions) && prev.Questions[i].ID == q.ID && prev.Questions[i].Mean != nil {
					sb.WriteString(bot.PointsTrend(*q.Mean, *prev.Questions[i].Mean, ""))
				}
				sb.WriteString(" · ")
			}
			sb.WriteString(countsLine(q.Counts) + "\n")
		case QuestionSingle, QuestionMulti, QuestionYesNo:
			sb.WriteString(countsLine(q.Counts) + "\n")
		case QuestionText:
			shown := q.Texts
			if maxTexts > 0 && len(shown) > maxTexts {
				shown = shown[:maxTexts]
			}
			for _, t := range shown {
				if t.Respondent != "" {
					fmt.Fprintf(&sb, "• %s: %s\n", t.Respondent, bot.Clip(t.Text, 300))
				} else {
					fmt.Fprintf(&sb, "• %s\n", bot.Clip(t.Text, 300))
				}
			}
			if n := len(q.Texts) - len(shown); n > 0 {
				fmt.Fprintf(&sb, "_…and %s._\n", bot.Plural(n, "more answer"))
				omitted += n
			}
		}
	}
	return strings.TrimRight(sb.String(), "\n"), omitted
}

// ResultsMarkdown is every free-text answer of a run, whole, as a document
// to attach beside the results post (names only where the run is
// attributed: the results say so already).
func ResultsMarkdown(s Survey, r SurveyResults) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s: written answers (run %d)\n", bot.NameOr(s.Title, s.Name), r.Run)
	if r.Withheld != "" {
		return sb.String() + "\n" + r.Withheld + "\n"
	}
	for i, q := range r.Questions {
		if q.Kind != QuestionText {
			continue
		}
		fmt.Fprintf(&sb, "\n## %d. %s (%s)\n\n", i+1, q.Prompt, bot.Plural(q.Answered, "answer"))
		if q.Withheld != "" {
			fmt.Fprintf(&sb, "%s\n", q.Withheld)
		}
		for _, t := range q.Texts {
			text := strings.ReplaceAll(strings.TrimSpace(t.Text), "\n", "\n  ")
			if t.Respondent != "" {
				fmt.Fprintf(&sb, "- **%s**: %s\n", t.Respondent, text)
			} else {
				fmt.Fprintf(&sb, "- %s\n", text)
			}
		}
	}
	return sb.String()
}

func countsLine(cs []ChoiceCount) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s: %d", c.Choice, c.Count)
	}
	return strings.Join(parts, " · ")
}

// CheckinReader is what check-in results read; CheckinStore has it.
type CheckinReader interface {
	CheckinRuns(ctx context.Context, community string, q RunQuery) ([]CheckinRun, error)
	Recipients(ctx context.Context, run int64) ([]Recipient, error)
	Answers(ctx context.Context, run int64) ([]SurveyAnswer, error)
}

// RunResults computes a run's results as outputs may show them
// (Publishable). Delivered counts the recipients a
// DM reached, or everyone in a channel post's audience.
func RunResults(ctx context.Context, src CheckinReader, r CheckinRun) (SurveyResults, error) {
	answers, err := src.Answers(ctx, r.ID)
	if err != nil {
		return SurveyResults{}, err
	}
	recips, err := src.Recipients(ctx, r.ID)
	if err != nil {
		return SurveyResults{}, err
	}
	names := map[string]string{}
	delivered := 0
	for _, rc := range recips {
		names[rc.Member] = rc.Name
		if rc.Status == RecipientSent || r.Delivery == DeliverChannel {
			delivered++
		}
	}
	return ComputeResults(r, delivered, answers, names), nil
}

// PreviousRun is the survey's latest closed run opened before r, or nil.
func PreviousRun(ctx context.Context, src CheckinReader, r CheckinRun) (*CheckinRun, error) {
	runs, err := src.CheckinRuns(ctx, r.Community, RunQuery{Survey: r.Survey.Name, Closed: true})
	if err != nil {
		return nil, err
	}
	for _, p := range runs {
		if p.ID != r.ID && (p.OpenedAt.Before(r.OpenedAt) || (p.OpenedAt.Equal(r.OpenedAt) && p.ID < r.ID)) {
			return &p, nil
		}
	}
	return nil, nil
}

// RunResultsWithPrevious computes a run's results and, for the trend, its
// survey's previous closed run's (nil when there is none, or when the two
// are not Comparable).
func RunResultsWithPrevious(ctx context.Context, src CheckinReader, r CheckinRun) (SurveyResults, *SurveyResults, error) {
	res, err := RunResults(ctx, src, r)
	if err != nil {
		return SurveyResults{}, nil, err
	}
	prev, err := PreviousRun(ctx, src, r)
	if err != nil || prev == nil {
		return res, nil, err
	}
	pres, err := RunResults(ctx, src, *prev)
	if err != nil {
		return SurveyResults{}, nil, err
	}
	if !Comparable(res, pres) {
		return res, nil, nil
	}
	return res, &pres, nil
}
