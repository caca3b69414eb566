package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
)

func TestScheduleCommands(t *testing.T) {
	r := bottest.New(t)
	r.CarolSays(`prompt add "every 2 hours" "Hi?"`)
	steps := []struct{ text, want, code string }{
		{"schedule list", "#1 prompt \"Hi?\" in #general: every 2 hours, next Mon Nov 2 11:00 UTC", ""},
		{"schedule pause 1", "Paused schedule #1", ""},
		{"schedule pause 1", "already paused", ""},
		{"schedule list", "every 2 hours, paused", ""},
		{"schedule resume 1", "Resumed schedule #1", ""},
		{"schedule preview \"every 6 hours\"", "• Mon Nov 2 15:00 UTC\n• Mon Nov 2 21:00 UTC", ""},
		{"schedule preview \"TZ=UTC\"", "I can't read the schedule", bot.EArgument},
		{`prompt add "whenever" "Hi?"`, "I can't read the schedule", bot.EArgument},
		{"schedule remove 7", "There is no schedule #7", bot.ENotFound},
		{"schedule pause abc", "I expected a number", bot.EArgument},
		{"schedule remove 1", "Removed schedule #1", ""},
		{"schedule list", "Nothing is scheduled", ""},
	}
	for _, st := range steps {
		reply := r.CarolSays(st.text)
		if !strings.Contains(reply.Text, st.want) || reply.Code != st.code {
			t.Errorf("%s: got (%q, %q), want %q and code %q", st.text, reply.Text, reply.Code, st.want, st.code)
		}
	}
	if left := r.Schedules(); len(left) != 0 {
		t.Errorf("schedules left: %+v", left)
	}
	reply := r.Bot.HandleCommand(context.Background(), bot.Command{Community: community, Member: "bob", Text: "schedule list"})
	if reply.Code != bot.EForbidden {
		t.Errorf("member listing schedules: %+v", reply)
	}
}

func TestScheduleTimeZones(t *testing.T) {
	r := bottest.New(t)
	digestChannel := func() string {
		t.Helper()
		ch, err := r.Store.Setting(context.Background(), community, bot.SettingDigestChannel)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	reply := r.CarolSays(`prompt add "every 24 hours" "Hi?" #general tz=America/New_York`)
	if reply.Code != "" || !strings.Contains(reply.Text, "First one: Tue Nov 3 04:00 EST") {
		t.Fatalf("prompt add with a zone: %+v", reply)
	}
	if tz := r.Schedules()[0].TZ; tz != "America/New_York" {
		t.Errorf("stored zone %q", tz)
	}
	// Discord's typed option gives the bare name.
	if reply = r.CarolSays(`prompt deck schedule "every 24 hours" Europe/Paris`); reply.Code != "" || len(r.Schedules()) != 2 || r.Schedules()[1].TZ != "Europe/Paris" {
		t.Errorf("deck schedule with a bare zone: %+v %+v", reply, r.Schedules())
	}
	if reply = r.CarolSays("schedule list"); !strings.Contains(reply.Text, "(America/New_York), next Tue Nov 3 04:00 EST") {
		t.Errorf("list shows each schedule in its zone:\n%s", reply.Text)
	}
	if reply = r.CarolSays(`schedule preview "every 6 hours" tz=Asia/Tokyo`); !strings.Contains(reply.Text, "(Asia/Tokyo)") || !strings.Contains(reply.Text, "• Tue Nov 3 00:00 JST") {
		t.Errorf("preview in a zone:\n%s", reply.Text)
	}
	before := len(r.Schedules())
	for _, bad := range []string{`prompt add "every 24 hours" "Hi?" #general tz=Mars/Olympus`, `digest schedule "every 24 hours" tz=Local`} {
		if reply = r.CarolSays(bad); reply.Code != bot.EArgument || !strings.Contains(reply.Text, "I don't know the time zone") {
			t.Errorf("%s: %+v", bad, reply)
		}
	}
	if len(r.Schedules()) != before || digestChannel() != "" {
		t.Errorf("a refused schedule changed something: %+v %q", r.Schedules(), digestChannel())
	}
}
