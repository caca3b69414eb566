package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

// Check-in recipients and answers: who a run reaches, claims, answers.

func recipients(t testing.TB, db Store, run int64) []checkins.Recipient {
	t.Helper()
	rs, err := db.Recipients(context.Background(), run)
	if err != nil {
		t.Fatalf("Recipients(%d): %v", run, err)
	}
	return rs
}

func pending(member, name string) checkins.Recipient {
	return checkins.Recipient{Member: member, Name: name, Status: checkins.RecipientPending}
}

func testRecipients(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: community}, At: at(0, 0), Complete: true,
		Members: []bot.Member{{ID: "U1", Name: "Ann"}, {ID: "U2", Name: "Bob"}}})
	saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: elsewhere}, At: at(0, 0),
		Members: []bot.Member{{ID: "U1", Name: "Zed"}}})
	run := createRun(t, db, dmRun(t, community, "pulse", at(1, 0)), "U2", "U9", "U1", "U2")
	empty := createRun(t, db, dmRun(t, community, "pulse", at(1, 0)))

	for _, tc := range []struct {
		name string
		run  int64
		want []checkins.Recipient
	}{
		// U9 was never seen: it gets a member row, without a name yet.
		{"in the order given, once each", run.ID, []checkins.Recipient{pending("U2", "Bob"), pending("U9", ""), pending("U1", "Ann")}},
		{"none", empty.ID, []checkins.Recipient{}},
		{"unknown run", 99, []checkins.Recipient{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := recipients(t, db, tc.run); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Recipients = %+v\nwant %+v", got, tc.want)
			}
		})
	}
	if m, err := db.Member(ctx, community, "U9"); err != nil || m.Left || m.IsBot {
		t.Errorf("the unseen recipient: %+v, %v", m, err)
	}
	// A name learned later shows.
	record(t, db, bot.Event{Kind: bot.KindMessage, Community: community, Channel: "C1", Member: "U9", MemberName: "Nia",
		At: at(1, 1), Key: "C1:1", Message: "1"})
	if got := recipients(t, db, run.ID); got[1].Name != "Nia" {
		t.Errorf("after a message with a name, recipients = %+v", got)
	}
}

func testSetRecipient(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: community}, At: at(0, 0),
		Members: []bot.Member{{ID: "U1", Name: "Ann"}, {ID: "U2", Name: "Bob"}, {ID: "U3", Name: "Cy"}}})
	run := createRun(t, db, dmRun(t, community, "pulse", at(1, 0)), "U1", "U2")

	sent := checkins.Recipient{Member: "U1", Name: "Ann", Status: checkins.RecipientSent, SentAt: at(1, 0.5), Awaiting: "more"}
	answered := sent
	answered.Awaiting = ""
	late := checkins.Recipient{Member: "U3", Name: "Cy", Status: checkins.RecipientSent, SentAt: at(1, 2)}
	unseen := checkins.Recipient{Member: "U8", Status: checkins.RecipientFailed}
	for _, tc := range []struct {
		name string
		set  checkins.Recipient
		want []checkins.Recipient
	}{
		{"update", sent, []checkins.Recipient{sent, pending("U2", "Bob")}},
		{"clear what it awaits", answered, []checkins.Recipient{answered, pending("U2", "Bob")}},
		{"add, last", late, []checkins.Recipient{answered, pending("U2", "Bob"), late}},
		{"add a member never seen, no time", unseen, []checkins.Recipient{answered, pending("U2", "Bob"), late, unseen}},
		{"the name given is ignored", checkins.Recipient{Member: "U2", Name: "Robert", Status: checkins.RecipientPending},
			[]checkins.Recipient{answered, pending("U2", "Bob"), late, unseen}},
		{"back to pending keeps the place", checkins.Recipient{Member: "U1", Status: checkins.RecipientPending},
			[]checkins.Recipient{pending("U1", "Ann"), pending("U2", "Bob"), late, unseen}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.SetRecipient(ctx, run.ID, tc.set); err != nil {
				t.Fatal(err)
			}
			if got := recipients(t, db, run.ID); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Recipients =\n %+v\nwant\n %+v", got, tc.want)
			}
		})
	}

	t.Run("first seen", func(t *testing.T) {
		// U5 is first seen after the run opened, then answers it: being a
		// recipient does not make them older. U6, never seen, is first seen
		// at the run's opening, U7 when sent to.
		saveDirectory(t, db, bot.Directory{Community: bot.Community{ID: community}, At: at(2, 0),
			Members: []bot.Member{{ID: "U5", Name: "Eve"}}})
		for _, r := range []checkins.Recipient{
			{Member: "U5", Status: checkins.RecipientSent},
			{Member: "U6", Status: checkins.RecipientSent},
			{Member: "U7", Status: checkins.RecipientSent, SentAt: at(1, 5)},
		} {
			if err := db.SetRecipient(ctx, run.ID, r); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Newcomers(ctx, community, at(0, 12), at(5, 0))
		if err != nil {
			t.Fatal(err)
		}
		want := []bot.Newcomer{
			{ID: "U6", JoinedAt: at(1, 0)}, {ID: "U8", JoinedAt: at(1, 0)}, {ID: "U7", JoinedAt: at(1, 5)},
			{ID: "U5", Name: "Eve", JoinedAt: at(2, 0)},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Newcomers = %+v\nwant %+v", got, want)
		}
	})

	if err := db.SetRecipient(ctx, 99, sent); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("SetRecipient of an unknown run = %v, want ErrNotFound", err)
	}
	for _, r := range []checkins.Recipient{{Status: checkins.RecipientSent}, {Member: "U1"}} {
		if err := db.SetRecipient(ctx, run.ID, r); err == nil {
			t.Errorf("SetRecipient(%+v) = nil, want an error", r)
		}
	}
}

