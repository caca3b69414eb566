package bot

import (
	"context"
	"time"
)

// Module is one feature of Hearth: check-ins, nudges, meetings, intros…
// It contributes entries to the one command table; everything else it may
// add is an optional interface below, found by type assertion when the
// module is registered. bot/features lists every feature, one line each,
// and cmd/hearth registers them with features.Register.
type Module interface {
	// Name names the feature in logs and errors.
	Name() string
	// Commands are the module's entries of the /hearth command table.
	Commands() []CommandSpec
}

// ActionFunc handles a button press or a form submission.
type ActionFunc func(ctx context.Context, a Action) (Reply, error)

// Actor is a module with buttons or forms, by action id (Button.ActionID,
// Form.ID). Ids are unique across modules.
type Actor interface {
	Actions() map[string]ActionFunc
}

// Job is the work one kind of schedule does when it falls due.
type Job struct {
	Kind ScheduleKind
	// Run does the work of a firing the scheduler claimed: it runs once.
	Run func(ctx context.Context, s Schedule, at time.Time) error
	// Grace is how late a missed firing may still run.
	Grace time.Duration
	// OneShot schedules are removed once their firing is done: they would
	// only clutter /hearth schedule list.
	OneShot bool
	// Describe says what a schedule of this kind does, for /hearth
	// schedule list ("weekly digest", "check-in pulse in #general"); where
	// is " in #channel" or "".
	Describe func(s Schedule, where string) string
}

// Jobber is a module that does work on schedules.
type Jobber interface {
	Jobs() []Job
}

// ReportFiller is a module that fills its part of a participation report
// (never of a SummaryOnly one).
type ReportFiller interface {
	FillReport(ctx context.Context, q ReportQuery, rep *Report) error
}

// Recorded is a module told of every batch of live events Hearth recorded
// (the welcome reacts to joins). History read from the platform
// (RecordHistory) is not told: it is the past, not something happening
// now. It runs on the event path: keep it short.
type Recorded interface {
	Recorded(ctx context.Context, events []Event) error
}

// PrivacyNoter is a module with something to add to /hearth privacy about
// one community (the history feature: that history was imported, and from
// when). It returns "" when it has nothing to say.
type PrivacyNoter interface {
	PrivacyNote(ctx context.Context, community string) (string, error)
}

// DMReader is a module that reads direct messages to Hearth where an
// adapter passes their text (the shell): check-ins take written answers so.
// It returns "" when the DM was not for it.
type DMReader interface {
	ReadDM(ctx context.Context, e Event) (reply string, err error)
}

// Section is one module's part of a document built from several: the
// weekly digest, the impact report.
type Section struct {
	// Key names the part in the document's JSON; "" leaves it out.
	Key string
	// Value is the part's JSON value.
	Value any
	// Order places the section among the others (smaller first).
	Order int
	// Title and Items are the part in the digest: a heading and its lines
	// (the digest writes them for chat or as Markdown). No items: nothing.
	Title string
	Items []string
	// Markdown renders the part in a document; charts maps the names of
	// the Charts that were drawn to their image files. Nil: nothing.
	Markdown func(charts map[string]string) string
	// Charts are the trend charts the part can show.
	Charts []SectionChart
}

// SectionChart is a trend chart a section can show beside it.
type SectionChart struct {
	Name, Title, Unit string
	Points            []TrendPoint
}

// DigestSectioner is a module with a part in the weekly digest.
type DigestSectioner interface {
	DigestSection(ctx context.Context, q DocumentQuery) (Section, error)
}

// ImpactSectioner is a module with parts in the impact report.
type ImpactSectioner interface {
	ImpactSections(ctx context.Context, q DocumentQuery) ([]Section, error)
}

// DocumentQuery is what a document's section covers, [From, To), and the
// zone its dates are written in.
type DocumentQuery struct {
	Community string
	From, To  time.Time
	Location  *time.Location
}

// MemberForgetter is a module that keeps about members what the store's
// ForgetMember cannot reach alone (answers to open anonymous check-ins are
// filed under a hash only the run's salt links back). It runs before the
// store erases the member, and again if a forget is retried: it must be
// idempotent.
type MemberForgetter interface {
	ForgetMember(ctx context.Context, community, member string) error
}

// CheckinAnswers are a member's answers to a check-in run, as just saved.
type CheckinAnswers struct {
	Community string
	Run       int64
	// Anonymous runs tie no answer to a member: a listener keeps nothing
	// of them that names one.
	Anonymous bool
	// Questions are the ids of the survey's questions.
	Questions []string
	Member    string
	// Answers are the answers just saved; Current those saved before, for
	// the questions Answers leaves out.
	Answers, Current map[string]string
	At               time.Time
}

// AnswerListener is a module told of every check-in answer saved: the
// library keeps a reflection's story.
type AnswerListener interface {
	CheckinAnswered(ctx context.Context, a CheckinAnswers) error
}

// SurveyLaunch asks for a check-in run of a community's survey, sent by DM
// to a list of members (an event's feedback).
type SurveyLaunch struct {
	Community string
	Survey    string // the survey's name
	// TitleSuffix is added to the survey's title (": Design review").
	TitleSuffix string
	Members     []string
	By          string
	At          time.Time
}

// SurveyLauncher is the module that runs check-ins, as another feature
// starts one and reads how it went. A survey or run that does not exist is
// an *Error with code ENotFound.
type SurveyLauncher interface {
	LaunchSurvey(ctx context.Context, l SurveyLaunch) (run int64, sent, total int, err error)
	RunSummary(ctx context.Context, community string, run int64) (RunSummary, error)
}

// RunSummary is how a check-in run went: how many it reached, how many
// answered, and the mean of its first scale question (nil: none, or no
// answer to it).
type RunSummary struct {
	Delivered, Respondents int
	Mean                   *float64
}

// OpenCheckins is the module that knows which check-ins a member may still
// answer (a nudge mentions one).
type OpenCheckins interface {
	OpenCheckinsFor(ctx context.Context, community, member string) ([]OpenCheckin, error)
}

// OpenCheckin is a check-in a member may still answer.
type OpenCheckin struct {
	Title    string
	ClosesAt time.Time
}

// Find returns the first registered module that implements T: how a
// feature reaches another through an interface the kernel declares, so
// features never import each other.
func Find[T any](b *Bot) (T, bool) {
	for _, m := range b.modules {
		if t, ok := m.(T); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}
