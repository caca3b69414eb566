package intros_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/intros"
)

var t0 = bottest.T0

const community = bottest.Community

// rounds counts the community's intro rounds.
func rounds(t *testing.T, r *bottest.Rig) int {
	t.Helper()
	rs, err := r.Store.IntroRounds(context.Background(), community, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

// name is a member's name as the store keeps it.
func name(t *testing.T, r *bottest.Rig, member string) string {
	t.Helper()
	m, err := r.Store.Member(context.Background(), community, member)
	if err != nil {
		t.Fatal(err)
	}
	return m.Name
}

func cand(id string, offsetHours float64) intros.IntroCandidate {
	return intros.IntroCandidate{ID: id, Offset: time.Duration(offsetHours * float64(time.Hour)), KnownTZ: true}
}

func ids(ids ...string) []intros.IntroCandidate {
	var out []intros.IntroCandidate
	for _, id := range ids {
		out = append(out, intros.IntroCandidate{ID: id})
	}
	return out
}

func history(ages map[string]int) intros.IntroHistory {
	h := intros.IntroHistory{}
	for k, age := range ages {
		a, b, _ := strings.Cut(k, "-")
		h[intros.IntroPair(a, b)] = age
	}
	return h
}

// canon writes groups as "a+b|c+d+e", each group sorted and the groups sorted.
func canon(groups [][]string) string {
	var gs []string
	for _, g := range groups {
		g = slices.Clone(g)
		slices.Sort(g)
		gs = append(gs, strings.Join(g, "+"))
	}
	slices.Sort(gs)
	return strings.Join(gs, "|")
}

func TestPairIntros(t *testing.T) {
	for _, tc := range []struct {
		name    string
		members []intros.IntroCandidate
		history intros.IntroHistory
		want    []string // acceptable results (canon); the same for every seed
	}{
		{"nobody", nil, nil, []string{""}},
		{"alone", ids("a"), nil, []string{""}},
		{"a pair", ids("a", "b"), nil, []string{"a+b"}},
		{"a trio", ids("a", "b", "c"), nil, []string{"a+b+c"}},
		{"twice the same member", ids("a", "b", "a"), nil, []string{"a+b"}},
		{"five: a pair and a trio", ids("a", "b", "c", "d", "e"), history(map[string]int{"a-b": 1, "a-c": 1, "b-c": 1, "d-e": 1}),
			// d and e met; a, b and c met each other: one repeat is
			// unavoidable (the trio), and only one.
			[]string{"a+d|b+c+e", "a+e|b+c+d", "a+c+e|b+d", "a+c+d|b+e", "a+b+e|c+d", "a+b+d|c+e"}},
		{"the only new pairs", ids("a", "b", "c", "d"), history(map[string]int{"a-b": 1, "c-d": 1, "a-c": 2, "b-d": 2}), []string{"a+d|b+c"}},
		{"a repeat when nothing else is left", ids("a", "b"), history(map[string]int{"a-b": 1}), []string{"a+b"}},
		{"the oldest repeats when all are repeats", ids("a", "b", "c", "d"),
			history(map[string]int{"a-b": 1, "c-d": 1, "a-c": 2, "b-d": 2, "a-d": 5, "b-c": 5}), []string{"a+d|b+c"}},
		{"close time zones", []intros.IntroCandidate{cand("tokyo1", 9), cand("nyc1", -5), cand("tokyo2", 9), cand("nyc2", -4), cand("paris", 1), cand("berlin", 1)},
			nil, []string{"berlin+paris|nyc1+nyc2|tokyo1+tokyo2"}},
		{"time zones around the day", []intros.IntroCandidate{cand("kiribati", 14), cand("london", 0), cand("hawaii", -10), cand("dublin", 0)},
			nil, []string{"dublin+london|hawaii+kiribati"}},
		{"no repeat to get closer zones", []intros.IntroCandidate{cand("a", 9), cand("b", 9), cand("c", -5), cand("d", -5)},
			history(map[string]int{"a-b": 1, "c-d": 3}), []string{"a+c|b+d", "a+d|b+c"}},
		{"unknown zones fit anywhere", []intros.IntroCandidate{cand("a", 9), cand("b", -5), {ID: "c"}, {ID: "d"}},
			nil, []string{"a+c|b+d", "a+d|b+c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range int64(20) {
				got := canon(intros.PairIntros(tc.members, tc.history, seed))
				if !slices.Contains(tc.want, got) {
					t.Fatalf("seed %d: %q, want one of %q", seed, got, tc.want)
				}
			}
		})
	}
}

func TestPairIntrosIsSeededAndReproducible(t *testing.T) {
	members := ids("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
	seen := map[string]bool{}
	for seed := range int64(10) {
		first := intros.PairIntros(members, nil, seed)
		if again := intros.PairIntros(slices.Clone(members), nil, seed); canon(again) != canon(first) || fmt.Sprint(again) != fmt.Sprint(first) {
			t.Fatalf("seed %d: %v, then %v", seed, first, again)
		}
		seen[canon(first)] = true
	}
	if len(seen) < 5 {
		t.Errorf("10 seeds gave %d groupings: not random enough", len(seen))
	}
}

// groupCosts are what a grouping is judged on: repeated pairs first, then
// the sum of time-zone differences (hours, around the day) in its groups.
func groupCosts(groups [][]string, zones map[string]intros.IntroCandidate, h intros.IntroHistory) (repeats int, tz time.Duration) {
	for _, g := range groups {
		for i, a := range g {
			for _, b := range g[i+1:] {
				if _, ok := h[intros.IntroPair(a, b)]; ok {
					repeats++
				}
				za, zb := zones[a], zones[b]
				if za.KnownTZ && zb.KnownTZ {
					d := (za.Offset - zb.Offset) % (24 * time.Hour)
					if d < 0 {
						d = -d
					}
					tz += min(d, 24*time.Hour-d).Truncate(30 * time.Minute)
				}
			}
		}
	}
	return repeats, tz
}

// fewestRepeats finds by brute force the fewest repeats any grouping of
// ids into pairs (and one trio when odd) has.
func fewestRepeats(ids []string, h intros.IntroHistory) int {
	met := func(a, b string) int {
		if _, ok := h[intros.IntroPair(a, b)]; ok {
			return 1
		}
		return 0
	}
	var best func(rest []string, trio bool) int
	best = func(rest []string, trio bool) int {
		if len(rest) == 0 {
			return 0
		}
		first, others := rest[0], rest[1:]
		out := 1 << 30
		for i, b := range others {
			left := slices.Delete(slices.Clone(others), i, i+1)
			out = min(out, met(first, b)+best(left, trio))
			if trio {
				for j := i; j < len(left); j++ {
					c := left[j]
					l2 := slices.Delete(slices.Clone(left), j, j+1)
					out = min(out, met(first, b)+met(first, c)+met(b, c)+best(l2, false))
				}
			}
		}
		return out
	}
	return best(ids, len(ids)%2 == 1)
}

// TestPairIntrosProperties checks random communities: everyone is in
// exactly one group; groups are pairs, with one trio when the number is
// odd; no pair repeats when a grouping without repeats exists (found by
// brute force for small communities; after one round it always exists in
// larger ones); and no swap of two members between groups would lower the
// repeats, or keep them and bring time zones closer.
func TestPairIntrosProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 2 + rng.IntN(30)
		if trial < 150 {
			n = 2 + rng.IntN(9)
		}
		var members []intros.IntroCandidate
		zones := map[string]intros.IntroCandidate{}
		for i := range n {
			c := intros.IntroCandidate{ID: fmt.Sprintf("m%02d", i)}
			if rng.IntN(4) > 0 {
				c.KnownTZ, c.Offset = true, time.Duration(rng.IntN(27)-12)*time.Hour+time.Duration(rng.IntN(2))*30*time.Minute
			}
			members = append(members, c)
			zones[c.ID] = c
		}
		h := intros.IntroHistory{}
		if trial%3 > 0 { // a round before, with all its pairs one round old
			for _, g := range intros.PairIntros(ids(slices.Collect(func(yield func(string) bool) {
				for _, m := range members {
					if !yield(m.ID) {
						return
					}
				}
			})...), nil, int64(trial)*7) {
				for i, a := range g {
					for _, b := range g[i+1:] {
						h[intros.IntroPair(a, b)] = 1
					}
				}
			}
		}
		groups := intros.PairIntros(members, h, int64(trial))
		where := map[string]int{}
		trios := 0
		for gi, g := range groups {
			if len(g) < 2 || len(g) > 3 {
				t.Fatalf("trial %d: group of %d: %v", trial, len(g), groups)
			}
			if len(g) == 3 {
				trios++
			}
			for _, m := range g {
				if _, ok := where[m]; ok {
					t.Fatalf("trial %d: %s twice: %v", trial, m, groups)
				}
				where[m] = gi
			}
		}
		if len(where) != n || trios != n%2 {
			t.Fatalf("trial %d: %d of %d members placed, %d trios: %v", trial, len(where), n, trios, groups)
		}
		repeats, tz := groupCosts(groups, zones, h)
		if n <= 10 {
			if least := fewestRepeats(slices.Sorted(func(yield func(string) bool) {
				for id := range where {
					if !yield(id) {
						return
					}
				}
			}), h); least == 0 && repeats > 0 {
				t.Fatalf("trial %d: %d repeats where none were needed: %v", trial, repeats, groups)
			}
		} else if len(h) > 0 && repeats > 0 {
			t.Fatalf("trial %d: %d repeats after a single round of %d: %v", trial, repeats, n, groups)
		}
		for x := range groups {
			for y := x + 1; y < len(groups); y++ {
				for i := range groups[x] {
					for j := range groups[y] {
						swapped := make([][]string, len(groups))
						for k := range groups {
							swapped[k] = slices.Clone(groups[k])
						}
						swapped[x][i], swapped[y][j] = groups[y][j], groups[x][i]
						r2, tz2 := groupCosts(swapped, zones, h)
						if r2 < repeats || r2 == repeats && tz2 < tz {
							t.Fatalf("trial %d: swapping %s and %s gives %d repeats, %v apart (from %d, %v): %v",
								trial, groups[x][i], groups[y][j], r2, tz2, repeats, tz, groups)
						}
					}
				}
			}
		}
	}
}

