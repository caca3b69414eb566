package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// The history end-to-end tests' community: one seeded, deterministic
// scenario of eight weeks, which a test delivers live to one Hearth and
// leaves in the fake platform's history for another to import. It is
// abstract (members, channels and messages are numbers); hsWorld renders
// it for each platform (history_rig_test.go).

// hsKind is what one action of the scenario does.
type hsKind int

const (
	hsPost    hsKind = iota // a top-level message
	hsReply                 // a reply to msgs[parent]
	hsReact                 // a reaction to msgs[msg]
	hsUnreact               // the removal of an earlier hsReact
	hsDelete                // the deletion of msgs[msg]
	hsJoin                  // a member joins: a channel (Slack), the guild (Discord)
)

func (k hsKind) String() string {
	return [...]string{"post", "reply", "react", "unreact", "delete", "join"}[k]
}

// hsAction is one thing that happens, at its time.
type hsAction struct {
	at      time.Time
	kind    hsKind
	member  int
	channel int
	msg     int    // post, reply: the new message; react, unreact, delete: the one acted on
	emoji   string // react, unreact
}

// hsMsg is a message of the scenario.
type hsMsg struct {
	at      time.Time
	member  int
	channel int
	parent  int  // -1 for a top-level message
	inline  bool // Discord: replies to it are inline replies, not a thread
}

// hsScenario is the whole community's activity.
type hsScenario struct {
	start, end time.Time // the first day's 00:00 and the last day's end (exclusive)
	members    int       // members 0..members-1; the last one is a bot
	channels   int
	// lateJoiners[m] is the day member m arrives on Discord (they are in
	// the guild from the start when absent); on Slack it is the day they
	// join every channel.
	lateJoiners map[int]int
	msgs        []hsMsg
	actions     []hsAction // by time
}

// hsQuietHours end the scenario's last day without activity: a test
// starts an importer there, and delivers more live activity to it.
const hsQuietHours = 4 * time.Hour

// The scenario's vocabulary.
var hsEmojis = []string{"tada", "eyes", "seedling", "heart"}

// botMember is the bot member: it posts, and its posts are never counted.
func (s *hsScenario) botMember() int { return s.members - 1 }

// hsOptions size a scenario.
type hsOptions struct {
	seed     uint64
	start    time.Time // midnight UTC of the first day
	days     int
	members  int // with the bot
	channels int
	// postsPerDay is the mean of top-level messages a channel gets a day
	// (odd channels twice as many); replies and reactions the means a
	// message gets.
	postsPerDay, replies, reactions float64
	// unreactDeleted takes a message's reactions back, at its deletion,
	// before it is deleted. Live, Hearth retracts a deleted message but
	// keeps the reactions recorded on it; history never sees them (the
	// platforms drop them with the message), so without this the imported
	// report counts fewer reactions than the live one by exactly the
	// reactions on deleted messages.
	unreactDeleted bool
}

