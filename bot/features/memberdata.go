package features

import (
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
)

// MemberData is everything Hearth keeps about one member (hearth export).
type MemberData struct {
	Community   string                  `json:"community"`
	Member      bot.Member              `json:"member"`
	FirstSeen   time.Time               `json:"first_seen"`
	LastActive  time.Time               `json:"last_active,omitzero"`
	Facilitator bool                    `json:"facilitator"` // added from chat
	Counts      map[bot.EventKind]int   `json:"counts"`
	Events      []MemberEvent           `json:"events"`
	Answers     []checkins.MemberAnswer `json:"checkin_answers"`
	Nudges      []members.Nudge         `json:"nudges"`
	Prefs       bot.MemberPrefs         `json:"prefs"`
	Resources   []library.Resource      `json:"resources"`
	Stories     []library.Story         `json:"stories"`
	RSVPs       []meetings.RSVP         `json:"rsvps"`
	Intros      intros.MemberIntros     `json:"intros"`
}

// MemberEvent is one recorded piece of participation: what kind, where,
// when. There is no text to export: Hearth never stores it.
type MemberEvent struct {
	Kind    bot.EventKind `json:"kind"`
	Channel string        `json:"channel,omitempty"` // channel id
	At      time.Time     `json:"at"`
}