// newIntrosBot is a bot whose community has alice, bob, dave, frank and
// gina (humans), a bot and a member who left; carol facilitates.
func newIntrosBot(t *testing.T) *bottest.Rig {
	t.Helper()
	r := bottest.NewCommunity(t)
	r.AddMembers(bot.Member{ID: "frank", Name: "Frank"}, bot.Member{ID: "gina", Name: "Gina"})
	return r
}

func optIn(t *testing.T, r *bottest.Rig, members ...string) {
	t.Helper()
	for _, m := range members {
		if reply := r.Says(m, "intros on"); reply.Code != "" || !strings.Contains(reply.Text, "You're in!") {
			t.Fatalf("%s opting in: %+v", m, reply)
		}
	}
}

// round returns intro round id as the store keeps it.
func round(t *testing.T, r *bottest.Rig, id int64) intros.IntroRound {
	t.Helper()
	rd, err := r.Store.IntroRound(context.Background(), community, id)
	if err != nil {
		t.Fatal(err)
	}
	return rd
}

// optIns returns who opted in to intros.
func optIns(t *testing.T, r *bottest.Rig) []string {
	t.Helper()
	ins, err := r.Store.IntroOptIns(context.Background(), community)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, in := range ins {
		out = append(out, in.Member)
	}
	return out
}

