package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/memstore"
)

var t0 = bottest.T0

const community = bottest.Community

func newBot(t *testing.T, facilitators ...string) *bottest.Rig {
	t.Helper()
	return bottest.NewWith(t, bottest.Config{Facilitators: facilitators})
}

func event(kind bot.EventKind, member, key string) bot.Event {
	return bot.Event{Kind: kind, Community: community, Channel: "general", Member: member, At: t0, Key: key, Message: key}
}

func TestHandleEvent(t *testing.T) {
	r := newBot(t)
	b := r.Bot
	ctx := context.Background()

	human := event(bot.KindMessage, "alice", "m1")
	botPost := event(bot.KindMessage, "robot", "m2")
	botPost.IsBot = true
	dm := event(bot.KindMessage, "alice", "dm1")
	dm.DM, dm.Channel = true, ""

	for _, e := range []bot.Event{human, human, botPost, dm} {
		if err := b.HandleEvent(ctx, e); err != nil {
			t.Fatalf("HandleEvent(%s): %v", e.Key, err)
		}
	}
	if kept := r.Store.Kept(); len(kept) != 1 || kept[0].Key != "m1" || kept[0].Member != "alice" {
		t.Fatalf("recorded %v, want only alice's channel message", kept)
	}
	m := b.Metrics()
	if got := [3]int64{m.EventsRecorded.Load(), m.EventsDuplicate.Load(), m.EventsIgnored.Load()}; got != [3]int64{1, 1, 2} {
		t.Errorf("metrics recorded/duplicate/ignored = %v, want [1 1 2]", got)
	}

	bad := human
	bad.Key = ""
	if err := b.HandleEvent(ctx, bad); err == nil || !strings.Contains(err.Error(), "key") {
		t.Errorf("event without key: err = %v, want it named", err)
	}
	reply := human
	reply.Kind, reply.Key = bot.KindReply, "r1"
	if err := b.HandleEvent(ctx, reply); err == nil || !strings.Contains(err.Error(), "parent") {
		t.Errorf("reply without parent: err = %v, want it named", err)
	}

	r.Store.FailWith(errors.New("disk full"))
	if err := b.HandleEvent(ctx, event(bot.KindMessage, "alice", "m3")); err == nil {
		t.Error("a store failure was swallowed")
	}
}

func TestCommandPermissions(t *testing.T) {
	ctx := context.Background()
	r := newBot(t, "carol", "shell:local:dave", "slack:T1:erin")
	r.AddMembers(bot.Member{ID: "admin1", Name: "Ada", Admin: true}, bot.Member{ID: "bob", Name: "bob"})
	if err := r.Store.AddFacilitator(ctx, community, "fran", "carol", t0); err != nil {
		t.Fatal(err)
	}
	b := r.Bot

	tests := []struct {
		who     string
		admin   bool
		allowed bool
	}{
		{who: "bob", allowed: false},
		{who: "carol", allowed: true},  // configured
		{who: "dave", allowed: true},   // configured for this community
		{who: "erin", allowed: false},  // configured for another community
		{who: "admin1", allowed: true}, // platform admin, from the directory
		{who: "gus", admin: true, allowed: true},
		{who: "fran", allowed: true}, // added from chat
	}
	for _, tt := range tests {
		reply := b.HandleCommand(ctx, bot.Command{Community: community, Channel: "general", Member: tt.who, Admin: tt.admin, Text: "report"})
		if refused := reply.Code == bot.EForbidden; refused == tt.allowed {
			t.Errorf("%s running report: code %q, allowed want %v (%s)", tt.who, reply.Code, tt.allowed, reply.Text)
		}
		if !reply.Private {
			t.Errorf("%s: report reply is not private", tt.who)
		}
	}
	reply := b.HandleCommand(ctx, bot.Command{Community: community, Member: "bob", Text: "facilitator add @bob"})
	if reply.Code != bot.EForbidden || !strings.Contains(reply.Text, "for facilitators") {
		t.Errorf("member adding a facilitator: %+v", reply)
	}
	if is, err := r.Store.IsFacilitator(ctx, community, "bob"); is || err != nil {
		t.Errorf("a refused command changed state (%v, %v)", is, err)
	}
}

