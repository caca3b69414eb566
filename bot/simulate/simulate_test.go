package simulate_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/simulate"
)

// recorder is a Sink that keeps what it is handed.
type recorder struct {
	dirs    []bot.Directory
	events  []bot.Event
	batches []int
	failAt  int // fail the failAt-th HandleEvents call (1-based); 0: never
}

func (r *recorder) HandleDirectory(_ context.Context, d bot.Directory) error {
	r.dirs = append(r.dirs, d)
	return nil
}

var errSink = errors.New("sink refused")

func (r *recorder) HandleEvents(_ context.Context, events ...bot.Event) error {
	if len(r.batches)+1 == r.failAt {
		return errSink
	}
	r.batches = append(r.batches, len(events))
	r.events = append(r.events, events...)
	return nil
}

func run(t *testing.T, o simulate.Options) (*recorder, simulate.Stats) {
	t.Helper()
	var r recorder
	st, err := simulate.Run(context.Background(), &r, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return &r, st
}

var end = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data for %s: %v", name, err)
	}
	return loc
}

func TestRunIsDeterministic(t *testing.T) {
	o := simulate.Options{Members: 60, Days: 30, Seed: 7, End: end}
	a, sa := run(t, o)
	b, sb := run(t, o)
	if !reflect.DeepEqual(a, b) || sa != sb {
		t.Fatal("two runs with the same options differ")
	}
	o.Seed = 8
	c, _ := run(t, o)
	if reflect.DeepEqual(a.events, c.events) {
		t.Fatal("runs with different seeds are identical")
	}
}

func TestRunCountsAndConsistency(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    simulate.Options
		want int // events wanted; 0: o.Events
	}{
		{"defaults", simulate.Options{End: end}, simulate.DefaultMembers * simulate.DefaultDays / 2},
		{"given events", simulate.Options{Members: 150, Days: 60, Events: 20_000, Seed: 3, End: end}, 0},
		{"small batches", simulate.Options{Members: 40, Days: 14, Events: 1500, Seed: 4, End: end, Batch: 7}, 0},
		{"time zone", simulate.Options{Members: 80, Days: 21, Seed: 5, End: end, Location: mustZone(t, "America/Los_Angeles")}, 0},
		{"one day", simulate.Options{Members: 10, Days: 1, Events: 50, Seed: 6, End: end}, 0},
		{"slack community", simulate.Options{Community: bot.Community{ID: "slack:T1", Platform: bot.Slack, Name: "Makers"}, Members: 30, Days: 10, Seed: 1, End: end}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, st := run(t, tc.o)
			want := tc.want
			if want == 0 {
				want = tc.o.Events
			}
			if want == 0 {
				want = tc.o.Members * tc.o.Days / 2
			}
			if st.Events != len(r.events) {
				t.Errorf("Stats.Events = %d, sink got %d", st.Events, len(r.events))
			}
			if d := math.Abs(float64(st.Events - want)); d > 0.01*float64(want)+3 {
				t.Errorf("%d events, want about %d", st.Events, want)
			}
			checkHistory(t, r, st, tc.o)
		})
	}
}

