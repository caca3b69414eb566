package checkins

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth-community/hearth/bot"
)

// answering is a member answering an open run.
type answering struct {
	run        CheckinRun
	respondent string
	current    map[string]string // the respondent's answers so far, by question
}

// answerable loads a run a member may answer at at. Late answers are
// refused kindly; a member who was not sent a DM check-in cannot answer it;
// anyone who can see a channel check-in can, and joins its recipients.
func (b *Checkins) answerable(ctx context.Context, community string, id int64, member string, at time.Time) (answering, error) {
	r, err := b.store.CheckinRun(ctx, community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return answering{}, bot.Errorf(bot.ENotFound, "That check-in no longer exists.")
	}
	if err != nil {
		return answering{}, err
	}
	if !r.Open(at) {
		return answering{}, bot.Errorf(bot.EConflict, "Thank you, but %s closed %s, so I can't take answers any more. Look out for the next one!",
			bot.NameOr(r.Survey.Title, r.Survey.Name), bot.WhenIn(r.ClosesAt, b.loc))
	}
	open, err := b.store.OpenRunsFor(ctx, community, member)
	if err != nil {
		return answering{}, err
	}
	if !slices.ContainsFunc(open, func(o CheckinRun) bool { return o.ID == id }) {
		if r.Delivery != DeliverChannel {
			return answering{}, bot.Errorf(bot.EForbidden, "That check-in was sent to someone else, so I can't take your answer to it.")
		}
		if err := b.store.SetRecipient(ctx, id, Recipient{Member: member, Status: RecipientSent, SentAt: at}); err != nil {
			return answering{}, err
		}
	}
	who := respondent(r, member)
	cur, err := b.store.RespondentAnswers(ctx, id, who)
	if err != nil {
		return answering{}, err
	}
	return answering{run: r, respondent: who, current: cur}, nil
}

// save stores answers and records the member's participation: one
// checkin_answer event per member and run, however often they change it.
func (b *Checkins) save(ctx context.Context, an answering, member, memberName string, answers map[string]string, at time.Time) error {
	if err := b.store.SaveAnswers(ctx, an.run.ID, an.respondent, answers); err != nil {
		return err
	}
	if err := b.core.CheckinAnswered(ctx, bot.CheckinAnswers{Community: an.run.Community, Run: an.run.ID, Anonymous: an.run.Anonymous,
		Questions: questionIDs(an.run.Survey), Member: member, Answers: answers, Current: an.current, At: at}); err != nil {
		return err
	}
	return b.core.HandleEvent(ctx, bot.Event{Kind: bot.KindCheckinAnswer, Community: an.run.Community, Channel: an.run.Channel,
		Member: member, MemberName: memberName, At: at, Key: fmt.Sprintf("checkin:%d:%s", an.run.ID, member)})
}

// actCheckinAnswer records a choice button: a scale number, a choice
// (toggled for multiple choice), yes or no.
func (b *Checkins) actCheckinAnswer(ctx context.Context, a bot.Action) (bot.Reply, error) {
	id, qid, option, ok := parseAnswerValue(a.Value)
	if !ok {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That button doesn't belong to a check-in I know.")
	}
	an, err := b.answerable(ctx, a.Community, id, a.Member, a.At)
	if err != nil {
		return bot.Reply{}, err
	}
	q, ok := an.run.Survey.Question(qid)
	value, valid := q.AnswerValue(option)
	if !ok || !valid {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That button doesn't match a question of this check-in.")
	}
	shown := value
	if q.Kind == QuestionMulti {
		chosen := splitChoices(an.current[qid])
		if i := slices.Index(chosen, value); i >= 0 {
			chosen = slices.Delete(chosen, i, i+1)
		} else {
			chosen = append(chosen, value)
		}
		// Keep the survey's order, so equal sets read the same.
		var ordered []string
		for _, c := range q.Choices {
			if slices.Contains(chosen, c) {
				ordered = append(ordered, c)
			}
		}
		value = strings.Join(ordered, "\n")
		shown = bot.NameOr(strings.Join(ordered, ", "), "nothing")
	}
	if err := b.save(ctx, an, a.Member, a.MemberName, map[string]string{qid: value}, a.At); err != nil {
		return bot.Reply{}, err
	}
	changed := ""
	if old, had := an.current[qid]; had && old != value && q.Kind != QuestionMulti {
		changed = fmt.Sprintf(" (was %s)", old)
	}
	text := fmt.Sprintf("Thanks! %q: **%s**%s.", bot.Clip(q.Prompt, 60), shown, changed)
	if next := b.nextHint(an, qid); next != "" {
		text += " " + next
	}
	return bot.Reply{Post: bot.Post{Text: text}, Private: true}, nil
}

