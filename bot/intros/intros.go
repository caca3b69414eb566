package intros

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Intros connect members who opted in (`/hearth intros on`) in small
// groups, round after round: each group gets an introduction, and a week
// later each member one question, "We met" or "Not yet".

// Intro schedule kinds: a round on a rhythm (`/hearth intros schedule`),
// and the one-shot follow-up of one round (Payload: the round id).
const (
	ScheduleIntros         bot.ScheduleKind = "intros"
	ScheduleIntrosFollowUp bot.ScheduleKind = "intros-followup"
)

// Intro settings.
const (
	// IntroAvoidRounds is how many past rounds' groups a round avoids
	// repeating, where it can.
	IntroAvoidRounds = 6
	// IntroFollowUpAfter is how long after a round its members are asked
	// whether they met.
	IntroFollowUpAfter = 7 * 24 * time.Hour
	// IntroCommonWindow is how far back the channels a group shares are read.
	IntroCommonWindow = 28 * 24 * time.Hour
)

// IntroAnswer is what a member answered to a round's follow-up.
type IntroAnswer string

// Intro answers.
const (
	IntroNoAnswer IntroAnswer = ""
	IntroMet      IntroAnswer = "met"     // "We met"
	IntroNotYet   IntroAnswer = "not_yet" // "Not yet"
)

// IntroRound is one round of introductions.
type IntroRound struct {
	ID        int64
	Community string
	// Seed is the pairing's seed: with the same members and history,
	// PairIntros gives the same groups again.
	Seed      int64
	At        time.Time
	CreatedBy string // who ran it, or whose schedule did ("" once forgotten)
	// FollowedUpAt is when the members were asked whether they met (zero: not yet).
	FollowedUpAt time.Time
	Groups       []IntroGroup
}

// IntroGroup is a pair or a trio of one round.
type IntroGroup struct {
	ID      int64
	Round   int64
	Members []string               // platform ids, in the order introduced
	Answers map[string]IntroAnswer // by member; members who have not answered are absent
	// MetAt is when a member of the group first answered "We met" (zero: none has).
	MetAt time.Time
}

// IntroOptIn is a member who opted in to intros.
type IntroOptIn struct {
	Member string
	Since  time.Time
}

// GroupMessenger is implemented by chats that can open one conversation
// with several members (a Slack group DM). Where the chat cannot, each
// member of an intro gets a DM naming the others.
type GroupMessenger interface {
	PostGroup(ctx context.Context, community string, members []string, p bot.Post) (bot.PostRef, error)
}

// Mentioner is implemented by chats whose text can name a member so that
// the reader can reach them (Discord's <@id>). Others get the name.
type Mentioner interface {
	Mention(community, member string) string
}

// IntroCandidate is a member a round may introduce.
type IntroCandidate struct {
	ID string
	// Offset is the member's UTC offset at the round's time; KnownTZ says
	// whether the platform gave the member's zone.
	Offset  time.Duration
	KnownTZ bool
}

// IntroHistory holds the pairs of members grouped together in recent
// rounds, by IntroPair, with the age of the latest such round (1: the
// last round, 2: the one before…).
type IntroHistory map[[2]string]int

