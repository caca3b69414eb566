package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
)

// The library test's newcomers: nina joins the Slack workspace and the
// Discord guild while Hearth runs.
var (
	libSlackNina   = fakeslack.User{ID: "U0NINA", Name: "nina", RealName: "Nina Newcomer"}
	libDiscordNina = fakediscord.User{ID: "507", Username: "nina", GlobalName: "Nina"}
)

// The words of the library test: the charter's parts and the welcome (both
// with an apostrophe), the shared link, and the two stories.
const (
	libPurpose    = "New team leads learn from each other's practice."
	libAudience   = "Team leads in their first two years."
	libWelcome    = "Hi {name}, glad you're here! Say hello and tell us what you work on."
	libLink       = "https://example.com/retro-guide"
	libNote       = "A clear guide to running retros"
	libStory      = "Pairing with a newcomer halved our review time."
	libFormStory  = "Writing retro notes before the call let two time zones take part."
	sqlLibWelcome = `SELECT COUNT(*) FROM schedules s JOIN communities c ON c.id = s.community_id WHERE c.ext_id = ? AND s.kind = 'welcome'`
)

// libOpt is a named option of a command: Discord sends it typed, Slack as
// the words of the command text, in order.
type libOpt struct{ name, value string }

// libAnswer is Hearth's answer to a command, a click or a form: its text,
// whether only the member sees it, and its buttons.
type libAnswer struct {
	text    string
	private bool
	buttons []ciButton
}

// libSide is one platform of the library test.
type libSide struct {
	*ciSide             // DMs, and the keys of buttons
	f, a, b, n ciMember // facilitator, sharer and storyteller, plain member, newcomer
	// link is the shared link as the platform sends it (Slack escapes it).
	link string
	// command runs `/hearth PATH` with opts as m and returns the answer.
	command func(m ciMember, path string, opts ...libOpt) libAnswer
	// press presses b, a button of an answer, as m and returns the answer.
	press func(m ciMember, b ciButton) string
	// storyForm runs `/hearth story` without text as m, checks the form
	// that opens, submits text in it and returns the answer.
	storyForm func(m ciMember, text string) libAnswer
	// join makes the newcomer join the community, now; redeliver sends
	// that same event again.
	join      func()
	redeliver func()
	// dmTo reports whether Hearth ever opened a DM with the user id.
	dmTo func(id string) bool
}

var libResourceRef = regexp.MustCompile(`added a resource to the library \(#(\d+)\)`)

