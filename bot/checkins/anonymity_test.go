package checkins_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/checkins"
)

// teamSurvey is an anonymous survey of a scale and a free-text question;
// min is its min_respondents (0: the default).
func teamSurvey(t *testing.T, anonymous bool, min int) checkins.Survey {
	t.Helper()
	s := checkins.Survey{Name: "team", Title: "Team", Questions: []checkins.Question{
		{ID: "energy", Kind: checkins.QuestionScale, Prompt: "Energy?"},
		{ID: "note", Kind: checkins.QuestionText, Prompt: "Anything else?", Optional: true},
	}, Settings: checkins.SurveySettings{Anonymous: anonymous, MinRespondents: min}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

var fiveMembers = []string{"alice", "bob", "carol", "dave", "erin"}

// addRun stores a run of s opened at at and closing a day later, sent to
// five members, answered by the first n of them (scale 1+i, text
// "note i"), and returns its id. The respondents of an anonymous run are
// opaque tokens, filed in the reverse of the order they answered.
func addRun(t *testing.T, r *bottest.Rig, s checkins.Survey, n int, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	run := checkins.CheckinRun{Community: bottest.Community, Survey: s, Delivery: checkins.DeliverDM, Anonymous: s.Settings.Anonymous,
		StartedBy: "carol", OpenedAt: at, ClosesAt: at.Add(24 * time.Hour)}
	id, err := r.Store.CreateRun(ctx, run, fiveMembers)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fiveMembers {
		if err := r.Store.SetRecipient(ctx, id, checkins.Recipient{Member: m, Status: checkins.RecipientSent, SentAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		who := fiveMembers[i]
		if s.Settings.Anonymous {
			who = fmt.Sprintf("anon:%02d", 99-i)
		}
		if err := r.Store.SaveAnswers(ctx, id, who, map[string]string{"energy": fmt.Sprint(1 + i), "note": fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// TestAnonymousResultsNeedTheMinimumEverywhere: one and two respondents to
// an anonymous run are withheld in every output, three are shown, an
// attributed run is shown with one, and a survey asking for five gets it.
func TestAnonymousResultsNeedTheMinimumEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name        string
		anonymous   bool
		min, answer int
		shown       bool
	}{
		{"anonymous, 1 respondent", true, 0, 1, false},
		{"anonymous, 2 respondents", true, 0, 2, false},
		{"anonymous, 3 respondents", true, 0, 3, true},
		{"attributed, 1 respondent", false, 0, 1, true},
		{"asks for 5, 4 respondents", true, 5, 4, false},
		{"asks for 5, 5 respondents", true, 5, 5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			r := bottest.NewCommunity(t)
			s := teamSurvey(t, tc.anonymous, tc.min)
			if err := r.Store.SaveSurvey(ctx, bottest.Community, s, t0); err != nil {
				t.Fatal(err)
			}
			id := addRun(t, r, s, tc.answer, t0)
			count := fmt.Sprintf("%d of 5 answered", tc.answer)
			// check says whether text shows the answers or says they are
			// withheld, with the count either way.
			check := func(where, text string) {
				t.Helper()
				answers := strings.Contains(text, "mean ") || strings.Contains(text, "note 0")
				withheld := strings.Contains(text, "ithheld")
				if answers != tc.shown || withheld == tc.shown {
					t.Errorf("%s: shown %v, withheld %v, want shown %v:\n%s", where, answers, withheld, tc.shown, text)
				}
			}

			closing := r.CarolSays(fmt.Sprintf("checkin close %d", id))
			if closing.Code != "" {
				t.Fatalf("close: %+v", closing)
			}
			dms := r.Chat.DMsTo("carol")
			post := dms[len(dms)-1].Text
			check("the results post at close", post)
			if !strings.Contains(post, count) {
				t.Errorf("the results post lacks the count %q:\n%s", count, post)
			}
			reply := r.CarolSays(fmt.Sprintf("checkin results team %d", id))
			check("checkin results", reply.Text)

			mod := checkins.New(r.Bot, r.Store)
			week := bot.DocumentQuery{Community: bottest.Community, From: t0, To: t0.Add(7 * 24 * time.Hour), Location: time.UTC}
			digest, err := mod.DigestSection(ctx, week)
			if err != nil || len(digest.Items) != 1 {
				t.Fatalf("digest: %+v, %v", digest, err)
			}
			check("the digest", digest.Items[0])
			check("the digest's data", jsonOf(t, digest.Value))

			impact, err := mod.ImpactSections(ctx, week)
			if err != nil || len(impact) != 1 {
				t.Fatalf("impact: %+v, %v", impact, err)
			}
			cs := impact[0].Value.([]checkins.ImpactCheckin)
			if len(cs) != 1 || (cs[0].FirstMean != nil) != tc.shown || (len(cs[0].Trend) == 1) != tc.shown || (cs[0].Withheld == 1) == tc.shown {
				t.Errorf("impact: %+v", cs)
			}
			md := impact[0].Markdown(nil)
			if strings.Contains(md, "went from") != tc.shown || strings.Contains(md, "withheld") == tc.shown {
				t.Errorf("impact report:\n%s", md)
			}

			sum, err := mod.RunSummary(ctx, bottest.Community, id)
			if err != nil || sum.Respondents != tc.answer || (sum.Mean != nil) != tc.shown {
				t.Errorf("run summary: %+v, %v", sum, err)
			}

			run, _ := r.Store.CheckinRun(ctx, bottest.Community, id)
			res, err := checkins.RunResults(ctx, r.Store, run)
			if err != nil {
				t.Fatal(err)
			}
			check("the results as JSON", jsonOf(t, res))
			if res.Respondents != tc.answer {
				t.Errorf("the results hide the count: %+v", res)
			}
			answers, _ := r.Store.Answers(ctx, id)
			if got := checkins.PublishableAnswers(run, answers); (len(got) > 0) != tc.shown {
				t.Errorf("exported answers: %+v", got)
			}
			if len(answers) != tc.answer*2 {
				t.Errorf("withheld answers were not kept: %+v", answers)
			}
		})
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	// "mean" is a field name: only a value shows an answer.
	return strings.ReplaceAll(strings.ReplaceAll(string(b), `"mean":`, "mean "), `"first_mean":`, "mean ")
}

// TestOpenAnonymousRunShowsOnlyItsCount: interim results of an anonymous
// run would isolate the answers given between two looks, so they wait for
// the close, however many answered.
func TestOpenAnonymousRunShowsOnlyItsCount(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	s := teamSurvey(t, true, 0)
	_ = r.Store.SaveSurvey(ctx, bottest.Community, s, t0)
	id := addRun(t, r, s, 4, t0)
	reply := r.CarolSays(fmt.Sprintf("checkin results team %d", id))
	if !strings.Contains(reply.Text, "4 of 5 answered") || !strings.Contains(reply.Text, "appear when the check-in closes") || strings.Contains(reply.Text, "mean") {
		t.Errorf("interim results of an open anonymous run:\n%s", reply.Text)
	}
	digest, _ := checkins.New(r.Bot, r.Store).DigestSection(ctx, bot.DocumentQuery{Community: bottest.Community, From: t0, To: t0.Add(time.Hour), Location: time.UTC})
	if len(digest.Items) != 1 || !strings.Contains(digest.Items[0], "results at the close") || strings.Contains(digest.Items[0], "mean") {
		t.Errorf("digest of an open anonymous run: %+v", digest.Items)
	}
}

// TestAnonymousQuestionBelowTheMinimum: in a run that reached the minimum,
// a question fewer answered shows its count only; written answers show in
// the order of their text.
func TestAnonymousQuestionBelowTheMinimum(t *testing.T) {
	s := teamSurvey(t, true, 0)
	run := checkins.CheckinRun{ID: 1, Survey: s, Anonymous: true, ClosedAt: t0}
	answers := []checkins.SurveyAnswer{
		{Respondent: "anon:a", Question: "energy", Value: "2"}, {Respondent: "anon:a", Question: "note", Value: "zebra"},
		{Respondent: "anon:b", Question: "energy", Value: "4"}, {Respondent: "anon:b", Question: "note", Value: "apple"},
		{Respondent: "anon:c", Question: "energy", Value: "3"},
	}
	res := checkins.ComputeResults(run, 5, answers, nil)
	if res.Withheld != "" || res.Questions[0].Mean == nil || *res.Questions[0].Mean != 3 {
		t.Fatalf("a run that reached the minimum: %+v", res)
	}
	if q := res.Questions[1]; q.Texts != nil || q.Withheld == "" || q.Answered != 2 {
		t.Errorf("a question 2 answered: %+v", q)
	}
	text := checkins.FormatResults(s, res, nil)
	if strings.Contains(text, "zebra") || !strings.Contains(text, "2. Anything else?** (2 answers)\n_withheld: fewer than 3 answered this question_") {
		t.Errorf("results:\n%s", text)
	}
	if doc := checkins.ResultsMarkdown(s, res); strings.Contains(doc, "apple") {
		t.Errorf("the document shows a withheld question:\n%s", doc)
	}
	if got := checkins.PublishableAnswers(run, answers); len(got) != 3 {
		t.Errorf("exported answers: %+v", got)
	}

	answers = append(answers, checkins.SurveyAnswer{Respondent: "anon:0", Question: "note", Value: "mango"})
	res = checkins.ComputeResults(run, 5, answers, nil)
	var texts []string
	for _, t := range res.Questions[1].Texts {
		texts = append(texts, t.Text)
	}
	if strings.Join(texts, ",") != "apple,mango,zebra" {
		t.Errorf("written answers in the order %q, not by text", texts)
	}
	got := checkins.PublishableAnswers(run, answers)
	var rows []string
	for _, a := range got {
		rows = append(rows, a.Respondent+" "+a.Question+" "+a.Value)
	}
	// Respondents are labelled by their answers, not their tokens (anon:0
	// sorts first) nor the order they came in.
	want := "r1 energy 2|r1 note zebra|r2 energy 3|r3 energy 4|r3 note apple|r4 note mango"
	if strings.Join(rows, "|") != want {
		t.Errorf("exported answers:\n%s\nwant:\n%s", strings.Join(rows, "|"), want)
	}
}

// TestTrendComparesRunsThatBothReachedTheMinimum: the mean's change shows
// only between two runs both shown.
func TestTrendComparesRunsThatBothReachedTheMinimum(t *testing.T) {
	for _, tc := range []struct {
		prev, cur int
		trend     bool
	}{{2, 3, false}, {3, 2, false}, {3, 4, true}} {
		t.Run(fmt.Sprintf("%d then %d", tc.prev, tc.cur), func(t *testing.T) {
			ctx := context.Background()
			r := bottest.NewCommunity(t)
			s := teamSurvey(t, true, 0)
			_ = r.Store.SaveSurvey(ctx, bottest.Community, s, t0)
			first := addRun(t, r, s, tc.prev, t0)
			second := addRun(t, r, s, tc.cur, t0.Add(7*24*time.Hour))
			for i, id := range []int64{first, second} {
				if _, err := r.Store.CloseRun(ctx, id, t0.Add(time.Duration(7*i+1)*24*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			reply := r.CarolSays(fmt.Sprintf("checkin results team %d", second))
			if got := strings.Contains(reply.Text, "▲") || strings.Contains(reply.Text, "▼") || strings.Contains(reply.Text, "(="); got != tc.trend {
				t.Errorf("trend shown %v, want %v:\n%s", got, tc.trend, reply.Text)
			}
			digest, _ := checkins.New(r.Bot, r.Store).DigestSection(ctx, bot.DocumentQuery{Community: bottest.Community, From: t0.Add(7 * 24 * time.Hour), To: t0.Add(14 * 24 * time.Hour), Location: time.UTC})
			if len(digest.Items) != 1 || (strings.Contains(digest.Items[0], "▲") || strings.Contains(digest.Items[0], "▼") || strings.Contains(digest.Items[0], "(=")) != tc.trend {
				t.Errorf("digest: %+v", digest.Items)
			}
		})
	}
}

func TestSurveyMinRespondentsNeverFewer(t *testing.T) {
	for _, tc := range []struct {
		min, want int
		ok        bool
	}{{0, 3, true}, {3, 3, true}, {5, 5, true}, {2, 0, false}, {1, 0, false}, {-1, 0, false}, {checkins.MaxMinRespondents + 1, 0, false}} {
		s := checkins.Survey{Name: "x", Questions: []checkins.Question{{Kind: checkins.QuestionYesNo, Prompt: "OK?"}},
			Settings: checkins.SurveySettings{Anonymous: true, MinRespondents: tc.min}}
		err := s.Validate()
		if (err == nil) != tc.ok || (tc.ok && s.MinRespondents() != tc.want) {
			t.Errorf("min_respondents %d: %v, minimum %d", tc.min, err, s.MinRespondents())
		}
	}
}
