package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

// newCheckinBot is a scheduling bot with a small community: carol
// facilitates; alice, bob and dave are members; robot is a bot; erin left.
func newCheckinBot(t *testing.T) (*bot.Bot, *fakeStore, *fakeChat, *bot.ManualClock) {
	t.Helper()
	b, s, chat, clock := newSchedulingBot(t)
	for _, m := range []bot.Member{{ID: "alice", Name: "Alice"}, {ID: "bob", Name: "Bob"}, {ID: "carol", Name: "Carol"},
		{ID: "dave", Name: "Dave"}, {ID: "robot", Name: "Robot", IsBot: true}, {ID: "erin", Name: "Erin", Left: true}} {
		s.members[m.ID] = m
	}
	return b, s, chat, clock
}

func click(b *bot.Bot, member, action, value string, at time.Time) bot.Reply {
	return b.HandleAction(context.Background(), bot.Action{Community: "shell:local", Member: member, MemberName: member,
		ActionID: action, Value: value, At: at})
}

// dmsTo returns the posts sent to member by DM.
func (c *fakeChat) dmsTo(member string) []bot.Post {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []bot.Post
	for _, p := range c.posts {
		if p.to.Kind == bot.ToDM && p.to.Member == member {
			out = append(out, p.post)
		}
	}
	return out
}

func TestCheckinStartDeliversToTheAudience(t *testing.T) {
	b, s, chat, _ := newCheckinBot(t)
	chat.unreachable = map[string]bool{"dave": true}
	r := carolSays(b, "checkin start pulse")
	if r.Code != "" || !strings.Contains(r.Text, "Check-in #1 (Weekly pulse) is open until Wed Nov 4 09:00 UTC") ||
		!strings.Contains(r.Text, "sent 3/4") || !strings.Contains(r.Text, "could not reach Dave") {
		t.Fatalf("start: %+v", r)
	}
	for _, m := range []string{"alice", "bob", "carol"} {
		dms := chat.dmsTo(m)
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
		if len(chat.dmsTo(m)) != 0 {
			t.Errorf("%s was sent the check-in", m)
		}
	}
	recips, _ := s.Recipients(context.Background(), 1)
	status := map[string]checkins.RecipientStatus{}
	for _, rc := range recips {
		status[rc.Member] = rc.Status
	}
	if status["dave"] != checkins.RecipientUnreachable || status["alice"] != checkins.RecipientSent || len(status) != 4 {
		t.Fatalf("recipients: %+v", recips)
	}
	var kinds []string
	for _, sc := range s.schedules {
		kinds = append(kinds, string(sc.Kind)+" "+sc.Spec+" "+sc.Payload)
	}
	want := []string{"checkin-remind once 2026-11-03T21:00:00Z 1", "checkin-close once 2026-11-04T09:00:00Z 1"}
	if strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Fatalf("schedules: %q", kinds)
	}
}

func TestCheckinAnswersByButton(t *testing.T) {
	b, s, chat, clock := newCheckinBot(t)
	carolSays(b, "checkin start pulse")
	at := t0.Add(time.Hour)
	r := click(b, "alice", checkins.ActionCheckinAnswer, "1:value:4", at)
	if r.Code != "" || !strings.Contains(r.Text, "**4**") {
		t.Fatalf("answer: %+v", r)
	}
	r = click(b, "alice", checkins.ActionCheckinAnswer, "1:value:5", at.Add(time.Minute))
	if !strings.Contains(r.Text, "**5** (was 4)") {
		t.Fatalf("change: %+v", r)
	}
	answers, _ := s.Answers(context.Background(), 1)
	if len(answers) != 1 || answers[0] != (checkins.SurveyAnswer{Respondent: "alice", Question: "value", Value: "5"}) {
		t.Fatalf("answers: %+v", answers)
	}
	answerEvents := 0
	for _, e := range s.events {
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
		if r := click(b, bad.member, checkins.ActionCheckinAnswer, bad.value, at); r.Code != bad.code {
			t.Errorf("%s clicking %q: %+v, want code %s", bad.member, bad.value, r, bad.code)
		}
	}
	clock.Set(t0.Add(49 * time.Hour))
	r = click(b, "bob", checkins.ActionCheckinAnswer, "1:value:3", t0.Add(49*time.Hour))
	if r.Code != bot.EConflict || !strings.Contains(r.Text, "closed") {
		t.Fatalf("late answer: %+v", r)
	}
	if answers, _ := s.Answers(context.Background(), 1); len(answers) != 1 {
		t.Fatalf("a late answer was kept: %+v", answers)
	}
	_ = chat
}