// TestLibraryThroughSlackAndDiscord is issue 8's charter, welcome, library
// and stories through the real Slack and Discord adapters against their
// fakes, in one `hearth run` with a simulated clock. On each platform a
// facilitator writes the charter's purpose and audience and a welcome with
// an apostrophe; a plain member may not write the charter but reads it. A
// newcomer joins (team_join, GUILD_MEMBER_ADD), the join is delivered
// again before and after the welcome goes, and the newcomer gets exactly
// one welcome DM, with their name, the welcome and the charter. A member
// shares a link with tags and a note: the channel sees it; the same link
// again is refused privately; `/hearth resources #tag` finds it, and the
// report counts one resource share and the sharer active. A member tells a
// story: the private answer has the three consent buttons; "Share with my
// name" is theirs to press, and another member pressing it is refused.
// `/hearth story` without text opens the platform's modal, whose answer
// has the consent buttons too. The facilitator's `/hearth stories` lists
// both with their consent, and after the run `hearth resources --format
// json` lists the link with its tags.
func TestLibraryThroughSlackAndDiscord(t *testing.T) {
	// Monday Nov 2 2026, 08:00 UTC.
	start := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	rig := startPlatRig(t, platRigOptions{start: start,
		slackUsers:   []fakeslack.User{platSlackAda, platSlackAlice, platSlackBob},
		discordOwner: platDiscordOwner, discordUsers: []fakediscord.User{platDiscordOwner, platDiscordAlice, platDiscordBob, platDiscordDana},
		vars: map[string]string{"HEARTH_HTTP_ADDR": "127.0.0.1:0"}, slackMembers: 4, discordMembers: 4})
	clock, sim, sl, dc, db, logs, stop, began := rig.clock, rig.sim, rig.sl, rig.dc, rig.db, rig.logs, rig.stop, rig.began
	metrics := "http://" + platHTTPAddr(t, logs) + "/metrics"

	slack := libSlackSide(t, sl, clock, logs)
	discord := libDiscordSide(t, dc, clock, logs)
	sides := []*libSide{slack, discord}

	// 1. The facilitator writes the charter's purpose and audience and the
	// welcome; a plain member may not write the charter, but reads it.
	for _, s := range sides {
		answers := []struct {
			m    ciMember
			path string
			opts []libOpt
			want string
		}{
			{s.f, "charter", []libOpt{{"action", "set"}, {"part", "purpose"}, {"text", libPurpose}},
				"The charter's purpose is set. `/hearth charter` shows it; new members get it in their welcome."},
			{s.f, "charter", []libOpt{{"action", "set"}, {"part", "audience"}, {"text", libAudience}},
				"The charter's audience is set. `/hearth charter` shows it; new members get it in their welcome."},
			{s.f, "welcome set", []libOpt{{"text", libWelcome}},
				"The welcome is set. `/hearth welcome show` previews it."},
			{s.b, "charter", []libOpt{{"action", "set"}, {"part", "domain"}, {"text", "Anything goes"}},
				"Only facilitators write the charter. `/hearth charter` shows it."},
			{s.b, "charter", nil,
				"Our charter\nPurpose: " + libPurpose + "\nAudience: " + libAudience},
		}
		for _, c := range answers {
			got := s.command(c.m, c.path, c.opts...)
			if !got.private || ciPlain(got.text) != c.want {
				t.Errorf("%s: %s's /hearth %s %v = %q (private %v), want privately %q", s.name, c.m.name, c.path, c.opts, got.text, got.private, c.want)
			}
		}
	}

	// 2. The newcomer joins, and the join comes again before the welcome
	// goes. A few seconds later they have one welcome DM, with their name,
	// the welcome and the charter.
	dups := libMetric(t, metrics, `hearth_events_total{outcome="duplicate"}`)
	for _, s := range sides {
		s.join()
	}
	for _, s := range sides {
		s.redeliver()
	}
	libWaitMetric(t, metrics, `hearth_events_total{outcome="duplicate"}`, dups+2, logs)
	welcomed := start.Add(5 * time.Second)
	sim.advance(t, welcomed, logs)
	welcomes := map[*libSide]ciPost{}
	for _, s := range sides {
		dms := s.dms(s.n)
		if len(dms) != 1 {
			t.Fatalf("%s: %s got %d DMs after joining, want the welcome: %+v\nthe log:\n%s", s.name, s.n.name, len(dms), dms, logs)
		}
		welcomes[s] = dms[0]
		text := ciPlain(dms[0].Text)
		for _, want := range []string{
			"Welcome, " + s.n.shown + "!\nHi " + s.n.shown + ", glad you're here! Say hello and tell us what you work on.\n",
			"Purpose: " + libPurpose + "\nAudience: " + libAudience + "\n",
			"How to take part: ",
			"`/hearth privacy` says more.",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %s's welcome lacks %q:\n%s", s.name, s.n.name, want, text)
			}
		}
		nuWaitCount(t, db, logs, s.name+"'s welcome schedules spent", 0, sqlLibWelcome, s.community)
	}

	// The join comes once more, after the welcome: nothing more is sent.
	for _, s := range sides {
		s.redeliver()
	}
	libWaitMetric(t, metrics, `hearth_events_total{outcome="duplicate"}`, dups+4, logs)
	sim.advance(t, start.Add(time.Minute), logs)
	for _, s := range sides {
		if dms := s.dms(s.n); len(dms) != 1 {
			t.Errorf("%s: after the join came again %s has %d DMs, want the one welcome: %+v", s.name, s.n.name, len(dms), dms)
		}
		for _, m := range []ciMember{s.f, s.a, s.b} {
			if s.dmTo(m.id) {
				t.Errorf("%s: Hearth opened a DM with %s, who did not join", s.name, m.name)
			}
		}
	}

	// 3. A shares a link with tags and a note: the channel sees it. B
	// shares it again and is told privately it is there; B finds it by tag.
	resource := map[*libSide]string{}
	for _, s := range sides {
		got := s.command(s.a, "share", libOpt{"url", s.link}, libOpt{"details", "#Retros #facilitation " + libNote})
		ref := libResourceRef.FindStringSubmatch(got.text)
		if got.private || ref == nil {
			t.Fatalf("%s: %s's /hearth share = %q (private %v), want an announcement in the channel\nthe log:\n%s", s.name, s.a.name, got.text, got.private, logs)
		}
		id := ref[1]
		resource[s] = id
		want := s.a.shown + " added a resource to the library (#" + id + "): " + libLink + " #facilitation #retros\n" + libNote + "\n_`/hearth resources` finds it again._"
		if ciPlain(got.text) != want {
			t.Errorf("%s: the announcement reads\n%q\nwant\n%q", s.name, got.text, want)
		}

		got = s.command(s.b, "share", libOpt{"url", s.link})
		want = "That link is in the library already: #" + id + ", shared by " + s.a.shown + " on Nov 2."
		if !got.private || got.text != want {
			t.Errorf("%s: %s shared the link again and was told %q (private %v), want privately %q", s.name, s.b.name, got.text, got.private, want)
		}

		got = s.command(s.b, "resources", libOpt{"search", "#retros"})
		want = "Library (tagged #retros)\n• #" + id + " " + libLink + " — " + libNote + " #facilitation #retros · " + s.a.shown + ", Nov 2"
		if !got.private || ciPlain(got.text) != want {
			t.Errorf("%s: /hearth resources #retros = %q (private %v), want privately %q", s.name, got.text, got.private, want)
		}
	}

	// 4. A tells a story and lets it travel with their name; B pressing
	// that same button is refused.
	stories := map[*libSide]string{}
	for _, s := range sides {
		got := s.command(s.a, "story", libOpt{"text", libStory})
		if !got.private || !strings.Contains(got.text, "Thank you: stories like this show what the community changes. It is kept for the facilitators only.") {
			t.Errorf("%s: %s's /hearth story = %q (private %v)", s.name, s.a.name, got.text, got.private)
		}
		stories[s] = libCheckConsentButtons(t, s, s.a, got.buttons)
		named := got.buttons[2]
		if ans := s.press(s.a, named); ans != "Thank you! Facilitators may share your story with your name." {
			t.Errorf("%s: %s pressed %q and was told %q", s.name, s.a.name, named.Label, ans)
		}
		if ans := s.press(s.b, named); ans != "That story is someone else's, so its consent is theirs to give." {
			t.Errorf("%s: %s pressed %s's %q and was told %q", s.name, s.b.name, s.a.name, named.Label, ans)
		}
	}

	// A minute later B tells theirs through the form.
	sim.advance(t, start.Add(2*time.Minute), logs)
	for _, s := range sides {
		got := s.storyForm(s.b, libFormStory)
		if !got.private || !strings.Contains(got.text, "Thank you: stories like this show what the community changes.") {
			t.Errorf("%s: %s's story form was answered %q (private %v)", s.name, s.b.name, got.text, got.private)
		}
		if id := libCheckConsentButtons(t, s, s.b, got.buttons); id == stories[s] {
			t.Errorf("%s: both stories are #%s", s.name, id)
		}
	}

	// 5. The facilitator reads both, newest first, with their consent.
	for _, s := range sides {
		got := s.command(s.f, "stories")
		want := "Success stories (last 12 months, newest first)\n" +
			"• " + s.b.shown + ", Nov 2 (facilitators only): " + libFormStory + "\n" +
			"• " + s.a.shown + ", Nov 2 (shareable with name): " + libStory
		if !got.private || ciPlain(got.text) != want {
			t.Errorf("%s: /hearth stories =\n%q (private %v)\nwant privately\n%q", s.name, got.text, got.private, want)
		}
	}
	simulated := time.Since(began)

	if err := stop(); err != nil {
		t.Fatalf("run: %v\n%s", err, logs)
	}
	out := logs.String()
	if !strings.Contains(out, "shut down cleanly") {
		t.Errorf("no clean shutdown in the log:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=ERROR") &&
			!(strings.Contains(line, `msg="answering an interaction failed"`) && strings.Contains(line, "context canceled")) {
			t.Errorf("an error in the log: %s", line)
		}
	}

	// 6. What the database holds: one resource share, by an active A (the
	// second share of the link is no activity), and the library as
	// `hearth resources --format json` exports it.
	reportNow := clock.Now().Format(time.RFC3339)
	for _, s := range sides {
		r := reportJSON(t, db, "--community", s.community, "--now", reportNow)
		if r.Activity.ResourceShares != 1 || r.Members.Active != 1 {
			t.Errorf("%s: the report has %d resource shares and %d active members, want 1 and 1 (%s): %s",
				s.name, r.Activity.ResourceShares, r.Members.Active, s.a.name, platFigures(r))
		}
		for _, q := range r.QuietMembers {
			if q.ID == s.a.id {
				t.Errorf("%s: %s, who shared a resource, is among the quiet members", s.name, s.a.name)
			}
		}

		out := hearth(t, "", nil, "resources", "--db", db, "--format", "json", "--community", s.community)
		var rs []library.Resource
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatalf("%s: hearth resources json: %v\n%s", s.name, err, out)
		}
		if len(rs) != 1 {
			t.Fatalf("%s: hearth resources --format json lists %d resources, want 1:\n%s", s.name, len(rs), out)
		}
		res := rs[0]
		if strconv.FormatInt(res.ID, 10) != resource[s] || res.URL != libLink || !slices.Equal(res.Tags, []string{"facilitation", "retros"}) ||
			res.Note != libNote || res.Member != s.a.id || res.MemberName != s.a.shown || !res.SharedAt.Equal(start.Add(time.Minute)) {
			t.Errorf("%s: hearth resources --format json: %+v; want #%s %s tagged facilitation and retros, %q, by %s (%s) at %v",
				s.name, res, resource[s], libLink, libNote, s.a.id, s.a.shown, start.Add(time.Minute))
		}
	}
	t.Logf("start-up to the stories took %v", simulated.Round(time.Millisecond))
}

