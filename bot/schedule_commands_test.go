package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/reporting"
)

// fakeChat records what the core posts.
type fakeChat struct {
	mu    sync.Mutex
	posts []sentPost
	caps  bot.Capabilities
	// unreachable members' DMs fail as the platform refusing them.
	unreachable map[string]bool
}

type sentPost struct {
	to   bot.Destination
	post bot.Post
	ref  bot.PostRef
}

var _ bot.Chat = (*fakeChat)(nil)

func (c *fakeChat) Post(_ context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if to.Kind == bot.ToDM && c.unreachable[to.Member] {
		return bot.PostRef{}, bot.Errorf(bot.EUnreachable, "%s does not take DMs", to.Member)
	}
	ref := bot.PostRef{Channel: to.Channel, ID: "P" + string(rune('0'+len(c.posts)))}
	c.posts = append(c.posts, sentPost{to: to, post: p, ref: ref})
	return ref, nil
}

func (c *fakeChat) Capabilities() bot.Capabilities { return c.caps }

// hourlySpecs reads "every N hours" and nothing else: the real parser lives
// in the schedules package and has its own tests.
type hourlySpecs struct{}

type everyHours int

func (h everyHours) Next(t time.Time) time.Time {
	return t.Truncate(time.Hour).Add(time.Duration(h) * time.Hour)
}

func (hourlySpecs) ParseSpec(spec string, _ *time.Location) (bot.Spec, error) {
	var n int
	if _, err := fmt.Sscanf(spec, "every %d hours", &n); err != nil || n <= 0 {
		return nil, bot.Errorf(bot.EArgument, "I can't read the schedule %q.", spec)
	}
	return everyHours(n), nil
}

type charterFunc func(string, []bot.WeekPoint) ([]byte, error)

func (f charterFunc) WeeklyChart(title string, w []bot.WeekPoint) ([]byte, error) { return f(title, w) }

func newSchedulingBot(t *testing.T) (*bot.Bot, *fakeStore, *fakeChat, *bot.ManualClock) {
	t.Helper()
	s := newFakeStore()
	s.channels["general"] = bot.Channel{ID: "general", Name: "general"}
	s.channels["facilitators"] = bot.Channel{ID: "facilitators", Name: "facilitators"}
	clock := bot.NewManualClock(t0)
	b, err := bot.New(bot.Config{Store: s, Clock: clock, Facilitators: []string{"carol"}, Specs: hourlySpecs{},
		Charts: charterFunc(func(_ string, w []bot.WeekPoint) ([]byte, error) {
			if len(w) != reporting.DigestWeeks {
				t.Errorf("chart of %d weeks", len(w))
			}
			return []byte("png"), nil
		})})
	if err == nil {
		err = features.Register(b, s)
	}
	if err != nil {
		t.Fatal(err)
	}
	chat := &fakeChat{caps: bot.Capabilities{Files: true, Buttons: true}}
	b.AttachChat(bot.Shell, chat)
	return b, s, chat, clock
}

func carolSays(b *bot.Bot, text string) bot.Reply {
	return b.HandleCommand(context.Background(), bot.Command{Community: "shell:local", Channel: "general", ChannelName: "general", Member: "carol", Text: text})
}

func TestScheduleCommands(t *testing.T) {
	b, s, _, _ := newSchedulingBot(t)
	carolSays(b, `prompt add "every 2 hours" "Hi?"`)
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
		r := carolSays(b, st.text)
		if !strings.Contains(r.Text, st.want) || r.Code != st.code {
			t.Errorf("%s: got (%q, %q), want %q and code %q", st.text, r.Text, r.Code, st.want, st.code)
		}
	}
	if len(s.schedules) != 0 {
		t.Errorf("schedules left: %+v", s.schedules)
	}
	r := b.HandleCommand(context.Background(), bot.Command{Community: "shell:local", Member: "bob", Text: "schedule list"})
	if r.Code != bot.EForbidden {
		t.Errorf("member listing schedules: %+v", r)
	}
}

func TestScheduleTimeZones(t *testing.T) {
	b, s, _, _ := newSchedulingBot(t)
	r := carolSays(b, `prompt add "every 24 hours" "Hi?" #general tz=America/New_York`)
	if r.Code != "" || !strings.Contains(r.Text, "First one: Tue Nov 3 04:00 EST") {
		t.Fatalf("prompt add with a zone: %+v", r)
	}
	if s.schedules[0].TZ != "America/New_York" {
		t.Errorf("stored zone %q", s.schedules[0].TZ)
	}
	// Discord's typed option gives the bare name.
	if r = carolSays(b, `prompt deck schedule "every 24 hours" Europe/Paris`); r.Code != "" || s.schedules[1].TZ != "Europe/Paris" {
		t.Errorf("deck schedule with a bare zone: %+v %+v", r, s.schedules)
	}
	if r = carolSays(b, "schedule list"); !strings.Contains(r.Text, "(America/New_York), next Tue Nov 3 04:00 EST") {
		t.Errorf("list shows each schedule in its zone:\n%s", r.Text)
	}
	if r = carolSays(b, `schedule preview "every 6 hours" tz=Asia/Tokyo`); !strings.Contains(r.Text, "(Asia/Tokyo)") || !strings.Contains(r.Text, "• Tue Nov 3 00:00 JST") {
		t.Errorf("preview in a zone:\n%s", r.Text)
	}
	before := len(s.schedules)
	for _, bad := range []string{`prompt add "every 24 hours" "Hi?" #general tz=Mars/Olympus`, `digest schedule "every 24 hours" tz=Local`} {
		if r = carolSays(b, bad); r.Code != bot.EArgument || !strings.Contains(r.Text, "I don't know the time zone") {
			t.Errorf("%s: %+v", bad, r)
		}
	}
	if len(s.schedules) != before || s.settings[bot.SettingDigestChannel] != "" {
		t.Errorf("a refused schedule changed something: %+v %v", s.schedules, s.settings)
	}
}