// groupOf returns the group of round that has member.
func groupOf(t *testing.T, r *bottest.Rig, id int64, member string) intros.IntroGroup {
	t.Helper()
	for _, g := range round(t, r, id).Groups {
		if slices.Contains(g.Members, member) {
			return g
		}
	}
	return intros.IntroGroup{}
}

func TestIntrosOptInAndOut(t *testing.T) {
	r := newIntrosBot(t)
	optIn(t, r, "alice", "bob")
	if reply := r.Says("alice", "intros on"); !strings.Contains(reply.Text, "You're in!") || len(optIns(t, r)) != 2 {
		t.Fatalf("opting in twice: %+v, %v", reply, optIns(t, r))
	}
	if reply := r.Says("bob", "intros off"); reply.Code != "" || !strings.Contains(reply.Text, "no more introductions") {
		t.Fatalf("off: %+v", reply)
	}
	if ins := optIns(t, r); slices.Contains(ins, "bob") || len(ins) != 1 {
		t.Fatalf("opt-ins after bob's off: %v", ins)
	}
	for _, cmd := range []string{"intros now", "intros list", `intros schedule "every 24 hours"`} {
		if reply := r.Says("alice", cmd); reply.Code != bot.EForbidden {
			t.Errorf("a member running %q: %+v", cmd, reply)
		}
	}
	if reply := r.CarolSays("intros list"); !strings.Contains(reply.Text, "Opted in (1): Alice") || !strings.Contains(reply.Text, "No rounds are scheduled") {
		t.Errorf("list: %q", reply.Text)
	}
	if reply := r.CarolSays("intros now"); !strings.Contains(reply.Text, "No intro round") || rounds(t, r) != 0 {
		t.Errorf("a round of one: %+v", reply)
	}
}