// checkHistory checks that a history is one a platform could have produced.
func checkHistory(t *testing.T, r *recorder, st simulate.Stats, o simulate.Options) {
	t.Helper()
	batch := o.Batch
	if batch == 0 {
		batch = simulate.DefaultBatch
	}
	for i, n := range r.batches {
		if n == 0 || n > batch {
			t.Fatalf("batch %d has %d events (batch size %d)", i, n, batch)
		}
	}
	if len(r.batches) != st.Batches {
		t.Errorf("Stats.Batches = %d, sink got %d", st.Batches, len(r.batches))
	}
	if len(r.dirs) != 1 || !r.dirs[0].Complete || !r.dirs[0].At.Equal(st.Start) {
		t.Fatalf("want one complete directory at the start, got %+v", r.dirs)
	}
	community := r.dirs[0].Community.ID
	if o.Community.ID != "" && community != o.Community.ID {
		t.Errorf("directory of %q, want %q", community, o.Community.ID)
	}
	inDirectory := map[string]bool{}
	for _, m := range r.dirs[0].Members {
		inDirectory[m.ID] = true
	}

	type msg struct {
		channel, author string
		topLevel        bool
		at              time.Time
	}
	var (
		messages  = map[string]msg{}       // by Event.Message
		live      = map[string]bot.Event{} // recorded and not retracted, by key
		seen      = map[string]bool{}      // every key recorded
		joined    = map[string]time.Time{}
		left      = map[string]time.Time{}
		counts    = map[bot.EventKind]int{}
		retracted int
		prev      = st.Start
	)
	for i, e := range r.events {
		if e.At.Before(prev) {
			t.Fatalf("event %d at %s is before the one earlier at %s", i, e.At, prev)
		}
		prev = e.At
		if e.At.Before(st.Start) || !e.At.Before(st.End) {
			t.Fatalf("event %d at %s is outside [%s, %s)", i, e.At, st.Start, st.End)
		}
		if e.Community != community || e.Member == "" || e.Key == "" || e.IsBot || e.DM {
			t.Fatalf("event %d is malformed: %+v", i, e)
		}
		if e.Retract {
			orig, ok := live[e.Key]
			if !ok || orig.Kind != e.Kind || !orig.At.Before(e.At) {
				t.Fatalf("event %d retracts %q, which is not a live earlier event of kind %s", i, e.Key, e.Kind)
			}
			delete(live, e.Key)
			if e.Kind != bot.KindReaction {
				delete(messages, e.Message)
			}
			retracted++
			continue
		}
		if seen[e.Key] {
			t.Fatalf("event %d reuses key %q", i, e.Key)
		}
		seen[e.Key] = true
		live[e.Key] = e
		counts[e.Kind]++
		switch e.Kind {
		case bot.KindJoin, bot.KindLeave:
			if e.Channel != "" {
				t.Fatalf("event %d: community join/leave in a channel", i)
			}
			if e.Kind == bot.KindJoin {
				if inDirectory[e.Member] {
					t.Errorf("%s joins but was in the initial directory", e.Member)
				}
				joined[e.Member] = e.At
			} else {
				left[e.Member] = e.At
			}
			continue
		}
		if !inDirectory[e.Member] {
			if _, ok := joined[e.Member]; !ok {
				t.Fatalf("event %d: %s takes part before joining", i, e.Member)
			}
		}
		if _, ok := left[e.Member]; ok {
			t.Fatalf("event %d: %s takes part after leaving", i, e.Member)
		}
		if e.Channel == "" || e.ChannelName == "" || e.Message == "" {
			t.Fatalf("event %d lacks a channel or message: %+v", i, e)
		}
		switch e.Kind {
		case bot.KindMessage:
			if e.Parent != "" {
				t.Fatalf("event %d: a top-level message with a parent", i)
			}
			messages[e.Message] = msg{e.Channel, e.Member, true, e.At}
		case bot.KindReply:
			p, ok := messages[e.Parent]
			if !ok || !p.topLevel || p.channel != e.Channel {
				t.Fatalf("event %d: reply to %q, which is not an existing top-level message in %s", i, e.Parent, e.Channel)
			}
			messages[e.Message] = msg{e.Channel, e.Member, false, e.At}
		case bot.KindReaction:
			if m, ok := messages[e.Message]; !ok || m.channel != e.Channel {
				t.Fatalf("event %d: reaction to %q, which is not an existing message in %s", i, e.Message, e.Channel)
			}
		default:
			t.Fatalf("event %d has unexpected kind %q", i, e.Kind)
		}
	}
	for kind, got := range map[bot.EventKind]int{
		bot.KindMessage: st.Messages, bot.KindReply: st.Replies, bot.KindReaction: st.Reactions,
		bot.KindJoin: st.Joins, bot.KindLeave: st.Leaves,
	} {
		if counts[kind] != got {
			t.Errorf("Stats says %d %s events, sink got %d", got, kind, counts[kind])
		}
	}
	if retracted != st.Retractions {
		t.Errorf("Stats.Retractions = %d, sink got %d", st.Retractions, retracted)
	}
	if sum := st.Messages + st.Replies + st.Reactions + st.Joins + st.Leaves + st.Retractions; sum != st.Events {
		t.Errorf("kinds add up to %d, Stats.Events = %d", sum, st.Events)
	}
}

