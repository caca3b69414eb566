package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/checkins"
)

var surveyTests = []test{
	{name: "SurveysRoundTrip", run: testSurveysRoundTrip},
	{name: "SurveyMinimumRoundTrip", run: testSurveyMinimumRoundTrip},
}

func testSurveysRoundTrip(t *testing.T, db Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	s := checkins.Survey{Name: "team-health", Title: "Team health", Questions: []checkins.Question{
		{ID: "energy", Kind: checkins.QuestionScale, Prompt: "Energy?", Min: 1, Max: 5, MinLabel: "low", MaxLabel: "high"},
		{Kind: checkins.QuestionSingle, Prompt: "Pick", Choices: []string{"a", "b"}},
	}, Settings: checkins.SurveySettings{Anonymous: true, Window: 72 * time.Hour}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSurvey(ctx, "slack:T1", s, at); err != nil {
		t.Fatal(err)
	}
	s.Title = "Team health, v2"
	if err := db.SaveSurvey(ctx, "slack:T1", s, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := db.Surveys(ctx, "slack:T1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "Team health, v2" || got[0].Settings.Window != 72*time.Hour ||
		!got[0].Settings.Anonymous || got[0].Questions[1].ID != "q2" || got[0].Questions[0].MaxLabel != "high" {
		t.Errorf("surveys = %+v", got)
	}
	if other, err := db.Surveys(ctx, "discord:1"); err != nil || len(other) != 0 {
		t.Errorf("another community sees %+v, %v", other, err)
	}
}
