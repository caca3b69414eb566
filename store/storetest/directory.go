package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

var directoryTests = []test{
	{name: "SaveDirectory", run: testSaveDirectory},
	{name: "DirectoryBotFlag", run: testDirectoryBotFlag},
	{name: "Lookups", run: testLookups},
	{name: "Facilitators", run: testFacilitators},
	{name: "MemberActivity", run: testMemberActivity},
}

var makers = bot.Community{ID: community, Platform: bot.Slack, Name: "Makers"}

func testSaveDirectory(t *testing.T, db Store) {
	ctx := context.Background()
	// Rae takes part before Hearth's first complete sync: she is not "there
	// before Hearth started", she was seen.
	record(t, db, msg("UR", "C1", "0", at(-30, 0)))
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-20, 0),
		Members: []bot.Member{
			{ID: "UA", Name: "Ada", TZ: "Europe/Paris", Admin: true},
			{ID: "UK", Name: "Kit", JoinedAt: at(-100, 0)},
			{ID: "UL", Name: "Lee"},
			{ID: "UR", Name: "Rae"},
			{ID: "UB", Name: "helper", IsBot: true},
		},
		Channels: []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "Help"}},
	})
	// A later complete sync: Lee left, Nia is new, Ada's profile changed.
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(1, 0),
		Members: []bot.Member{
			{ID: "UA", Name: "Ada L.", TZ: "Europe/Berlin"},
			{ID: "UK", Name: "Kit", JoinedAt: at(-100, 0)},
			{ID: "UL", Name: "Lee", Left: true},
			{ID: "UR", Name: "Rae"},
			{ID: "UN", Name: "Nia"},
			{ID: "UB", Name: "helper", IsBot: true},
		},
	})
	for _, tc := range []struct {
		id   string
		want bot.Member
	}{
		{"UA", bot.Member{ID: "UA", Name: "Ada L.", TZ: "Europe/Berlin"}},
		{"UK", bot.Member{ID: "UK", Name: "Kit", JoinedAt: at(-100, 0)}},
		{"UL", bot.Member{ID: "UL", Name: "Lee", Left: true}},
		{"UB", bot.Member{ID: "UB", Name: "helper", IsBot: true}},
	} {
		got, err := db.Member(ctx, community, tc.id)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Member(%s) = %+v, %v; want %+v", tc.id, got, err, tc.want)
		}
	}
	// As of +2d: Ada, Kit, Rae, Nia (Lee left at +1d, the bot is no member).
	// New in [-30d, +2d): Nia only: Ada was there before Hearth started, Kit
	// joined long ago, Rae was first seen at -30d... which is in the period.
	rep := report(t, db, bot.ReportQuery{Community: community, From: at(-30, 0), To: at(2, 0)})
	if rep.Members.Total != 4 || rep.Members.New != 2 {
		t.Errorf("members %+v, want total 4, new 2 (Rae, Nia)", rep.Members)
	}
	// Before Hearth started = joined long before: quiet with any QuietAfter.
	// Kit joined 100 days ago, which is not long enough for 1000.
	rep = report(t, db, bot.ReportQuery{Community: community, From: at(1, 0), To: at(2, 0), QuietAfter: 1000 * day})
	if got := quietView(rep.QuietMembers); len(got) != 1 || got[0].ID != "UA" {
		t.Errorf("quiet with QuietAfter 1000d: %+v, want Ada", got)
	}
	// Lee is back in the next complete sync.
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(3, 0), Members: []bot.Member{{ID: "UL", Name: "Lee"}}})
	if m, _ := db.Member(ctx, community, "UL"); m.Left {
		t.Errorf("Lee is still gone after a complete sync lists him")
	}
	// A partial directory (a profile change) leaves leaving alone.
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(4, 0), Members: []bot.Member{{ID: "UL", Name: "Lee", Left: true}}})
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(5, 0), Members: []bot.Member{{ID: "UL", Name: "Lee S."}}})
	if m, _ := db.Member(ctx, community, "UL"); !m.Left || m.Name != "Lee S." {
		t.Errorf("Lee after a partial directory: %+v", m)
	}
	comms, err := db.Communities(ctx)
	if err != nil || !reflect.DeepEqual(comms, []bot.Community{makers}) {
		t.Errorf("Communities = %+v, %v", comms, err)
	}
	if err := db.SaveDirectory(ctx, bot.Directory{Community: makers}); err == nil {
		t.Error("a directory without a time was saved")
	}
}