// nextHint points at what is left to answer after question done.
func (b *Checkins) nextHint(an answering, done string) string {
	left := 0
	text := false
	for _, q := range an.run.Survey.Questions {
		if _, ok := an.current[q.ID]; ok || q.ID == done || q.Optional {
			continue
		}
		left++
		text = text || q.Kind == QuestionText
	}
	switch {
	case left == 0 && len(an.run.Survey.TextQuestions()) > 0 && len(an.current) == 0:
		return "Anything to add? Tap **Answer in writing**."
	case left == 0:
		return fmt.Sprintf("You can change your answers until %s.", bot.WhenIn(an.run.ClosesAt, b.loc))
	case text:
		return fmt.Sprintf("%s to go; tap **Answer in writing** for the written ones.", bot.Plural(left, "question"))
	}
	return fmt.Sprintf("%s to go.", bot.Plural(left, "question"))
}

func splitChoices(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, "\n")
}

// actCheckinWrite opens the form of a run's free-text questions, or, where
// the platform has no forms (the shell), asks the first one by DM.
func (b *Checkins) actCheckinWrite(ctx context.Context, a bot.Action) (bot.Reply, error) {
	id, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil || id <= 0 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That button doesn't belong to a check-in I know.")
	}
	an, err := b.answerable(ctx, a.Community, id, a.Member, a.At)
	if err != nil {
		return bot.Reply{}, err
	}
	texts := an.run.Survey.TextQuestions()
	if len(texts) == 0 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "This check-in has no written questions.")
	}
	if b.core.Capabilities(a.Community).Forms {
		return bot.Reply{Form: checkinForm(an.run, an.current), Private: true}, nil
	}
	if err := b.store.SetRecipient(ctx, id, Recipient{Member: a.Member, Status: RecipientSent, SentAt: a.At, Awaiting: texts[0].ID}); err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: bot.Post{Text: askInWriting(texts[0], an.current[texts[0].ID])}, Private: true}, nil
}

func askInWriting(q Question, current string) string {
	s := fmt.Sprintf("**%s**\nAnswer with a direct message to me: your next message is your answer", q.Prompt)
	if q.Optional {
		s += " (or `skip`)"
	}
	s += "."
	if current != "" {
		s += fmt.Sprintf(" You answered: %q.", bot.Clip(current, 200))
	}
	return s
}

// actCheckinForm stores a submitted form of free-text answers.
func (b *Checkins) actCheckinForm(ctx context.Context, a bot.Action) (bot.Reply, error) {
	id, err := strconv.ParseInt(a.Context, 10, 64)
	if err != nil || id <= 0 {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That form doesn't belong to a check-in I know.")
	}
	an, err := b.answerable(ctx, a.Community, id, a.Member, a.At)
	if err != nil {
		return bot.Reply{}, err
	}
	answers := map[string]string{}
	fieldErrs := map[string]string{}
	for _, q := range an.run.Survey.TextQuestions() {
		v := strings.TrimSpace(a.Values[q.ID])
		switch {
		case utf8.RuneCountInString(v) > MaxTextAnswer:
			fieldErrs[q.ID] = fmt.Sprintf("Please keep it to %d characters.", MaxTextAnswer)
		case v == "" && !q.Optional:
			fieldErrs[q.ID] = "This one needs an answer."
		}
		answers[q.ID] = v
	}
	if len(fieldErrs) > 0 {
		return bot.Reply{FieldErrors: fieldErrs, Private: true}, nil
	}
	if err := b.save(ctx, an, a.Member, a.MemberName, answers, a.At); err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Post: bot.Post{Text: fmt.Sprintf("Thanks! Your written answers are in. You can change them until %s.", bot.WhenIn(an.run.ClosesAt, b.loc))}, Private: true}, nil
}

