package checkins_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot/checkins"
)

// TestResultsShowAFewAnswersAndFileTheRest: a run with many long written
// answers shows the first few in chat, clipped, says how many more, and the
// document holds every answer whole.
func TestResultsShowAFewAnswersAndFileTheRest(t *testing.T) {
	long := strings.Repeat("word ", 200) // 1,000 characters
	var texts []checkins.TextAnswer
	for i := range 12 {
		texts = append(texts, checkins.TextAnswer{Respondent: fmt.Sprintf("m%02d", i), Text: fmt.Sprintf("answer %02d %s", i, long)})
	}
	s := checkins.Survey{Name: "reflection", Title: "Reflection"}
	r := checkins.SurveyResults{Run: 3, Respondents: 12, Delivered: 20, ResponseRate: 0.6,
		Questions: []checkins.QuestionResult{{ID: "learned", Kind: checkins.QuestionText, Prompt: "What did you learn?", Answered: 12, Texts: texts}}}
	text, omitted := checkins.FormatResultsShort(s, r, nil, checkins.ChatTexts)
	if omitted != 7 || !strings.Contains(text, "answer 04") || strings.Contains(text, "answer 05") || !strings.Contains(text, "_…and 7 more answers._") {
		t.Errorf("omitted %d:\n%s", omitted, text)
	}
	if len(text) > 5*320+500 {
		t.Errorf("the chat text is %d characters: answers are not clipped", len(text))
	}
	doc := checkins.ResultsMarkdown(s, r)
	for i := range 12 {
		if !strings.Contains(doc, fmt.Sprintf("- **m%02d**: answer %02d %s", i, i, strings.TrimSpace(long))) {
			t.Fatalf("the document lacks answer %d whole:\n%.300s", i, doc)
		}
	}
	if all, n := checkins.FormatResultsShort(s, r, nil, 0); n != 0 || !strings.Contains(all, "answer 11") {
		t.Errorf("with no limit %d were left out", n)
	}
}
