package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// role is how a person takes part. The mix (5% leaders, 20% contributors,
// 75% observers, about a third of them never active) is the usual shape of a
// community of practice.
type role int

const (
	observer role = iota
	contributor
	leader
)

// kindMix is the chance that one of a role's actions is a top-level message,
// a reply; the rest are reactions.
var kindMix = [...]struct{ message, reply float64 }{
	observer:    {0.03, 0.12},
	contributor: {0.15, 0.40},
	leader:      {0.30, 0.45},
}

// baseWeight is how often a role acts, relative to the others.
var baseWeight = [...]float64{observer: 0.25, contributor: 3, leader: 20}

// person is one simulated member.
type person struct {
	id, name string
	role     role
	weight   float64   // how often they act; 0 for those who never do
	joinAt   time.Time // zero: there before the history starts
	leaveAt  time.Time // zero: never leaves
}

// firstNames are given names from many places; a number keeps repeated ones unique.
var firstNames = []string{
	"Aaliyah", "Abebe", "Adaeze", "Aiko", "Akira", "Alejandro", "Alice", "Amara", "Amir", "Ana",
	"Anders", "Anjali", "Arjun", "Astrid", "Aylin", "Bao", "Beatriz", "Ben", "Bianca", "Camille",
	"Carlos", "Chen", "Chiara", "Chloe", "Dalia", "Daniel", "Daria", "David", "Deepa", "Diego",
	"Dmitri", "Elena", "Elif", "Emeka", "Emma", "Esther", "Fatima", "Felix", "Femi", "Finn",
	"Gabriel", "Grace", "Hana", "Hannah", "Haruto", "Hassan", "Ines", "Ingrid", "Isabel", "Ivan",
	"Jamal", "Javier", "Jia", "Jonas", "Jose", "Juno", "Kai", "Kavya", "Kenji", "Kwame",
	"Lars", "Layla", "Leila", "Leon", "Liam", "Lin", "Lucia", "Luis", "Maya", "Mei",
	"Mateo", "Nadia", "Naledi", "Nia", "Nikhil", "Nina", "Noah", "Noor", "Olga", "Omar",
	"Oscar", "Paulo", "Priya", "Rafael", "Rahul", "Ravi", "Rosa", "Ruth", "Sakura", "Samir",
	"Sara", "Sofia", "Sven", "Tariq", "Thabo", "Tomas", "Uma", "Valentina", "Wei", "Yara",
	"Yusuf", "Zainab", "Zanele", "Zoe",
}

// newPeople makes n people with their roles, weights, and (for some) the
// times they join or leave within [start, end).
func newPeople(r *rand.Rand, n int, start, end time.Time) []person {
	width := max(5, len(strconv.Itoa(n)))
	names := r.Perm(len(firstNames))
	people := make([]person, n)
	for i := range people {
		name := firstNames[names[i%len(names)]]
		if k := i / len(names); k > 0 {
			name += strconv.Itoa(k + 1)
		}
		people[i] = person{id: fmt.Sprintf("U%0*d", width, i+1), name: name}
	}
	// Roles go to a random order of people, so ids say nothing about them.
	order := r.Perm(n)
	leaders := max(1, n*5/100)
	contributors := n * 20 / 100
	for rank, i := range order {
		p := &people[i]
		switch {
		case rank < leaders:
			p.role = leader
		case rank < leaders+contributors:
			p.role = contributor
		}
		// A log-normal factor: people of one role still differ a lot.
		p.weight = baseWeight[p.role] * math.Exp(r.NormFloat64()*0.5)
		if p.role == observer && r.Float64() < 0.35 {
			p.weight = 0 // reads, never takes part
		}
	}
	// Leaders were there from the start; some of the others join during the
	// history, and a few leave.
	span := end.Sub(start)
	if span < 7*24*time.Hour {
		return people
	}
	others := order[leaders:]
	joiners := n * 12 / 100
	for _, i := range others[:min(joiners, len(others))] {
		people[i].joinAt = start.Add(time.Hour + time.Duration(r.Int64N(int64(span-2*time.Hour))))
	}
	leavers := n * 3 / 100
	for _, k := range r.Perm(len(others))[:min(leavers, len(others))] {
		p := &people[others[k]]
		from := start
		if !p.joinAt.IsZero() {
			from = p.joinAt
		}
		// At least a day after joining, so a joiner has time to say hello.
		from = from.Add(24 * time.Hour)
		if window := end.Add(-time.Hour).Sub(from); window > 0 {
			p.leaveAt = from.Add(time.Duration(r.Int64N(int64(window))))
		}
	}
	return people
}

// present reports whether p is a member for the whole of [from, to).
func (p *person) present(from, to time.Time) bool {
	return (p.joinAt.IsZero() || p.joinAt.Before(from)) && (p.leaveAt.IsZero() || !p.leaveAt.Before(to))
}

// channelSpec is one simulated channel and how much of the talk it gets.
type channelSpec struct {
	id, name string
	weight   float64
}

// channels are a community of practice's usual places.
var channels = []channelSpec{
	{"C0001", "general", 30},
	{"C0002", "introductions", 2},
	{"C0003", "practice", 20},
	{"C0004", "help", 15},
	{"C0005", "resources", 10},
	{"C0006", "events", 6},
	{"C0007", "show-and-tell", 7},
	{"C0008", "random", 10},
}

// introductions is the index in channels of where newcomers say hello.
const introductions = 1