func TestRunShape(t *testing.T) {
	loc := mustZone(t, "Europe/Berlin")
	o := simulate.Options{Members: 400, Days: 56, Events: 40_000, Seed: 11, End: end, Location: loc}
	r, st := run(t, o)

	byMember := map[string]int{}
	var weekday, weekend, working, activity int
	for _, e := range r.events {
		if !e.Kind.Activity() || e.Retract {
			continue
		}
		activity++
		byMember[e.Member]++
		local := e.At.In(loc)
		if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		} else {
			weekday++
		}
		if h := local.Hour(); h >= 7 && h < 23 {
			working++
		}
	}
	// Per day, weekends see well under half of a weekday's activity.
	if perWeekend, perWeekday := float64(weekend)/16, float64(weekday)/40; perWeekend > 0.5*perWeekday {
		t.Errorf("weekend days average %.0f events, weekdays %.0f: weekends should be quiet", perWeekend, perWeekday)
	}
	if float64(working) < 0.8*float64(activity) {
		t.Errorf("%d of %d events in working hours (community time), want most", working, activity)
	}
	// A few leaders do much of it, and a good part of the community only watches.
	counts := make([]int, 0, len(byMember))
	for _, n := range byMember {
		counts = append(counts, n)
	}
	top := 0
	for range st.Members * 5 / 100 {
		best := 0
		for i, n := range counts {
			if n > counts[best] {
				best = i
			}
		}
		top += counts[best]
		counts[best] = 0
	}
	if share := float64(top) / float64(activity); share < 0.35 {
		t.Errorf("the top 5%% of members do %.0f%% of the activity, want a leading few", 100*share)
	}
	if never := st.Members - len(byMember); never < st.Members/10 {
		t.Errorf("only %d of %d members never take part, want a silent part", never, st.Members)
	}
	if st.Joins == 0 || st.Leaves == 0 || st.Retractions == 0 {
		t.Errorf("want some joins, leaves and retractions, got %+v", st)
	}
}

// dedupe is a Sink with the store's idempotency rules: keys are recorded
// once, a retracted message or reply stays deleted, a removed reaction can
// come back.
type dedupe struct {
	live, tombstone map[string]bool
	recorded        int
}

func (d *dedupe) HandleDirectory(context.Context, bot.Directory) error { return nil }

func (d *dedupe) HandleEvents(_ context.Context, events ...bot.Event) error {
	for _, e := range events {
		switch {
		case e.Retract && d.live[e.Key]:
			delete(d.live, e.Key)
			if e.Kind != bot.KindReaction {
				d.tombstone[e.Key] = true
			}
			d.recorded++
		case e.Retract:
		case !d.live[e.Key] && !d.tombstone[e.Key]:
			d.live[e.Key] = true
			d.recorded++
		}
	}
	return nil
}

func TestRunTwiceRecordsNothingNew(t *testing.T) {
	d := &dedupe{live: map[string]bool{}, tombstone: map[string]bool{}}
	o := simulate.Options{Members: 50, Days: 20, Seed: 2, End: end}
	st, err := simulate.Run(context.Background(), d, o)
	if err != nil {
		t.Fatal(err)
	}
	if d.recorded != st.Events {
		t.Fatalf("first run recorded %d of %d events", d.recorded, st.Events)
	}
	d.recorded = 0
	if _, err := simulate.Run(context.Background(), d, o); err != nil {
		t.Fatal(err)
	}
	if d.recorded != 0 {
		t.Fatalf("second run recorded %d events", d.recorded)
	}
}

func TestRunStopsOnErrors(t *testing.T) {
	o := simulate.Options{Members: 20, Days: 10, Seed: 1, End: end, Batch: 10}
	r := &recorder{failAt: 3}
	if _, err := simulate.Run(context.Background(), r, o); !errors.Is(err, errSink) {
		t.Errorf("sink error: got %v", err)
	}
	if len(r.batches) != 2 {
		t.Errorf("run went on after the sink failed: %d batches", len(r.batches))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := simulate.Run(ctx, &recorder{}, o); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}
