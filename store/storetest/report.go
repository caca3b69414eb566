package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

var reportTests = []test{
	{name: "ReportDefinitions", run: testReportDefinitions},
	{name: "ReportEmptyAndUnknown", run: testReportEmptyAndUnknown},
	{name: "BuildReportFillsPrevious", run: testBuildReportFillsPrevious},
	{name: "RedeliveryChangesNothing", run: testRedeliveryChangesNothing},
	{name: "Newcomers", run: testNewcomers},
}

// history is a small community whose every report figure was worked out by
// hand (see the comments): the period is [t0, t0+7d) with QuietAfter 3 days.
func history(t testing.TB, db Store) {
	saveDirectory(t, db, bot.Directory{
		Community: bot.Community{ID: community, Platform: bot.Slack, Name: "Makers"},
		Complete:  true, At: at(-20, 0),
		Members: []bot.Member{
			{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}, {ID: "UC", Name: "Cy"},
			{ID: "UL", Name: "Lee"}, {ID: "UH", Name: "Hal"},
			{ID: "UK", Name: "Kit", JoinedAt: at(-100, 0)},
			{ID: "UX", Name: "xbot", IsBot: true},
		},
		Channels: []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "help"}},
	})
	record(t, db,
		react("UR", "C2", "m0", "thumbsup", at(-5, 0)), // Rae first seen before the period
		react("UC", "C1", "m0", "eyes", at(-10, 0)),    // Cy's only activity
		msg("UA", "C1", "m1", at(0, 10)),
		reply("UR", "C1", "r1", "m1", at(0, 12)), // answers m1
		membership(bot.KindJoin, "UN", at(1, 0)), // Neo joins
		msg("UN", "C2", "m2", at(1, 1)),
		msg("UL", "C2", "m3", at(1, 0)), // Lee, who leaves at +2d
		msg("UR", "C2", "m6", at(2, 0)),
		reply("UN", "C2", "r3", "m2", at(2, 0)), // Neo answers himself: m2 stays unanswered
		msg("UX", "C1", "m4", at(3, 0)),         // a bot the event did not flag
		checkin("UH", "q1", at(4, 1)),
		reply("UN", "C1", "r2", "m1", at(5, 0)),
		react("UA", "C2", "m2", "heart", at(5, 0)),
		react("UK", "C1", "m1", "tada", at(6, 0)),
		msg("UA", "C1", "m5", at(6, 20)),        // in the last 24h: not yet unanswered
		reply("UA", "C2", "r4", "m6", at(7, 1)), // answers m6 after the period
		msg("UZ", "C1", "m7", at(8, 0)),         // Zed, first seen after the period
	)
	saveDirectory(t, db, bot.Directory{
		Community: bot.Community{ID: community, Platform: bot.Slack, Name: "Makers"},
		Complete:  true, At: at(2, 0),
		Members: []bot.Member{
			{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}, {ID: "UC", Name: "Cy"},
			{ID: "UL", Name: "Lee", Left: true}, {ID: "UH", Name: "Hal"},
			{ID: "UK", Name: "Kit", JoinedAt: at(-100, 0)},
			{ID: "UX", Name: "xbot", IsBot: true},
			{ID: "UN", Name: "Neo"}, {ID: "UN2", Name: "Nia"}, // Nia: new in a later sync
		},
	})
}

var period = bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), QuietAfter: 3 * day}

