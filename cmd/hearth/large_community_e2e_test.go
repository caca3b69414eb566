package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/store"
)

// The large community, on each platform: what issue 13's trial had.
const (
	lcMembers     = 2000 // the facilitator among them
	lcChannels    = 60   // #general among them
	lcOptIns      = 1500 // intro opt-ins
	lcAnswers     = 500  // members answering the reflection check-in at length
	lcLateAnswers = 200  // members answering the run the scheduler closes
	lcStories     = 300
	lcPrompts     = 200 // in the deck
	lcEvents      = 30  // upcoming
	lcSchedules   = 117 // 60 prompt rhythms and 57 one-off sends
)

// lcSlackFacilitators and lcFacilitatorsID are where results and the
// digest go.
var lcSlackFacilitators = fakeslack.Channel{ID: "C0FACIL", Name: "facilitators"}

const lcFacilitatorsID = "299"

// lcAnswer is everything Hearth answered to one command or button: the
// texts of its messages, their buttons and the files that came with them.
type lcAnswer struct {
	texts   []string
	buttons []ciButton
	files   map[string][]byte // by name
}

func (a lcAnswer) text() string { return strings.Join(a.texts, "\n") }

func (a lcAnswer) button(label string) (ciButton, bool) {
	for _, b := range a.buttons {
		if b.Label == label || strings.HasPrefix(b.Label, label) {
			return b, true
		}
	}
	return ciButton{}, false
}

// lcSide is one platform of the large-community test.
type lcSide struct {
	name, community string
	ids             []string // the members, the facilitator first
	channels        []string // channel ids, #general first
	// command runs `/hearth text` as the facilitator.
	command func(t *testing.T, text string) lcAnswer
	// press presses a button of an answer as the facilitator.
	press func(t *testing.T, b ciButton) lcAnswer
	// posted is what Hearth posted in the facilitators' channel since the
	// n-th post there, and how many posts there are.
	posted func(from int) (lcAnswer, int)
	// check reports every refusal the fake recorded.
	check func(t *testing.T)
}

// lcName is a member's display name: long, accented and with an ampersand,
// as real names and cuts between them are.
func lcName(i int) string {
	first := []string{"Ana-Lucía", "Bartholomew", "Chiamaka", "Dương", "Eleanor", "François", "Gwendolyn", "Håkon"}
	last := []string{"Okonkwo-Smith", "van der Berg", "Nakamura & Co", "Fitzgerald", "Ødegård", "Papadopoulos"}
	return fmt.Sprintf("%s %s %04d", first[i%len(first)], last[i%len(last)], i)
}

// lcText is a long free-text answer or story: about 700 characters with
// markup, entities and multi-byte characters where a cut could fall.
func lcText(i int) string {
	return fmt.Sprintf("Answer %04d: this month I paired with two colleagues on code reviews & retros — "+
		"we kept a café-style notebook 🌱 of what worked <and what didn't>. ", i) +
		strings.Repeat("The practice shifted from reviewing alone to reviewing together; questions got asked earlier. ", 6)
}

