package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

var checkinTests = []test{
	{name: "CheckinRunRoundTrip", run: testCheckinRunRoundTrip},
	{name: "CheckinRuns", run: testCheckinRuns},
	{name: "OpenRunsFor", run: testOpenRunsFor},
	{name: "Recipients", run: testRecipients},
	{name: "SetRecipient", run: testSetRecipient},
	{name: "ClaimRecipient", run: testClaimRecipient},
	{name: "SaveAnswers", run: testSaveAnswers},
	{name: "CloseRun", run: testCloseRun},
	{name: "ActiveMembers", run: testActiveMembers},
	{name: "ChannelMembers", run: testChannelMembers},
}

const elsewhere = "discord:G1"

func createRun(t testing.TB, db Store, r checkins.CheckinRun, recipients ...string) checkins.CheckinRun {
	t.Helper()
	id, err := db.CreateRun(context.Background(), r, recipients)
	if err != nil {
		t.Fatalf("CreateRun: %v", err)
	}
	r.ID = id
	return r
}

// testSurvey is a validated survey with every kind of question, so its
// definition's round trip is worth checking.
func testSurvey(t testing.TB, name string) checkins.Survey {
	t.Helper()
	s := checkins.Survey{Name: name, Title: "Team " + name, Intro: "Quick.", Questions: []checkins.Question{
		{ID: "energy", Kind: checkins.QuestionScale, Prompt: "Energy?", Min: 1, Max: 5, MinLabel: "low", MaxLabel: "high"},
		{Kind: checkins.QuestionMulti, Prompt: "Which?", Choices: []string{"a", "b", "c"}, Optional: true},
		{ID: "more", Kind: checkins.QuestionText, Prompt: "Anything else?"},
	}, Settings: checkins.SurveySettings{Audience: checkins.AudienceList, Members: []string{"U1", "U2"}, Delivery: checkins.DeliverChannel,
		Anonymous: true, Window: 72 * time.Hour, NoReminder: true, ResultsTo: "channel"}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

// dmRun is an open, attributed DM run of survey in community, opened at
// opened.
func dmRun(t testing.TB, community, survey string, opened time.Time) checkins.CheckinRun {
	return checkins.CheckinRun{Community: community, Survey: testSurvey(t, survey), Delivery: checkins.DeliverDM,
		StartedBy: "U1", OpenedAt: opened, ClosesAt: opened.Add(48 * time.Hour)}
}

func testCheckinRunRoundTrip(t *testing.T, db Store) {
	ctx := context.Background()
	attributed := checkins.CheckinRun{Community: community, Survey: testSurvey(t, "pulse"), Delivery: checkins.DeliverDM,
		StartedBy: "U1", OpenedAt: at(0, 9), ClosesAt: at(2, 9)}
	anonymous := checkins.CheckinRun{Community: community, Survey: testSurvey(t, "health"), Delivery: checkins.DeliverChannel,
		Channel: "C1", Post: "1700000000.000100", Anonymous: true, Salt: []byte{0, 1, 2, 0xff}, Schedule: 7,
		OpenedAt: at(1, 9), ClosesAt: at(4, 9), RemindedAt: at(3, 9)}
	closed := checkins.CheckinRun{Community: elsewhere, Survey: testSurvey(t, "pulse"), Delivery: checkins.DeliverDM,
		OpenedAt: at(0, 9), ClosesAt: at(1, 9), ClosedAt: at(1, 9)}
	emptySalt := dmRun(t, community, "pulse", at(5, 0))
	emptySalt.Salt = []byte{}
	for i, r := range []*checkins.CheckinRun{&attributed, &anonymous, &closed, &emptySalt} {
		*r = createRun(t, db, *r)
		if want := int64(i + 1); r.ID != want {
			t.Errorf("run %d got id %d", want, r.ID)
		}
	}
	emptySalt.Salt = nil // an empty salt is no salt

	for _, tc := range []struct {
		name      string
		community string
		id        int64
		want      checkins.CheckinRun // zero: not found
	}{
		{"attributed, no salt", community, attributed.ID, attributed},
		{"anonymous with salt, reminded", community, anonymous.ID, anonymous},
		{"closed", elsewhere, closed.ID, closed},
		{"empty salt", community, emptySalt.ID, emptySalt},
		{"another community's", community, closed.ID, checkins.CheckinRun{}},
		{"unknown id", community, 99, checkins.CheckinRun{}},
		{"unknown community", "slack:nobody", attributed.ID, checkins.CheckinRun{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.CheckinRun(ctx, tc.community, tc.id)
			if tc.want.ID == 0 {
				if !errors.Is(err, bot.ErrNotFound) {
					t.Errorf("CheckinRun = %+v, %v; want ErrNotFound", got, err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CheckinRun =\n %+v, %v\nwant\n %+v", got, err, tc.want)
			}
		})
	}

	t.Run("invalid", func(t *testing.T) {
		noTimes := dmRun(t, community, "pulse", at(0, 0))
		noTimes.ClosesAt = time.Time{}
		noName := dmRun(t, community, "pulse", at(0, 0))
		noName.Survey.Name = ""
		noCommunity := dmRun(t, "", "pulse", at(0, 0))
		for _, tc := range []struct {
			name       string
			run        checkins.CheckinRun
			recipients []string
		}{
			{"no community", noCommunity, nil},
			{"no survey name", noName, nil},
			{"no closing time", noTimes, nil},
			{"a recipient without id", dmRun(t, community, "pulse", at(0, 0)), []string{"U1", ""}},
		} {
			if id, err := db.CreateRun(ctx, tc.run, tc.recipients); err == nil {
				t.Errorf("%s: created run %d", tc.name, id)
			}
		}
		if runs, err := db.CheckinRuns(ctx, community, checkins.RunQuery{}); err != nil || len(runs) != 3 {
			t.Errorf("after invalid runs, %d runs, %v; want 3", len(runs), err)
		}
	})
}

func testCheckinRuns(t *testing.T, db Store) {
	ctx := context.Background()
	oldPulse := createRun(t, db, dmRun(t, community, "pulse", at(0, 9)))
	reflection := createRun(t, db, dmRun(t, community, "reflection", at(1, 9)))
	pulse := createRun(t, db, dmRun(t, community, "pulse", at(2, 9)))
	// Opened at the same time as pulse: the later id comes first.
	twin := createRun(t, db, dmRun(t, community, "pulse", at(2, 9)))
	other := createRun(t, db, dmRun(t, elsewhere, "pulse", at(3, 9)))
	for _, r := range []*checkins.CheckinRun{&oldPulse, &reflection} {
		if ok, err := db.CloseRun(ctx, r.ID, at(3, 0)); !ok || err != nil {
			t.Fatalf("CloseRun(%d) = %v, %v", r.ID, ok, err)
		}
		r.ClosedAt = at(3, 0)
	}

	for _, tc := range []struct {
		name      string
		community string
		q         checkins.RunQuery
		want      []checkins.CheckinRun
	}{
		{"all, newest first", community, checkins.RunQuery{}, []checkins.CheckinRun{twin, pulse, reflection, oldPulse}},
		{"one survey", community, checkins.RunQuery{Survey: "pulse"}, []checkins.CheckinRun{twin, pulse, oldPulse}},
		{"open", community, checkins.RunQuery{Open: true}, []checkins.CheckinRun{twin, pulse}},
		{"closed", community, checkins.RunQuery{Closed: true}, []checkins.CheckinRun{reflection, oldPulse}},
		{"closed of one survey", community, checkins.RunQuery{Survey: "pulse", Closed: true}, []checkins.CheckinRun{oldPulse}},
		{"open and closed", community, checkins.RunQuery{Open: true, Closed: true}, []checkins.CheckinRun{}},
		{"limit", community, checkins.RunQuery{Limit: 3}, []checkins.CheckinRun{twin, pulse, reflection}},
		{"limit of one survey", community, checkins.RunQuery{Survey: "pulse", Limit: 1}, []checkins.CheckinRun{twin}},
		{"unknown survey", community, checkins.RunQuery{Survey: "nope"}, []checkins.CheckinRun{}},
		{"another community", elsewhere, checkins.RunQuery{}, []checkins.CheckinRun{other}},
		{"unknown community", "slack:nobody", checkins.RunQuery{}, []checkins.CheckinRun{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.CheckinRuns(ctx, tc.community, tc.q)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CheckinRuns(%+v) = %v, %v; want %v", tc.q, runIDs(got), err, runIDs(tc.want))
			}
		})
	}
	assertNoCommunity(t, db, "slack:nobody")
}

func runIDs(runs []checkins.CheckinRun) []int64 {
	ids := []int64{}
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	return ids
}

// assertNoCommunity fails if reads created a row for community.
func assertNoCommunity(t *testing.T, db Store, community string) {
	t.Helper()
	all, err := db.Communities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.ID == community {
			t.Errorf("reads created community %s", community)
		}
	}
}

func testOpenRunsFor(t *testing.T, db Store) {
	ctx := context.Background()
	older := createRun(t, db, dmRun(t, community, "pulse", at(0, 9)), "U1", "U2")
	newer := createRun(t, db, dmRun(t, community, "reflection", at(1, 9)), "U3", "U1")
	closed := createRun(t, db, dmRun(t, community, "pulse", at(2, 9)), "U1", "U2", "U3")
	if ok, err := db.CloseRun(ctx, closed.ID, at(3, 0)); !ok || err != nil {
		t.Fatalf("CloseRun = %v, %v", ok, err)
	}
	// The same platform id in another community is another member.
	createRun(t, db, dmRun(t, elsewhere, "pulse", at(2, 9)), "U1", "U4")
	// Whatever the delivery's status, a recipient's run is theirs.
	if err := db.SetRecipient(ctx, older.ID, checkins.Recipient{Member: "U2", Status: checkins.RecipientUnreachable}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, community, member string
		want                    []checkins.CheckinRun
	}{
		{"in two, newest first", community, "U1", []checkins.CheckinRun{newer, older}},
		{"unreachable", community, "U2", []checkins.CheckinRun{older}},
		{"added later", community, "U3", []checkins.CheckinRun{newer}},
		{"recipient elsewhere only", community, "U4", []checkins.CheckinRun{}},
		{"unknown member", community, "U9", []checkins.CheckinRun{}},
		{"another community", elsewhere, "U4", []checkins.CheckinRun{runWithID(t, db, elsewhere, 4)}},
		{"unknown community", "slack:nobody", "U1", []checkins.CheckinRun{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.OpenRunsFor(ctx, tc.community, tc.member)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("OpenRunsFor(%s) = %v, %v; want %v", tc.member, runIDs(got), err, runIDs(tc.want))
			}
		})
	}
	assertNoCommunity(t, db, "slack:nobody")
}

func runWithID(t testing.TB, db Store, community string, id int64) checkins.CheckinRun {
	t.Helper()
	r, err := db.CheckinRun(context.Background(), community, id)
	if err != nil {
		t.Fatalf("CheckinRun(%d): %v", id, err)
	}
	return r
}

func testCloseRun(t *testing.T, db Store) {
	ctx := context.Background()
	r := dmRun(t, community, "pulse", at(1, 0))
	r.Anonymous, r.Salt = true, []byte("sixteen byte key")
	r = createRun(t, db, r, "U1")

	if err := db.MarkReminded(ctx, r.ID, at(2, 0)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		want bool
	}{{"open", at(3, 0), true}, {"closed already", at(4, 0), false}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.CloseRun(ctx, r.ID, tc.at)
			if err != nil || got != tc.want {
				t.Errorf("CloseRun = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	want := r
	want.Salt, want.RemindedAt, want.ClosedAt = nil, at(2, 0), at(3, 0)
	if got := runWithID(t, db, community, r.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("closed run =\n %+v\nwant\n %+v", got, want)
	}
	if got, err := db.OpenRunsFor(ctx, community, "U1"); err != nil || len(got) != 0 {
		t.Errorf("OpenRunsFor after close = %v, %v", runIDs(got), err)
	}

	if _, err := db.CloseRun(ctx, 99, at(3, 0)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("CloseRun of an unknown run = %v, want ErrNotFound", err)
	}
	if err := db.MarkReminded(ctx, 99, at(3, 0)); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("MarkReminded of an unknown run = %v, want ErrNotFound", err)
	}
	open := createRun(t, db, dmRun(t, community, "pulse", at(1, 0)))
	if ok, err := db.CloseRun(ctx, open.ID, time.Time{}); ok || err == nil {
		t.Errorf("CloseRun without a time = %v, %v; want an error", ok, err)
	}
	if got := runWithID(t, db, community, open.ID); !got.ClosedAt.IsZero() {
		t.Errorf("closed without a time: %+v", got)
	}
}

func memberIDs(ms []bot.Member) []string {
	ids := []string{}
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func testActiveMembers(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: community, Name: "Acme"}, At: at(0, 0), Complete: true,
		Members: []bot.Member{
			{ID: "U4", Name: "dee", TZ: "Europe/Paris"},
			{ID: "U1", Name: "Ann", Admin: true},
			{ID: "U3", Name: "Cy", IsBot: true},
			{ID: "U2", Name: "Bob", Left: true},
			{ID: "U5", Name: "Ann"},
			{ID: "U0", Name: "ann"}, // the same name, case aside: by id
		}})
	saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: elsewhere}, At: at(0, 0),
		Members: []bot.Member{{ID: "U9", Name: "Elsa"}}})
	// Seen only in an event: no name yet, sorted first.
	record(t, db, msg("U6", "C1", "1", at(1, 0)))
	// Left through an event.
	record(t, db, membership(bot.KindLeave, "U5", at(1, 0)))

	got, err := db.ActiveMembers(ctx, community)
	if err != nil {
		t.Fatal(err)
	}
	if ids, want := memberIDs(got), []string{"U6", "U0", "U1", "U3", "U4"}; !slices.Equal(ids, want) {
		t.Errorf("ActiveMembers = %v, want %v", ids, want)
	}
	if len(got) == 5 {
		want := bot.Member{ID: "U3", Name: "Cy", IsBot: true}
		if !reflect.DeepEqual(got[3], want) {
			t.Errorf("the bot = %+v, want %+v", got[3], want)
		}
		if !got[2].Admin || got[4].TZ != "Europe/Paris" {
			t.Errorf("members lost their fields: %+v", got)
		}
	}
	for _, c := range []struct {
		community string
		want      []string
	}{{elsewhere, []string{"U9"}}, {"slack:nobody", []string{}}} {
		if got, err := db.ActiveMembers(ctx, c.community); err != nil || !slices.Equal(memberIDs(got), c.want) {
			t.Errorf("ActiveMembers(%s) = %v, %v; want %v", c.community, memberIDs(got), err, c.want)
		}
	}
	assertNoCommunity(t, db, "slack:nobody")
}

