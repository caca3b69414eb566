package bot

import (
	"context"
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

// CheckinStore keeps check-in runs, their recipients and answers.
//
// Answers are keyed by respondent: the member id for attributed runs, an
// opaque token for anonymous ones (the core derives it from the run's Salt).
type CheckinStore interface {
	// CreateRun stores a run with its recipients, all RecipientPending,
	// and returns the run's id.
	CreateRun(ctx context.Context, r CheckinRun, recipients []string) (int64, error)
	// CheckinRun returns one run of a community, or ErrNotFound.
	CheckinRun(ctx context.Context, community string, id int64) (CheckinRun, error)
	// CheckinRuns lists a community's runs matching q, newest first.
	CheckinRuns(ctx context.Context, community string, q RunQuery) ([]CheckinRun, error)
	// OpenRunsFor lists the runs not closed yet that list member as a
	// recipient, newest first.
	OpenRunsFor(ctx context.Context, community, member string) ([]CheckinRun, error)
	// Recipients lists a run's recipients in the order they were added.
	Recipients(ctx context.Context, run int64) ([]Recipient, error)
	// SetRecipient adds r to a run's recipients or updates its Status,
	// SentAt and Awaiting.
	SetRecipient(ctx context.Context, run int64, r Recipient) error
	// ClaimRecipient moves a recipient from pending to sending and reports
	// whether this call did: only the claimer sends, so nobody gets a
	// check-in twice.
	ClaimRecipient(ctx context.Context, run int64, member string) (bool, error)
	// SaveAnswers sets a respondent's answers to the questions named in
	// answers, in one transaction; an empty value removes that answer.
	SaveAnswers(ctx context.Context, run int64, respondent string, answers map[string]string) error
	// Answers returns a run's answers ordered by respondent, then question id.
	Answers(ctx context.Context, run int64) ([]SurveyAnswer, error)
	// RespondentAnswers returns one respondent's answers to a run, by
	// question id (empty when none): what a click reads, without the run's
	// other answers.
	RespondentAnswers(ctx context.Context, run int64, respondent string) (map[string]string, error)
	// MarkReminded records when a run's reminder went out.
	MarkReminded(ctx context.Context, run int64, at time.Time) error
	// CloseRun closes a run at at and forgets its salt. It reports false
	// when the run was closed already.
	CloseRun(ctx context.Context, run int64, at time.Time) (bool, error)
	// ActiveMembers lists a community's members who have not left, bots
	// included (IsBot set), ordered by name.
	ActiveMembers(ctx context.Context, community string) ([]Member, error)
	// ChannelMembers lists the members (not left, not bots) with activity
	// in channel at or after since, ordered by name.
	ChannelMembers(ctx context.Context, community, channel string, since time.Time) ([]Member, error)
}
