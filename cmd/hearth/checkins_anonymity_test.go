package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/store"
)

// TestCheckinsExportWithholdsSmallAnonymousRuns: `hearth checkins` (text,
// JSON, CSV and chart) shows an anonymous run's answers only from its
// survey's minimum of respondents, and an attributed run's always.
func TestCheckinsExportWithholdsSmallAnonymousRuns(t *testing.T) {
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
			path := exportFixture(t, tc.anonymous, tc.min, tc.answer)
			export := func(args ...string) string {
				t.Helper()
				e, stdout, _ := testEnv("", map[string]string{})
				if err := run(context.Background(), append([]string{"checkins", "--db", path, "--survey", "team"}, args...), e); err != nil {
					if !tc.shown && strings.Contains(err.Error(), "no scale question with answers") {
						return "withheld"
					}
					t.Fatalf("checkins %v: %v", args, err)
				}
				return stdout.String()
			}
			text := export()
			if strings.Contains(text, "mean ") != tc.shown || strings.Contains(text, "note 0") != tc.shown ||
				strings.Contains(text, "Withheld") == tc.shown || !strings.Contains(text, fmt.Sprintf("%d of 5 answered", tc.answer)) {
				t.Errorf("text:\n%s", text)
			}
			var doc struct{ Runs []checkins.SurveyResults }
			if err := json.Unmarshal([]byte(export("--format", "json")), &doc); err != nil || len(doc.Runs) != 1 {
				t.Fatalf("json: %v %+v", err, doc)
			}
			res := doc.Runs[0]
			if (res.Questions[0].Mean != nil) != tc.shown || (res.Questions[1].Texts != nil) != tc.shown || (res.Withheld == "") != tc.shown || res.Respondents != tc.answer {
				t.Errorf("json: %+v", res)
			}
			csv := export("--format", "csv")
			if rows := strings.Count(csv, "\n") - 1; (rows == 2*tc.answer) != tc.shown || (rows == 0) == tc.shown {
				t.Errorf("csv has %d rows:\n%s", rows, csv)
			}
			if tc.anonymous && strings.Contains(csv, "anon:") {
				t.Errorf("csv shows respondent tokens:\n%s", csv)
			}
			chart := export("--chart", filepath.Join(t.TempDir(), "c.png"))
			if (chart != "withheld") != tc.shown {
				t.Errorf("chart of a run shown %v: %q", tc.shown, chart)
			}
		})
	}
}

// exportFixture is a database with one closed run of survey "team" (a
// scale and a free-text question) sent to five members, n of whom
// answered.
func exportFixture(t *testing.T, anonymous bool, min, n int) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hearth.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	members := []string{"alice", "bob", "carol", "dave", "erin"}
	dir := bot.Directory{Community: bot.Community{ID: "shell:local", Platform: bot.Shell}, At: at}
	for _, m := range members {
		dir.Members = append(dir.Members, bot.Member{ID: m, Name: m})
	}
	if err := db.SaveDirectory(ctx, dir); err != nil {
		t.Fatal(err)
	}
	s := checkins.Survey{Name: "team", Questions: []checkins.Question{
		{ID: "energy", Kind: checkins.QuestionScale, Prompt: "Energy?"},
		{ID: "note", Kind: checkins.QuestionText, Prompt: "Anything else?"},
	}, Settings: checkins.SurveySettings{Anonymous: anonymous, MinRespondents: min}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	id, err := db.CreateRun(ctx, checkins.CheckinRun{Community: "shell:local", Survey: s, Delivery: checkins.DeliverDM, Anonymous: anonymous,
		OpenedAt: at, ClosesAt: at.Add(24 * time.Hour)}, members)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range members {
		if err := db.SetRecipient(ctx, id, checkins.Recipient{Member: m, Status: checkins.RecipientSent, SentAt: at}); err != nil {
			t.Fatal(err)
		}
		if i >= n {
			continue
		}
		who := m
		if anonymous {
			who = fmt.Sprintf("anon:%02d", 99-i)
		}
		if err := db.SaveAnswers(ctx, id, who, map[string]string{"energy": fmt.Sprint(1 + i), "note": fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CloseRun(ctx, id, at.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSurveyFileMinRespondents(t *testing.T) {
	with := func(n string) string {
		return strings.Replace(teamHealth, "      reminder: false\n", "      reminder: false\n      min_respondents: "+n+"\n", 1)
	}
	got, err := parseSurveyFile([]byte(with("5")))
	if err != nil || got[0].Settings.MinRespondents != 5 || got[0].MinRespondents() != 5 {
		t.Fatalf("min_respondents 5: %v %+v", err, got)
	}
	if got, err := parseSurveyFile([]byte(teamHealth)); err != nil || got[0].MinRespondents() != checkins.DefaultMinRespondents {
		t.Fatalf("default: %v %+v", err, got)
	}
	if _, err := parseSurveyFile([]byte(with("2"))); err == nil || !strings.Contains(err.Error(), "never show below 3 respondents") {
		t.Errorf("min_respondents 2: %v", err)
	}
}

// TestPrivacyTextStatesTheMinimum: /hearth privacy and the README state the
// rule with the minimum the code applies.
func TestPrivacyTextStatesTheMinimum(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	n := checkins.DefaultMinRespondents
	if !strings.Contains(members.PrivacyText, fmt.Sprintf("only if at least %d people answered", n)) {
		t.Errorf("/hearth privacy does not state the minimum of %d:\n%s", n, members.PrivacyText)
	}
	for _, want := range []string{fmt.Sprintf("only from %d respondents", n), fmt.Sprintf("closed with at least %d respondents", n), "min_respondents"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
}
