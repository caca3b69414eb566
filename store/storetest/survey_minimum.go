package storetest

import (
	"context"
	"testing"
	"time"
)

// testSurveyMinimumRoundTrip: a survey's min_respondents survives storing
// the survey and a run of it, past the run's close: anonymous results are
// withheld by the minimum the run started with.
func testSurveyMinimumRoundTrip(t *testing.T, db Store) {
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	s := testSurvey(t, "team")
	s.Settings.MinRespondents = 5
	if err := db.SaveSurvey(ctx, "slack:T1", s, at); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Surveys(ctx, "slack:T1"); err != nil || len(got) != 1 || got[0].MinRespondents() != 5 {
		t.Errorf("stored survey: %+v, %v", got, err)
	}
	r := dmRun(t, "slack:T1", "team", at)
	r.Survey, r.Anonymous = s, true
	r = createRun(t, db, r, "U1")
	if _, err := db.CloseRun(ctx, r.ID, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, err := db.CheckinRun(ctx, "slack:T1", r.ID); err != nil || got.Survey.MinRespondents() != 5 {
		t.Errorf("closed run: %+v, %v", got.Survey.Settings, err)
	}
}