// newHSScenario generates the scenario of o: each day each channel gets a
// few top-level messages between 08:00 and 18:00, some of them threads
// with replies by others within a day, reactions within the same day
// (history gives a reaction no time of its own: counted at the message's,
// it must fall on the same day to count in the same days), some reactions
// taken back, some messages deleted (a day or more later, and some thread
// parents among them), the bot's posts, and a few members arriving late.
// Member 9 falls silent half-way, member 10 never takes part. Nothing
// happens in the last hsQuietHours.
func newHSScenario(o hsOptions) *hsScenario {
	r := rand.New(rand.NewPCG(o.seed, o.seed^0x5eed))
	s := &hsScenario{start: o.start, end: o.start.AddDate(0, 0, o.days), members: o.members, channels: o.channels,
		lateJoiners: map[int]int{}}
	// The last four humans arrive during the eight weeks.
	for i := 1; i <= 4; i++ {
		s.lateJoiners[o.members-1-i] = 3 + r.IntN(o.days-10)
	}
	present := func(m, day int) bool {
		d, late := s.lateJoiners[m]
		return !late || day > d
	}
	at := func(day int, from, to time.Duration) time.Time {
		return o.start.AddDate(0, 0, day).Add(from + time.Duration(r.Int64N(int64(to-from))))
	}
	// Minutes are whole seconds apart at least: a Slack ts and a Discord
	// snowflake keep milliseconds, the report days.
	trunc := func(t time.Time) time.Time { return t.Truncate(time.Second) }
	for m, day := range s.lateJoiners {
		for c := range s.channels {
			s.actions = append(s.actions, hsAction{at: trunc(at(day, 7*time.Hour, 7*time.Hour+30*time.Minute)), kind: hsJoin, member: m, channel: c})
		}
	}
	// Member 9 drifts away half-way; member 10 never takes part.
	active := func(m, day int) bool { return m != 10 && (m != 9 || day < o.days/2) }
	humans := func(day int) []int {
		var out []int
		for m := range s.members - 1 {
			if present(m, day) && active(m, day) {
				out = append(out, m)
			}
		}
		return out
	}
	// Some members are busier than others; members 1 and 2 never post
	// (they only react): weights.
	weight := func(m int) int {
		switch {
		case m == 1 || m == 2:
			return 0 // observers: they only react
		case m%5 == 3:
			return 6
		default:
			return 2
		}
	}
	pick := func(cands []int, not int) int {
		total := 0
		for _, m := range cands {
			if m != not {
				total += weight(m)
			}
		}
		n := r.IntN(total)
		for _, m := range cands {
			if m == not {
				continue
			}
			if n -= weight(m); n < 0 {
				return m
			}
		}
		return cands[0]
	}
	for day := range o.days {
		hs := humans(day)
		for c := range s.channels {
			n := poisson(r, o.postsPerDay*float64(1+c%2)/1.5)
			for range n {
				when := trunc(at(day, 8*time.Hour, 18*time.Hour))
				author := pick(hs, -1)
				if r.IntN(12) == 0 {
					author = s.botMember()
				}
				id := len(s.msgs)
				s.msgs = append(s.msgs, hsMsg{at: when, member: author, channel: c, parent: -1, inline: r.IntN(3) == 0})
				s.actions = append(s.actions, hsAction{at: when, kind: hsPost, member: author, channel: c, msg: id})
				// Replies, within the day after.
				for range poisson(r, o.replies) {
					rwhen := trunc(when.Add(time.Minute + time.Duration(r.Int64N(int64(20*time.Hour)))))
					if !rwhen.Before(s.end) {
						continue
					}
					rid := len(s.msgs)
					ra := pick(humans(day), author)
					s.msgs = append(s.msgs, hsMsg{at: rwhen, member: ra, channel: c, parent: id})
					s.actions = append(s.actions, hsAction{at: rwhen, kind: hsReply, member: ra, channel: c, msg: rid})
				}
			}
		}
	}
	// Reactions, on the day of their message, by members present then;
	// some taken back later that day.
	for id, m := range s.msgs {
		day := int(m.at.Sub(o.start) / (24 * time.Hour))
		dayEnd := o.start.AddDate(0, 0, day+1)
		cands := humans(day)
		used := map[[2]int]bool{}
		for range poisson(r, o.reactions) {
			who := cands[r.IntN(len(cands))]
			if r.IntN(20) == 0 {
				who = s.botMember() // a bot's reaction counts for nothing either
			}
			e := r.IntN(len(hsEmojis))
			if used[[2]int{who, e}] {
				continue
			}
			used[[2]int{who, e}] = true
			room := dayEnd.Sub(m.at) - 2*time.Second
			if room <= time.Second {
				continue
			}
			rwhen := trunc(m.at.Add(time.Second + time.Duration(r.Int64N(int64(room/2)))))
			s.actions = append(s.actions, hsAction{at: rwhen, kind: hsReact, member: who, channel: m.channel, msg: id, emoji: hsEmojis[e]})
			if r.IntN(8) == 0 {
				uwhen := trunc(rwhen.Add(time.Second + time.Duration(r.Int64N(int64(dayEnd.Sub(rwhen)/2)))))
				s.actions = append(s.actions, hsAction{at: uwhen, kind: hsUnreact, member: who, channel: m.channel, msg: id, emoji: hsEmojis[e]})
			}
		}
	}
	// Deletions, a day to a week later; never of the bot's posts (they
	// count for nothing either way).
	for id, m := range s.msgs {
		if m.member == s.botMember() || r.IntN(16) != 0 {
			continue
		}
		when := trunc(m.at.Add(24*time.Hour + time.Duration(r.Int64N(int64(6*24*time.Hour)))))
		if !when.Before(s.end) {
			continue
		}
		s.actions = append(s.actions, hsAction{at: when, kind: hsDelete, member: m.member, channel: m.channel, msg: id})
	}
	// The last four hours stay quiet: tests deliver more there.
	quiet := s.end.Add(-hsQuietHours)
	s.actions = slices.DeleteFunc(s.actions, func(a hsAction) bool { return !a.at.Before(quiet) })
	slices.SortStableFunc(s.actions, func(a, b hsAction) int { return a.at.Compare(b.at) })
	// Nothing acts on a message after it is deleted.
	deleted := map[int]bool{}
	reactions := map[int][]hsAction{} // a message's reactions standing
	var kept []hsAction
	for _, a := range s.actions {
		switch a.kind {
		case hsReact, hsUnreact:
			if deleted[a.msg] {
				continue
			}
			if a.kind == hsReact {
				reactions[a.msg] = append(reactions[a.msg], a)
			} else {
				reactions[a.msg] = slices.DeleteFunc(reactions[a.msg], func(r hsAction) bool { return r.member == a.member && r.emoji == a.emoji })
			}
		case hsReply:
			if deleted[s.msgs[a.msg].parent] {
				continue // Slack would let it, Discord's inline reply too; keep the model simple
			}
		case hsDelete:
			deleted[a.msg] = true
			if o.unreactDeleted {
				for _, r := range reactions[a.msg] {
					r.kind, r.at = hsUnreact, a.at
					kept = append(kept, r)
				}
			}
		}
		kept = append(kept, a)
	}
	s.actions = kept
	return s
}