func testClaimRecipient(t *testing.T, db Store) {
	ctx := context.Background()
	run := createRun(t, db, dmRun(t, community, "pulse", at(1, 0)), "U1", "U2")
	// U3 is a member, and a recipient of another run only.
	createRun(t, db, dmRun(t, community, "pulse", at(1, 0)), "U3")

	for _, tc := range []struct {
		name   string
		run    int64
		member string
		reset  bool // set the recipient back to pending first
		want   bool
	}{
		{"pending", run.ID, "U1", false, true},
		{"claimed already", run.ID, "U1", false, false},
		{"pending again", run.ID, "U1", true, true},
		{"not a recipient of this run", run.ID, "U3", false, false},
		{"unknown member", run.ID, "U9", false, false},
		{"unknown run", 99, "U1", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reset {
				if err := db.SetRecipient(ctx, tc.run, checkins.Recipient{Member: tc.member, Status: checkins.RecipientPending}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.ClaimRecipient(ctx, tc.run, tc.member)
			if err != nil || got != tc.want {
				t.Errorf("ClaimRecipient = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	want := []checkins.Recipient{{Member: "U1", Status: checkins.RecipientSending}, pending("U2", "")}
	if got := recipients(t, db, run.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("Recipients = %+v, want %+v", got, want)
	}

	t.Run("concurrently, one wins", func(t *testing.T) {
		won := claimRace(t, 20, func(int) (bool, error) { return db.ClaimRecipient(ctx, run.ID, "U2") })
		if won != 1 {
			t.Errorf("%d claims won, want 1", won)
		}
	})
}

func answers(t testing.TB, db Store, run int64) []checkins.SurveyAnswer {
	t.Helper()
	as, err := db.Answers(context.Background(), run)
	if err != nil {
		t.Fatalf("Answers(%d): %v", run, err)
	}
	return as
}

func testSaveAnswers(t *testing.T, db Store) {
	ctx := context.Background()
	run := createRun(t, db, dmRun(t, community, "pulse", at(1, 0)), "U1", "U2")
	other := createRun(t, db, dmRun(t, community, "pulse", at(1, 0)), "U1")
	ans := func(respondent, question, value string) checkins.SurveyAnswer {
		return checkins.SurveyAnswer{Respondent: respondent, Question: question, Value: value}
	}
	for _, tc := range []struct {
		name       string
		respondent string
		answers    map[string]string
		want       []checkins.SurveyAnswer
	}{
		{"first answers", "U2", map[string]string{"energy": "4", "q2": "a\nc"},
			[]checkins.SurveyAnswer{ans("U2", "energy", "4"), ans("U2", "q2", "a\nc")}},
		{"another respondent, sorted first", "U1", map[string]string{"more": "Thanks."},
			[]checkins.SurveyAnswer{ans("U1", "more", "Thanks."), ans("U2", "energy", "4"), ans("U2", "q2", "a\nc")}},
		{"replace one, add one", "U2", map[string]string{"energy": "5", "more": "Later."},
			[]checkins.SurveyAnswer{ans("U1", "more", "Thanks."), ans("U2", "energy", "5"), ans("U2", "more", "Later."), ans("U2", "q2", "a\nc")}},
		{"empty removes", "U2", map[string]string{"q2": "", "energy": "2"},
			[]checkins.SurveyAnswer{ans("U1", "more", "Thanks."), ans("U2", "energy", "2"), ans("U2", "more", "Later.")}},
		{"removing what is not there", "U1", map[string]string{"energy": ""},
			[]checkins.SurveyAnswer{ans("U1", "more", "Thanks."), ans("U2", "energy", "2"), ans("U2", "more", "Later.")}},
		{"nothing", "U1", map[string]string{},
			[]checkins.SurveyAnswer{ans("U1", "more", "Thanks."), ans("U2", "energy", "2"), ans("U2", "more", "Later.")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.SaveAnswers(ctx, run.ID, tc.respondent, tc.answers); err != nil {
				t.Fatal(err)
			}
			if got := answers(t, db, run.ID); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Answers =\n %q\nwant\n %q", got, tc.want)
			}
		})
	}
	if got := answers(t, db, other.ID); len(got) != 0 {
		t.Errorf("another run's answers: %q", got)
	}
	if got := answers(t, db, 99); got == nil || len(got) != 0 {
		t.Errorf("an unknown run's answers: %#v", got)
	}

	if err := db.SaveAnswers(ctx, 99, "U1", map[string]string{"energy": "1"}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("SaveAnswers to an unknown run = %v, want ErrNotFound", err)
	}
	for _, tc := range []struct {
		respondent string
		answers    map[string]string
	}{{"", map[string]string{"energy": "1"}}, {"U1", map[string]string{"": "1", "energy": "1"}}} {
		if err := db.SaveAnswers(ctx, run.ID, tc.respondent, tc.answers); err == nil {
			t.Errorf("SaveAnswers(%q, %q) = nil, want an error", tc.respondent, tc.answers)
		}
	}
	if got := answers(t, db, run.ID); len(got) != 3 {
		t.Errorf("after refused answers: %q", got)
	}
}