func TestCheckinWrittenAnswersByDMWithoutForms(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newCheckinBot(t)
	carolSays(b, "checkin start pulse")
	at := t0.Add(time.Hour)
	r := click(b, "bob", checkins.ActionCheckinWrite, "1", at)
	if r.Form != nil || !strings.Contains(r.Text, "What did you learn or try?") {
		t.Fatalf("write without forms: %+v", r)
	}
	dm := func(text string) string {
		before := len(chat.dmsTo("bob"))
		if err := b.HandleEvent(ctx, bot.Event{Kind: bot.KindMessage, DM: true, Community: "shell:local", Member: "bob", At: at, Key: "dm" + text, Text: text}); err != nil {
			t.Fatal(err)
		}
		dms := chat.dmsTo("bob")
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
	answers, _ := s.Answers(ctx, 1)
	if len(answers) != 1 || answers[0] != (checkins.SurveyAnswer{Respondent: "bob", Question: "learned", Value: "Pair programming"}) {
		t.Fatalf("answers: %+v", answers)
	}
	for _, e := range s.events {
		if e.DM {
			t.Fatalf("a DM was recorded: %+v", e)
		}
	}
}

func TestCheckinWrittenAnswersByForm(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newCheckinBot(t)
	chat.caps.Forms = true
	carolSays(b, "checkin start reflection")
	at := t0.Add(time.Hour)
	r := click(b, "alice", checkins.ActionCheckinWrite, "1", at)
	if r.Form == nil || r.Form.ID != checkins.FormCheckin || len(r.Form.Fields) != 2 || r.Form.Fields[0].Optional || !r.Form.Fields[1].Optional {
		t.Fatalf("form: %+v", r)
	}
	submit := func(values map[string]string) bot.Reply {
		return b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: checkins.FormCheckin, Context: "1", Values: values, At: at})
	}
	if r := submit(map[string]string{"shift": " ", "story": "x"}); r.FieldErrors["shift"] == "" {
		t.Fatalf("a required answer left empty: %+v", r)
	}
	if r := submit(map[string]string{"shift": strings.Repeat("a", checkins.MaxTextAnswer+1)}); r.FieldErrors["shift"] == "" {
		t.Fatalf("a long answer: %+v", r)
	}
	if r := submit(map[string]string{"shift": "I ask for feedback earlier", "story": ""}); r.Code != "" || len(r.FieldErrors) > 0 {
		t.Fatalf("submit: %+v", r)
	}
	r = click(b, "alice", checkins.ActionCheckinWrite, "1", at)
	if r.Form.Fields[0].Value != "I ask for feedback earlier" {
		t.Fatalf("the form is not prefilled with the answer: %+v", r.Form.Fields)
	}
	answers, _ := s.Answers(ctx, 1)
	if len(answers) != 1 || answers[0].Value != "I ask for feedback earlier" {
		t.Fatalf("answers: %+v", answers)
	}
}

func TestCheckinMultipleChoiceToggles(t *testing.T) {
	ctx := context.Background()
	b, s, _, _ := newCheckinBot(t)
	sv := checkins.Survey{Name: "topics", Questions: []checkins.Question{{ID: "t", Kind: checkins.QuestionMulti, Prompt: "Which topics?", Choices: []string{"A", "B", "C"}}}}
	if err := sv.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSurvey(ctx, "shell:local", sv, t0); err != nil {
		t.Fatal(err)
	}
	carolSays(b, "checkin start topics")
	for _, v := range []string{"2", "0", "2"} {
		click(b, "alice", checkins.ActionCheckinAnswer, "1:t:"+v, t0)
	}
	answers, _ := s.Answers(ctx, 1)
	if len(answers) != 1 || answers[0].Value != "A" {
		t.Fatalf("C on, A on, C off should leave A: %+v", answers)
	}
	click(b, "alice", checkins.ActionCheckinAnswer, "1:t:1", t0)
	if answers, _ = s.Answers(ctx, 1); answers[0].Value != "A\nB" {
		t.Fatalf("choices keep the survey's order: %q", answers[0].Value)
	}
}

