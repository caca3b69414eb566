package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

func TestNewcomers(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-20, 0),
		Members: []bot.Member{
			{ID: "UA", Name: "Ada"},                                   // there before Hearth: never new
			{ID: "UK", Name: "Kit", JoinedAt: at(-100, 0)},            // joined long ago
			{ID: "UX", Name: "xbot", IsBot: true},                     // a bot
			{ID: "UB", Name: "Bo", JoinedAt: at(-20, 0)},              // joined as Hearth started
			{ID: "UY", Name: "ybot", IsBot: true, JoinedAt: at(1, 0)}, // a bot that joined in the period
		}})
	nReply := reply("UN", "C1", "r1", "m0", at(2, 0))
	prompted := nReply
	prompted.Kind, prompted.Key = bot.KindPromptReply, "prompt:"+nReply.Key
	record(t, db,
		membership(bot.KindJoin, "UN", at(1, 0)), // Neo joins, posts twice in the period and once after
		msg("UN", "C1", "m1", at(1, 1)),
		nReply, prompted, // a prompt reply is not a second post
		react("UN", "C1", "m1", "eyes", at(3, 0)),
		msg("UN", "C2", "m9", at(8, 0)),
		react("UR", "C1", "m1", "heart", at(2, 0)), // Rae, first seen reacting
		membership(bot.KindJoin, "UQ", at(3, 0)),   // Quin joins and leaves
		membership(bot.KindLeave, "UQ", at(5, 0)),
		msg("UO", "C1", "m2", at(-3, 0)),         // Olu, first seen before the period
		membership(bot.KindJoin, "UA", at(4, 0)), // Ada's join is seen, but she was there before Hearth
		msg("UZ", "C1", "m3", at(8, 0)),          // Zed, first seen after the period
	)
	// Nia is new in a later complete directory.
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(2, 0),
		Members: []bot.Member{{ID: "UA", Name: "Ada"}, {ID: "UK", Name: "Kit", JoinedAt: at(-100, 0)}, {ID: "UN2", Name: "Nia"}}})

	neo := func(posts int) bot.Newcomer { return bot.Newcomer{ID: "UN", JoinedAt: at(1, 0), Posts: posts} }
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     []bot.Newcomer
	}{
		{"the week: oldest first, ties by id", at(0, 0), at(7, 0), []bot.Newcomer{
			neo(2), {ID: "UN2", Name: "Nia", JoinedAt: at(2, 0)}, {ID: "UR", JoinedAt: at(2, 0)}}},
		{"posts before the end only", at(0, 0), at(2, 0), []bot.Newcomer{neo(1)}},
		{"posts after the period count", at(1, 0), at(9, 0), []bot.Newcomer{
			neo(3), {ID: "UN2", Name: "Nia", JoinedAt: at(2, 0)}, {ID: "UR", JoinedAt: at(2, 0)}, {ID: "UZ", JoinedAt: at(8, 0), Posts: 1}}},
		{"not left yet", at(3, 0), at(4, 0), []bot.Newcomer{{ID: "UQ", JoinedAt: at(3, 0)}}},
		{"left", at(3, 0), at(6, 0), []bot.Newcomer{}},
		{"first seen before", at(-4, 0), at(-2, 0), []bot.Newcomer{{ID: "UO", JoinedAt: at(-3, 0), Posts: 1}}},
		{"as Hearth started", at(-21, 0), at(-19, 0), []bot.Newcomer{{ID: "UB", Name: "Bo", JoinedAt: at(-20, 0)}}},
		{"an empty period", at(1, 0), at(1, 0), []bot.Newcomer{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Newcomers(ctx, community, tc.from, tc.to)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Newcomers =\n %+v, %v\nwant\n %+v", got, err, tc.want)
			}
			// The same definition as the report's members.new.
			if tc.from.Before(tc.to) {
				if rep := report(t, db, bot.ReportQuery{Community: community, From: tc.from, To: tc.to}); rep.Members.New != len(got) {
					t.Errorf("the report counts %d new members, Newcomers lists %d", rep.Members.New, len(got))
				}
			}
		})
	}
	// Names come from the events too.
	named := msg("UR", "C1", "m4", at(6, 0))
	named.MemberName = "Rae"
	record(t, db, named)
	got, err := db.Newcomers(ctx, community, at(2, 0), at(3, 0))
	if want := []bot.Newcomer{{ID: "UN2", Name: "Nia", JoinedAt: at(2, 0)}, {ID: "UR", Name: "Rae", JoinedAt: at(2, 0)}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Newcomers = %+v, %v; want %+v", got, err, want)
	}
	if got, err := db.Newcomers(ctx, "slack:nobody", at(0, 0), at(7, 0)); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Newcomers of an unknown community = %#v, %v", got, err)
	}
}