// TestLargeCommunityThroughSlackAndDiscord is issue 13's large-community
// test: one `hearth run` serves a Slack workspace and a Discord guild of
// 2,000 members each, 60 channels, 1,500 intro opt-ins, hundreds of quiet
// members and unanswered threads, 117 schedules, 300 stories, 200 deck
// prompts, 30 events and a reflection check-in answered at length by 500
// members. Every list and scheduled post goes through the real adapters
// to the fakes, which refuse what the platforms refuse: every post is
// accepted, long output comes as pages (More) or attached files, and
// whatever a message leaves out, it says how many and where.
func TestLargeCommunityThroughSlackAndDiscord(t *testing.T) {
	// Wednesday 22:00 UTC: inside the default quiet hours, so approved
	// nudges are queued, not sent (thousands of DMs would only slow the
	// test down; the nudges test sends them).
	start := time.Date(2026, 12, 2, 22, 0, 0, 0, time.UTC)
	var slackUsers []fakeslack.User
	var discordUsers []fakediscord.User
	for i := range lcMembers {
		slackUsers = append(slackUsers, fakeslack.User{ID: fmt.Sprintf("U%07d", i), Name: fmt.Sprintf("member%04d", i), RealName: lcName(i), IsAdmin: i == 0})
		discordUsers = append(discordUsers, fakediscord.User{ID: strconv.Itoa(900000000000000000 + i), Username: fmt.Sprintf("member%04d", i), GlobalName: lcName(i)})
	}
	slackChannels := []fakeslack.Channel{lcSlackFacilitators}
	discordChannels := []fakediscord.Channel{{ID: lcFacilitatorsID, Name: "facilitators", Type: fakediscord.ChannelText}}
	slackIDs, discordIDs := []string{platSlackGeneral.ID}, []string{platGeneralID}
	for i := 1; i < lcChannels; i++ {
		name := fmt.Sprintf("practice-area-%02d", i)
		slackChannels = append(slackChannels, fakeslack.Channel{ID: fmt.Sprintf("C%07d", i), Name: name})
		discordChannels = append(discordChannels, fakediscord.Channel{ID: strconv.Itoa(300 + i), Name: name, Type: fakediscord.ChannelText})
		slackIDs, discordIDs = append(slackIDs, fmt.Sprintf("C%07d", i)), append(discordIDs, strconv.Itoa(300+i))
	}
	// Slack's users.list is paced to its tier (200 members every 3
	// seconds): the workspace the fake serves holds the facilitator, and
	// the other members go into the database beside it, as a sync would
	// have left them. Discord's member chunks come at once: the guild has
	// them all.
	rig := startPlatRig(t, platRigOptions{start: start,
		slackUsers: slackUsers[:1], discordOwner: discordUsers[0], discordUsers: discordUsers,
		slackChannels: slackChannels, discordChannels: discordChannels,
		slackMembers: 2, discordMembers: lcMembers})
	began := time.Now()

	slack := lcSlackSide(t, rig.sl, rig.clock, rig.logs)
	discord := lcDiscordSide(t, rig.dc, rig.logs)
	slack.channels, discord.channels = slackIDs, discordIDs
	for i := range lcMembers {
		slack.ids, discord.ids = append(slack.ids, slackUsers[i].ID), append(discord.ids, discordUsers[i].ID)
	}
	sides := []*lcSide{slack, discord}

	// Seed each community through a second store on the same database, as
	// another Hearth instance would write it.
	ctx := context.Background()
	db, err := store.Open(ctx, rig.db)
	platCheck(t, err)
	defer db.Close()
	dir := bot.Directory{Community: bot.Community{ID: slack.community, Platform: bot.Slack, Name: "Hearth Test"}, At: start.Add(-60 * 24 * time.Hour)}
	for _, c := range slackChannels {
		dir.Channels = append(dir.Channels, bot.Channel{ID: c.ID, Name: c.Name})
	}
	dir.Channels = append(dir.Channels, bot.Channel{ID: platSlackGeneral.ID, Name: platSlackGeneral.Name})
	for _, u := range slackUsers[1:] {
		dir.Members = append(dir.Members, bot.Member{ID: u.ID, Name: u.RealName, JoinedAt: dir.At})
	}
	platCheck(t, db.SaveDirectory(ctx, dir))
	runs, closing := map[*lcSide]int64{}, map[*lcSide]int64{}
	var seeding sync.WaitGroup
	var mu sync.Mutex
	for _, s := range sides {
		facil := lcFacilitatorsID
		if s == slack {
			facil = lcSlackFacilitators.ID
		}
		seeding.Add(1)
		go func() {
			defer seeding.Done()
			run, late := lcSeed(t, ctx, db, s, facil, start)
			mu.Lock()
			runs[s], closing[s] = run, late
			mu.Unlock()
		}()
	}
	seeding.Wait()
	if t.Failed() {
		t.FailNow()
	}
	seeded := time.Now()

	// The scheduler closes the second reflection run half an hour on: its
	// results go to #facilitators by themselves, a page of answers with
	// every one in the attached file.
	rig.sim.advance(t, start.Add(31*time.Minute), rig.logs)
	for _, s := range sides {
		name := fmt.Sprintf("hearth-reflection-%d-answers.md", closing[s])
		var got lcAnswer
		lcWaitFor(t, s.name+": the results with "+name+" in #facilitators after the scheduled close", rig.logs, func() bool {
			got, _ = s.posted(0)
			return got.files[name] != nil
		})
		lcBounded(t, s, "the results at the scheduled close", got)
		if n := strings.Count(string(got.files[name]), "Answer 0"); n != 2*lcLateAnswers {
			t.Errorf("%s: %s holds %d answers, want %d", s.name, name, n, 2*lcLateAnswers)
		}
	}

	// The platforms take their commands at once: Slack's pacing (a post a
	// second in a channel, the facilitator's DM here) waits while Discord
	// works.
	t.Run("commands", func(t *testing.T) {
		for _, s := range sides {
			t.Run(s.name, func(t *testing.T) {
				t.Parallel()
				lcCommands(t, s, runs[s])
			})
		}
	})
	for _, s := range sides {
		s.check(t)
	}
	for _, line := range strings.Split(rig.logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("the log has an error: %s", line)
		}
	}
	t.Logf("seeded in %v; the commands took %v", seeded.Sub(began).Round(time.Millisecond), time.Since(seeded).Round(time.Millisecond))
}

