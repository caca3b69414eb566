package meetings_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/meetings"
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
