package meetings_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/memstore"
)

// TestTwoInstancesDMEachMemberOnce: an event's reminders and attendance
// question run on two Hearths on one store at once, each twice (a firing
// run again); a cancellation comes from two facilitators on the two at
// once. Every member going gets each DM once, from one of them.
func TestTwoInstancesDMEachMemberOnce(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	other, otherChat := r.Instance()
	if reply := r.CarolSays(`event add "Show & tell" "2026-11-10 16:00" 60m`); reply.Code != "" {
		t.Fatalf("add: %+v", reply)
	}
	if reply := r.CarolSays(`event add "Reading group" "2026-11-12 16:00" 60m`); reply.Code != "" {
		t.Fatalf("add: %+v", reply)
	}
	going := []string{"alice", "bob", "dave"}
	for _, m := range going {
		r.Click(m, meetings.ActionEventRSVP, "1:going", r.Clock.Now())
		r.Click(m, meetings.ActionEventRSVP, "2:going", r.Clock.Now())
	}
	cores := []*bot.Bot{r.Bot, r.Bot, other, other}
	for _, kind := range []bot.ScheduleKind{meetings.ScheduleEventRemind, meetings.ScheduleEventEnd} {
		for _, sc := range r.Schedules(kind) {
			if sc.Payload != "1" {
				continue
			}
			at := onceAt(t, sc)
			r.Clock.Set(at)
			var wg sync.WaitGroup
			for _, core := range cores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := core.RunSchedule(ctx, sc, at); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
	}
	var wg sync.WaitGroup
	for _, core := range cores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			core.HandleCommand(ctx, bot.Command{Community: community, Channel: "general", Member: "carol", Text: "event cancel 2", At: r.Clock.Now()})
		}()
	}
	wg.Wait()
	for _, m := range going {
		var reminders, asked, cancelled int
		for _, c := range []*bottest.Chat{r.Chat, otherChat} {
			for _, dm := range c.DMsTo(m) {
				switch {
				case strings.Contains(dm.Text, "Reminder"):
					reminders++
				case strings.Contains(dm.Text, "Did you make it"):
					asked++
				case strings.Contains(dm.Text, "is cancelled"):
					cancelled++
				}
			}
		}
		if reminders != 2 || asked != 1 || cancelled != 1 {
			t.Errorf("%s got %d reminders, %d attendance questions, %d cancellations; want 2, 1, 1", m, reminders, asked, cancelled)
		}
	}
}

// staleEvents reads every event as not cancelled, as a second Hearth does
// that reads the event just before the first one's cancellation commits.
type staleEvents struct{ *memstore.Store }

func (s staleEvents) CommunityEvent(ctx context.Context, community string, id int64) (meetings.CommunityEvent, error) {
	e, err := s.Store.CommunityEvent(ctx, community, id)
	e.CancelledAt = time.Time{}
	return e, err
}

// TestCancellationsRacingTellEachMemberOnce: two facilitators cancel an
// event at once, each Hearth reading it before the other's cancellation:
// both go on to tell the members, and each member is told once.
func TestCancellationsRacingTellEachMemberOnce(t *testing.T) {
	r := bottest.NewWith(t, bottest.Config{Store: func(s *memstore.Store) features.Store { return staleEvents{s} }})
	r.AddMembers(bottest.Cast...)
	if reply := r.CarolSays(`event add "Reading group" "2026-11-12 16:00" 60m`); reply.Code != "" {
		t.Fatalf("add: %+v", reply)
	}
	r.Click("alice", meetings.ActionEventRSVP, "1:going", r.Clock.Now())
	r.Click("bob", meetings.ActionEventRSVP, "1:maybe", r.Clock.Now())
	for range 2 {
		if reply := r.CarolSays("event cancel 1"); !strings.Contains(reply.Text, "is cancelled") {
			t.Fatalf("cancel: %+v", reply)
		}
	}
	for _, m := range []string{"alice", "bob"} {
		told := 0
		for _, dm := range r.Chat.DMsTo(m) {
			if strings.Contains(dm.Text, "is cancelled") {
				told++
			}
		}
		if told != 1 {
			t.Errorf("%s was told of the cancellation %d times; want 1", m, told)
		}
	}
}