// lcSeed writes the community's history and returns the reflection run
// the test closes by command and the one the scheduler closes. Rows go in
// from several goroutines at once: the store commits concurrent writes
// together, so thousands of them take one transaction's time, which keeps
// the test quick under the race detector too.
func lcSeed(t *testing.T, ctx context.Context, db *store.DB, s *lcSide, facil string, now time.Time) (run, closing int64) {
	t.Helper()
	check := func(err error) {
		t.Helper()
		if err != nil {
			// lcSeed runs on a goroutine of its own: end it, not the test.
			t.Errorf("%s: seed: %v", s.name, err)
			runtime.Goexit()
		}
	}
	each := func(n int, write func(i int) error) {
		t.Helper()
		errs := make([]error, n)
		var wg sync.WaitGroup
		next := make(chan int)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					errs[i] = write(i)
				}
			}()
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		check(errors.Join(errs...))
	}
	fac := s.ids[0]
	// Activity: a quarter active this week (each in a thread nobody
	// answered), one in twenty new this week without a post, hundreds
	// quiet since a month (whom a nudge run invites back), the rest members
	// for two months who never took part; the facilitator and member 1
	// busy everywhere.
	var evs []bot.Event
	ev := func(kind bot.EventKind, member, channel string, at time.Time) {
		key := fmt.Sprintf("%s:%d", s.name, len(evs))
		evs = append(evs, bot.Event{Kind: kind, Community: s.community, Channel: channel, Member: member, At: at, Key: key, Message: key})
	}
	for i, id := range s.ids {
		ch := s.channels[i%len(s.channels)]
		switch {
		case i <= 1:
			for d, c := range s.channels {
				ev(bot.KindMessage, id, c, now.Add(-time.Duration(d+1)*time.Hour))
			}
		case i%4 == 0:
			ev(bot.KindMessage, id, ch, now.Add(-48*time.Hour))
		case i%20 == 1:
			ev(bot.KindJoin, id, "", now.Add(-5*24*time.Hour))
		case i%7 == 3:
			ev(bot.KindMessage, id, ch, now.Add(-30*24*time.Hour))
		}
	}
	_, err := db.Record(ctx, evs...)
	check(err)
	check(db.SetSetting(ctx, s.community, bot.SettingDigestChannel, facil))

	// The reflection check-in, answered at length by 500. Posted in
	// #general, so all 2,000 count as reached without a recipient row each
	// to mark sent.
	var reflection checkins.Survey
	for _, sv := range checkins.SurveyTemplates() {
		if sv.Name == "reflection" {
			reflection = sv
		}
	}
	run, err = db.CreateRun(ctx, checkins.CheckinRun{Community: s.community, Survey: reflection, Delivery: checkins.DeliverChannel, Channel: s.channels[0],
		StartedBy: fac, OpenedAt: now.Add(-6 * 24 * time.Hour), ClosesAt: now.Add(24 * time.Hour)}, s.ids)
	check(err)
	each(lcAnswers, func(i int) error {
		return db.SaveAnswers(ctx, run, s.ids[i*3%lcMembers], map[string]string{"shift": lcText(i), "story": lcText(i + 1000), "share": "Yes, with my name"})
	})

	// The second run, answered by fewer, closes by its schedule.
	closesAt := now.Add(30 * time.Minute)
	closing, err = db.CreateRun(ctx, checkins.CheckinRun{Community: s.community, Survey: reflection, Delivery: checkins.DeliverChannel, Channel: s.channels[0],
		StartedBy: fac, OpenedAt: now.Add(-24 * time.Hour), ClosesAt: closesAt}, s.ids)
	check(err)
	each(lcLateAnswers, func(i int) error {
		return db.SaveAnswers(ctx, closing, s.ids[i*2+1], map[string]string{"shift": lcText(i), "story": lcText(i + 500)})
	})
	_, err = db.AddSchedule(ctx, bot.Schedule{Community: s.community, Kind: checkins.ScheduleCheckinClose, Spec: bot.OnceSpec(closesAt),
		Payload: strconv.FormatInt(closing, 10), CreatedBy: fac, CreatedAt: now.Add(-24 * time.Hour)})
	check(err)

	// A year of monthly pulses before it: more runs than a page.
	for i := range 14 {
		opened := now.Add(-time.Duration(14-i) * 30 * 24 * time.Hour)
		_, err := db.CreateRun(ctx, checkins.CheckinRun{Community: s.community, Survey: checkins.SurveyTemplates()[0], Delivery: checkins.DeliverDM,
			StartedBy: fac, OpenedAt: opened, ClosesAt: opened.Add(48 * time.Hour), ClosedAt: opened.Add(48 * time.Hour)}, s.ids[:3])
		check(err)
	}

	// Intros: 1,500 opted in, and a round of 500 groups of three.
	each(lcOptIns, func(i int) error {
		return db.SetIntroOptIn(ctx, s.community, s.ids[i], true, now.Add(-10*24*time.Hour))
	})
	round := intros.IntroRound{Community: s.community, Seed: 1, At: now.Add(-7 * 24 * time.Hour), CreatedBy: fac}
	for i := 2; i < lcOptIns; i += 3 {
		round.Groups = append(round.Groups, intros.IntroGroup{Members: s.ids[i-2 : i+1]})
	}
	_, err = db.AddIntroRound(ctx, round)
	check(err)

	// The library: 300 long stories.
	consents := []library.StoryConsent{library.ConsentNamed, library.ConsentAnonymous, library.ConsentPrivate}
	each(lcStories, func(i int) error {
		_, err := db.AddStory(ctx, library.Story{Community: s.community, Member: s.ids[i+2], Text: lcText(i + 2000),
			Consent: consents[i%3], Source: "command", At: now.Add(-time.Duration(i) * time.Hour)})
		return err
	})

	// The deck, the events and the schedules.
	var deck []string
	for i := range lcPrompts {
		deck = append(deck, fmt.Sprintf("Prompt %03d: what is one thing you changed in your practice & why? ", i)+strings.Repeat("Tell us the story behind it. ", 5))
	}
	_, err = db.AddDeckPrompts(ctx, s.community, fac, now.Add(-20*24*time.Hour), deck...)
	check(err)
	each(lcEvents, func(i int) error {
		at := now.Add(time.Duration(i+1) * 24 * time.Hour)
		_, err := db.AddEvent(ctx, meetings.CommunityEvent{Community: s.community, Title: fmt.Sprintf("Practice session %02d: reviewing together & learning in public", i),
			Start: at, End: at.Add(time.Hour), Channel: s.channels[0], CreatedBy: fac, CreatedAt: now.Add(-24 * time.Hour)})
		return err
	})
	each(lcSchedules, func(i int) error {
		sc := bot.Schedule{Community: s.community, CreatedBy: fac, CreatedAt: now.Add(-24 * time.Hour)}
		if i < lcChannels {
			sc.Kind, sc.Spec, sc.Channel = prompts.SchedulePrompt, "every monday at 9:00", s.channels[i]
			sc.Payload = fmt.Sprintf("Weekly prompt for practice area %02d: what did you try this week, and what happened?", i)
		} else {
			sc.Kind, sc.Spec, sc.Payload = members.ScheduleNudgeSend, bot.OnceSpec(now.Add(30*24*time.Hour+time.Duration(i)*time.Minute)), "999999"
		}
		_, err := db.AddSchedule(ctx, sc)
		return err
	})
	return run, closing
}