func testChannelMembers(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: community}, At: at(0, 0), Complete: true,
		Channels: []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "random"}},
		Members: []bot.Member{
			{ID: "U1", Name: "Ann"}, {ID: "U2", Name: "bob"}, {ID: "U3", Name: "Cy", IsBot: true},
			{ID: "U4", Name: "Dee", Left: true}, {ID: "U5", Name: "Eve"}, {ID: "U6", Name: "Fay"},
			{ID: "U7", Name: "Gus"}, {ID: "U0", Name: "Hal"},
		}})
	since := at(1, 0)
	answer := checkin("U0", "run1", at(1, 3))
	answer.Channel = "C1" // an answer to a check-in posted in C1
	outside := checkin("U7", "run1", at(1, 3))
	join := bot.Event{Kind: bot.KindJoin, Community: community, Channel: "C1", Member: "U7", At: at(1, 4), Key: "join:C1:U7"}
	record(t, db,
		msg("U1", "C1", "1", since), // at since: counts
		react("U2", "C1", "1", "tada", at(1, 1)),
		reply("U2", "C1", "2", "1", at(1, 2)),
		msg("U3", "C1", "3", at(1, 2)),  // a bot
		msg("U4", "C1", "4", at(1, 2)),  // left
		msg("U5", "C1", "5", at(0, 23)), // before since
		msg("U6", "C2", "6", at(1, 2)),  // another channel
		answer,
		outside, // a check-in answer in no channel
		join,    // not activity
		bot.Event{Kind: bot.KindMessage, Community: elsewhere, Channel: "C1", Member: "U9", At: at(1, 2), Key: "C1:9", Message: "9"},
	)

	for _, tc := range []struct {
		name, community, channel string
		since                    time.Time
		want                     []string
	}{
		{"active since", community, "C1", since, []string{"U1", "U2", "U0"}},
		{"earlier", community, "C1", at(0, 0), []string{"U1", "U2", "U5", "U0"}},
		{"later", community, "C1", at(1, 2.5), []string{"U0"}},
		{"another channel", community, "C2", since, []string{"U6"}},
		{"unknown channel", community, "C9", since, []string{}},
		{"no channel", community, "", since, []string{}},
		{"the same channel id elsewhere", elsewhere, "C1", since, []string{"U9"}},
		{"unknown community", "slack:nobody", "C1", since, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.ChannelMembers(ctx, tc.community, tc.channel, tc.since)
			if err != nil || !slices.Equal(memberIDs(got), tc.want) {
				t.Errorf("ChannelMembers = %v, %v; want %v", memberIDs(got), err, tc.want)
			}
		})
	}
	got, _ := db.ChannelMembers(ctx, community, "C1", since)
	if want := (bot.Member{ID: "U2", Name: "bob"}); len(got) != 3 || !reflect.DeepEqual(got[1], want) {
		t.Errorf("ChannelMembers = %+v; want %+v second", got, want)
	}
	assertNoCommunity(t, db, "slack:nobody")
}
