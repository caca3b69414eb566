package checkins

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// QuestionKind is how a check-in question is answered.
type QuestionKind string

// Question kinds.
const (
	QuestionScale  QuestionKind = "scale"  // a number from Min to Max, with end labels
	QuestionSingle QuestionKind = "single" // one of Choices
	QuestionMulti  QuestionKind = "multi"  // any of Choices
	QuestionYesNo  QuestionKind = "yesno"  // yes or no
	QuestionText   QuestionKind = "text"   // free text
)

// Question is one question of a survey.
type Question struct {
	ID       string       `json:"id" yaml:"id"`
	Kind     QuestionKind `json:"kind" yaml:"kind"`
	Prompt   string       `json:"prompt" yaml:"prompt"`
	Min      int          `json:"min,omitempty" yaml:"min"`
	Max      int          `json:"max,omitempty" yaml:"max"`
	MinLabel string       `json:"min_label,omitempty" yaml:"min_label"`
	MaxLabel string       `json:"max_label,omitempty" yaml:"max_label"`
	Choices  []string     `json:"choices,omitempty" yaml:"choices"`
	Optional bool         `json:"optional,omitempty" yaml:"optional"`
}

// Audience says who a check-in goes to.
type Audience string

// Audiences.
const (
	AudienceAll     Audience = "all"     // every member
	AudienceChannel Audience = "channel" // the members seen in one channel
	AudienceList    Audience = "list"    // the members listed
)

// Delivery says how a check-in reaches its audience.
type Delivery string

// Deliveries.
const (
	DeliverDM      Delivery = "dm"      // a direct message to each member
	DeliverChannel Delivery = "channel" // one post in a channel
)

// SurveySettings are a survey's defaults; a run may override the channel
// and the window.
type SurveySettings struct {
	Audience  Audience      `json:"audience" yaml:"audience"`
	Members   []string      `json:"members,omitempty" yaml:"members"` // for AudienceList
	Delivery  Delivery      `json:"delivery" yaml:"delivery"`
	Anonymous bool          `json:"anonymous" yaml:"anonymous"`
	Window    time.Duration `json:"window" yaml:"-"` // how long a run stays open
	// NoReminder turns off the one reminder sent before a run closes to
	// those who have not answered (on by default).
	NoReminder bool `json:"no_reminder,omitempty" yaml:"no_reminder"`
	// ResultsTo is "facilitators" (the digest channel, or the person who
	// started the run) or "channel" (where the check-in was posted).
	ResultsTo string `json:"results_to" yaml:"results_to"`
	// MinRespondents is the fewest respondents an anonymous run's answers
	// need before they show (0: DefaultMinRespondents; never fewer). A run
	// keeps the value its survey had when it started.
	MinRespondents int `json:"min_respondents,omitempty" yaml:"min_respondents"`
}

// Survey is a check-in's definition.
type Survey struct {
	Name      string         `json:"name" yaml:"name"`
	Title     string         `json:"title" yaml:"title"`
	Intro     string         `json:"intro" yaml:"intro"`
	Questions []Question     `json:"questions" yaml:"questions"`
	Settings  SurveySettings `json:"settings" yaml:"settings"`
}

// Survey limits: a check-in is answered in seconds, in a chat app.
const (
	MaxQuestions    = 10
	MaxChoices      = 10
	MaxPromptLength = 300
	MaxSurveyWindow = 30 * 24 * time.Hour
	DefaultWindow   = 48 * time.Hour
)