// lcMore is what a message says when it leaves something out: how many
// ("1–25 of 1,484", "…and 475 more") and where ("More", an attached file).
var (
	lcHowMany = regexp.MustCompile(`\d[\d,]* (more|of \d)|of \d[\d,]*\b`)
	lcFile    = regexp.MustCompile(`[\w.-]+\.(md|csv)\b`)
	lcLeftOut = regexp.MustCompile(`\d[\d,]* more\b`)
)

// lcSaysWhere checks that an answer that leaves some out ("…and 1,390
// more") says where they are: More, a file, a command.
func lcSaysWhere(t *testing.T, s *lcSide, what string, a lcAnswer) {
	t.Helper()
	text := a.text()
	if strings.Contains(text, "More") || lcFile.MatchString(text) || strings.Contains(text, "`") {
		return
	}
	for _, line := range strings.Split(text, "\n") {
		if lcLeftOut.MatchString(line) {
			t.Errorf("%s: %s leaves some out without saying where: %q", s.name, what, line)
		}
	}
}

// lcBounded checks a long answer: it came as pages or with a file, says
// how many it leaves out, and every file it names came with it.
func lcBounded(t *testing.T, s *lcSide, what string, a lcAnswer) {
	t.Helper()
	text := a.text()
	_, more := a.button("More")
	if !more && len(a.files) == 0 {
		t.Errorf("%s: %s came whole in chat (%d characters), with neither More nor a file:\n%.600s", s.name, what, len(text), text)
	}
	lcSaysWhere(t, s, what, a)
	if !lcHowMany.MatchString(text) {
		t.Errorf("%s: %s does not say how many it leaves out:\n%.1500s", s.name, what, text)
	}
	if more && !strings.Contains(text, "More") {
		t.Errorf("%s: %s has a More button it does not mention:\n%.1500s", s.name, what, text)
	}
	for _, name := range lcFile.FindAllString(text, -1) {
		if _, ok := a.files[name]; !ok && !strings.Contains(name, "SURVEY") {
			t.Errorf("%s: %s names %s, which did not come with it (files: %v)", s.name, what, name, slices.Sorted(mapKeys(a.files)))
		}
	}
}

func mapKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// lcCommands runs every list command and scheduled post of issue 13 as the
// facilitator and checks each answer.
func lcCommands(t *testing.T, s *lcSide, run int64) {
	runRef := strconv.FormatInt(run, 10)

	// Results at the close go to #facilitators: figures in the message,
	// every answer in the attached file.
	_, before := s.posted(0)
	got := s.command(t, "checkin close "+runRef)
	if !strings.Contains(got.text(), "facilitators") {
		t.Errorf("%s: /hearth checkin close = %q, want where the results went", s.name, got.text())
	}
	results, _ := s.posted(before)
	lcBounded(t, s, "the results at the close", results)
	if doc := results.files[fmt.Sprintf("hearth-reflection-%d-answers.md", run)]; !strings.Contains(string(doc), strings.TrimSpace(lcText(lcAnswers-1))) {
		i := strings.Index(string(doc), "Answer 0499")
		t.Errorf("%s: the results' file lacks the last answer whole (files %v):\n%s", s.name, slices.Sorted(mapKeys(results.files)), string(doc)[max(i-100, 0):min(i+800, len(doc))])
	}
	lcBounded(t, s, "/hearth checkin results", s.command(t, "checkin results reflection "+runRef))

	for _, cmd := range []string{"intros list", "stories", "schedule list", "quiet", "prompt deck list", "event list", "checkin list"} {
		lcBounded(t, s, "/hearth "+cmd, s.command(t, cmd))
	}

	// A page further: More works and still says where the rest is.
	quiet := s.command(t, "quiet")
	if b, ok := quiet.button("More"); ok {
		lcBounded(t, s, "/hearth quiet's second page", s.press(t, b))
	}

	// The nudge review: a page of names, and Send for all of them.
	review := s.command(t, "nudge run")
	lcBounded(t, s, "the nudge review", review)
	send, ok := review.button("Send")
	if !ok {
		t.Fatalf("%s: the nudge review has no Send button: %+v\n%.800s", s.name, review.buttons, review.text())
	}
	sent := s.press(t, send)
	lcSaysWhere(t, s, "the answer to Send", sent)
	var n int
	fmt.Sscanf(send.Label, "Send %d nudges", &n)
	if got := strings.Count(string(sent.files["nudges.md"]), "\n- "); n < 200 || got != n {
		t.Errorf("%s: Send %d nudges: nudges.md names %d:\n%.600s", s.name, n, got, sent.text())
	}
	lcBounded(t, s, "/hearth schedule list with the queued nudges", s.command(t, "schedule list"))

	// Shorter lists and posts: accepted, and whole or saying what is left.
	// The report and one member's history are summaries: whole in one
	// post however large the community (on Discord, the report's 3,400
	// characters are two messages of one output). The busiest member's history
	// (60 channels, every week) stays a few lines: counts, eight weeks,
	// nudges, no list that grows.
	for _, cmd := range []string{"report 30d", "member <@" + s.ids[1] + ">"} {
		got := s.command(t, cmd)
		if got.text() == "" || len(got.texts) > 3 || len(got.files) != 0 {
			t.Errorf("%s: /hearth %s answered %d messages and %d files, want one post whole:\n%.600s", s.name, cmd, len(got.texts), len(got.files), got.text())
		}
		if strings.HasPrefix(cmd, "member") && len(got.text()) > 1000 {
			t.Errorf("%s: /hearth %s is %d characters, more than a summary:\n%s", s.name, cmd, len(got.text()), got.text())
		}
		lcSaysWhere(t, s, "/hearth "+cmd, got)
	}
	_, before = s.posted(0)
	s.command(t, "digest now")
	digest, _ := s.posted(before)
	if digest.text() == "" {
		t.Errorf("%s: /hearth digest now posted nothing in #facilitators", s.name)
	}
	lcSaysWhere(t, s, "the digest", digest)
}

