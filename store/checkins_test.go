package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/store"
	"github.com/hearth-community/hearth/store/storetest"
)

// TestCheckinsSurviveRestart closes the database and opens the file again:
// runs, recipients and answers are all there.
func TestCheckinsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	db, path := openDB(t)
	saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: community}, At: at(0, 0),
		Members: []bot.Member{{ID: "U1", Name: "Ann"}, {ID: "U2", Name: "Bob"}}})
	anon := storetest.DMRun(t, community, "health", at(1, 0))
	anon.Anonymous, anon.Salt, anon.Schedule, anon.StartedBy = true, []byte("salt"), 3, ""
	anon = createRun(t, db, anon, "U1", "U2")
	done := createRun(t, db, storetest.DMRun(t, community, "pulse", at(0, 0)), "U2")
	steps := []error{
		db.SetRecipient(ctx, anon.ID, checkins.Recipient{Member: "U1", Status: checkins.RecipientSent, SentAt: at(1, 0.1), Awaiting: "more"}),
		db.SaveAnswers(ctx, anon.ID, "tok-b", map[string]string{"energy": "3", "more": "ok"}),
		db.SaveAnswers(ctx, done.ID, "U2", map[string]string{"energy": "5"}),
		db.MarkReminded(ctx, anon.ID, at(2, 0)),
	}
	if err := errors.Join(steps...); err != nil {
		t.Fatal(err)
	}
	if ok, err := db.CloseRun(ctx, done.ID, at(1, 0)); !ok || err != nil {
		t.Fatalf("CloseRun = %v, %v", ok, err)
	}
	type snapshot struct {
		Runs       []checkins.CheckinRun
		Recipients [][]checkins.Recipient
		Answers    [][]checkins.SurveyAnswer
		Open       []checkins.CheckinRun
	}
	take := func(db *store.DB) snapshot {
		var s snapshot
		var err error
		if s.Runs, err = db.CheckinRuns(ctx, community, checkins.RunQuery{}); err != nil {
			t.Fatal(err)
		}
		if s.Open, err = db.OpenRunsFor(ctx, community, "U1"); err != nil {
			t.Fatal(err)
		}
		for _, r := range s.Runs {
			s.Recipients = append(s.Recipients, get(t, db.Recipients, ctx, r.ID))
			s.Answers = append(s.Answers, get(t, db.Answers, ctx, r.ID))
		}
		return s
	}
	before := take(db)
	if len(before.Runs) != 2 || string(before.Runs[0].Salt) != "salt" || len(before.Answers[0]) != 2 ||
		before.Recipients[0][0].Awaiting != "more" || len(before.Open) != 1 {
		t.Fatalf("before the restart: %+v", before)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if after := take(again); !reflect.DeepEqual(after, before) {
		t.Errorf("after the restart:\n %+v\nbefore:\n %+v", after, before)
	}
	// New runs keep counting.
	if next := createRun(t, again, storetest.DMRun(t, community, "pulse", at(3, 0))); next.ID != 3 {
		t.Errorf("the next run after the restart is #%d, want #3", next.ID)
	}
}

// createRun stores a run and returns it with its id.
func createRun(t *testing.T, db *store.DB, r checkins.CheckinRun, recipients ...string) checkins.CheckinRun {
	t.Helper()
	id, err := db.CreateRun(context.Background(), r, recipients)
	if err != nil {
		t.Fatalf("CreateRun: %v", err)
	}
	r.ID = id
	return r
}

// get calls a read of a run and fails the test on an error.
func get[T any](t *testing.T, read func(context.Context, int64) (T, error), ctx context.Context, run int64) T {
	t.Helper()
	v, err := read(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