// libCheckConsentButtons checks a story's three consent buttons, on m's
// answer, and returns the story's id.
func libCheckConsentButtons(t *testing.T, s *libSide, m ciMember, got []ciButton) string {
	t.Helper()
	if len(got) != 3 {
		t.Fatalf("%s: %s's story has the buttons %+v, want three", s.name, m.name, got)
	}
	ref := regexp.MustCompile(`(\d+):private$`).FindStringSubmatch(got[0].Key)
	if ref == nil {
		t.Fatalf("%s: %s's first consent button is %+v", s.name, m.name, got[0])
	}
	id := ref[1]
	want := []ciButton{
		{Label: "Facilitators only", Key: s.key(library.ActionStoryConsent, id+":"+string(library.ConsentPrivate), 0)},
		{Label: "Share anonymously", Key: s.key(library.ActionStoryConsent, id+":"+string(library.ConsentAnonymous), 1)},
		{Label: "Share with my name", Key: s.key(library.ActionStoryConsent, id+":"+string(library.ConsentNamed), 2)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: %s's story has the buttons %+v, want %+v", s.name, m.name, got, want)
	}
	return id
}

// libMetric reads one counter of Hearth's /metrics.
func libMetric(t *testing.T, url, name string) int {
	t.Helper()
	v, ok := libTryMetric(platGet(t, url), name)
	if !ok {
		t.Fatalf("no %s in the metrics", name)
	}
	return v
}

// libTryMetric sums the series a selector picks (metricSum).
func libTryMetric(body, selector string) (int, bool) {
	v, ok := metricSum(body, selector)
	return int(v), ok
}

// libWaitMetric polls /metrics until the counter is want.
func libWaitMetric(t *testing.T, url, name string, want int, logs *platLog) {
	t.Helper()
	deadline := time.Now().Add(platWait)
	for {
		got, _ := libTryMetric(platGet(t, url), name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s %d (it is %d)\nthe log:\n%s", name, want, got, logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// libSlackSide is the Slack workspace of the library test: commands as
// slash commands (the link escaped, as Slack sends it with should_escape)
// answered through response_url, buttons of answers as block_actions on an
// ephemeral message, the story form as a views.open modal submitted as a
// view_submission, the join as team_join.
func libSlackSide(t *testing.T, sl *fakeslack.Server, clock *bot.ManualClock, logs *platLog) *libSide {
	member := func(u fakeslack.User) ciMember { return ciMember{id: u.ID, name: u.Name, shown: u.RealName} }
	s := &libSide{
		ciSide: ciSlackSide(t, sl, logs),
		f:      member(platSlackAda), a: member(platSlackAlice), b: member(platSlackBob), n: member(libSlackNina),
		link: "<" + libLink + ">",
	}
	seq := 0
	ts := func() string {
		seq++
		return fmt.Sprintf("%d.%06d", clock.Now().Unix(), seq)
	}
	shown := map[string]fakeslack.Button{}
	keep := func(blocks []map[string]any) []ciButton {
		var out []ciButton
		for _, b := range fakeslack.Buttons(blocks) {
			key := b.ActionID + " " + b.Value
			shown[key] = b
			out = append(out, ciButton{Label: b.Label, Key: key})
		}
		return out
	}
	s.command = func(m ciMember, path string, opts ...libOpt) libAnswer {
		t.Helper()
		words := []string{path}
		for _, o := range opts {
			words = append(words, o.value)
		}
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: m.id, UserName: m.name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: strings.Join(words, " ")})
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" && r.ResponseType != "in_channel" {
			t.Errorf("slack: /hearth %s from %s answered %q", path, m.name, r.ResponseType)
		}
		return libAnswer{text: r.Text, private: r.ResponseType == "ephemeral", buttons: keep(r.Blocks)}
	}
	s.press = func(m ciMember, b ciButton) string {
		t.Helper()
		btn, ok := shown[b.Key]
		if !ok {
			t.Fatalf("slack: no button %q was shown", b.Key)
		}
		in := sl.PushBlockAction(fakeslack.BlockAction{UserID: m.id, UserName: m.name, ChannelID: platSlackGeneral.ID,
			ChannelName: platSlackGeneral.Name, MessageTS: ts(), Ephemeral: true, Button: btn})
		r := platSlackResponse(t, sl, in.ResponseURL)
		if r.ResponseType != "ephemeral" {
			t.Errorf("slack: the answer to %s's press of %q is %s, want ephemeral", m.name, b.Label, r.ResponseType)
		}
		return r.Text
	}
	s.storyForm = func(m ciMember, text string) libAnswer {
		t.Helper()
		views := len(sl.Views())
		in := sl.PushSlashCommand(fakeslack.SlashCommand{UserID: m.id, UserName: m.name,
			ChannelID: platSlackGeneral.ID, ChannelName: platSlackGeneral.Name, Text: "story"})
		view := sl.WaitViews(views + 1)[views]
		var inputs []string
		for _, blk := range view.Blocks {
			if blk["type"] == "input" {
				id, _ := blk["block_id"].(string)
				inputs = append(inputs, id)
			}
		}
		if view.TriggerID != in.TriggerID || view.CallbackID != library.FormStory || view.Title != "A success story" || !slices.Equal(inputs, []string{"text"}) {
			t.Fatalf("slack: %s's /hearth story opened a view with trigger %s (want %s), callback %q, title %q, inputs %q; want %s with the input text\nthe log:\n%s",
				m.name, view.TriggerID, in.TriggerID, view.CallbackID, view.Title, inputs, library.FormStory, logs)
		}
		// No response_url comes with a modal: the answer is posted for
		// the member alone in the channel the command came from.
		posts := len(sl.Posts())
		sub := sl.PushViewSubmission(m.id, m.name, view, map[string]string{"text": text})
		if ack := sl.WaitAck(sub.EnvelopeID); strings.Contains(string(ack.Payload), "errors") {
			t.Errorf("slack: %s's story form was refused: %s", m.name, ack.Payload)
		}
		p := sl.WaitPosts(posts + 1)[posts]
		if p.Method != "chat.postEphemeral" || p.Channel != platSlackGeneral.ID || p.User != m.id {
			t.Fatalf("slack: after %s's story form Hearth posted %+v, want an ephemeral message to them in #general", m.name, p)
		}
		return libAnswer{text: p.Text, private: true, buttons: keep(p.Blocks)}
	}
	var joinEnvelope string
	s.join = func() { joinEnvelope = sl.PushEvent(sl.TeamJoin(libSlackNina, ts())) }
	s.redeliver = func() {
		sl.WaitAck(joinEnvelope)
		sl.Redeliver(joinEnvelope)
	}
	s.dmTo = func(id string) bool { return sl.DMChannel(id) != "" }
	return s
}

// libDiscordSide is the Discord guild of the library test: commands as
// slash command interactions with typed options, buttons of answers as
// component interactions, the story form as a modal (type 9) submitted as
// a MODAL_SUBMIT interaction, the join as GUILD_MEMBER_ADD, dispatched
// again as a replay.
func libDiscordSide(t *testing.T, dc *fakediscord.Server, clock *bot.ManualClock, logs *platLog) *libSide {
	users := map[string]fakediscord.User{}
	member := func(u fakediscord.User) ciMember {
		users[u.ID] = u
		return ciMember{id: u.ID, name: u.Username, shown: cmp.Or(u.GlobalName, u.Username)}
	}
	s := &libSide{
		ciSide: ciDiscordSide(t, dc, logs),
		f:      member(platDiscordDana), a: member(platDiscordAlice), b: member(platDiscordBob), n: member(libDiscordNina),
		link: libLink,
	}
	invoker := func(m ciMember) fakediscord.Invoker {
		return fakediscord.Invoker{GuildID: platGuildID, ChannelID: platGeneralID, User: users[m.id],
			Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}
	}
	answer := func(id string) libAnswer {
		t.Helper()
		flags, text, buttons := nuDiscordReply(t, dc, id)
		return libAnswer{text: text, private: flags&64 != 0, buttons: buttons}
	}
	s.command = func(m ciMember, path string, opts ...libOpt) libAnswer {
		t.Helper()
		var typed []fakediscord.Option
		for _, o := range opts {
			typed = append(typed, fakediscord.String(o.name, o.value))
		}
		words := strings.Fields(path)
		opt := fakediscord.SubCommand(words[len(words)-1], typed...)
		if len(words) == 2 {
			opt = fakediscord.Group(words[0], opt)
		}
		in, err := dc.Slash(invoker(m), "hearth", opt)
		platCheck(t, err)
		return answer(in.ID)
	}
	s.press = func(m ciMember, b ciButton) string {
		t.Helper()
		in, err := dc.Click(invoker(m), dc.NewID(), b.Key)
		platCheck(t, err)
		got := answer(in.ID)
		if !got.private {
			t.Errorf("discord: the answer to %s's press of %q is not ephemeral", m.name, b.Label)
		}
		return got.text
	}
	s.storyForm = func(m ciMember, text string) libAnswer {
		t.Helper()
		in, err := dc.Slash(invoker(m), "hearth", fakediscord.SubCommand("story"))
		platCheck(t, err)
		var cbs []fakediscord.Callback
		platWaitDiscord(t, dc, "the answer to "+m.name+"'s /hearth story", func() bool {
			cbs = dc.Callbacks(in.ID)
			return len(cbs) > 0
		})
		var modal struct {
			CustomID   string `json:"custom_id"`
			Title      string `json:"title"`
			Components []struct {
				Components []struct {
					Type     int    `json:"type"`
					CustomID string `json:"custom_id"`
				} `json:"components"`
			} `json:"components"`
		}
		if cbs[0].Kind != "callback" || cbs[0].Type != 9 || json.Unmarshal(cbs[0].Data, &modal) != nil {
			t.Fatalf("discord: %s's /hearth story was answered with %s type %d, want a modal (9): %s\nthe log:\n%s", m.name, cbs[0].Kind, cbs[0].Type, cbs[0].Data, logs)
		}
		var inputs []string
		for _, r := range modal.Components {
			for _, c := range r.Components {
				if c.Type == fakediscord.ComponentTextInput {
					inputs = append(inputs, c.CustomID)
				}
			}
		}
		if !strings.HasPrefix(modal.CustomID, "f|"+library.FormStory+"|") || modal.Title != "A success story" || !slices.Equal(inputs, []string{"text"}) {
			t.Fatalf("discord: %s's modal: custom id %q, title %q, inputs %q; want the story form with the input text", m.name, modal.CustomID, modal.Title, inputs)
		}
		sub, err := dc.Submit(invoker(m), modal.CustomID, fakediscord.FieldValue{ID: "text", Value: text})
		platCheck(t, err)
		return answer(sub.ID)
	}
	var joinedAt time.Time
	s.join = func() {
		joinedAt = clock.Now()
		platCheck(t, dc.MemberAdd(platGuildID, fakediscord.Member{User: libDiscordNina, JoinedAt: joinedAt}))
	}
	s.redeliver = func() {
		// The same GUILD_MEMBER_ADD, as a resumed session replays it.
		_, err := dc.Dispatch("GUILD_MEMBER_ADD", map[string]any{
			"guild_id": platGuildID,
			"user": map[string]any{"id": libDiscordNina.ID, "username": libDiscordNina.Username, "global_name": libDiscordNina.GlobalName,
				"discriminator": "0", "avatar": nil},
			"roles": []string{}, "joined_at": joinedAt.UTC().Format(time.RFC3339Nano), "nick": nil, "deaf": false, "mute": false, "flags": 0,
		})
		platCheck(t, err)
	}
	s.dmTo = func(id string) bool { return dc.DMChannel(id) != "" }
	return s
}
