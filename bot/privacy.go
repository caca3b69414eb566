package bot

import (
	"context"
	"time"
)

// MemberData is everything Hearth keeps about one member (hearth export).
type MemberData struct {
	Community   string            `json:"community"`
	Member      Member            `json:"member"`
	FirstSeen   time.Time         `json:"first_seen"`
	LastActive  time.Time         `json:"last_active,omitzero"`
	Facilitator bool              `json:"facilitator"` // added from chat
	Counts      map[EventKind]int `json:"counts"`
	Events      []MemberEvent     `json:"events"`
	Answers     []MemberAnswer    `json:"checkin_answers"`
	Nudges      []Nudge           `json:"nudges"`
	Prefs       MemberPrefs       `json:"prefs"`
}

// MemberEvent is one recorded piece of participation: what kind, where,
// when. There is no text to export: Hearth never stores it.
type MemberEvent struct {
	Kind    EventKind `json:"kind"`
	Channel string    `json:"channel,omitempty"` // channel id
	At      time.Time `json:"at"`
}

// MemberAnswer is one answer to an attributed check-in. Answers to
// anonymous check-ins cannot be tied to anyone, so they are not exported.
type MemberAnswer struct {
	Run      int64  `json:"run"`
	Survey   string `json:"survey"`
	Question string `json:"question"`
	Value    string `json:"value"`
}

// PrivacyStore exports and erases a member's data, and prunes old events.
type PrivacyStore interface {
	// ExportMember returns what is kept about a member, or ErrNotFound.
	ExportMember(ctx context.Context, community, member string) (MemberData, error)
	// ForgetMember erases a member: their events, their answers to
	// attributed check-ins, their check-in recipient rows, nudges,
	// preferences, facilitator row, per-member rollups and member row; where
	// another row names them as its author (schedules.created_by,
	// checkin_runs.started_by) the name is blanked. The community's and
	// channels' day totals keep what they counted. It returns ErrNotFound
	// for an unknown member.
	ForgetMember(ctx context.Context, community, member string) error
	// PruneEvents deletes raw events that happened before t, in every
	// community, and returns how many; day rollups keep their counts.
	PruneEvents(ctx context.Context, before time.Time) (int, error)
}