func TestIntrosRoundFollowUpAndAnswers(t *testing.T) {
	ctx := context.Background()
	r := newIntrosBot(t)
	chat := r.Chat
	optIn(t, r, "alice", "bob", "dave", "frank", "gina", "robot", "erin")
	// alice was active in #design and #general; bob and dave in #design.
	r.AddChannels(bot.Channel{ID: "design", Name: "design"})
	before := t0.Add(-time.Hour)
	seeded := []bot.Event{bottest.Message("alice", "design", "a1", before), bottest.Message("alice", "general", "a2", before),
		bottest.Message("bob", "design", "b1", before), bottest.Message("dave", "design", "d1", before)}
	r.Record(seeded...)
	reply := r.CarolSays("intros now")
	if reply.Code != "" || !strings.Contains(reply.Text, "**Intro round #1**: 2 groups, introduced each member by DM") ||
		!strings.Contains(reply.Text, "Left out: 2 left") || !strings.Contains(reply.Text, "asked whether they met on Mon Nov 9 09:00 UTC") {
		t.Fatalf("intros now: %+v", reply)
	}
	first := round(t, r, 1)
	if len(first.Groups) != 2 || len(first.Groups[0].Members)+len(first.Groups[1].Members) != 5 || first.CreatedBy != "carol" || first.Seed == 0 {
		t.Fatalf("round: %+v", first)
	}
	for _, m := range []string{"alice", "bob", "dave", "frank", "gina"} {
		dms := chat.DMsTo(m)
		if len(dms) != 1 || !strings.HasPrefix(dms[0].Text, "**Meet ") || !strings.Contains(dms[0].Text, "short call") {
			t.Fatalf("%s's introduction: %+v", m, dms)
		}
		for _, o := range groupOf(t, r, 1, m).Members {
			if name := name(t, r, o); o != m && !strings.Contains(dms[0].Text, name) || o == m && strings.Contains(dms[0].Text, "**Meet "+name) {
				t.Errorf("%s's introduction does not name %s rightly: %q", m, o, dms[0].Text)
			}
		}
	}
	for _, m := range []string{"robot", "erin", "carol"} {
		if dms := chat.DMsTo(m); len(dms) != 0 {
			t.Errorf("%s was introduced: %+v", m, dms)
		}
	}
	if g := groupOf(t, r, 1, "alice"); slices.Contains(g.Members, "bob") || slices.Contains(g.Members, "dave") {
		if dm := chat.DMsTo("alice")[0].Text; !strings.Contains(dm, "You have #design in common") {
			t.Errorf("what alice has in common: %q", dm)
		}
	}
	follow := r.Schedules(intros.ScheduleIntrosFollowUp)
	if len(follow) != 1 || follow[0].Spec != bot.OnceSpec(t0.Add(7*24*time.Hour)) || follow[0].Payload != "1" {
		t.Fatalf("follow-up schedules: %+v", r.Schedules())
	}
	r.Clock.Set(t0.Add(7 * 24 * time.Hour))
	for range 2 { // a firing run twice (another process) follows up once
		if err := r.Bot.RunSchedule(ctx, follow[0], r.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if left := r.Schedules(); len(left) != 0 {
		t.Errorf("the spent follow-up stays: %+v", left)
	}
	for _, m := range []string{"alice", "bob", "dave", "frank", "gina"} {
		dms := chat.DMsTo(m)
		if len(dms) != 2 || !strings.Contains(dms[1].Text, "Did you manage to meet?") || len(dms[1].Buttons) != 2 ||
			dms[1].Buttons[0].Label != "We met" || dms[1].Buttons[1].Label != "Not yet" {
			t.Fatalf("%s's follow-up: %+v", m, dms)
		}
	}
	alices := groupOf(t, r, 1, "alice")
	var outsider string
	for _, m := range []string{"bob", "dave", "frank", "gina"} {
		if !slices.Contains(alices.Members, m) {
			outsider = m
		}
	}
	met := chat.DMsTo("alice")[1].Buttons[0]
	if reply := r.Click(outsider, intros.ActionIntroAnswer, met.Value, r.Clock.Now()); reply.Code != bot.EForbidden {
		t.Fatalf("%s answering for alice's group: %+v", outsider, reply)
	}
	if g := groupOf(t, r, 1, "alice"); len(g.Answers) != 0 || !g.MetAt.IsZero() {
		t.Fatalf("the outsider's answer counted: %+v", g)
	}
	for _, bad := range []string{"x:met", "1:maybe", ""} {
		if reply := r.Click("alice", intros.ActionIntroAnswer, bad, r.Clock.Now()); reply.Code != bot.EArgument {
			t.Errorf("value %q: %+v", bad, reply)
		}
	}
	if reply := r.Click("alice", intros.ActionIntroAnswer, chat.DMsTo("alice")[1].Buttons[1].Value, r.Clock.Now()); reply.Code != "" || !strings.Contains(reply.Text, "No rush") {
		t.Fatalf("not yet: %+v", reply)
	}
	r.Clock.Advance(time.Hour)
	if reply := r.Click("alice", intros.ActionIntroAnswer, met.Value, r.Clock.Now()); reply.Code != "" || !strings.Contains(reply.Text, "Wonderful") {
		t.Fatalf("we met: %+v", reply)
	}
	if g := groupOf(t, r, 1, "alice"); g.Answers["alice"] != intros.IntroMet || !g.MetAt.Equal(r.Clock.Now()) {
		t.Fatalf("alice's group: %+v", g)
	}
	if kept := r.Store.Kept(); len(kept) != len(seeded) {
		t.Errorf("intros recorded as participation: %+v", kept)
	}
	r.Clock.Advance(time.Minute)
	if reply := r.CarolSays("report 30d"); !strings.Contains(reply.Text, "**Intros** 2 groups made, 1 met") {
		t.Errorf("report: %q", reply.Text)
	}
	if reply := r.CarolSays("intros list"); !strings.Contains(reply.Text, "#1, Nov 2: 2 groups, 1 met (followed up Nov 9)") || !strings.Contains(reply.Text, ": met") {
		t.Errorf("list: %q", reply.Text)
	}
}

// groupChat is a chat that opens group DMs and mentions members.
type groupChat struct {
	*bottest.Chat
	mu     sync.Mutex
	groups [][]string
}

func (c *groupChat) PostGroup(ctx context.Context, community string, members []string, p bot.Post) (bot.PostRef, error) {
	c.mu.Lock()
	c.groups = append(c.groups, members)
	c.mu.Unlock()
	return c.Chat.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: community, Channel: "mpim"}, p)
}