// lcSlackSide is the Slack workspace: commands as slash commands answered
// through response_url, files shared in the facilitator's DM.
func lcSlackSide(t *testing.T, sl *fakeslack.Server, clock *bot.ManualClock, logs *platLog) *lcSide {
	s := &lcSide{name: "slack", community: "slack:" + sl.TeamID()}
	fac := fakeslack.User{ID: "U0000000", Name: "member0000"}
	buttons := map[string]fakeslack.Button{}
	seq := 0
	// answer waits for the response to an interaction and for every file
	// it names (the files follow the response).
	answer := func(t *testing.T, url string, files int) lcAnswer {
		t.Helper()
		var r fakeslack.Response
		lcWaitFor(t, "slack's response "+url, logs, func() bool {
			for _, got := range sl.Responses() {
				if got.URL == url {
					r = got
					return true
				}
			}
			return false
		})
		a := lcAnswer{texts: []string{lcSlackText(r.Text, r.Blocks)}, files: map[string][]byte{}}
		for _, b := range fakeslack.Buttons(r.Blocks) {
			key := b.ActionID + " " + b.Value
			buttons[key] = b
			a.buttons = append(a.buttons, ciButton{Label: b.Label, Key: key})
		}
		names := lcFile.FindAllString(a.text(), -1)
		unnamed := strings.Contains(a.text(), "attached file") || strings.Contains(a.text(), "your DM")
		lcWaitFor(t, fmt.Sprintf("slack's files %v", names), logs, func() bool {
			got := sl.Files()[files:]
			for _, f := range got {
				a.files[f.Name] = f.Data
			}
			for _, n := range names {
				if a.files[n] == nil {
					return false
				}
			}
			return !unnamed || len(got) > 0
		})
		return a
	}
	s.command = func(t *testing.T, text string) lcAnswer {
		t.Helper()
		files := len(sl.Files())
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: fac.ID, UserName: fac.Name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: text})
		return answer(t, in.ResponseURL, files)
	}
	s.press = func(t *testing.T, b ciButton) lcAnswer {
		t.Helper()
		btn, ok := buttons[b.Key]
		if !ok {
			t.Fatalf("slack: no button %q was shown", b.Key)
		}
		seq++
		files := len(sl.Files())
		in := sl.PushBlockAction(fakeslack.BlockAction{UserID: fac.ID, UserName: fac.Name, ChannelID: platSlackGeneral.ID,
			ChannelName: platSlackGeneral.Name, MessageTS: fmt.Sprintf("%d.%06d", clock.Now().Unix(), seq), Ephemeral: true, Button: btn})
		return answer(t, in.ResponseURL, files)
	}
	s.posted = func(from int) (lcAnswer, int) {
		a := lcAnswer{files: map[string][]byte{}}
		var posts []fakeslack.Posted
		for _, p := range sl.Posts() {
			if p.Channel == lcSlackFacilitators.ID {
				posts = append(posts, p)
			}
		}
		for _, p := range posts[min(from, len(posts)):] {
			a.texts = append(a.texts, lcSlackText(p.Text, p.Blocks))
			for _, b := range fakeslack.Buttons(p.Blocks) {
				a.buttons = append(a.buttons, ciButton{Label: b.Label, Key: b.ActionID + " " + b.Value})
			}
		}
		for _, f := range sl.Files() {
			if f.Channel == lcSlackFacilitators.ID {
				a.files[f.Name] = f.Data
			}
		}
		return a, len(posts)
	}
	s.check = func(t *testing.T) {
		for _, c := range sl.Calls("") {
			if !c.OK() {
				t.Errorf("slack: %s was refused: %d %s\nthe log:\n%.3000s", c.Method, c.Status, c.Error, logs)
			}
		}
	}
	return s
}

