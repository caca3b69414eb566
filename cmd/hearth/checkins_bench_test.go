package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/store"
)

// nullChat accepts every post: the benchmarks measure Hearth, not a platform.
type nullChat struct{}

func (nullChat) Post(context.Context, bot.Destination, bot.Post) (bot.PostRef, error) {
	return bot.PostRef{ID: "p"}, nil
}

// benchCheckin starts a pulse for n members on a real database and
// returns the core, the store and the run's members.
func benchCheckin(b *testing.B, n int) (*bot.Bot, *store.DB, []string) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	dir := bot.Directory{Community: bot.Community{ID: "shell:local", Platform: bot.Shell}, At: at}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("m%05d", i)
		dir.Members = append(dir.Members, bot.Member{ID: ids[i], Name: ids[i]})
	}
	if err := db.SaveDirectory(ctx, dir); err != nil {
		b.Fatal(err)
	}
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(at), Facilitators: []string{"m00000"}})
	if err == nil {
		err = features.Register(core, db)
	}
	if err != nil {
		b.Fatal(err)
	}
	core.AttachChat(bot.Shell, nullChat{})
	if r := core.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "m00000", Text: "checkin start pulse", At: at}); r.Code != "" {
		b.Fatalf("start: %+v", r)
	}
	return core, db, ids
}

// BenchmarkCheckinStart: a pulse to 2,000 members, from the command to the
// last DM handed to the (instant) chat.
func BenchmarkCheckinStart(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		ctx := context.Background()
		db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		dir := bot.Directory{Community: bot.Community{ID: "shell:local", Platform: bot.Shell}, At: at}
		for i := range 2000 {
			dir.Members = append(dir.Members, bot.Member{ID: fmt.Sprintf("m%05d", i), Name: fmt.Sprintf("m%05d", i)})
		}
		if err := db.SaveDirectory(ctx, dir); err != nil {
			b.Fatal(err)
		}
		core, _ := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(at), Facilitators: []string{"m00000"}})
		if err := features.Register(core, db); err != nil {
			b.Fatal(err)
		}
		core.AttachChat(bot.Shell, nullChat{})
		b.StartTimer()
		if r := core.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "m00000", Text: "checkin start pulse", At: at}); r.Code != "" {
			b.Fatalf("start: %+v", r)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(2000, "dms/op")
}

// BenchmarkCheckinAnswer: one member's click on a run of 2,000 members of
// whom most have answered already.
func BenchmarkCheckinAnswer(b *testing.B) {
	core, _, ids := benchCheckin(b, 2000)
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, id := range ids[:1500] {
		core.HandleAction(ctx, bot.Action{Community: "shell:local", Member: id, ActionID: checkins.ActionCheckinAnswer, Value: "1:value:4", At: at})
	}
	i := 0
	for b.Loop() {
		r := core.HandleAction(ctx, bot.Action{Community: "shell:local", Member: ids[i%len(ids)], ActionID: checkins.ActionCheckinAnswer,
			Value: fmt.Sprintf("1:value:%d", 1+i%5), At: at})
		if r.Code != "" {
			b.Fatalf("answer: %+v", r)
		}
		i++
	}
}

// BenchmarkCheckinResults: the results of a run of 2,000 members, all of
// whom answered the three questions.
func BenchmarkCheckinResults(b *testing.B) {
	core, db, ids := benchCheckin(b, 2000)
	ctx := context.Background()
	run, err := db.CheckinRun(ctx, "shell:local", 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, id := range ids {
		if err := db.SaveAnswers(ctx, 1, id, map[string]string{"value": "4", "learned": "pairing", "help": "retros"}); err != nil {
			b.Fatal(err)
		}
	}
	_ = core
	for b.Loop() {
		if _, err := checkins.RunResults(ctx, db, run); err != nil {
			b.Fatal(err)
		}
	}
}
