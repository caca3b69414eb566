package checkins_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/checkins"
)

// TestTwoInstancesRemindEachMemberOnce: a check-in's reminder runs again
// after a failure, and on two Hearths on one store at once: every member
// who has not answered gets it once, from one of them.
func TestTwoInstancesRemindEachMemberOnce(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	other, otherChat := r.Instance()
	pulse := checkins.SurveyTemplates()[0]
	id, err := r.Store.CreateRun(ctx, checkins.CheckinRun{Community: community, Survey: pulse, Delivery: checkins.DeliverDM,
		OpenedAt: t0, ClosesAt: t0.Add(48 * time.Hour)}, []string{"alice", "bob", "dave"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"alice", "bob", "dave"} {
		if err := r.Store.SetRecipient(ctx, id, checkins.Recipient{Member: m, Status: checkins.RecipientSent, SentAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	r.Click("alice", checkins.ActionCheckinAnswer, "1:value:4", t0)
	at := t0.Add(36 * time.Hour)
	r.Clock.Set(at)
	s := bot.Schedule{ID: 7, Community: community, Kind: checkins.ScheduleCheckinRemind, Payload: "1"}
	// The first run fails after the DMs (the store, marking the run
	// reminded), as a Hearth that dies half way would: the run is
	// done again, by another instance, then on both at once.
	r.Store.Inject(func(method string) error {
		if method == "MarkReminded" {
			return errors.New("disk full")
		}
		return nil
	})
	if err := r.Bot.RunSchedule(ctx, s, at); err == nil {
		t.Fatal("the failing reminder run: no error")
	}
	r.Store.Inject(nil)
	var wg sync.WaitGroup
	for _, core := range []*bot.Bot{r.Bot, other, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := core.RunSchedule(ctx, s, at); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for m, want := range map[string]int{"alice": 0, "bob": 1, "dave": 1} {
		got := 0
		for _, c := range []*bottest.Chat{r.Chat, otherChat} {
			for _, dm := range c.DMsTo(m) {
				if strings.Contains(dm.Text, "Reminder") {
					got++
				}
			}
		}
		if got != want {
			t.Errorf("%s got %d reminders from two instances; want %d", m, got, want)
		}
	}
}