// lcSlackText is a Slack message's text as a person reads it: its blocks'
// text, or the fallback text without blocks.
func lcSlackText(fallback string, blocks []map[string]any) string {
	if len(blocks) == 0 {
		return fallback
	}
	var sb strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if t, ok := v["text"].(string); ok && v["type"] != "plain_text" {
				sb.WriteString(t + "\n")
			}
			for k, w := range v {
				if k != "accessory" {
					walk(w)
				}
			}
		case []any:
			for _, w := range v {
				walk(w)
			}
		}
	}
	for _, b := range blocks {
		if b["type"] != "actions" {
			walk(b)
		}
	}
	return sb.String()
}

// lcDiscordSide is the Discord guild: commands as slash command
// interactions, answered by a deferred response's edit and follow-ups,
// files attached to them.
func lcDiscordSide(t *testing.T, dc *fakediscord.Server, logs *platLog) *lcSide {
	s := &lcSide{name: "discord", community: "discord:" + platGuildID}
	owner := fakediscord.User{ID: strconv.Itoa(900000000000000000), Username: "member0000"}
	invoker := fakediscord.Invoker{GuildID: platGuildID, ChannelID: platGeneralID, User: owner,
		Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}
	s.command = func(t *testing.T, text string) lcAnswer {
		t.Helper()
		in, err := dc.Slash(invoker, "hearth", lcDiscordOption(t, text))
		platCheck(t, err)
		return lcDiscordAnswer(t, dc, in.ID, logs)
	}
	s.press = func(t *testing.T, b ciButton) lcAnswer {
		t.Helper()
		in, err := dc.Click(invoker, dc.NewID(), b.Key)
		platCheck(t, err)
		return lcDiscordAnswer(t, dc, in.ID, logs)
	}
	s.posted = func(from int) (lcAnswer, int) {
		a := lcAnswer{files: map[string][]byte{}}
		msgs := dc.Messages(lcFacilitatorsID)
		for _, m := range msgs[min(from, len(msgs)):] {
			lcDiscordMessage(t, &a, m.Content, m.Components, m.Files)
		}
		return a, len(msgs)
	}
	s.check = func(t *testing.T) {
		for _, r := range dc.Requests() {
			if r.Status >= 400 {
				t.Errorf("discord: %s %s was refused: %d\n%.2000s\nthe log:\n%.3000s", r.Method, r.Path, r.Status, r.Body, logs)
			}
		}
	}
	return s
}

