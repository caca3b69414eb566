package members

import (
	"time"
)

// NudgeStatus is where a nudge is in its life.
type NudgeStatus string

// Nudge statuses.
const (
	NudgeQueued      NudgeStatus = "queued"      // waiting for SendAt (outside the member's quiet hours)
	NudgeSent        NudgeStatus = "sent"        // delivered
	NudgeUnreachable NudgeStatus = "unreachable" // the platform refused the DM
	NudgeFailed      NudgeStatus = "failed"      // an error; see the log
	NudgeCancelled   NudgeStatus = "cancelled"   // the member became active, opted out or left before it went
)

// NudgeResponse is what the member answered with a nudge's buttons.
type NudgeResponse string

// Nudge responses.
const (
	NudgeNoResponse NudgeResponse = ""
	NudgeHere       NudgeResponse = "here"  // "I'm still here": recorded as participation
	NudgePause      NudgeResponse = "pause" // "pause for a month"
	NudgeStop       NudgeResponse = "stop"  // "no more nudges"
)

// Nudge is one invitation back sent (or to be sent) to a quiet member.
type Nudge struct {
	ID        int64
	Community string
	Member    string
	// Wording is the index of the wording used, in the community's list.
	Wording     int
	QueuedAt    time.Time
	SendAt      time.Time // when it may go out: outside the member's quiet hours
	SentAt      time.Time // zero until sent
	Status      NudgeStatus
	Response    NudgeResponse
	RespondedAt time.Time
	// ApprovedBy is the facilitator who approved it in review mode ("" in auto mode).
	ApprovedBy string
}