// Validate checks a survey and fills its defaults. Its error is an *Error
// naming the question at fault.
func (s *Survey) Validate() error {
	s.Name = strings.ToLower(strings.TrimSpace(s.Name))
	if !validSurveyName(s.Name) {
		return bot.Errorf(bot.EArgument, "A survey needs a name of letters, digits and dashes, like `pulse` (got %q).", bot.Clip(s.Name, 40))
	}
	if s.Title == "" {
		s.Title = s.Name
	}
	if len(s.Questions) == 0 || len(s.Questions) > MaxQuestions {
		return bot.Errorf(bot.EArgument, "Survey %s needs 1 to %d questions (it has %d).", s.Name, MaxQuestions, len(s.Questions))
	}
	seen := map[string]bool{}
	for i := range s.Questions {
		q := &s.Questions[i]
		where := fmt.Sprintf("Survey %s, question %d", s.Name, i+1)
		if q.ID == "" {
			q.ID = fmt.Sprintf("q%d", i+1)
		}
		if seen[q.ID] {
			return questionError(i, "%s: the id %q is used twice.", where, q.ID)
		}
		seen[q.ID] = true
		if q.Prompt = strings.TrimSpace(q.Prompt); q.Prompt == "" || len(q.Prompt) > MaxPromptLength {
			return questionError(i, "%s needs a prompt of 1 to %d characters.", where, MaxPromptLength)
		}
		switch q.Kind {
		case QuestionScale:
			if q.Min == 0 && q.Max == 0 {
				q.Min, q.Max = 1, 5
			}
			if q.Min < 0 || q.Max <= q.Min || q.Max-q.Min > 10 {
				return questionError(i, "%s: a scale goes from a low number to a higher one, 11 steps at most (like 1 to 5 or 1 to 10).", where)
			}
		case QuestionSingle, QuestionMulti:
			if len(q.Choices) < 2 || len(q.Choices) > MaxChoices {
				return questionError(i, "%s needs 2 to %d choices.", where, MaxChoices)
			}
			dup := map[string]bool{}
			for _, c := range q.Choices {
				if c = strings.TrimSpace(c); c == "" || len(c) > 75 || dup[strings.ToLower(c)] {
					return questionError(i, "%s: choices must be distinct, 1 to 75 characters.", where)
				}
				dup[strings.ToLower(c)] = true
			}
		case QuestionYesNo, QuestionText:
		default:
			return questionError(i, "%s: the kind %q is not one of scale, single, multi, yesno, text.", where, bot.Clip(string(q.Kind), 20))
		}
	}
	if s.buttonRows() > maxButtonRows {
		return bot.Errorf(bot.EArgument, "Survey %s has too many choices for one chat message: its buttons need %d rows, and Discord shows %d (each choice question takes a row per %d options; written answers take one more). Split it into two surveys.",
			s.Name, s.buttonRows(), maxButtonRows, MaxButtonsPerRow)
	}
	if n := len(s.TextQuestions()); n > maxTextQuestions {
		return bot.Errorf(bot.EArgument, "Survey %s has %d free-text questions; a form holds %d. Split it into two surveys.", s.Name, n, maxTextQuestions)
	}
	st := &s.Settings
	switch st.Audience {
	case "":
		st.Audience = AudienceAll
	case AudienceAll, AudienceChannel:
	case AudienceList:
		if len(st.Members) == 0 {
			return bot.Errorf(bot.EArgument, "Survey %s goes to a list of members, but the list is empty.", s.Name)
		}
	default:
		return bot.Errorf(bot.EArgument, "Survey %s: the audience %q is not one of all, channel, list.", s.Name, bot.Clip(string(st.Audience), 20))
	}
	switch st.Delivery {
	case "":
		st.Delivery = DeliverDM
	case DeliverDM, DeliverChannel:
	default:
		return bot.Errorf(bot.EArgument, "Survey %s: the delivery %q is not dm or channel.", s.Name, bot.Clip(string(st.Delivery), 20))
	}
	if st.Window == 0 {
		st.Window = DefaultWindow
	}
	if st.Window < time.Hour || st.Window > MaxSurveyWindow {
		return bot.Errorf(bot.EArgument, "Survey %s: a check-in stays open from 1 hour to 30 days.", s.Name)
	}
	if st.MinRespondents != 0 && (st.MinRespondents < DefaultMinRespondents || st.MinRespondents > MaxMinRespondents) {
		return bot.Errorf(bot.EArgument, "Survey %s: min_respondents is %d to %d (anonymous results never show below %d respondents), not %d.",
			s.Name, DefaultMinRespondents, MaxMinRespondents, DefaultMinRespondents, st.MinRespondents)
	}
	switch st.ResultsTo {
	case "":
		st.ResultsTo = "facilitators"
	case "facilitators", "channel":
	default:
		return bot.Errorf(bot.EArgument, "Survey %s: results go to facilitators or channel, not %q.", s.Name, bot.Clip(st.ResultsTo, 20))
	}
	return nil
}

// SurveyError is a survey that does not validate because of one of its
// questions: Question is its number, from 1, so an importer can point at
// the line.
type SurveyError struct {
	Question int
	Err      *bot.Error
}

func (e *SurveyError) Error() string { return e.Err.Error() }
func (e *SurveyError) Unwrap() error { return e.Err }

func questionError(i int, format string, args ...any) error {
	return &SurveyError{Question: i + 1, Err: bot.Errorf(bot.EArgument, format, args...)}
}

