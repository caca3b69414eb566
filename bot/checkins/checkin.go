package checkins

import (
	"time"
)

// CheckinRun is one sending of a survey: who it went to, when it is open,
// and (through CheckinStore) the answers.
type CheckinRun struct {
	ID        int64
	Community string
	// Survey is the definition as it was when the run started, so editing a
	// survey never garbles the results of its past runs.
	Survey    Survey
	Delivery  Delivery
	Channel   string // channel delivery: where it was posted; "" for DMs
	Post      string // channel delivery: the post's platform id
	Anonymous bool
	// Salt keys the respondent tokens of an anonymous run while it is open;
	// closing the run forgets it, so no answer can be tied to a member again.
	Salt      []byte
	StartedBy string // the member who started it ("" when a schedule did)
	Schedule  int64  // the schedule that started it (0: a command)
	OpenedAt  time.Time
	ClosesAt  time.Time
	// RemindedAt is when the one reminder went out (zero: not yet).
	RemindedAt time.Time
	// ClosedAt is when the run closed (zero while open).
	ClosedAt time.Time
}

// Open reports whether the run takes answers at t.
func (r CheckinRun) Open(t time.Time) bool { return r.ClosedAt.IsZero() && t.Before(r.ClosesAt) }

// RecipientStatus is how a run's delivery to one member went.
type RecipientStatus string

// Recipient statuses.
const (
	RecipientPending     RecipientStatus = "pending"     // not sent yet
	RecipientSending     RecipientStatus = "sending"     // claimed for sending; a crash leaves it unsent rather than sent twice
	RecipientSent        RecipientStatus = "sent"        // delivered (or, for a channel post, in the audience)
	RecipientUnreachable RecipientStatus = "unreachable" // the platform refused (DMs closed, left)
	RecipientFailed      RecipientStatus = "failed"      // an error; see the log
)

// Recipient is one member a run went to.
type Recipient struct {
	Member string
	Name   string // the member's display name, filled in by the store on reads
	Status RecipientStatus
	SentAt time.Time
	// Awaiting is the id of the free-text question Hearth asked this member
	// to answer by direct message ("" when none): where there are no forms
	// (the shell), the member's next DM answers it.
	Awaiting string
}

// RunQuery selects runs.
type RunQuery struct {
	Survey string // "" for every survey
	Open   bool   // only runs not closed yet
	Closed bool   // only closed runs
	Limit  int    // 0: no limit
}

// MemberAnswer is one answer to an attributed check-in. Answers to
// anonymous check-ins cannot be tied to anyone, so they are not exported.
type MemberAnswer struct {
	Run      int64  `json:"run"`
	Survey   string `json:"survey"`
	Question string `json:"question"`
	Value    string `json:"value"`
}
