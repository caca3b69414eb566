package checkins_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/checkins"
)

var t0 = bottest.T0

const community = bottest.Community

func TestCheckinStartDeliversToTheAudience(t *testing.T) {
	r := bottest.NewCommunity(t)
	r.Chat.Unreachable = map[string]bool{"dave": true}
	reply := r.CarolSays("checkin start pulse")
	if reply.Code != "" || !strings.Contains(reply.Text, "Check-in #1 (Weekly pulse) is open until Wed Nov 4 09:00 UTC") ||
		!strings.Contains(reply.Text, "sent 3/4") || !strings.Contains(reply.Text, "could not reach Dave") {
		t.Fatalf("start: %+v", reply)
	}
	for _, m := range []string{"alice", "bob", "carol"} {
		dms := r.Chat.DMsTo(m)
		if len(dms) != 1 || !strings.Contains(dms[0].Text, "How valuable was the community") {
			t.Fatalf("%s got %+v", m, dms)
		}
		var rows []int
		for _, btn := range dms[0].Buttons {
			rows = append(rows, btn.Row)
		}
		if len(dms[0].Buttons) != 6 || dms[0].Buttons[5].Label != "Answer in writing" || rows[0] != 0 || rows[5] != 1 {
			t.Fatalf("buttons: %+v", dms[0].Buttons)
		}
	}
	for _, m := range []string{"robot", "erin", "dave"} {
		if len(r.Chat.DMsTo(m)) != 0 {
			t.Errorf("%s was sent the check-in", m)
		}
	}
	recips, _ := r.Store.Recipients(context.Background(), 1)
	status := map[string]checkins.RecipientStatus{}
	for _, rc := range recips {
		status[rc.Member] = rc.Status
	}
	if status["dave"] != checkins.RecipientUnreachable || status["alice"] != checkins.RecipientSent || len(status) != 4 {
		t.Fatalf("recipients: %+v", recips)
	}
	var kinds []string
	for _, sc := range r.Schedules() {
		kinds = append(kinds, string(sc.Kind)+" "+sc.Spec+" "+sc.Payload)
	}
	want := []string{"checkin-remind once 2026-11-03T21:00:00Z 1", "checkin-close once 2026-11-04T09:00:00Z 1"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Fatalf("schedules: %q", kinds)
	}
}

func TestCheckinAnswersByButton(t *testing.T) {
	r := bottest.NewCommunity(t)
	r.CarolSays("checkin start pulse")
	at := t0.Add(time.Hour)
	reply := r.Click("alice", checkins.ActionCheckinAnswer, "1:value:4", at)
	if reply.Code != "" || !strings.Contains(reply.Text, "**4**") {
		t.Fatalf("answer: %+v", reply)
	}
	reply = r.Click("alice", checkins.ActionCheckinAnswer, "1:value:5", at.Add(time.Minute))
	if !strings.Contains(reply.Text, "**5** (was 4)") {
		t.Fatalf("change: %+v", reply)
	}
	answers, _ := r.Store.Answers(context.Background(), 1)
	if len(answers) != 1 || answers[0] != (checkins.SurveyAnswer{Respondent: "alice", Question: "value", Value: "5"}) {
		t.Fatalf("answers: %+v", answers)
	}
	answerEvents := 0
	for _, e := range r.Store.Kept() {
		if e.Kind == bot.KindCheckinAnswer {
			answerEvents++
			if e.Member != "alice" || e.Key != "checkin:1:alice" {
				t.Errorf("event: %+v", e)
			}
		}
	}
	if answerEvents != 1 {
		t.Fatalf("%d checkin_answer events, want 1 however often alice changes her answer", answerEvents)
	}
	for _, bad := range []struct{ member, value, code string }{
		{"alice", "1:value:9", bot.EArgument},    // off the scale
		{"alice", "1:nope:3", bot.EArgument},     // no such question
		{"alice", "9:value:3", bot.ENotFound},    // no such run
		{"alice", "garbage", bot.EArgument},      // forged
		{"mallory", "1:value:3", bot.EForbidden}, // not sent to mallory
	} {
		if reply := r.Click(bad.member, checkins.ActionCheckinAnswer, bad.value, at); reply.Code != bad.code {
			t.Errorf("%s clicking %q: %+v, want code %s", bad.member, bad.value, reply, bad.code)
		}
	}
	r.Clock.Set(t0.Add(49 * time.Hour))
	reply = r.Click("bob", checkins.ActionCheckinAnswer, "1:value:3", t0.Add(49*time.Hour))
	if reply.Code != bot.EConflict || !strings.Contains(reply.Text, "closed") {
		t.Fatalf("late answer: %+v", reply)
	}
	if answers, _ := r.Store.Answers(context.Background(), 1); len(answers) != 1 {
		t.Fatalf("a late answer was kept: %+v", answers)
	}
}