func validSurveyName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// SurveyTemplates are the check-ins Hearth ships (step 6 of the practice
// guide: surveys, check-ins, success stories, reflections on practice).
func SurveyTemplates() []Survey {
	return []Survey{
		{
			Name: "pulse", Title: "Weekly pulse",
			Intro: "Three quick questions about this week in the community. It takes a minute.",
			Questions: []Question{
				{ID: "value", Kind: QuestionScale, Prompt: "How valuable was the community to you this week?", Min: 1, Max: 5, MinLabel: "not at all", MaxLabel: "very"},
				{ID: "learned", Kind: QuestionText, Prompt: "What did you learn or try?", Optional: true},
				{ID: "help", Kind: QuestionText, Prompt: "What do you need help with?", Optional: true},
			},
			Settings: SurveySettings{Audience: AudienceAll, Delivery: DeliverDM, Window: 48 * time.Hour, ResultsTo: "facilitators"},
		},
		{
			Name: "reflection", Title: "Monthly reflection",
			Intro: "A moment to look back on your practice this month.",
			Questions: []Question{
				{ID: "shift", Kind: QuestionText, Prompt: "How has your practice shifted this month?"},
				{ID: "story", Kind: QuestionText, Prompt: "Is there a success story you would like to share?", Optional: true},
				{ID: "share", Kind: QuestionSingle, Prompt: "May we share your story?", Choices: []string{"Yes, with my name", "Yes, anonymously", "No, facilitators only"}, Optional: true},
			},
			Settings: SurveySettings{Audience: AudienceAll, Delivery: DeliverDM, Window: 7 * 24 * time.Hour, ResultsTo: "facilitators"},
		},
		{
			Name: "event-feedback", Title: "Event feedback",
			Intro: "Thank you for coming. Two questions to make the next one better.",
			Questions: []Question{
				{ID: "useful", Kind: QuestionScale, Prompt: "How useful was the session?", Min: 1, Max: 5, MinLabel: "not useful", MaxLabel: "very useful"},
				{ID: "again", Kind: QuestionYesNo, Prompt: "Would you come to another one?"},
				{ID: "improve", Kind: QuestionText, Prompt: "What would make it better?", Optional: true},
			},
			// Sent to the event's channel's members until events record
			// attendance; then to those who attended.
			Settings: SurveySettings{Audience: AudienceChannel, Delivery: DeliverDM, Anonymous: true, Window: 72 * time.Hour, ResultsTo: "facilitators"},
		},
	}
}

// Limits that keep a check-in in one chat message: Discord shows at most
// five rows of five buttons, and a modal holds five inputs.
const (
	maxButtonRows     = 5
	MaxButtonsPerRow  = 5
	maxTextQuestions  = 5
	MaxTextAnswer     = 2000 // characters of a free-text answer
	CheckinTextPrompt = 45   // Discord's limit on a modal input's label
)

// buttonRows is how many rows of buttons the survey's post needs.
func (s Survey) buttonRows() int {
	rows, text := 0, false
	for _, q := range s.Questions {
		switch q.Kind {
		case QuestionText:
			text = true
		default:
			n := len(q.Options())
			rows += (n + MaxButtonsPerRow - 1) / MaxButtonsPerRow
		}
	}
	if text {
		rows++
	}
	return rows
}

// options are a choice question's options as (label, value) pairs.
func (q Question) Options() [][2]string {
	var out [][2]string
	switch q.Kind {
	case QuestionScale:
		for v := q.Min; v <= q.Max; v++ {
			out = append(out, [2]string{strconv.Itoa(v), strconv.Itoa(v)})
		}
	case QuestionSingle, QuestionMulti:
		for i, c := range q.Choices {
			out = append(out, [2]string{c, strconv.Itoa(i)})
		}
	case QuestionYesNo:
		out = [][2]string{{"Yes", "yes"}, {"No", "no"}}
	}
	return out
}

// answerValue turns a button's option into the stored answer, or false
// when the option is not one of the question's.
func (q Question) AnswerValue(option string) (string, bool) {
	switch q.Kind {
	case QuestionScale:
		n, err := strconv.Atoi(option)
		return option, err == nil && n >= q.Min && n <= q.Max && strconv.Itoa(n) == option
	case QuestionSingle, QuestionMulti:
		i, err := strconv.Atoi(option)
		if err != nil || i < 0 || i >= len(q.Choices) || strconv.Itoa(i) != option {
			return "", false
		}
		return q.Choices[i], true
	case QuestionYesNo:
		return option, option == "yes" || option == "no"
	}
	return "", false
}

func (s Survey) Question(id string) (Question, bool) {
	for _, q := range s.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

func (s Survey) TextQuestions() []Question {
	var out []Question
	for _, q := range s.Questions {
		if q.Kind == QuestionText {
			out = append(out, q)
		}
	}
	return out
}