// poisson draws from a Poisson distribution of mean l (Knuth's method:
// the means here are small).
func poisson(r *rand.Rand, l float64) int {
	limit, p, n := math.Exp(-l), 1.0, 0
	for {
		p *= r.Float64()
		if p <= limit {
			return n
		}
		n++
	}
}

// count says how many actions of each kind the scenario has.
func (s *hsScenario) count() map[hsKind]int {
	out := map[hsKind]int{}
	for _, a := range s.actions {
		out[a.kind]++
	}
	return out
}

// more adds activity from at, a few minutes apart, to the scenario and
// returns its actions: a post by each of members, a reply to each of
// them by the next member, a reply in the thread of the last day's first
// thread, and reactions to the last day's first message and to each new
// post.
func (s *hsScenario) more(at time.Time, members ...int) []hsAction {
	var out []hsAction
	next := func() time.Time { at = at.Add(3 * time.Minute); return at }
	add := func(a hsAction) { out = append(out, a) }
	lastDay := s.end.AddDate(0, 0, -1)
	firstMsg, firstThread := -1, -1
	for _, a := range s.actions {
		if a.at.Before(lastDay) || a.kind != hsPost && a.kind != hsReply {
			continue
		}
		m := s.msgs[a.msg]
		if a.kind == hsPost && firstMsg < 0 && m.member != s.botMember() {
			firstMsg = a.msg
		}
		if a.kind == hsReply && firstThread < 0 {
			firstThread = m.parent
		}
	}
	for i, m := range members {
		id := len(s.msgs)
		s.msgs = append(s.msgs, hsMsg{at: next(), member: m, channel: i % s.channels, parent: -1})
		add(hsAction{at: s.msgs[id].at, kind: hsPost, member: m, channel: s.msgs[id].channel, msg: id})
		rid := len(s.msgs)
		by := members[(i+1)%len(members)]
		s.msgs = append(s.msgs, hsMsg{at: next(), member: by, channel: s.msgs[id].channel, parent: id})
		add(hsAction{at: s.msgs[rid].at, kind: hsReply, member: by, channel: s.msgs[id].channel, msg: rid})
		add(hsAction{at: next(), kind: hsReact, member: by, channel: s.msgs[id].channel, msg: id, emoji: "heart"})
	}
	if firstThread >= 0 {
		p := s.msgs[firstThread]
		rid := len(s.msgs)
		s.msgs = append(s.msgs, hsMsg{at: next(), member: members[0], channel: p.channel, parent: firstThread})
		add(hsAction{at: s.msgs[rid].at, kind: hsReply, member: members[0], channel: p.channel, msg: rid})
	}
	if firstMsg >= 0 {
		add(hsAction{at: next(), kind: hsReact, member: members[0], channel: s.msgs[firstMsg].channel, msg: firstMsg, emoji: "eyes"})
	}
	s.actions = append(s.actions, out...)
	return out
}