func TestCheckinReminderReachesOnlyThoseWhoHaveNotAnswered(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newCheckinBot(t)
	carolSays(b, "checkin start pulse")
	click(b, "alice", checkins.ActionCheckinAnswer, "1:value:4", t0.Add(time.Hour))
	remind := s.schedules[0]
	for range 2 { // a second firing (a bug, a restore) reminds nobody twice
		if err := b.RunSchedule(ctx, remind, t0.Add(44*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for m, want := range map[string]int{"alice": 1, "bob": 2, "carol": 2, "dave": 2} {
		dms := chat.dmsTo(m)
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
	b, s, chat, clock := newCheckinBot(t)
	carolSays(b, "digest channel #facilitators")
	carolSays(b, "checkin start pulse")
	click(b, "alice", checkins.ActionCheckinAnswer, "1:value:3", t0)
	click(b, "bob", checkins.ActionCheckinAnswer, "1:value:4", t0)
	r := carolSays(b, "checkin close 1")
	if !strings.Contains(r.Text, "Closed check-in #1") || !strings.Contains(r.Text, "#facilitators") {
		t.Fatalf("close: %+v", r)
	}
	if r := carolSays(b, "checkin close 1"); !strings.Contains(r.Text, "closed already") {
		t.Fatalf("second close: %+v", r)
	}
	for _, sc := range s.schedules {
		if sc.Kind == checkins.ScheduleCheckinClose || sc.Kind == checkins.ScheduleCheckinRemind {
			t.Fatalf("a closed run keeps its schedule: %+v", sc)
		}
	}
	clock.Set(t0.Add(7 * 24 * time.Hour))
	carolSays(b, "checkin start pulse")
	click(b, "alice", checkins.ActionCheckinAnswer, "2:value:5", clock.Now())
	closeAt := clock.Now().Add(48 * time.Hour)
	if err := b.RunSchedule(ctx, bot.Schedule{ID: 99, Community: "shell:local", Kind: checkins.ScheduleCheckinClose, Payload: "2"}, closeAt); err != nil {
		t.Fatal(err)
	}
	var results []string
	for _, p := range chat.posts {
		if p.to.Channel == "facilitators" && strings.Contains(p.post.Text, "results") {
			results = append(results, p.post.Text)
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
	run, _ := s.CheckinRun(ctx, "shell:local", 2)
	if !run.ClosedAt.Equal(closeAt) {
		t.Errorf("closed at %v, want the intended time %v", run.ClosedAt, closeAt)
	}
	r = carolSays(b, "checkin results pulse 1")
	if !strings.Contains(r.Text, "2 of 4 answered") || !r.Private {
		t.Errorf("results of run 1: %+v", r)
	}
}

func TestAnonymousCheckinNamesNobody(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newCheckinBot(t)
	s.events["x"] = bot.Event{Kind: bot.KindMessage, Community: "shell:local", Channel: "general", Member: "alice", At: t0, Key: "x"}
	s.events["y"] = bot.Event{Kind: bot.KindMessage, Community: "shell:local", Channel: "general", Member: "bob", At: t0, Key: "y"}
	r := carolSays(b, "checkin start event-feedback") // anonymous, to #general's members
	if r.Code != "" || !strings.Contains(r.Text, "sent 2/2") {
		t.Fatalf("start: %+v", r)
	}
	chat.caps.Forms = true
	click(b, "alice", checkins.ActionCheckinAnswer, "1:useful:5", t0)
	b.HandleAction(ctx, bot.Action{Community: "shell:local", Member: "alice", ActionID: checkins.FormCheckin, Context: "1",
		Values: map[string]string{"improve": "More time for questions"}, At: t0})
	answers, _ := s.Answers(ctx, 1)
	for _, a := range answers {
		if a.Respondent == "alice" || !strings.HasPrefix(a.Respondent, "anon:") {
			t.Fatalf("an anonymous answer is filed under %q", a.Respondent)
		}
	}
	if r := click(b, "alice", checkins.ActionCheckinAnswer, "1:useful:4", t0); !strings.Contains(r.Text, "(was 5)") {
		t.Fatalf("an anonymous respondent can change their answer: %+v", r)
	}
	r = carolSays(b, "checkin close 1")
	run, _ := s.CheckinRun(ctx, "shell:local", 1)
	if run.Salt != nil {
		t.Fatal("the salt outlives the run")
	}
	dms := chat.dmsTo("carol")
	res := dms[len(dms)-1].Text
	if !strings.Contains(res, "• More time for questions") || strings.Contains(res, "Alice") || strings.Contains(res, "alice") {
		t.Fatalf("anonymous results: %s", res)
	}
}

func TestCheckinScheduleStartsRuns(t *testing.T) {
	ctx := context.Background()
	b, s, chat, _ := newCheckinBot(t)
	r := carolSays(b, `checkin schedule pulse "every 24 hours" closes=24h`)
	if r.Code != "" || !strings.Contains(r.Text, "Check-in schedule #1: Weekly pulse, every 24 hours, open 1 day each time") {
		t.Fatalf("schedule: %+v", r)
	}
	sc := s.schedules[0]
	if sc.Kind != checkins.ScheduleCheckin || sc.Payload != `{"survey":"pulse","window":86400000000000}` {
		t.Fatalf("stored: %+v", sc)
	}
	if err := b.RunSchedule(ctx, sc, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	run, err := s.CheckinRun(ctx, "shell:local", 1)
	if err != nil || run.Schedule != 1 || !run.ClosesAt.Equal(t0.Add(48*time.Hour)) {
		t.Fatalf("run: %+v %v", run, err)
	}
	if dms := chat.dmsTo("carol"); len(dms) != 2 || !strings.Contains(dms[1].Text, "Check-in #1 (Weekly pulse) is out: sent 4/4") {
		t.Fatalf("carol is told how sending went: %+v", dms)
	}
	if r := carolSays(b, "checkin list"); !strings.Contains(r.Text, "#1 Weekly pulse, by DM, open until") || !strings.Contains(r.Text, "schedule #1: pulse, every 24 hours") {
		t.Fatalf("list: %+v", r)
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
			b, _, _, _ := newCheckinBot(t)
			r := carolSays(b, tc.text)
			if r.Code != tc.code || !strings.Contains(r.Text, tc.want) {
				t.Fatalf("%q: %+v, want %q (code %q)", tc.text, r, tc.want, tc.code)
			}
		})
	}
	b, _, _, _ := newCheckinBot(t)
	r := b.HandleCommand(context.Background(), bot.Command{Community: "shell:local", Channel: "general", Member: "alice", Text: "checkin start pulse"})
	if r.Code != bot.EForbidden {
		t.Fatalf("a member starting a check-in: %+v", r)
	}
}

func TestSurveysMustFitOneMessage(t *testing.T) {
	long := checkins.Survey{Name: "long"}
	for range 6 {
		long.Questions = append(long.Questions, checkins.Question{Kind: checkins.QuestionYesNo, Prompt: "Yes?"})
	}
	if err := long.Validate(); err == nil || !strings.Contains(err.Error(), "rows") {
		t.Fatalf("six rows of buttons: %v", err)
	}
	wordy := checkins.Survey{Name: "wordy"}
	for range 6 {
		wordy.Questions = append(wordy.Questions, checkins.Question{Kind: checkins.QuestionText, Prompt: "Why?"})
	}
	if err := wordy.Validate(); err == nil || !strings.Contains(err.Error(), "free-text") {
		t.Fatalf("six text questions: %v", err)
	}
	for _, s := range checkins.SurveyTemplates() {
		if err := s.Validate(); err != nil {
			t.Errorf("template %s: %v", s.Name, err)
		}
	}
}

func TestCheckinFanOutReportsProgress(t *testing.T) {
	b, s, chat, _ := newCheckinBot(t)
	for i := range 246 { // 250 with alice, bob, carol and dave
		id := fmt.Sprintf("m%03d", i)
		s.members[id] = bot.Member{ID: id, Name: id}
	}
	chat.caps.Concurrent = 4
	r := carolSays(b, "checkin start pulse")
	if !strings.Contains(r.Text, "sent 250/250") {
		t.Fatalf("start: %+v", r)
	}
	var progress []string
	for _, p := range chat.dmsTo("carol") {
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
	b, s, chat, _ := newCheckinBot(t)
	pulse := checkins.SurveyTemplates()[0]
	id, err := s.CreateRun(ctx, checkins.CheckinRun{Community: "shell:local", Survey: pulse, Delivery: checkins.DeliverDM,
		OpenedAt: t0, ClosesAt: t0.Add(48 * time.Hour)}, []string{"alice", "bob", "dave"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetRecipient(ctx, id, checkins.Recipient{Member: "alice", Status: checkins.RecipientSent, SentAt: t0}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.ClaimRecipient(ctx, id, "bob"); !ok { // the crash came while bob's DM was going out
		t.Fatal("claim")
	}
	click(b, "alice", checkins.ActionCheckinAnswer, "1:value:4", t0)
	if err := b.RunSchedule(ctx, bot.Schedule{ID: 7, Community: "shell:local", Kind: checkins.ScheduleCheckinRemind, Payload: "1"}, t0.Add(36*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := len(chat.dmsTo("bob")); got != 0 {
		t.Errorf("bob, caught mid-send, got %d DMs", got)
	}
	dave := chat.dmsTo("dave")
	if len(dave) != 2 || strings.Contains(dave[0].Text, "Reminder") || !strings.Contains(dave[1].Text, "Reminder") {
		t.Errorf("dave, left pending, should get the check-in then the reminder: %+v", dave)
	}
	if got := len(chat.dmsTo("alice")); got != 0 {
		t.Errorf("alice had answered, yet got %d DMs", got)
	}
}
