package bot

import (
	"context"
	"time"
)

// Level is how a member takes part over the level window (README.md,
// "Participation levels").
type Level string

// Participation levels, from most to least involved.
const (
	LevelLeading       Level = "leading"       // regular top-level posts and replies to others
	LevelContributing  Level = "contributing"  // at least one message or reply
	LevelParticipating Level = "participating" // reactions, check-in answers, "I'm still here" only
	LevelObserving     Level = "observing"     // nothing
)

// WeekCounts is a member's activity in one week.
type WeekCounts struct {
	Messages  int `json:"messages"`
	Replies   int `json:"replies"`
	Reactions int `json:"reactions"`
	// Answers counts check-in answers and "I'm still here" replies to nudges.
	Answers int `json:"answers"`
}

// Active reports whether the week has any activity.
func (w WeekCounts) Active() bool { return w.Messages+w.Replies+w.Reactions+w.Answers > 0 }

// Posted reports whether the week has a message or a reply.
func (w WeekCounts) Posted() bool { return w.Messages+w.Replies > 0 }

// MemberWeeks is one member's activity week by week.
type MemberWeeks struct {
	Member    Member
	FirstSeen time.Time
	// LastActive is the member's latest activity before the window's end
	// (zero: none).
	LastActive time.Time
	// Weeks are the window's weeks, oldest first.
	Weeks []WeekCounts
}

// MemberWeeksQuery selects the weeks: Weeks windows of 7 days ending at
// End, week i being [End-(Weeks-i)*7d, End-(Weeks-i-1)*7d).
type MemberWeeksQuery struct {
	Community string
	Member    string // "" for every member who has not left, bots excluded
	End       time.Time
	Weeks     int
	// CountsOnly says the caller reads only each member's id and weeks (as
	// levels do): the store may leave LastActive zero and the order
	// unspecified, which spares it a lookup per member.
	CountsOnly bool
}

// MemberWeeksSource gives members' week-by-week activity: levels, drift,
// quiet members and a member's history all read it.
type MemberWeeksSource interface {
	// MemberWeeks returns the members selected by q, ordered by name, each
	// with exactly q.Weeks weeks. A member named in q.Member who does not
	// exist is ErrNotFound.
	MemberWeeks(ctx context.Context, q MemberWeeksQuery) ([]MemberWeeks, error)
}

// Level windows.
const (
	// LevelWeeks is the rolling window levels are computed over.
	LevelWeeks = 4
	// DriftWeeks is the window drift is read in: the last two weeks against
	// the DriftWeeks-2 before them.
	DriftWeeks = 8
)

// LevelOf is a member's level from their weeks (the last LevelWeeks count):
//   - leading: a message or reply in at least 3 of the 4 weeks, with at
//     least 2 top-level messages and 2 replies in all;
//   - contributing: at least one message or reply;
//   - participating: reactions, check-in answers or "I'm still here" only;
//   - observing: nothing.
func LevelOf(weeks []WeekCounts) Level {
	if len(weeks) > LevelWeeks {
		weeks = weeks[len(weeks)-LevelWeeks:]
	}
	var total WeekCounts
	posting := 0
	for _, w := range weeks {
		total.Messages += w.Messages
		total.Replies += w.Replies
		total.Reactions += w.Reactions
		total.Answers += w.Answers
		if w.Posted() {
			posting++
		}
	}
	switch {
	case posting >= 3 && total.Messages >= 2 && total.Replies >= 2:
		return LevelLeading
	case total.Posted():
		return LevelContributing
	case total.Active():
		return LevelParticipating
	}
	return LevelObserving
}

// rank orders levels for movement: higher is more involved.
func (l Level) rank() int {
	switch l {
	case LevelLeading:
		return 3
	case LevelContributing:
		return 2
	case LevelParticipating:
		return 1
	}
	return 0
}

// Drifting reports whether weeks (the last DriftWeeks count) show a member
// who was active in most of the weeks before the last two, and in neither
// of the last two.
func Drifting(weeks []WeekCounts) bool {
	if len(weeks) < DriftWeeks {
		return false
	}
	weeks = weeks[len(weeks)-DriftWeeks:]
	before, last := weeks[:DriftWeeks-2], weeks[DriftWeeks-2:]
	active := 0
	for _, w := range before {
		if w.Active() {
			active++
		}
	}
	return active*2 > len(before) && !last[0].Active() && !last[1].Active()
}

// countLevels counts members by level.
func countLevels(ms []MemberWeeks) (LevelCounts, map[string]Level) {
	var c LevelCounts
	by := make(map[string]Level, len(ms))
	for _, m := range ms {
		l := LevelOf(m.Weeks)
		by[m.Member.ID] = l
		switch l {
		case LevelLeading:
			c.Leading++
		case LevelContributing:
			c.Contributing++
		case LevelParticipating:
			c.Participating++
		default:
			c.Observing++
		}
	}
	return c, by
}