func testReportDefinitions(t *testing.T, db Store) {
	history(t, db)
	// As of t0+7d the members are Ada, Bo, Cy, Hal, Kit (directory), Rae,
	// Neo and Nia; Lee left, Zed came later, xbot is a bot.
	full := bot.Report{
		Members: bot.MemberCounts{
			Total:  8,
			Active: 5, // Ada, Kit (reaction), Hal (check-in), Rae, Neo
			New:    2, // Neo (joined +1d), Nia (first seen +2d in a later sync)
			Quiet:  4, // Bo, Nia (never active), Cy (-10d), Rae (+2d): none in [+4d, +7d)
		},
		// m1 m2 m3 m5 m6 (Lee's counts, xbot's does not); r1 r2 r3; two reactions; one answer.
		Activity: bot.ActivityCounts{Messages: 5, Replies: 3, Reactions: 2, CheckinAnswers: 1},
		Tiers:    bot.Tiers{Creators: 3, Responders: 2, Observers: 3},
		Channels: []bot.ChannelActivity{
			{ID: "C1", Name: "general", Messages: 2, Replies: 2, Reactions: 1, ActiveMembers: 4},
			{ID: "C2", Name: "help", Messages: 3, Replies: 1, Reactions: 1, ActiveMembers: 4},
		},
		TopContributors: []bot.Contributor{
			{ID: "UN", Name: "Neo", Messages: 1, Replies: 2},
			{ID: "UA", Name: "Ada", Messages: 2, Reactions: 1},
			{ID: "UR", Name: "", Messages: 1, Replies: 1},
			{ID: "UL", Name: "Lee", Messages: 1},
			{ID: "UK", Name: "Kit", Reactions: 1},
			{ID: "UH", Name: "Hal"},
		},
		QuietMembers: []bot.QuietMember{
			{ID: "UB", Name: "Bo"}, {ID: "UN2", Name: "Nia"},
			{ID: "UC", Name: "Cy", LastActive: ptr(at(-10, 0))},
			{ID: "UR", Name: "", LastActive: ptr(at(2, 0))},
		},
		Unanswered: []bot.Unanswered{
			{Channel: "C2", Message: "m3", Author: "UL", PostedAt: at(1, 0), ChannelName: "help", AuthorName: "Lee"},
			{Channel: "C2", Message: "m2", Author: "UN", PostedAt: at(1, 1), ChannelName: "help", AuthorName: "Neo"},
			{Channel: "C2", Message: "m6", Author: "UR", PostedAt: at(2, 0), ChannelName: "help"},
		},
	}
	help := bot.Report{
		Members:  bot.MemberCounts{Total: 8, Active: 3, New: 2, Quiet: 4}, // Neo, Rae, Ada in #help
		Activity: bot.ActivityCounts{Messages: 3, Replies: 1, Reactions: 1},
		Tiers:    bot.Tiers{Creators: 2, Responders: 1, Observers: 5},
		Channels: []bot.ChannelActivity{{ID: "C2", Name: "help", Messages: 3, Replies: 1, Reactions: 1, ActiveMembers: 4}},
		TopContributors: []bot.Contributor{
			{ID: "UN", Name: "Neo", Messages: 1, Replies: 1},
			{ID: "UL", Name: "Lee", Messages: 1},
			{ID: "UR", Name: "", Messages: 1},
			{ID: "UA", Name: "Ada", Reactions: 1},
		},
		QuietMembers: full.QuietMembers,
		Unanswered:   full.Unanswered,
	}
	summary := bot.Report{Members: full.Members, Activity: full.Activity,
		Channels: []bot.ChannelActivity{}, TopContributors: []bot.Contributor{}, QuietMembers: []bot.QuietMember{}, Unanswered: []bot.Unanswered{}}
	// The week before: as of t0 Zed, Neo and Nia are unknown and Lee has
	// not left; Rae is new and the only one active (her reaction at -5d).
	before := bot.Report{
		Members:         bot.MemberCounts{Total: 7, Active: 1, New: 1, Quiet: 7},
		Activity:        bot.ActivityCounts{Reactions: 1},
		Tiers:           bot.Tiers{Responders: 1, Observers: 6},
		Channels:        []bot.ChannelActivity{{ID: "C2", Name: "help", Reactions: 1, ActiveMembers: 1}},
		TopContributors: []bot.Contributor{{ID: "UR", Reactions: 1}},
		QuietMembers: []bot.QuietMember{
			{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}, {ID: "UH", Name: "Hal"}, {ID: "UK", Name: "Kit"}, {ID: "UL", Name: "Lee"},
			{ID: "UC", Name: "Cy", LastActive: ptr(at(-10, 0))},
			{ID: "UR", LastActive: ptr(at(-5, 0))},
		},
		Unanswered: []bot.Unanswered{},
	}
	for _, tc := range []struct {
		name string
		q    func(q bot.ReportQuery) bot.ReportQuery
		want bot.Report
	}{
		{"full", func(q bot.ReportQuery) bot.ReportQuery { return q }, full},
		{"channel", func(q bot.ReportQuery) bot.ReportQuery { q.Channel = "C2"; return q }, help},
		{"summary only", func(q bot.ReportQuery) bot.ReportQuery { q.SummaryOnly = true; return q }, summary},
		{"week before", func(q bot.ReportQuery) bot.ReportQuery { q.From, q.To = at(-7, 0), at(0, 0); return q }, before},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q(period)
			got := report(t, db, q)
			tc.want.Community, tc.want.From, tc.want.To = q.Community, q.From, q.To
			checkReport(t, got, tc.want)
		})
	}
}

