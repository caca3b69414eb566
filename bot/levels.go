package bot

import (
	"context"
	"time"
)

// Participation levels, from most to least involved.

// WeekCounts is a member's activity in one week.
type WeekCounts struct {
	Messages  int `json:"messages"`
	Replies   int `json:"replies"`
	Reactions int `json:"reactions"`
	// Answers counts the participating kinds: check-in answers, "I'm still
	// here" replies to nudges and resources shared.
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
	// LeftAt is when the member left, if before the window's end (zero
	// otherwise); filled also with CountsOnly.
	LeftAt time.Time
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
	// AsOfEnd (with Member "") selects the members as of End instead of
	// those who have not left now: known before End (first seen, joined, or
	// there before Hearth started) and not left by End, the members a
	// report's members.total counts, so levels never count a member who did
	// not exist yet.
	AsOfEnd bool
	// LeftSince (with AsOfEnd, before End) also selects the members who
	// left in [LeftSince, End): with them, every member as of some instant
	// of [LeftSince, End], for levels at several instants from one read.
	// LeftAt tells who left and when.
	LeftSince time.Time
	// CountsOnly says the caller reads only each member's id and weeks (as
	// levels do): the store may leave every other field of the member zero
	// (name, LastActive, joined...) and the order unspecified, which spares
	// it a lookup and a scan per member.
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
