package checkins

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Check-in actions. A choice button's Value is "RUN:QUESTION:OPTION" (the
// scale number, the choice's index from 0, or yes/no); the write button's
// and the form's context are the run id.
const (
	ActionCheckinAnswer = "checkin.answer"
	ActionCheckinWrite  = "checkin.write"
	FormCheckin         = "checkin.form"
)

// respondent is who answers are filed under: the member for attributed
// runs; for anonymous ones a keyed hash of the member that only the run's
// salt links back, and the salt is forgotten when the run closes. "" means
// the run can no longer take this member's answers (closed).
func respondent(r CheckinRun, member string) string {
	if !r.Anonymous {
		return member
	}
	if len(r.Salt) == 0 {
		return ""
	}
	mac := hmac.New(sha256.New, r.Salt)
	mac.Write([]byte(member))
	return "anon:" + hex.EncodeToString(mac.Sum(nil)[:12])
}

// checkinPost is the check-in as members see it: the questions, a row of
// buttons per choice question, and a button to answer in writing.
func checkinPost(r CheckinRun, loc *time.Location, reminder string) bot.Post {
	s := r.Survey
	var sb strings.Builder
	if reminder != "" {
		sb.WriteString(reminder + "\n")
	}
	fmt.Fprintf(&sb, "**%s** (check-in #%d)\n", bot.NameOr(s.Title, s.Name), r.ID)
	if s.Intro != "" {
		sb.WriteString(s.Intro + "\n")
	}
	var buttons []bot.Button
	row := 0
	for i, q := range s.Questions {
		fmt.Fprintf(&sb, "**%d.** %s", i+1, q.Prompt)
		switch q.Kind {
		case QuestionScale:
			if q.MinLabel != "" || q.MaxLabel != "" {
				fmt.Fprintf(&sb, " _(%d = %s, %d = %s)_", q.Min, bot.NameOr(q.MinLabel, "low"), q.Max, bot.NameOr(q.MaxLabel, "high"))
			}
		case QuestionMulti:
			sb.WriteString(" _(choose any)_")
		case QuestionText:
			sb.WriteString(" _(in writing")
			if q.Optional {
				sb.WriteString(", optional")
			}
			sb.WriteString(")_")
		}
		if q.Optional && q.Kind != QuestionText {
			sb.WriteString(" _(optional)_")
		}
		sb.WriteString("\n")
		if q.Kind == QuestionText {
			continue
		}
		for j, o := range q.Options() {
			if j > 0 && j%MaxButtonsPerRow == 0 {
				row++
			}
			buttons = append(buttons, bot.Button{ActionID: ActionCheckinAnswer, Label: bot.Clip(o[0], 75),
				Value: fmt.Sprintf("%d:%s:%s", r.ID, q.ID, o[1]), Row: row})
		}
		row++
	}
	if len(s.TextQuestions()) > 0 {
		buttons = append(buttons, bot.Button{ActionID: ActionCheckinWrite, Label: "Answer in writing",
			Value: strconv.FormatInt(r.ID, 10), Style: bot.StylePrimary, Row: row})
	}
	if r.Anonymous {
		sb.WriteString("_Anonymous: results never name anyone._\n")
	} else {
		sb.WriteString("_Your answers go to the facilitators with your name._\n")
	}
	fmt.Fprintf(&sb, "_Open until %s: you can change your answers until then._", bot.WhenIn(r.ClosesAt, loc))
	return bot.Post{Text: sb.String(), Buttons: buttons}
}

// checkinForm is the form for a run's free-text questions, prefilled with
// what the member answered before.
func checkinForm(r CheckinRun, current map[string]string) *bot.Form {
	f := &bot.Form{ID: FormCheckin, Title: bot.Clip(bot.NameOr(r.Survey.Title, r.Survey.Name), 24), Submit: "Send",
		Context: strconv.FormatInt(r.ID, 10)}
	for _, q := range r.Survey.TextQuestions() {
		f.Fields = append(f.Fields, bot.Field{ID: q.ID, Label: bot.Clip(q.Prompt, CheckinTextPrompt), Placeholder: bot.Clip(q.Prompt, 100),
			Multiline: true, Optional: q.Optional, MaxLength: MaxTextAnswer, Value: current[q.ID]})
	}
	return f
}

// parseAnswerValue reads a choice button's "RUN:QUESTION:OPTION".
func parseAnswerValue(v string) (run int64, question, option string, ok bool) {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) != 3 {
		return 0, "", "", false
	}
	run, err := strconv.ParseInt(parts[0], 10, 64)
	return run, parts[1], parts[2], err == nil && run > 0 && parts[1] != "" && parts[2] != ""
}

// remindBefore is how long before a run closes its reminder goes out: a
// quarter of the window, at most a day.
func remindBefore(window time.Duration) time.Duration {
	return min(window/4, 24*time.Hour)
}
