package members_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/members"
)

// dmsTo counts the DMs to member across the chats of several instances.
func dmsTo(member string, chats ...*bottest.Chat) int {
	n := 0
	for _, c := range chats {
		n += len(c.DMsTo(member))
	}
	return n
}

// TestTwoInstancesSendEachNudgeOnce: two Hearths on one store run the same
// nudges' sends at once (their schedules, and the nudge runs that deliver
// what is due): each nudge goes out once, from one of them.
func TestTwoInstancesSendEachNudgeOnce(t *testing.T) {
	ctx := context.Background()
	r, now := newNudgeBot(t)
	other, otherChat := r.Instance()
	r.CarolSays("nudge settings mode=auto")
	var ids []int64
	for _, m := range []string{"alice", "carol"} {
		id, err := r.Store.AddNudge(ctx, members.Nudge{Community: community, Member: m, QueuedAt: now, SendAt: now})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var wg sync.WaitGroup
	for _, core := range []*bot.Bot{r.Bot, other} {
		for range 5 {
			for _, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := bot.Schedule{ID: 100 + id, Community: community, Kind: members.ScheduleNudgeSend, Payload: strconv.FormatInt(id, 10)}
					if err := core.RunSchedule(ctx, s, now); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				core.HandleCommand(ctx, bot.Command{Community: community, Channel: "general", Member: "carol", Text: "nudge run", At: now})
			}()
		}
	}
	wg.Wait()
	for _, m := range []string{"alice", "carol"} {
		if got := dmsTo(m, r.Chat, otherChat); got != 1 {
			t.Errorf("%s got %d nudges from two instances; want 1", m, got)
		}
	}
	for _, id := range ids {
		if n, err := r.Store.Nudge(ctx, community, id); err != nil || n.Status != members.NudgeSent {
			t.Errorf("nudge %d: %+v, %v; want sent", id, n, err)
		}
	}
}

// TestNudgeClaimOfADeadSenderIsTakenOver: a nudge an instance claimed and
// then died with stays with it for NudgeClaimStale, then the next nudge
// run of another instance sends it, once.
func TestNudgeClaimOfADeadSenderIsTakenOver(t *testing.T) {
	ctx := context.Background()
	r, now := newNudgeBot(t)
	other, otherChat := r.Instance()
	r.CarolSays("nudge settings mode=auto")
	id, err := r.Store.AddNudge(ctx, members.Nudge{Community: community, Member: "alice", QueuedAt: now, SendAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := r.Store.ClaimNudge(ctx, community, id, now); !ok || err != nil { // the dead instance's claim
		t.Fatalf("claim: %v, %v", ok, err)
	}
	run := func(at time.Time) string {
		r.Clock.Set(at)
		return other.HandleCommand(ctx, bot.Command{Community: community, Channel: "general", Member: "carol", Text: "nudge run", At: at}).Text
	}
	if reply := run(now.Add(members.NudgeClaimStale - time.Minute)); dmsTo("alice", r.Chat, otherChat) != 0 || !strings.Contains(reply, "nudged recently") {
		t.Fatalf("a fresh claim was taken over: %q", reply)
	}
	run(now.Add(members.NudgeClaimStale))
	run(now.Add(members.NudgeClaimStale + time.Minute))
	if got := dmsTo("alice", r.Chat, otherChat); got != 1 {
		t.Fatalf("alice got %d nudges after the stale claim; want 1", got)
	}
	if n, err := r.Store.Nudge(ctx, community, id); err != nil || n.Status != members.NudgeSent {
		t.Errorf("nudge: %+v, %v; want sent", n, err)
	}
}

// TestNudgeSendCutShortIsResumedByItsWatchdog: a send that stops after
// its claim (here the store fails; a process killed there is the same) leaves
// the nudge claimed and a one-shot schedule for when the claim goes stale.
// Whichever instance fires it sends the nudge, once; a send that ends
// leaves no such schedule behind.
func TestNudgeSendCutShortIsResumedByItsWatchdog(t *testing.T) {
	ctx := context.Background()
	r, now := newNudgeBot(t)
	other, otherChat := r.Instance()
	r.CarolSays("nudge settings mode=auto")
	id, err := r.Store.AddNudge(ctx, members.Nudge{Community: community, Member: "alice", QueuedAt: now, SendAt: now})
	if err != nil {
		t.Fatal(err)
	}
	send := bot.Schedule{ID: 99, Community: community, Kind: members.ScheduleNudgeSend, Payload: strconv.FormatInt(id, 10)}
	r.Store.Inject(func(method string) error {
		if method == "MemberWeeks" {
			return errors.New("connection lost")
		}
		return nil
	})
	if err := r.Bot.RunSchedule(ctx, send, now); err == nil {
		t.Fatal("the send cut short: no error")
	}
	r.Store.Inject(nil)
	watchdogs := r.Schedules(members.ScheduleNudgeSend)
	if len(watchdogs) != 1 || watchdogs[0].Spec != bot.OnceSpec(now.Add(members.NudgeClaimStale)) || watchdogs[0].Payload != send.Payload {
		t.Fatalf("after the cut: schedules %+v; want one at the claim's staleness", watchdogs)
	}
	if n, _ := r.Store.Nudge(ctx, community, id); n.Status != members.NudgeSending {
		t.Fatalf("nudge after the cut: %+v", n)
	}
	at := now.Add(members.NudgeClaimStale)
	r.Clock.Set(at)
	if err := other.RunSchedule(ctx, watchdogs[0], at); err != nil {
		t.Fatal(err)
	}
	if got := dmsTo("alice", r.Chat, otherChat); got != 1 {
		t.Errorf("alice got %d nudges; want 1, from the watchdog", got)
	}
	if n, _ := r.Store.Nudge(ctx, community, id); n.Status != members.NudgeSent {
		t.Errorf("nudge after the watchdog: %+v", n)
	}
	if left := r.Schedules(members.ScheduleNudgeSend); len(left) != 0 {
		t.Errorf("schedules left: %+v", left)
	}
}