func testDirectoryBotFlag(t *testing.T, db Store) {
	record(t, db, msg("U1", "C1", "1", at(0, 1)), msg("U2", "C1", "2", at(0, 2)))
	week := bot.ReportQuery{Community: community, From: at(0, 0), To: at(7, 0)}
	for _, tc := range []struct {
		isBot    bool
		messages int
	}{{true, 1}, {false, 2}, {true, 1}} {
		saveDirectory(t, db, bot.Directory{Community: makers, At: at(1, 0), Members: []bot.Member{{ID: "U2", IsBot: tc.isBot}}})
		rep := report(t, db, week)
		if rep.Activity.Messages != tc.messages || len(rep.Channels) != 1 || rep.Channels[0].Messages != tc.messages || len(rep.Unanswered) != tc.messages {
			t.Errorf("U2 bot=%v: activity %+v channels %+v unanswered %d", tc.isBot, rep.Activity, rep.Channels, len(rep.Unanswered))
		}
		summary := week
		summary.SummaryOnly = true
		if got := report(t, db, summary).Activity.Messages; got != tc.messages {
			t.Errorf("U2 bot=%v: summary counts %d messages", tc.isBot, got)
		}
	}
}

func testLookups(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(0, 0),
		Members: []bot.Member{{ID: "U1", Name: "Ana"}, {ID: "U2", Name: "anabel"}, {ID: "U3", Name: "ANA"},
			{ID: "U4", Name: "Bo"}, {ID: "U5", Name: "Zoë"}},
		Channels: []bot.Channel{{ID: "C1", Name: "General"}, {ID: "C2", Name: "help"}},
	})
	record(t, db, bot.Event{Kind: bot.KindMessage, Community: community, Channel: "C3", ChannelName: "design", Member: "U6", MemberName: "Anders",
		At: at(0, 1), Key: "C3:1", Message: "1"})
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"ana", []string{"U1", "U3", "U2"}}, // exact (by id) first, then prefixes by name
		{"@Ana", []string{"U1", "U3", "U2"}},
		{"an", []string{"U1", "U3", "U2", "U6"}},
		{"anab", []string{"U2"}},
		{"zoë", []string{"U5"}},
		{"ZOË", []string{"U5"}},
		{"x", nil},
		{"", nil},
	} {
		ms, err := db.FindMembers(ctx, community, tc.name)
		var got []string
		for _, m := range ms {
			got = append(got, m.ID)
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) || ms == nil {
			t.Errorf("FindMembers(%q) = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	var many []bot.Member
	for i := range 15 {
		many = append(many, bot.Member{ID: "M" + string(rune('a'+i)), Name: "sam" + string(rune('a'+i))})
	}
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(0, 0), Members: many})
	if ms, _ := db.FindMembers(ctx, community, "sam"); len(ms) != 10 {
		t.Errorf("FindMembers returned %d members, want at most 10", len(ms))
	}
	for _, tc := range []struct{ name, want string }{{"general", "C1"}, {"#GENERAL", "C1"}, {"design", "C3"}, {"help", "C2"}} {
		if ch, err := db.FindChannel(ctx, community, tc.name); err != nil || ch.ID != tc.want {
			t.Errorf("FindChannel(%q) = %+v, %v; want %s", tc.name, ch, err, tc.want)
		}
	}
	if ch, err := db.Channel(ctx, community, "C3"); err != nil || ch != (bot.Channel{ID: "C3", Name: "design"}) {
		t.Errorf("Channel(C3) = %+v, %v", ch, err)
	}
	for name, err := range map[string]error{
		"Member":      func() error { _, err := db.Member(ctx, community, "nobody"); return err }(),
		"Channel":     func() error { _, err := db.Channel(ctx, community, "C9"); return err }(),
		"FindChannel": func() error { _, err := db.FindChannel(ctx, community, "nowhere"); return err }(),
		"other community": func() error {
			_, err := db.Member(ctx, "discord:1", "U1")
			return err
		}(),
		"MemberActivity": func() error { _, err := db.MemberActivity(ctx, community, "nobody"); return err }(),
	} {
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%s of something unknown: %v, want bot.ErrNotFound", name, err)
		}
	}
}

