package memstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/memstore"
	"github.com/hearth-community/hearth/bot/prompts"
)

// The store's behaviour is tested by the store suite (store/storetest,
// run from package store); these test what only tests use.

var t0 = time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)

func TestSeedAndInspect(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(bot.NewManualClock(t0))
	if err := s.AddMembers("shell:local", bot.Member{ID: "ada", Name: "Ada"}, bot.Member{ID: "bo", Name: "Bo"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddChannels("shell:local", bot.Channel{ID: "C1", Name: "general"}); err != nil {
		t.Fatal(err)
	}
	if m, err := s.Member(ctx, "shell:local", "ada"); err != nil || m.Name != "Ada" {
		t.Errorf("Member = %+v, %v", m, err)
	}
	if ch, err := s.FindChannel(ctx, "shell:local", "#General"); err != nil || ch.ID != "C1" {
		t.Errorf("FindChannel = %+v, %v", ch, err)
	}
	e := bot.Event{Kind: bot.KindMessage, Community: "shell:local", Channel: "C1", Member: "ada", At: t0.Add(time.Hour), Key: "m1", Message: "m1"}
	fromBot := e
	fromBot.IsBot, fromBot.Key = true, "m2"
	if n, err := s.Record(ctx, e, e, fromBot); err != nil || n != 1 {
		t.Errorf("Record = %d, %v; want 1", n, err)
	}
	if got := s.Events(); len(got) != 2 || got[0].Key != "m1" {
		t.Errorf("Events = %+v; want m1 twice (the bot's left out)", got)
	}
	q := bot.ReportQuery{Community: "shell:local", From: t0, To: t0.Add(24 * time.Hour)}
	rep, err := s.Report(ctx, q)
	if err != nil || rep.Members.Total != 2 || rep.Members.New != 0 || rep.Activity.Messages != 1 {
		t.Errorf("Report = %+v, %v; want 2 members there before Hearth, 1 message", rep, err)
	}
	if qs := s.ReportQueries(); len(qs) != 1 || qs[0] != q {
		t.Errorf("ReportQueries = %+v", qs)
	}
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(nil)
	boom := errors.New("boom")
	s.FailWith(boom)
	if _, err := s.Record(ctx, bot.Event{Kind: bot.KindMessage, Community: "c:1", Member: "m", At: t0, Key: "k"}); !errors.Is(err, boom) {
		t.Errorf("Record: %v, want boom", err)
	}
	if _, err := s.Schedules(ctx, ""); !errors.Is(err, boom) {
		t.Errorf("Schedules: %v, want boom", err)
	}
	s.Inject(func(method string) error {
		if method == "ClaimFiring" {
			return boom
		}
		return nil
	})
	id, err := s.AddSchedule(ctx, bot.Schedule{Community: "c:1", Kind: prompts.SchedulePrompt, Spec: "@daily"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimFiring(ctx, bot.Firing{Schedule: id, At: t0}); !errors.Is(err, boom) {
		t.Errorf("ClaimFiring: %v, want boom", err)
	}
	s.FailWith(nil)
	if ok, err := s.ClaimFiring(ctx, bot.Firing{Schedule: id, At: t0}); !ok || err != nil {
		t.Errorf("ClaimFiring after FailWith(nil): %v, %v", ok, err)
	}
}