// checkReport compares two reports field by field, for readable failures.
func checkReport(t *testing.T, got, want bot.Report) {
	t.Helper()
	check := func(name string, g, w any) {
		t.Helper()
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, g, w)
		}
	}
	check("members", got.Members, want.Members)
	check("activity", got.Activity, want.Activity)
	check("tiers", got.Tiers, want.Tiers)
	check("channels", got.Channels, want.Channels)
	check("top contributors", got.TopContributors, want.TopContributors)
	check("quiet members", quietView(got.QuietMembers), quietView(want.QuietMembers))
	check("unanswered", got.Unanswered, want.Unanswered)
	check("nudges", got.Nudges, want.Nudges)
	check("period", []any{got.Community, got.From.UnixMilli(), got.To.UnixMilli()}, []any{want.Community, want.From.UnixMilli(), want.To.UnixMilli()})
}

type quietRow struct {
	ID, Name string
	Last     string
}

func quietView(qs []bot.QuietMember) []quietRow {
	out := []quietRow{}
	for _, q := range qs {
		r := quietRow{ID: q.ID, Name: q.Name, Last: "never"}
		if q.LastActive != nil {
			r.Last = q.LastActive.UTC().Format(time.RFC3339Nano)
		}
		out = append(out, r)
	}
	return out
}

func testReportEmptyAndUnknown(t *testing.T, db Store) {
	for _, q := range []bot.ReportQuery{
		{Community: "slack:nobody", From: at(0, 0), To: at(7, 0)},
		{Community: community, From: at(0, 0), To: at(7, 0), Channel: "C404"},
	} {
		r := report(t, db, q)
		if r.Members != (bot.MemberCounts{}) || r.Activity != (bot.ActivityCounts{}) || r.Channels == nil || r.TopContributors == nil || r.QuietMembers == nil || r.Unanswered == nil {
			t.Errorf("report of nothing: %+v", r)
		}
	}
	if _, err := db.Report(context.Background(), bot.ReportQuery{Community: community, From: at(1, 0), To: at(1, 0)}); err == nil {
		t.Error("an empty period gave no error")
	}
	history(t, db)
	r := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0), Channel: "C404", QuietAfter: 3 * day})
	if r.Members != (bot.MemberCounts{Total: 8, New: 2, Quiet: 4}) || r.Activity != (bot.ActivityCounts{}) || len(r.Channels) != 0 || len(r.Unanswered) != 0 || len(r.QuietMembers) != 4 {
		t.Errorf("report of an unknown channel: %+v", r)
	}
}

func testBuildReportFillsPrevious(t *testing.T, db Store) {
	history(t, db)
	r, err := bot.BuildReport(context.Background(), db, period)
	if err != nil {
		t.Fatal(err)
	}
	prev := period
	prev.From, prev.To, prev.SummaryOnly = at(-7, 0), at(0, 0), true
	p := report(t, db, prev)
	if r.Previous == nil || r.Previous.Members != p.Members || r.Previous.Activity != p.Activity {
		t.Errorf("previous = %+v, want %+v %+v", r.Previous, p.Members, p.Activity)
	}
}

func testRedeliveryChangesNothing(t *testing.T, db Store) {
	history(t, db)
	first := report(t, db, period)
	// Everything again: the adapter restarted and the platform redelivered.
	history(t, db)
	checkReport(t, report(t, db, period), first)
}

func testNewcomers(t *testing.T, db Store) {
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
