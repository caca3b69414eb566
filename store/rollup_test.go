package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/simulate"
	"github.com/hearth-community/hearth/store/storetest"
)

// TestRollupsMatchEvents checks the rollups Record keeps against a rebuild
// from the events, after a history of every activity kind with retractions (some in the same call
// as their event), redeliveries and a member turning out to be a bot.
func TestRollupsMatchEvents(t *testing.T) {
	db, path := openDB(t)
	ctx := context.Background()
	end := t0.Add(15 * time.Hour)
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(end)})
	if err != nil {
		t.Fatal(err)
	}
	h := &tee{core: core}
	if _, err := simulate.Run(ctx, h, simulate.Options{Community: makers, Members: 50, Days: 20, Events: 3000, Seed: 3, End: end, Batch: 250}); err != nil {
		t.Fatal(err)
	}
	// Check-in answers, "I'm still here" and resource shares, which the
	// simulator does not make.
	if err := h.HandleEvents(ctx, storetest.AnswerEvents(rand.New(rand.NewPCG(3, 4)), h.events, end.Add(-20*day), end, 300)...); err != nil {
		t.Fatal(err)
	}
	// Retract every tenth activity event, half of them in the same call as
	// a redelivery of the event, give some of them back, and record and
	// retract new ones in the same call.
	var again []bot.Event
	for i, e := range h.events {
		if i%10 != 0 || e.Retract || !e.Kind.Activity() {
			continue
		}
		r := e
		r.Retract, r.At = true, e.At.Add(time.Minute)
		if i%20 == 0 {
			again = append(again, e, r)
		} else {
			again = append(again, r)
		}
		if i%30 == 0 && e.Kind == bot.KindReaction {
			again = append(again, e) // the reaction comes back
		}
		if i%50 == 0 { // a new event, gone as soon as it came
			n := e
			n.Key, n.Message, n.At = e.Key+"/new", e.Message+"/new", e.At.Add(40*day) // a day with nothing else
			r := n
			r.Retract, r.At = true, n.At.Add(time.Second)
			again = append(again, n, r)
		}
	}
	record(t, db, again...)
	// A member turns out to be a bot, and another stops being one.
	saveDirectory(t, db, bot.Directory{Community: makers, At: end, Members: []bot.Member{{ID: "U00003", IsBot: true}, {ID: "U00004", IsBot: true}}})
	saveDirectory(t, db, bot.Directory{Community: makers, At: end, Members: []bot.Member{{ID: "U00004"}}})

	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var answered, stillHere, shared, sharedInChannels, rsvps, attendances int
	if err := raw.QueryRow(`SELECT SUM(checkin_answers), SUM(still_here), SUM(resource_shares), SUM(resource_shares * (channel_id <> 0)), SUM(rsvps), SUM(attendances)
FROM channel_days`).Scan(&answered, &stillHere, &shared, &sharedInChannels, &rsvps, &attendances); err != nil || answered == 0 || stillHere == 0 || sharedInChannels == 0 || sharedInChannels == shared || rsvps == 0 || attendances == 0 {
		t.Errorf("the rollups count %d check-in answers, %d still here and %d resource shares, %d of them in channels (%v): the history misses a kind",
			answered, stillHere, shared, sharedInChannels, err)
	}
	const dayMs = 86400000
	kinds := `SUM(e.kind = 'message'), SUM(e.kind = 'reply'), SUM(e.kind = 'reaction'), SUM(e.kind = 'checkin_answer'), SUM(e.kind = 'still_here'), SUM(e.kind = 'resource_share'), SUM(e.kind = 'rsvp'), SUM(e.kind = 'attended')`
	activity := `e.kind IN ('message', 'reply', 'reaction', 'checkin_answer', 'still_here', 'resource_share', 'rsvp', 'attended')`
	for _, c := range []struct{ name, stored, rebuilt string }{
		{"member_channel_days",
			`SELECT community_id, member_id, day, channel_id, messages, replies, reactions, checkin_answers, still_here, resource_shares, rsvps, attendances FROM member_channel_days`,
			`SELECT e.community_id, e.member_id, e.at / ` + fmt.Sprint(dayMs) + `, COALESCE(e.channel_id, 0), ` + kinds + `
			FROM events e WHERE ` + activity + ` GROUP BY 1, 2, 3, 4`},
		{"member_days",
			`SELECT community_id, member_id, day, messages, replies, reactions, checkin_answers, still_here, resource_shares, rsvps, attendances, channels FROM member_days`,
			`SELECT e.community_id, e.member_id, e.at / ` + fmt.Sprint(dayMs) + `, ` + kinds + `,
				COALESCE(GROUP_CONCAT(DISTINCT e.channel_id), '')
			FROM events e WHERE ` + activity + ` GROUP BY 1, 2, 3`},
		{"channel_days",
			`SELECT community_id, channel_id, day, messages, replies, reactions, checkin_answers, still_here, resource_shares, rsvps, attendances FROM channel_days`,
			`SELECT e.community_id, COALESCE(e.channel_id, 0), e.at / ` + fmt.Sprint(dayMs) + `, ` + kinds + `
			FROM events e JOIN members m ON m.id = e.member_id WHERE ` + activity + ` AND NOT m.is_bot GROUP BY 1, 2, 3`},
		{"member_weeks",
			`SELECT community_id, start_day, member_id, messages, replies, reactions, answers FROM member_weeks`,
			`SELECT e.community_id, e.at / ` + fmt.Sprint(dayMs) + ` - o.column1, e.member_id,
				SUM(e.kind = 'message'), SUM(e.kind = 'reply'), SUM(e.kind = 'reaction'), SUM(e.kind NOT IN ('message', 'reply', 'reaction'))
			FROM events e CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6)) AS o WHERE ` + activity + ` GROUP BY 1, 2, 3`},
		{"latest activity",
			`SELECT id, last_active FROM members WHERE last_active IS NOT NULL`,
			`SELECT e.member_id, MAX(e.at) FROM events e WHERE ` + activity + ` GROUP BY 1`},
	} {
		stored, rebuilt := rows(t, raw, c.stored), rows(t, raw, c.rebuilt)
		if len(stored) == 0 {
			t.Errorf("%s: empty", c.name)
		}
		if !slices.Equal(stored, rebuilt) {
			t.Errorf("%s: %d stored rows, %d rebuilt; first differences:\n%s", c.name, len(stored), len(rebuilt), storetest.FirstDiff(stored, rebuilt, "stored only: ", "rebuilt only:"))
		}
	}
}

// rows returns the rows of a query as sorted strings; comma-separated id
// lists (a member's channels) are sorted within.
func rows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	out, err := rowStrings(context.Background(), db, query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// rowStrings is rows, with the error returned.
func rowStrings(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rs, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		var parts []string
		for _, v := range vals {
			s := fmt.Sprint(v)
			if b, ok := v.([]byte); ok {
				s = string(b)
			}
			if strings.Contains(s, ",") {
				ids := strings.Split(s, ",")
				slices.Sort(ids)
				s = strings.Join(ids, ",")
			}
			parts = append(parts, s)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	slices.Sort(out)
	return out, rs.Err()
}
