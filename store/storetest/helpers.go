package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
)

// t0 is a Monday at midnight UTC: the histories here happen around it.
var t0 = time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// at is t0 plus days and hours.
func at(days int, hours float64) time.Time {
	return t0.Add(time.Duration(days)*day + time.Duration(hours*float64(time.Hour)))
}

func record(t testing.TB, db Store, events ...bot.Event) int {
	t.Helper()
	n, err := db.Record(context.Background(), events...)
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	return n
}

func saveDirectory(t testing.TB, db Store, d bot.Directory) {
	t.Helper()
	if err := db.SaveDirectory(context.Background(), d); err != nil {
		t.Fatalf("SaveDirectory: %v", err)
	}
}

func report(t testing.TB, db Store, q bot.ReportQuery) bot.Report {
	t.Helper()
	r, err := db.Report(context.Background(), q)
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	return r
}

const community = "slack:T1"

// Event builders for community, keyed like Slack: channel + ts.
func msg(member, channel, id string, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindMessage, Community: community, Channel: channel, Member: member, At: when, Key: channel + ":" + id, Message: id}
}

func reply(member, channel, id, parent string, when time.Time) bot.Event {
	e := msg(member, channel, id, when)
	e.Kind, e.Parent = bot.KindReply, parent
	return e
}

func react(member, channel, target, emoji string, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindReaction, Community: community, Channel: channel, Member: member, At: when,
		Key: channel + ":" + target + ":" + member + ":" + emoji, Message: target}
}

func membership(kind bot.EventKind, member string, when time.Time) bot.Event {
	return bot.Event{Kind: kind, Community: community, Member: member, At: when, Key: string(kind) + ":" + member + ":" + when.Format(time.RFC3339Nano)}
}

func checkin(member, id string, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindCheckinAnswer, Community: community, Member: member, At: when, Key: "checkin:" + id + ":" + member}
}

func stillHere(member string, nudge int64, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindStillHere, Community: community, Member: member, At: when, Key: fmt.Sprintf("nudge:%d:%s", nudge, member)}
}

// share is a resource_share event: member shared resource id with
// /hearth share, in channel ("" : outside any channel).
func share(member, channel string, id int64, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindResourceShare, Community: community, Channel: channel, Member: member, At: when, Key: fmt.Sprintf("share:%d", id)}
}

// rsvp and attended are a member's answer to an event's invitation and
// their being there, under the channel the event was announced in.
func rsvp(member, channel string, event int64, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindRSVP, Community: community, Channel: channel, Member: member, At: when, Key: fmt.Sprintf("rsvp:%d:%s", event, member)}
}

func attended(member, channel string, event int64, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindAttended, Community: community, Channel: channel, Member: member, At: when, Key: fmt.Sprintf("attended:%d:%s", event, member)}
}

// answerEvents returns n events, about a third each check-in answers, "I'm
// still here" and resource shares (half of those in a channel of events),
// at random times in [from, to): the simulator makes none of them. Most are
// by the members of events, a few by members not seen before.
func answerEvents(r *rand.Rand, events []bot.Event, from, to time.Time, n int) []bot.Event {
	var members, channels []string
	for _, e := range events {
		if !slices.Contains(members, e.Member) {
			members = append(members, e.Member)
		}
		if e.Channel != "" && !slices.Contains(channels, e.Channel) {
			channels = append(channels, e.Channel)
		}
	}
	out := make([]bot.Event, 0, n)
	for i := range n {
		member := fmt.Sprintf("UNEW%d", i)
		if i%10 != 0 {
			member = members[r.IntN(len(members))]
		}
		when := from.Add(time.Duration(r.Int64N(int64(to.Sub(from))))).Truncate(time.Millisecond)
		e := checkin(member, fmt.Sprint(i), when)
		channel := ""
		if i%2 == 0 {
			channel = channels[r.IntN(len(channels))]
		}
		switch i % 5 {
		case 1:
			e = stillHere(member, int64(i), when)
		case 2:
			e = share(member, channel, int64(i), when)
		case 3:
			e = rsvp(member, channel, int64(i), when)
		case 4:
			e = attended(member, channel, int64(i), when)
		}
		e.Community = events[0].Community
		out = append(out, e)
	}
	return out
}

func retract(e bot.Event, when time.Time) bot.Event {
	e.Retract, e.At = true, when
	return e
}

func ptr[T any](v T) *T { return &v }

// fullReport is the report with every feature's part (events, intros), as
// /hearth report builds it.
func fullReport(db Store, q bot.ReportQuery) (bot.Report, error) {
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(q.To)})
	if err != nil {
		return bot.Report{}, err
	}
	if err := features.Register(core, db); err != nil {
		return bot.Report{}, err
	}
	return core.Report(context.Background(), q)
}