// IntroPair is the key of two members in an IntroHistory, in either order.
func IntroPair(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// HistoryOf reads the pairs of rounds (newest first) into an IntroHistory.
func HistoryOf(rounds []IntroRound) IntroHistory {
	h := IntroHistory{}
	for age, r := range rounds {
		for _, g := range r.Groups {
			for i, a := range g.Members {
				for _, b := range g.Members[i+1:] {
					if _, ok := h[IntroPair(a, b)]; !ok {
						h[IntroPair(a, b)] = age + 1
					}
				}
			}
		}
	}
	return h
}

// tzStep is the unit of a time-zone difference in the pairing cost.
const tzStep = 30 * time.Minute

// PairIntros groups members in pairs (a trio when their number is odd),
// at random by seed, so that:
//
//   - nobody is grouped with someone they were grouped with in history,
//     whenever that can be avoided (and when it cannot, the oldest
//     repeats are preferred);
//   - among groupings without more repeats, members whose time zones are
//     close (the clock difference between their UTC offsets, around the
//     day) are preferred; members without a known zone fit anywhere.
//
// It is a pure function: the same members, history and seed give the same
// groups. Each group lists its members in the order given; groups are in
// the order of their first member. Fewer than two members make no group.
func PairIntros(members []IntroCandidate, history IntroHistory, seed int64) [][]string {
	var ms []IntroCandidate
	seen := map[string]bool{}
	for _, m := range members {
		if m.ID != "" && !seen[m.ID] {
			seen[m.ID] = true
			ms = append(ms, m)
		}
	}
	n := len(ms)
	if n < 2 {
		return nil
	}
	// Costs: a repeat outweighs any sum of time-zone costs, so repeats are
	// avoided first and zones compared only between equals in repeats;
	// among repeats, a recent one weighs a little more than an old one
	// (never as much as one repeat more, within the few pairs a swap moves).
	maxTZ := int64(12 * time.Hour / tzStep)
	repeat := maxTZ*int64(n) + 1
	cost := make([][]int64, n)
	for i := range ms {
		cost[i] = make([]int64, n)
	}
	for i := range ms {
		for j := i + 1; j < n; j++ {
			var c int64
			if age, ok := history[IntroPair(ms[i].ID, ms[j].ID)]; ok && age > 0 {
				c += repeat * int64(64+max(0, IntroAvoidRounds+1-age))
			}
			if ms[i].KnownTZ && ms[j].KnownTZ {
				d := (ms[i].Offset - ms[j].Offset) % (24 * time.Hour)
				if d < 0 {
					d = -d
				}
				d = min(d, 24*time.Hour-d)
				c += int64(d / tzStep)
			}
			cost[i][j], cost[j][i] = c, c
		}
	}
	groupCost := func(g []int) int64 {
		var c int64
		for a := range g {
			for b := a + 1; b < len(g); b++ {
				c += cost[g[a]][g[b]]
			}
		}
		return c
	}
	// A random order, then greedily each member's cheapest partner.
	rng := rand.New(rand.NewPCG(uint64(seed), 0x68656172746869))
	order := rng.Perm(n)
	used := make([]bool, n)
	var groups [][]int
	for oi, i := range order {
		if used[i] {
			continue
		}
		best := -1
		for _, j := range order[oi+1:] {
			if !used[j] && (best < 0 || cost[i][j] < cost[i][best]) {
				best = j
			}
		}
		if best < 0 { // the odd one out: into the group it costs least to join
			at := 0
			for gi, g := range groups {
				if groupCost(append(slices.Clone(g), i))-groupCost(g) < groupCost(append(slices.Clone(groups[at]), i))-groupCost(groups[at]) {
					at = gi
				}
			}
			groups[at] = append(groups[at], i)
			used[i] = true
			continue
		}
		used[i], used[best] = true, true
		groups = append(groups, []int{i, best})
	}
	// Then swap members between groups while that lowers the total cost.
	// A repeat (a, b) goes by swapping b with c of a group (c, d) where
	// neither a and c nor b and d met before, whenever there is one.
	for pass := 0; pass < 100; pass++ {
		improved := false
		for x := range groups {
			for y := x + 1; y < len(groups); y++ {
				for i := range groups[x] {
					for j := range groups[y] {
						before := groupCost(groups[x]) + groupCost(groups[y])
						groups[x][i], groups[y][j] = groups[y][j], groups[x][i]
						if groupCost(groups[x])+groupCost(groups[y]) < before {
							improved = true
						} else {
							groups[x][i], groups[y][j] = groups[y][j], groups[x][i]
						}
					}
				}
			}
		}
		if !improved {
			break
		}
	}
	for _, g := range groups {
		slices.Sort(g)
	}
	slices.SortFunc(groups, func(a, b []int) int { return a[0] - b[0] })
	out := make([][]string, len(groups))
	for gi, g := range groups {
		for _, i := range g {
			out[gi] = append(out[gi], ms[i].ID)
		}
	}
	return out
}

// MemberIntros is what Hearth keeps of a member's intros: when they opted
// in (zero: not opted in) and the groups they were in, with their answer.
type MemberIntros struct {
	OptedInSince time.Time          `json:"opted_in_since,omitzero"`
	Groups       []MemberIntroGroup `json:"groups"`
}

// MemberIntroGroup is one introduction the member was part of.
type MemberIntroGroup struct {
	Round  int64     `json:"round"`
	MadeAt time.Time `json:"made_at"`
	Answer string    `json:"answer,omitempty"` // "met", "not_yet", or "" (no answer)
}
