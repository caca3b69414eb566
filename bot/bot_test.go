package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newBot(t *testing.T, s *fakeStore, facilitators ...string) *bot.Bot {
	t.Helper()
	b, err := bot.New(bot.Config{Store: s, Clock: bot.NewManualClock(t0), Facilitators: facilitators})
	if err == nil {
		err = features.Register(b, s)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func event(kind bot.EventKind, member, key string) bot.Event {
	return bot.Event{Kind: kind, Community: "shell:local", Channel: "general", Member: member, At: t0, Key: key, Message: key}
}

func TestHandleEvent(t *testing.T) {
	s := newFakeStore()
	b := newBot(t, s)
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
	if len(s.events) != 1 || s.events["m1"].Member != "alice" {
		t.Fatalf("recorded %v, want only alice's channel message", s.events)
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

	s.err = errors.New("disk full")
	if err := b.HandleEvent(ctx, event(bot.KindMessage, "alice", "m3")); err == nil {
		t.Error("a store failure was swallowed")
	}
}

func TestCommandPermissions(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore()
	s.members["admin1"] = bot.Member{ID: "admin1", Name: "Ada", Admin: true}
	s.members["bob"] = bot.Member{ID: "bob", Name: "bob"}
	s.facilitators["fran"] = true
	b := newBot(t, s, "carol", "shell:local:dave", "slack:T1:erin")

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
		r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Channel: "general", Member: tt.who, Admin: tt.admin, Text: "report"})
		if refused := r.Code == bot.EForbidden; refused == tt.allowed {
			t.Errorf("%s running report: code %q, allowed want %v (%s)", tt.who, r.Code, tt.allowed, r.Text)
		}
		if !r.Private {
			t.Errorf("%s: report reply is not private", tt.who)
		}
	}
	r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "bob", Text: "facilitator add @bob"})
	if r.Code != bot.EForbidden || !strings.Contains(r.Text, "for facilitators") {
		t.Errorf("member adding a facilitator: %+v", r)
	}
	if s.facilitators["bob"] {
		t.Error("a refused command changed state")
	}
}

func TestFacilitatorCommands(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore()
	s.members["bob"] = bot.Member{ID: "bob", Name: "bob"}
	s.members["carol"] = bot.Member{ID: "carol", Name: "carol"}
	s.members["robot"] = bot.Member{ID: "robot", Name: "robot", IsBot: true}
	b := newBot(t, s, "carol")
	run := func(text string) bot.Reply {
		return b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "carol", Text: text})
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
		r := run(st.text)
		if !strings.Contains(r.Text, st.want) || r.Code != st.code {
			t.Errorf("%q: got (%q, %q), want text containing %q and code %q", st.text, r.Text, r.Code, st.want, st.code)
		}
	}
}

func TestCommandErrorsAreFriendly(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore()
	b := newBot(t, s, "carol")
	r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "carol", Text: "report 30d #nowhere"})
	if r.Code != bot.ENotFound || !strings.Contains(r.Text, "#nowhere") {
		t.Errorf("unknown channel: %+v", r)
	}
	s.err = errors.New("database is locked: secret detail")
	r = b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "carol", Text: "report"})
	if r.Code != bot.EInternal || r.Text != bot.Apology {
		t.Errorf("internal error shown as %+v, want the apology", r)
	}
	if b.Metrics().Errors.Load() == 0 {
		t.Error("internal error not counted")
	}
}

func TestHelpShowsWhatTheCallerMayRun(t *testing.T) {
	ctx := context.Background()
	b := newBot(t, newFakeStore(), "carol")
	member := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "bob", Text: "help"})
	fac := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "carol", Text: "help"})
	if strings.Contains(member.Text, "/hearth report") || !strings.Contains(member.Text, "/hearth me") {
		t.Errorf("member help:\n%s", member.Text)
	}
	if !strings.Contains(fac.Text, "/hearth report [PERIOD] [#channel]") {
		t.Errorf("facilitator help:\n%s", fac.Text)
	}
	one := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "bob", Text: "help report"})
	if !strings.Contains(one.Text, "facilitators only") {
		t.Errorf("help report:\n%s", one.Text)
	}
	none := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "bob", Text: "help dance"})
	if none.Code != bot.ENotFound {
		t.Errorf("help dance: %+v", none)
	}
}

func TestReportNamesUnansweredMessages(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore()
	s.members["U1"] = bot.Member{ID: "U1", Name: "Dave"}
	s.channels["C1"] = bot.Channel{ID: "C1", Name: "design"}
	s.report = bot.Report{Unanswered: []bot.Unanswered{
		{Channel: "C1", Message: "m1", Author: "U1", PostedAt: t0},                                          // named by the core
		{Channel: "C9", Message: "m2", Author: "U9", PostedAt: t0, ChannelName: "help", AuthorName: "Erin"}, // named by the store
		{Channel: "C8", Message: "m3", Author: "U8", PostedAt: t0},                                          // unknown: ids shown
	}}
	b := newBot(t, s, "carol")
	r := b.HandleCommand(ctx, bot.Command{Community: "shell:local", Member: "carol", Text: "report"})
	for _, want := range []string{"• #design: Dave's message", "• #help: Erin's message", "• #C8: U8's message"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("report lacks %q:\n%s", want, r.Text)
		}
	}
}