// lcDiscordOption is the interaction's options for `/hearth text`.
func lcDiscordOption(t *testing.T, text string) fakediscord.Option {
	t.Helper()
	w := strings.Fields(text)
	switch w[0] {
	case "stories":
		return fakediscord.SubCommand(w[0])
	case "quiet":
		return fakediscord.Group("nudge", fakediscord.SubCommand("quiet"))
	case "report":
		return fakediscord.SubCommand("report", fakediscord.String("period", w[1]))
	case "member":
		return fakediscord.SubCommand("member", fakediscord.UserOpt("member", strings.Trim(w[1], "<@>")))
	case "prompt":
		return fakediscord.Group("prompt", fakediscord.SubCommand(w[1]+"-"+w[2]))
	case "checkin":
		switch w[1] {
		case "close":
			return fakediscord.Group("checkin", fakediscord.SubCommand("close", fakediscord.Option{Name: "run", Type: 4, Value: lcAtoi(w[2])}))
		case "results":
			return fakediscord.Group("checkin", fakediscord.SubCommand("results", fakediscord.String("survey", w[2]),
				fakediscord.Option{Name: "run", Type: 4, Value: lcAtoi(w[3])}))
		}
	}
	if len(w) == 2 {
		return fakediscord.Group(w[0], fakediscord.SubCommand(w[1]))
	}
	t.Fatalf("discord: no interaction for /hearth %s", text)
	return fakediscord.Option{}
}

func lcAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// lcDiscordAnswer waits for an interaction's answer and gathers every
// message of it: the edit of the deferred response (or the immediate
// message) and the follow-ups, with their buttons and files. The answer
// is whole once every file it names and the More it mentions came, and
// nothing more came for a moment.
func lcDiscordAnswer(t *testing.T, dc *fakediscord.Server, id string, logs *platLog) lcAnswer {
	t.Helper()
	gather := func() lcAnswer {
		a := lcAnswer{files: map[string][]byte{}}
		for _, c := range dc.Callbacks(id) {
			if c.Kind == "callback" && c.Type == 5 {
				continue
			}
			var m struct {
				Content    string          `json:"content"`
				Components json.RawMessage `json:"components"`
			}
			platCheck(t, json.Unmarshal(c.Data, &m))
			lcDiscordMessage(t, &a, m.Content, m.Components, c.Files)
		}
		return a
	}
	var a lcAnswer
	lcWaitFor(t, "discord's answer to interaction "+id, logs, func() bool {
		a = gather()
		if len(a.texts) == 0 {
			return false
		}
		for _, n := range lcFile.FindAllString(a.text(), -1) {
			if a.files[n] == nil {
				return false
			}
		}
		_, more := a.button("More")
		if strings.Contains(a.text(), "**More**") && !more {
			return false
		}
		// A count of what is left out comes with where it is: until
		// then, wait for the message that says so, or for a silence.
		if lcLeftOut.MatchString(a.text()) && !more && len(a.files) == 0 && !strings.Contains(a.text(), "`") {
			return lcQuiet(dc, id, time.Second)
		}
		return true
	})
	lcQuiet(dc, id, 30*time.Millisecond)
	return gather()
}

// lcQuiet waits until Discord heard nothing more of an interaction for d.
func lcQuiet(dc *fakediscord.Server, id string, d time.Duration) bool {
	n, since := len(dc.Callbacks(id)), time.Now()
	for time.Since(since) < d {
		time.Sleep(10 * time.Millisecond)
		if m := len(dc.Callbacks(id)); m != n {
			n, since = m, time.Now()
		}
	}
	return true
}

// lcWait bounds each wait of the large-community test: generous, as the
// race detector on two cores makes a 2,000-member list take seconds.
const lcWait = 90 * time.Second

// lcWaitFor polls cond until it holds, failing the test after lcWait.
func lcWaitFor(t *testing.T, what string, logs *platLog, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(lcWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s\nthe log:\n%.5000s", lcWait, what, logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func lcDiscordMessage(t *testing.T, a *lcAnswer, content string, components json.RawMessage, files []fakediscord.File) {
	t.Helper()
	a.texts = append(a.texts, content)
	var rows []struct {
		Components []struct {
			Type     int    `json:"type"`
			CustomID string `json:"custom_id"`
			Label    string `json:"label"`
		} `json:"components"`
	}
	if len(components) > 0 && string(components) != "null" {
		platCheck(t, json.Unmarshal(components, &rows))
	}
	for _, r := range rows {
		for _, c := range r.Components {
			if c.Type == fakediscord.ComponentButton {
				a.buttons = append(a.buttons, ciButton{Label: c.Label, Key: c.CustomID})
			}
		}
	}
	for _, f := range files {
		a.files[f.Name] = f.Data
	}
}