func TestFacilitatorCommands(t *testing.T) {
	ctx := context.Background()
	r := newBot(t, "carol")
	r.AddMembers(bot.Member{ID: "bob", Name: "bob"}, bot.Member{ID: "carol", Name: "carol"}, bot.Member{ID: "robot", Name: "robot", IsBot: true})
	run := func(text string) bot.Reply {
		return r.Bot.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: text})
	}
	steps := []struct {
		text, want, code string
	}{
		{"facilitator add @bob", "bob is now a facilitator.", ""},
		{"facilitator add @bob", "bob is already a facilitator.", ""},
		{"facilitator add @robot", "robot is a bot", bot.EArgument},
		{"facilitator add @nobody", "I don't know anyone called @nobody", bot.ENotFound},
		{"facilitators", "• bob\n• carol (configured)", ""},
		{"facilitator remove @carol", "by configuration", bot.EConflict},
		{"facilitator remove @bob", "bob is no longer a facilitator.", ""},
		{"facilitator remove @bob", "bob is not a facilitator.", bot.ENotFound},
	}
	for _, st := range steps {
		reply := run(st.text)
		if !strings.Contains(reply.Text, st.want) || reply.Code != st.code {
			t.Errorf("%q: got (%q, %q), want text containing %q and code %q", st.text, reply.Text, reply.Code, st.want, st.code)
		}
	}
}

func TestCommandErrorsAreFriendly(t *testing.T) {
	ctx := context.Background()
	r := newBot(t, "carol")
	b := r.Bot
	reply := b.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: "report 30d #nowhere"})
	if reply.Code != bot.ENotFound || !strings.Contains(reply.Text, "#nowhere") {
		t.Errorf("unknown channel: %+v", reply)
	}
	r.Store.FailWith(errors.New("database is locked: secret detail"))
	reply = b.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: "report"})
	if reply.Code != bot.EInternal || reply.Text != bot.Apology {
		t.Errorf("internal error shown as %+v, want the apology", reply)
	}
	if b.Metrics().Errors.Load() == 0 {
		t.Error("internal error not counted")
	}
}

func TestHelpShowsWhatTheCallerMayRun(t *testing.T) {
	ctx := context.Background()
	b := newBot(t, "carol").Bot
	member := b.HandleCommand(ctx, bot.Command{Community: community, Member: "bob", Text: "help"})
	fac := b.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: "help"})
	if strings.Contains(member.Text, "/hearth report") || !strings.Contains(member.Text, "/hearth me") {
		t.Errorf("member help:\n%s", member.Text)
	}
	if !strings.Contains(fac.Text, "/hearth report [PERIOD] [#channel]") {
		t.Errorf("facilitator help:\n%s", fac.Text)
	}
	one := b.HandleCommand(ctx, bot.Command{Community: community, Member: "bob", Text: "help report"})
	if !strings.Contains(one.Text, "facilitators only") {
		t.Errorf("help report:\n%s", one.Text)
	}
	none := b.HandleCommand(ctx, bot.Command{Community: community, Member: "bob", Text: "help dance"})
	if none.Code != bot.ENotFound {
		t.Errorf("help dance: %+v", none)
	}
}

// unnamingStore is a store whose reports leave out the names of one
// message's author and channel, as a store may: the core names them.
type unnamingStore struct {
	*memstore.Store
	message string
}

func (s unnamingStore) Report(ctx context.Context, q bot.ReportQuery) (bot.Report, error) {
	rep, err := s.Store.Report(ctx, q)
	for i, u := range rep.Unanswered {
		if u.Message == s.message {
			rep.Unanswered[i].AuthorName, rep.Unanswered[i].ChannelName = "", ""
		}
	}
	return rep, err
}

func TestReportNamesUnansweredMessages(t *testing.T) {
	r := bottest.NewWith(t, bottest.Config{Store: func(s *memstore.Store) features.Store { return unnamingStore{s, "m1"} }})
	r.AddMembers(bot.Member{ID: "U1", Name: "Dave"})
	r.AddChannels(bot.Channel{ID: "C1", Name: "design"})
	posted := t0.Add(-2 * 24 * time.Hour)
	named := bottest.Message("U9", "C9", "m2", posted)
	named.MemberName, named.ChannelName = "Erin", "help"
	r.Record(
		bottest.Message("U1", "C1", "m1", posted), // named by the core: the store leaves it unnamed
		named, // named by the store
		bottest.Message("U8", "C8", "m3", posted), // unknown: ids shown
	)
	reply := r.CarolSays("report")
	for _, want := range []string{"• #design: Dave's message", "• #help: Erin's message", "• #C8: U8's message"} {
		if !strings.Contains(reply.Text, want) {
			t.Errorf("report lacks %q:\n%s", want, reply.Text)
		}
	}
}
