package members

import (
	"time"
)

// NudgeStatus is where a nudge is in its life.
type NudgeStatus string

// Nudge statuses.
const (
	NudgeQueued      NudgeStatus = "queued"      // waiting for SendAt (outside the member's quiet hours)
	NudgeSending     NudgeStatus = "sending"     // claimed by a sender (ClaimNudge); the DM may be going out
	NudgeSent        NudgeStatus = "sent"        // delivered
	NudgeUnreachable NudgeStatus = "unreachable" // the platform refused the DM
	NudgeFailed      NudgeStatus = "failed"      // an error; see the log
	NudgeCancelled   NudgeStatus = "cancelled"   // the member became active, opted out or left before it went
)

// NudgeClaimStale is how long a sending claim (NudgeSending) holds: past
// it, the claim is taken to be a dead sender's (a crash between the claim
// and the status update) and ClaimNudge grants it again; the claim's
// watchdog schedule (see sendNudge) fires then, so a crash loses no nudge.
// A live sender is done long before: a DM is one platform call, which the
// adapters time out after 30 seconds (rate-limit waits add seconds, not
// minutes). The price is the one window where a crash comes after the
// platform took the DM and before the status was written: that member may
// get the nudge twice.
const NudgeClaimStale = 10 * time.Minute

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