func testFacilitators(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(0, 0), Members: []bot.Member{{ID: "U1", Name: "Zed"}, {ID: "U2", Name: "Amy"}}})
	steps := []struct {
		name string
		do   func() error
		want []bot.Member
	}{
		{"add", func() error { return db.AddFacilitator(ctx, community, "U1", "U9", at(0, 0)) }, []bot.Member{{ID: "U1", Name: "Zed"}}},
		{"add again", func() error { return db.AddFacilitator(ctx, community, "U1", "U8", at(1, 0)) }, []bot.Member{{ID: "U1", Name: "Zed"}}},
		{"add one never seen", func() error { return db.AddFacilitator(ctx, community, "U7", "U1", at(1, 0)) },
			[]bot.Member{{ID: "U7"}, {ID: "U1", Name: "Zed"}}},
		{"add by name order", func() error { return db.AddFacilitator(ctx, community, "U2", "U1", at(1, 0)) },
			[]bot.Member{{ID: "U7"}, {ID: "U2", Name: "Amy"}, {ID: "U1", Name: "Zed"}}},
		{"remove", func() error { return db.RemoveFacilitator(ctx, community, "U1") }, []bot.Member{{ID: "U7"}, {ID: "U2", Name: "Amy"}}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := db.Facilitators(ctx, community)
		if err != nil || !reflect.DeepEqual(got, s.want) {
			t.Errorf("%s: Facilitators = %+v, %v; want %+v", s.name, got, err, s.want)
		}
	}
	if err := db.RemoveFacilitator(ctx, community, "U1"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("removing one who is not: %v", err)
	}
	for id, want := range map[string]bool{"U2": true, "U7": true, "U1": false, "U3": false} {
		if got, err := db.IsFacilitator(ctx, community, id); err != nil || got != want {
			t.Errorf("IsFacilitator(%s) = %v, %v", id, got, err)
		}
	}
	if got, err := db.Facilitators(ctx, "discord:other"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Facilitators of another community = %v, %v", got, err)
	}
}

func testMemberActivity(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db,
		membership(bot.KindJoin, "U1", at(0, 0)),
		msg("U1", "C1", "1", at(0, 1)), msg("U1", "C1", "2", at(0, 2)),
		reply("U1", "C1", "3", "9", at(0, 3)), react("U1", "C1", "9", "tada", at(0, 4)),
		checkin("U1", "q", at(0, 5)),
		membership(bot.KindJoin, "U1", at(0, 6)), // a channel join would have a channel; this is a second community join
	)
	a, err := db.MemberActivity(ctx, community, "U1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[bot.EventKind]int{bot.KindJoin: 2, bot.KindMessage: 2, bot.KindReply: 1, bot.KindReaction: 1, bot.KindCheckinAnswer: 1}
	if !reflect.DeepEqual(a.Counts, want) || !a.FirstSeen.Equal(at(0, 0)) || !a.LastActive.Equal(at(0, 5)) || a.Member.ID != "U1" {
		t.Errorf("MemberActivity = %+v", a)
	}
	if !a.Member.JoinedAt.Equal(at(0, 6)) {
		t.Errorf("joined at %v, want the latest join", a.Member.JoinedAt)
	}
	// An older event moves first seen back, not the latest activity.
	record(t, db, msg("U1", "C1", "0", at(-3, 0)))
	a, _ = db.MemberActivity(ctx, community, "U1")
	if !a.FirstSeen.Equal(at(-3, 0)) || !a.LastActive.Equal(at(0, 5)) {
		t.Errorf("after an older event: first seen %v, last active %v", a.FirstSeen, a.LastActive)
	}
	_ = time.Second
}