func (c *groupChat) Mention(_, member string) string { return "<@" + member + ">" }

func TestIntrosByGroupDM(t *testing.T) {
	r := newIntrosBot(t)
	chat := r.Chat
	gc := &groupChat{Chat: chat}
	r.Bot.AttachChat(bot.Shell, gc)
	optIn(t, r, "alice", "bob", "dave", "frank")
	if reply := r.CarolSays("intros now"); !strings.Contains(reply.Text, "introduced each group in a group DM") {
		t.Fatalf("intros now: %+v", reply)
	}
	if len(gc.groups) != 2 || len(chat.Posts()) != 2 {
		t.Fatalf("group DMs %v, posts %+v", gc.groups, chat.Posts())
	}
	for i, g := range round(t, r, 1).Groups {
		if !slices.Equal(gc.groups[i], g.Members) {
			t.Errorf("group DM %d with %v, want %v", i, gc.groups[i], g.Members)
		}
		text := chat.Posts()[i].Post.Text
		if !strings.Contains(text, fmt.Sprintf("<@%s> and <@%s>", g.Members[0], g.Members[1])) {
			t.Errorf("group DM %d does not mention its members: %q", i, text)
		}
	}
}

func TestIntrosUnreachableAndHistory(t *testing.T) {
	r := newIntrosBot(t)
	chat := r.Chat
	optIn(t, r, "alice", "bob", "dave", "frank")
	chat.Unreachable = map[string]bool{"frank": true}
	if reply := r.CarolSays("intros now"); !strings.Contains(reply.Text, "Could not reach Frank") {
		t.Fatalf("intros now: %+v", reply)
	}
	if p, _ := r.Store.Prefs(context.Background(), community, "frank"); p.UnreachableSince.IsZero() {
		t.Fatal("frank is not marked unreachable")
	}
	first := round(t, r, 1)
	r.Clock.Advance(14 * 24 * time.Hour)
	reply := r.CarolSays("intros now")
	if !strings.Contains(reply.Text, "Left out: 1 unreachable by DM") || !strings.Contains(reply.Text, "1 group") {
		t.Fatalf("second round: %+v", reply)
	}
	second := round(t, r, 2)
	for _, g := range first.Groups {
		for _, h := range second.Groups {
			if len(h.Members) == 2 && slices.Contains(g.Members, h.Members[0]) && slices.Contains(g.Members, h.Members[1]) {
				t.Errorf("the second round repeats %v", h.Members)
			}
		}
	}
	// Frank opts in again (his DMs are open now): he is back in rounds.
	chat.Unreachable = nil
	r.Clock.Advance(time.Hour)
	optIn(t, r, "frank")
	if reply := r.CarolSays("intros list"); strings.Contains(reply.Text, "unreachable") || !strings.Contains(reply.Text, "Frank") {
		t.Errorf("list: %q", reply.Text)
	}
}