func TestCheckinWrittenAnswersByDMWithoutForms(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.CarolSays("checkin start pulse")
	at := t0.Add(time.Hour)
	reply := r.Click("bob", checkins.ActionCheckinWrite, "1", at)
	if reply.Form != nil || !strings.Contains(reply.Text, "What did you learn or try?") {
		t.Fatalf("write without forms: %+v", reply)
	}
	dm := func(text string) string {
		before := len(r.Chat.DMsTo("bob"))
		if err := r.Bot.HandleEvent(ctx, bot.Event{Kind: bot.KindMessage, DM: true, Community: community, Member: "bob", At: at, Key: "dm" + text, Text: text}); err != nil {
			t.Fatal(err)
		}
		dms := r.Chat.DMsTo("bob")
		if len(dms) != before+1 {
			t.Fatalf("no reply to %q", text)
		}
		return dms[len(dms)-1].Text
	}
	if got := dm("Pair programming"); !strings.Contains(got, "What do you need help with?") {
		t.Fatalf("after the first answer: %q", got)
	}
	if got := dm("skip"); !strings.Contains(got, "That's everything") {
		t.Fatalf("after skipping: %q", got)
	}
	if got := dm("hello?"); !strings.Contains(got, "only as answers") {
		t.Fatalf("a DM that answers nothing: %q", got)
	}
	answers, _ := r.Store.Answers(ctx, 1)
	if len(answers) != 1 || answers[0] != (checkins.SurveyAnswer{Respondent: "bob", Question: "learned", Value: "Pair programming"}) {
		t.Fatalf("answers: %+v", answers)
	}
	for _, e := range r.Store.Events() {
		if e.DM || strings.HasPrefix(e.Key, "dm") {
			t.Fatalf("a DM was recorded: %+v", e)
		}
	}
	if n := r.Bot.Metrics().EventsIgnored.Load(); n != 3 {
		t.Errorf("%d events ignored, want the 3 DMs (read, never recorded)", n)
	}
}

func TestCheckinWrittenAnswersByForm(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.Chat.Caps.Forms = true
	r.CarolSays("checkin start reflection")
	at := t0.Add(time.Hour)
	reply := r.Click("alice", checkins.ActionCheckinWrite, "1", at)
	if reply.Form == nil || reply.Form.ID != checkins.FormCheckin || len(reply.Form.Fields) != 2 || reply.Form.Fields[0].Optional || !reply.Form.Fields[1].Optional {
		t.Fatalf("form: %+v", reply)
	}
	submit := func(values map[string]string) bot.Reply {
		return r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: "alice", ActionID: checkins.FormCheckin, Context: "1", Values: values, At: at})
	}
	if reply := submit(map[string]string{"shift": " ", "story": "x"}); reply.FieldErrors["shift"] == "" {
		t.Fatalf("a required answer left empty: %+v", reply)
	}
	if reply := submit(map[string]string{"shift": strings.Repeat("a", checkins.MaxTextAnswer+1)}); reply.FieldErrors["shift"] == "" {
		t.Fatalf("a long answer: %+v", reply)
	}
	if reply := submit(map[string]string{"shift": "I ask for feedback earlier", "story": ""}); reply.Code != "" || len(reply.FieldErrors) > 0 {
		t.Fatalf("submit: %+v", reply)
	}
	reply = r.Click("alice", checkins.ActionCheckinWrite, "1", at)
	if reply.Form.Fields[0].Value != "I ask for feedback earlier" {
		t.Fatalf("the form is not prefilled with the answer: %+v", reply.Form.Fields)
	}
	answers, _ := r.Store.Answers(ctx, 1)
	if len(answers) != 1 || answers[0].Value != "I ask for feedback earlier" {
		t.Fatalf("answers: %+v", answers)
	}
}

func TestCheckinMultipleChoiceToggles(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	sv := checkins.Survey{Name: "topics", Questions: []checkins.Question{{ID: "t", Kind: checkins.QuestionMulti, Prompt: "Which topics?", Choices: []string{"A", "B", "C"}}}}
	if err := sv.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := r.Store.SaveSurvey(ctx, community, sv, t0); err != nil {
		t.Fatal(err)
	}
	r.CarolSays("checkin start topics")
	for _, v := range []string{"2", "0", "2"} {
		r.Click("alice", checkins.ActionCheckinAnswer, "1:t:"+v, t0)
	}
	answers, _ := r.Store.Answers(ctx, 1)
	if len(answers) != 1 || answers[0].Value != "A" {
		t.Fatalf("C on, A on, C off should leave A: %+v", answers)
	}
	r.Click("alice", checkins.ActionCheckinAnswer, "1:t:1", t0)
	if answers, _ = r.Store.Answers(ctx, 1); answers[0].Value != "A\nB" {
		t.Fatalf("choices keep the survey's order: %q", answers[0].Value)
	}
}

