package main

import (
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
)

// memberExport is `hearth export`'s JSON: features.MemberData, with the
// kernel's types that have no JSON shape of their own (the member, their
// preferences, their nudges) given snake_case keys, and the times Hearth
// never set (not joined as far as the platform said, never paused, not
// sent) left out instead of written as year 1. The other parts are already
// their wire shape. A test checks that every part of MemberData is here.
type memberExport struct {
	Community   string                  `json:"community"`
	Member      exportedMember          `json:"member"`
	FirstSeen   time.Time               `json:"first_seen,omitzero"`
	LastActive  time.Time               `json:"last_active,omitzero"`
	Facilitator bool                    `json:"facilitator"`
	Counts      map[bot.EventKind]int   `json:"counts"`
	Events      []features.MemberEvent  `json:"events"`
	Answers     []checkins.MemberAnswer `json:"checkin_answers"`
	Nudges      []exportedNudge         `json:"nudges"`
	Prefs       exportedPrefs           `json:"prefs"`
	Resources   []library.Resource      `json:"resources"`
	Stories     []library.Story         `json:"stories"`
	RSVPs       []meetings.RSVP         `json:"rsvps"`
	Intros      intros.MemberIntros     `json:"intros"`
}

type exportedMember struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	IsBot    bool      `json:"is_bot"`
	TZ       string    `json:"tz,omitempty"`
	Admin    bool      `json:"admin"`
	JoinedAt time.Time `json:"joined_at,omitzero"`
	Left     bool      `json:"left"`
}

type exportedPrefs struct {
	NudgesOff        bool      `json:"nudges_off"`
	PausedUntil      time.Time `json:"paused_until,omitzero"`
	UnreachableSince time.Time `json:"unreachable_since,omitzero"`
	WelcomedAt       time.Time `json:"welcomed_at,omitzero"`
}

// exportedNudge is a nudge without its community and member, which the
// export names once at the top.
type exportedNudge struct {
	ID          int64                 `json:"id"`
	Wording     int                   `json:"wording"`
	QueuedAt    time.Time             `json:"queued_at,omitzero"`
	SendAt      time.Time             `json:"send_at,omitzero"`
	SentAt      time.Time             `json:"sent_at,omitzero"`
	Status      members.NudgeStatus   `json:"status"`
	Response    members.NudgeResponse `json:"response,omitempty"`
	RespondedAt time.Time             `json:"responded_at,omitzero"`
	ApprovedBy  string                `json:"approved_by,omitempty"`
}

func newMemberExport(d features.MemberData) memberExport {
	m, p := d.Member, d.Prefs
	nudges := make([]exportedNudge, 0, len(d.Nudges))
	for _, n := range d.Nudges {
		nudges = append(nudges, exportedNudge{ID: n.ID, Wording: n.Wording, QueuedAt: n.QueuedAt, SendAt: n.SendAt, SentAt: n.SentAt,
			Status: n.Status, Response: n.Response, RespondedAt: n.RespondedAt, ApprovedBy: n.ApprovedBy})
	}
	return memberExport{
		Community:   d.Community,
		Member:      exportedMember{ID: m.ID, Name: m.Name, IsBot: m.IsBot, TZ: m.TZ, Admin: m.Admin, JoinedAt: m.JoinedAt, Left: m.Left},
		FirstSeen:   d.FirstSeen,
		LastActive:  d.LastActive,
		Facilitator: d.Facilitator,
		Counts:      d.Counts,
		Events:      d.Events,
		Answers:     d.Answers,
		Nudges:      nudges,
		Prefs:       exportedPrefs{NudgesOff: p.NudgesOff, PausedUntil: p.PausedUntil, UnreachableSince: p.UnreachableSince, WelcomedAt: p.WelcomedAt},
		Resources:   d.Resources,
		Stories:     d.Stories,
		RSVPs:       d.RSVPs,
		Intros:      d.Intros,
	}
}