// answerByDM takes a DM as the answer to the written question Hearth asked
// the member (where there are no forms), then asks the next one. It
// returns what to say back, or "" when the DM was not an answer.
func (b *Checkins) answerByDM(ctx context.Context, e bot.Event) (string, error) {
	open, err := b.store.OpenRunsFor(ctx, e.Community, e.Member)
	if err != nil {
		return "", err
	}
	for _, r := range open {
		recips, err := b.store.Recipients(ctx, r.ID)
		if err != nil {
			return "", err
		}
		i := slices.IndexFunc(recips, func(rc Recipient) bool { return rc.Member == e.Member && rc.Awaiting != "" })
		if i < 0 {
			continue
		}
		rc := recips[i]
		an, err := b.answerable(ctx, e.Community, r.ID, e.Member, e.At)
		if err != nil {
			return bot.ErrorMessage(err), nil
		}
		texts := an.run.Survey.TextQuestions()
		k := slices.IndexFunc(texts, func(q Question) bool { return q.ID == rc.Awaiting })
		if k < 0 {
			continue
		}
		q := texts[k]
		v := strings.TrimSpace(e.Text)
		var reply string
		switch {
		case strings.EqualFold(v, "skip") && q.Optional:
			v = ""
			reply = "Skipped."
		case strings.EqualFold(v, "skip"):
			return "This question needs an answer: " + askInWriting(q, an.current[q.ID]), nil
		case utf8.RuneCountInString(v) > MaxTextAnswer:
			return fmt.Sprintf("That's longer than %d characters; please shorten it and send it again.", MaxTextAnswer), nil
		default:
			reply = "Thanks, noted."
		}
		save := b.save(ctx, an, e.Member, e.MemberName, map[string]string{q.ID: v}, e.At)
		if v == "" { // a skip is no answer, so no participation either
			save = b.store.SaveAnswers(ctx, r.ID, an.respondent, map[string]string{q.ID: ""})
		}
		if save != nil {
			return "", save
		}
		rc.Awaiting = ""
		if k+1 < len(texts) {
			rc.Awaiting = texts[k+1].ID
		}
		if err := b.store.SetRecipient(ctx, r.ID, rc); err != nil {
			return "", err
		}
		if rc.Awaiting != "" {
			return reply + "\n" + askInWriting(texts[k+1], an.current[texts[k+1].ID]), nil
		}
		return fmt.Sprintf("%s That's everything: thank you! You can change your answers until %s.", reply, bot.WhenIn(r.ClosesAt, b.loc)), nil
	}
	return "", nil
}

// forgetAnonymousAnswers blanks a member's answers to open anonymous runs,
// which only the run's salt ties to them: the store cannot find them.
func (b *Checkins) forgetAnonymousAnswers(ctx context.Context, community, member string) error {
	runs, err := b.store.OpenRunsFor(ctx, community, member)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if !r.Anonymous {
			continue // attributed answers go with the member
		}
		blank := map[string]string{}
		for _, q := range r.Survey.Questions {
			blank[q.ID] = ""
		}
		if who := respondent(r, member); who != "" {
			if err := b.store.SaveAnswers(ctx, r.ID, who, blank); err != nil {
				return err
			}
		}
	}
	return nil
}

// launchSurvey starts a run of a community's survey by DM to a list of
// members: an event's feedback.
func (b *Checkins) launchSurvey(ctx context.Context, l bot.SurveyLaunch) (int64, int, int, error) {
	s, err := b.findSurvey(ctx, l.Community, l.Survey)
	if err != nil {
		return 0, 0, 0, err
	}
	s.Title = bot.NameOr(s.Title, s.Name) + l.TitleSuffix
	s.Settings.Audience, s.Settings.Members = AudienceList, l.Members
	run, d, err := b.startRun(ctx, l.Community, s, runOptions{Delivery: DeliverDM, By: l.By, At: l.At})
	return run.ID, d.Sent, d.Total, err
}