func TestIntrosSchedule(t *testing.T) {
	ctx := context.Background()
	r := newIntrosBot(t)
	chat := r.Chat
	if reply := r.CarolSays(`intros schedule "every 24 hours"`); !strings.Contains(reply.Text, "Intro schedule #1: every 24 hours. First round: Tue Nov 3 09:00 UTC. 0 members opted in") {
		t.Fatalf("schedule: %+v", reply)
	}
	if reply := r.CarolSays(`intros schedule "every 48 hours"`); !strings.Contains(reply.Text, ": every 48 hours. First round: Wed Nov 4 09:00 UTC") {
		t.Fatalf("second schedule: %+v", reply)
	}
	if reply := r.CarolSays(`intros schedule "whenever"`); reply.Code != bot.EArgument {
		t.Fatalf("a bad spec: %+v", reply)
	}
	scheds := r.Schedules()
	if len(scheds) != 1 || scheds[0].Kind != intros.ScheduleIntros || scheds[0].Spec != "every 48 hours" {
		t.Fatalf("schedules: %+v", scheds)
	}
	if reply := r.Says("alice", "intros on"); !strings.Contains(reply.Text, "in the next round, Wed Nov 4 09:00 UTC") {
		t.Errorf("opting in: %q", reply.Text)
	}
	optIn(t, r, "bob")
	r.Clock.Advance(48 * time.Hour)
	if err := r.Bot.RunSchedule(ctx, scheds[0], r.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if dms := chat.DMsTo("carol"); len(dms) != 1 || !strings.Contains(dms[0].Text, "**Intro round #1**: 1 group") {
		t.Fatalf("carol's summary: %+v", dms)
	}
	if len(chat.DMsTo("alice")) != 1 || len(chat.DMsTo("bob")) != 1 {
		t.Fatalf("introductions: %+v", chat.Posts())
	}
}