func TestCheckinReminderReachesOnlyThoseWhoHaveNotAnswered(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.CarolSays("checkin start pulse")
	r.Click("alice", checkins.ActionCheckinAnswer, "1:value:4", t0.Add(time.Hour))
	remind := r.Schedules(checkins.ScheduleCheckinRemind)[0]
	for range 2 { // a second firing (a bug, a restore) reminds nobody twice
		if err := r.Bot.RunSchedule(ctx, remind, t0.Add(44*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for m, want := range map[string]int{"alice": 1, "bob": 2, "carol": 2, "dave": 2} {
		dms := r.Chat.DMsTo(m)
		if len(dms) != want {
			t.Errorf("%s got %d DMs, want %d", m, len(dms), want)
		}
		if want == 2 && !strings.Contains(dms[1].Text, "Reminder") {
			t.Errorf("%s's second DM is no reminder: %q", m, dms[1].Text)
		}
	}
}

func TestCheckinCloseSendsResultsWithTrend(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.CarolSays("digest channel #facilitators")
	r.CarolSays("checkin start pulse")
	r.Click("alice", checkins.ActionCheckinAnswer, "1:value:3", t0)
	r.Click("bob", checkins.ActionCheckinAnswer, "1:value:4", t0)
	reply := r.CarolSays("checkin close 1")
	if !strings.Contains(reply.Text, "Closed check-in #1") || !strings.Contains(reply.Text, "#facilitators") {
		t.Fatalf("close: %+v", reply)
	}
	if reply := r.CarolSays("checkin close 1"); !strings.Contains(reply.Text, "closed already") {
		t.Fatalf("second close: %+v", reply)
	}
	if left := r.Schedules(checkins.ScheduleCheckinClose, checkins.ScheduleCheckinRemind); len(left) != 0 {
		t.Fatalf("a closed run keeps its schedules: %+v", left)
	}
	r.Clock.Set(t0.Add(7 * 24 * time.Hour))
	r.CarolSays("checkin start pulse")
	r.Click("alice", checkins.ActionCheckinAnswer, "2:value:5", r.Clock.Now())
	closeAt := r.Clock.Now().Add(48 * time.Hour)
	if err := r.Bot.RunSchedule(ctx, bot.Schedule{ID: 99, Community: community, Kind: checkins.ScheduleCheckinClose, Payload: "2"}, closeAt); err != nil {
		t.Fatal(err)
	}
	var results []string
	for _, p := range r.Chat.Posts() {
		if p.To.Channel == "facilitators" && strings.Contains(p.Post.Text, "results") {
			results = append(results, p.Post.Text)
		}
	}
	if len(results) != 2 {
		t.Fatalf("results posts: %q", results)
	}
	if !strings.Contains(results[0], "2 of 4 answered (50%)") || !strings.Contains(results[0], "mean 3.5, median 3.5") {
		t.Errorf("first results: %s", results[0])
	}
	if !strings.Contains(results[1], "1 of 4 answered (25%) (▼25.0%)") || !strings.Contains(results[1], "mean 5.0, median 5.0 (▲1.5)") {
		t.Errorf("second results (with trend): %s", results[1])
	}
	run, _ := r.Store.CheckinRun(ctx, community, 2)
	if !run.ClosedAt.Equal(closeAt) {
		t.Errorf("closed at %v, want the intended time %v", run.ClosedAt, closeAt)
	}
	reply = r.CarolSays("checkin results pulse 1")
	if !strings.Contains(reply.Text, "2 of 4 answered") || !reply.Private {
		t.Errorf("results of run 1: %+v", reply)
	}
}

func TestAnonymousCheckinNamesNobody(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.Record(bottest.Message("alice", "general", "x", t0), bottest.Message("bob", "general", "y", t0), bottest.Message("dave", "general", "z", t0))
	reply := r.CarolSays("checkin start event-feedback") // anonymous, to #general's members
	if reply.Code != "" || !strings.Contains(reply.Text, "sent 3/3") {
		t.Fatalf("start: %+v", reply)
	}
	r.Chat.Caps.Forms = true
	r.Click("alice", checkins.ActionCheckinAnswer, "1:useful:5", t0)
	for m, text := range map[string]string{"alice": "More time for questions", "bob": "Shorter intro", "dave": "A break"} {
		r.Bot.HandleAction(ctx, bot.Action{Community: community, Member: m, ActionID: checkins.FormCheckin, Context: "1",
			Values: map[string]string{"improve": text}, At: t0})
	}
	answers, _ := r.Store.Answers(ctx, 1)
	for _, a := range answers {
		if a.Respondent == "alice" || !strings.HasPrefix(a.Respondent, "anon:") {
			t.Fatalf("an anonymous answer is filed under %q", a.Respondent)
		}
	}
	if reply := r.Click("alice", checkins.ActionCheckinAnswer, "1:useful:4", t0); !strings.Contains(reply.Text, "(was 5)") {
		t.Fatalf("an anonymous respondent can change their answer: %+v", reply)
	}
	r.CarolSays("checkin close 1")
	run, _ := r.Store.CheckinRun(ctx, community, 1)
	if run.Salt != nil {
		t.Fatal("the salt outlives the run")
	}
	dms := r.Chat.DMsTo("carol")
	res := dms[len(dms)-1].Text
	if !strings.Contains(res, "• More time for questions") || strings.Contains(res, "Alice") || strings.Contains(res, "alice") {
		t.Fatalf("anonymous results: %s", res)
	}
}

func TestCheckinScheduleStartsRuns(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	reply := r.CarolSays(`checkin schedule pulse "every 24 hours" closes=24h`)
	if reply.Code != "" || !strings.Contains(reply.Text, "Check-in schedule #1: Weekly pulse, every 24 hours, open 1 day each time") {
		t.Fatalf("schedule: %+v", reply)
	}
	sc := r.Schedules()[0]
	if sc.Kind != checkins.ScheduleCheckin || sc.Payload != `{"survey":"pulse","window":86400000000000}` {
		t.Fatalf("stored: %+v", sc)
	}
	if err := r.Bot.RunSchedule(ctx, sc, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	run, err := r.Store.CheckinRun(ctx, community, 1)
	if err != nil || run.Schedule != 1 || !run.ClosesAt.Equal(t0.Add(48*time.Hour)) {
		t.Fatalf("run: %+v %v", run, err)
	}
	if dms := r.Chat.DMsTo("carol"); len(dms) != 2 || !strings.Contains(dms[1].Text, "Check-in #1 (Weekly pulse) is out: sent 4/4") {
		t.Fatalf("carol is told how sending went: %+v", dms)
	}
	if reply := r.CarolSays("checkin list"); !strings.Contains(reply.Text, "#1 Weekly pulse, by DM, open until") || !strings.Contains(reply.Text, "schedule #1: pulse, every 24 hours") {
		t.Fatalf("list: %+v", reply)
	}
}

func TestCheckinCommandArguments(t *testing.T) {
	for _, tc := range []struct{ text, want, code string }{
		{"checkin start pulse closes=24h", "open until Tue Nov 3 09:00", ""},
		{"checkin start pulse 3d", "open until Thu Nov 5 09:00", ""},
		{"checkin start pulse dm closes=2d", "open until Wed Nov 4 09:00", ""},
		{"checkin start pulse #general", "posted in #general", ""},
		{"checkin start pulse closes=45d", "1 hour to 30 days", bot.EArgument},
		{"checkin start pulse sometime", "I don't know what to do with", bot.EArgument},
		{"checkin start nosuch", "There is no survey \"nosuch\"", bot.ENotFound},
		{"checkin close 7", "There is no check-in #7", bot.ENotFound},
	} {
		t.Run(tc.text, func(t *testing.T) {
			r := bottest.NewCommunity(t)
			reply := r.CarolSays(tc.text)
			if reply.Code != tc.code || !strings.Contains(reply.Text, tc.want) {
				t.Fatalf("%q: %+v, want %q (code %q)", tc.text, reply, tc.want, tc.code)
			}
		})
	}
	r := bottest.NewCommunity(t)
	if reply := r.Says("alice", "checkin start pulse"); reply.Code != bot.EForbidden {
		t.Fatalf("a member starting a check-in: %+v", reply)
	}
}

func TestCheckinFanOutReportsProgress(t *testing.T) {
	r := bottest.NewCommunity(t)
	var more []bot.Member
	for i := range 246 { // 250 with alice, bob, carol and dave
		id := fmt.Sprintf("m%03d", i)
		more = append(more, bot.Member{ID: id, Name: id})
	}
	r.AddMembers(more...)
	r.Chat.Caps.Concurrent = 4
	reply := r.CarolSays("checkin start pulse")
	if !strings.Contains(reply.Text, "sent 250/250") {
		t.Fatalf("start: %+v", reply)
	}
	var progress []string
	for _, p := range r.Chat.DMsTo("carol") {
		if strings.HasPrefix(p.Text, "Weekly pulse: sent") {
			progress = append(progress, p.Text)
		}
	}
	if strings.Join(progress, "|") != "Weekly pulse: sent 100/250…|Weekly pulse: sent 200/250…" {
		t.Fatalf("progress: %q", progress)
	}
}

// TestCheckinDeliveryResumesAfterACrash: recipients a crash left pending get
// the check-in with the reminder; one caught mid-send is not sent twice.
func TestCheckinDeliveryResumesAfterACrash(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	pulse := checkins.SurveyTemplates()[0]
	id, err := r.Store.CreateRun(ctx, checkins.CheckinRun{Community: community, Survey: pulse, Delivery: checkins.DeliverDM,
		OpenedAt: t0, ClosesAt: t0.Add(48 * time.Hour)}, []string{"alice", "bob", "dave"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Store.SetRecipient(ctx, id, checkins.Recipient{Member: "alice", Status: checkins.RecipientSent, SentAt: t0}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := r.Store.ClaimRecipient(ctx, id, "bob"); !ok { // the crash came while bob's DM was going out
		t.Fatal("claim")
	}
	r.Click("alice", checkins.ActionCheckinAnswer, "1:value:4", t0)
	if err := r.Bot.RunSchedule(ctx, bot.Schedule{ID: 7, Community: community, Kind: checkins.ScheduleCheckinRemind, Payload: "1"}, t0.Add(36*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := len(r.Chat.DMsTo("bob")); got != 0 {
		t.Errorf("bob, caught mid-send, got %d DMs", got)
	}
	dave := r.Chat.DMsTo("dave")
	if len(dave) != 2 || strings.Contains(dave[0].Text, "Reminder") || !strings.Contains(dave[1].Text, "Reminder") {
		t.Errorf("dave, left pending, should get the check-in then the reminder: %+v", dave)
	}
	if got := len(r.Chat.DMsTo("alice")); got != 0 {
		t.Errorf("alice had answered, yet got %d DMs", got)
	}
}

func TestCheckinTemplatesCommand(t *testing.T) {
	ctx := context.Background()
	r := bottest.New(t)
	custom := checkins.Survey{Name: "pulse", Title: "Our pulse", Questions: []checkins.Question{{Kind: checkins.QuestionYesNo, Prompt: "Good week?"}}}
	if err := custom.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := r.Store.SaveSurvey(ctx, community, custom, t0); err != nil {
		t.Fatal(err)
	}
	reply := r.Bot.HandleCommand(ctx, bot.Command{Community: community, Member: "carol", Text: "checkin templates"})
	for _, want := range []string{
		"• `reflection` Monthly reflection: 3 questions (text, text, single), attributed, open 7 days, by DM to every member (built in)",
		"• `event-feedback` Event feedback: 3 questions (scale, yesno, text), anonymous (results from 3 respondents), open 3 days",
		"• `pulse` Our pulse: 1 question (yesno), attributed, open 2 days, by DM to every member (imported)",
	} {
		if !strings.Contains(reply.Text, want) {
			t.Errorf("templates lack %q:\n%s", want, reply.Text)
		}
	}
	if strings.Contains(reply.Text, "Weekly pulse") {
		t.Errorf("an imported survey must take the template's place:\n%s", reply.Text)
	}
	if reply := r.Bot.HandleCommand(ctx, bot.Command{Community: community, Member: "bob", Text: "checkin templates"}); reply.Code != bot.EForbidden {
		t.Errorf("member: %+v", reply)
	}
}

// TestForgetClearsOpenAnonymousAnswers: answers to an open anonymous run
// are filed under a hash only the check-ins can link back to the member;
// forgetting her erases them too.
func TestForgetClearsOpenAnonymousAnswers(t *testing.T) {
	ctx := context.Background()
	r := bottest.NewCommunity(t)
	r.Record(bottest.Message("alice", "general", "x", t0))
	r.CarolSays("checkin start event-feedback")
	r.Click("alice", checkins.ActionCheckinAnswer, "1:useful:5", t0)
	if a, _ := r.Store.Answers(ctx, 1); len(a) != 1 {
		t.Fatalf("answers before: %+v", a)
	}
	if err := r.Bot.ForgetMember(ctx, community, "alice"); err != nil {
		t.Fatal(err)
	}
	if a, _ := r.Store.Answers(ctx, 1); len(a) != 0 {
		t.Fatalf("alice's anonymous answer outlives her: %+v", a)
	}
}
