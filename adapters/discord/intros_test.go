package discord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/intros"
)

// introStore is the least of a bot.Store an intro round needs: three
// members opted in, no history. Unimplemented methods panic (nil embedded).
type introStore struct {
	features.Store
	members   []bot.Member
	round     intros.IntroRound
	schedules []bot.Schedule
}

func (s *introStore) IntroOptIns(context.Context, string) ([]intros.IntroOptIn, error) {
	var out []intros.IntroOptIn
	for _, m := range s.members {
		out = append(out, intros.IntroOptIn{Member: m.ID, Since: t0})
	}
	return out, nil
}

func (s *introStore) MemberWeeks(context.Context, bot.MemberWeeksQuery) ([]bot.MemberWeeks, error) {
	var out []bot.MemberWeeks
	for _, m := range s.members {
		out = append(out, bot.MemberWeeks{Member: m})
	}
	return out, nil
}

func (s *introStore) AllPrefs(context.Context, string) (map[string]bot.MemberPrefs, error) {
	return nil, nil
}

func (s *introStore) IntroRounds(context.Context, string, int) ([]intros.IntroRound, error) {
	return nil, nil
}

func (s *introStore) AddIntroRound(_ context.Context, r intros.IntroRound) (intros.IntroRound, error) {
	r.ID = 1
	for i := range r.Groups {
		r.Groups[i].ID = int64(i + 1)
	}
	s.round = r
	return r, nil
}

func (s *introStore) AddSchedule(_ context.Context, sc bot.Schedule) (int64, error) {
	s.schedules = append(s.schedules, sc)
	return int64(len(s.schedules)), nil
}

func (s *introStore) ActiveChannels(context.Context, string, []string, time.Time) (map[string][]bot.Channel, error) {
	return nil, nil
}

func (s *introStore) Member(_ context.Context, _, id string) (bot.Member, error) {
	for _, m := range s.members {
		if m.ID == id {
			return m, nil
		}
	}
	return bot.Member{}, bot.ErrNotFound
}

// TestIntrosByDMOnDiscord: Discord bots cannot open group DMs, so an intro
// round through the real core sends each member a DM that mentions the
// others (<@id>, which names without pinging).
func TestIntrosByDMOnDiscord(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	st := &introStore{members: []bot.Member{{ID: aliceID, Name: "Alice"}, {ID: bobID, Name: "bob"}, {ID: carolID, Name: "carol"}}}
	core, err := bot.New(bot.Config{Store: st, Clock: h.clock})
	if err == nil {
		err = features.Register(core, st)
	}
	if err != nil {
		t.Fatal(err)
	}
	core.AttachChat(bot.Discord, h.a)
	r := core.HandleCommand(context.Background(), bot.Command{Community: community, Channel: generalID, Member: ownerID, Admin: true, Text: "intros now"})
	if r.Code != "" || !strings.Contains(r.Text, "1 group, introduced each member by DM") {
		t.Fatalf("intros now: %+v", r)
	}
	if len(st.round.Groups) != 1 || len(st.round.Groups[0].Members) != 3 || len(st.schedules) != 1 {
		t.Fatalf("round %+v, schedules %+v", st.round, st.schedules)
	}
	ids := []string{aliceID, bobID, carolID}
	for _, id := range ids {
		dm := f.DMChannel(id)
		msgs := f.Messages(dm)
		if dm == "" || len(msgs) != 1 {
			t.Fatalf("%s's DMs: %+v", id, msgs)
		}
		for _, o := range ids {
			if has := strings.Contains(msgs[0].Content, "<@"+o+">"); has != (o != id) {
				t.Errorf("%s's DM mentions %s: %v: %q", id, o, has, msgs[0].Content)
			}
		}
		if !strings.Contains(string(msgs[0].AllowedMentions), `"parse":[]`) {
			t.Errorf("%s's DM may ping: %s", id, msgs[0].AllowedMentions)
		}
	}
}
