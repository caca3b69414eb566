package main

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
)

// The history tests' world: a fake Slack workspace and a fake Discord
// guild holding one scenario (hsScenario), on one clock, and the `hearth
// run` processes (in-process, each on its own database) that receive it
// live or import it.

// hsClock is the world's clock, which the fakes count their rate limits
// by. It stands still while a test delivers activity (each action at its
// own instant) and while an in-process importer runs (its adapters' sleeps
// move it: Advance); it flows at the wall clock's pace while a child
// process, on the wall clock, imports.
type hsClock struct {
	mu    sync.Mutex
	at    time.Time // the time when stopped, or when it started flowing
	since time.Time // wall time when it started flowing; zero when stopped
}

func newHSClock(at time.Time) *hsClock { return &hsClock{at: at} }

func (c *hsClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *hsClock) nowLocked() time.Time {
	if c.since.IsZero() {
		return c.at
	}
	return c.at.Add(time.Since(c.since))
}

// Set stops the clock at t.
func (c *hsClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = t, time.Time{}
}

// Flow lets the clock run from where it is, at the wall clock's pace.
func (c *hsClock) Flow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = c.nowLocked(), time.Now()
}

// Advance moves the stopped clock on by d (the importers' sleep).
func (c *hsClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.nowLocked().Add(d)
	if !c.since.IsZero() {
		c.since = time.Now()
	}
}

// Stop stops the clock where it is and returns that time.
func (c *hsClock) Stop() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = c.nowLocked(), time.Time{}
	return c.at
}

// The world's identities.
const (
	hsGuildID   = "9000"
	hsSlackBot  = "B0HSBOT"
	hsWorldWait = 45 * time.Second
)

var hsChannelNames = []string{"general", "design", "research", "random"}

// hsWorld is the fakes holding one scenario, and what the scenario's
// messages became on each platform.
type hsWorld struct {
	t     *testing.T
	sc    *hsScenario
	clock *hsClock
	sl    *fakeslack.Server
	dc    *fakediscord.Server

	slackCommunity, discordCommunity string

	slackTS   map[int]string // message → its ts
	discordID map[int]string // message → its snowflake
	threads   map[int]bool   // Discord: messages a thread was started from
	tsSeq     int
	delivered int // events the latest deliver made Hearth handle
	// joined: late joiners already added to the guild.
	joined map[int]bool
	// recording: record, don't deliver (record).
	recording bool
}

func hsSlackUser(m int, sc *hsScenario) fakeslack.User {
	u := fakeslack.User{ID: fmt.Sprintf("U0HS%02d", m), Name: fmt.Sprintf("member%02d", m), RealName: fmt.Sprintf("Member %02d", m)}
	if m == 0 {
		u.IsAdmin = true
	}
	if m == sc.botMember() {
		u.IsBot, u.BotID, u.Name, u.RealName = true, hsSlackBot, "deploybot", "Deploy Bot"
	}
	return u
}

func hsSlackChannel(c int) fakeslack.Channel {
	return fakeslack.Channel{ID: fmt.Sprintf("C0HS%d", c+1), Name: hsChannelNames[c]}
}

func hsDiscordUser(m int, sc *hsScenario) fakediscord.User {
	u := fakediscord.User{ID: strconv.Itoa(9100 + m), Username: fmt.Sprintf("member%02d", m)}
	if m == sc.botMember() {
		u.Bot, u.Username = true, "deploybot"
	}
	return u
}

func hsDiscordChannel(c int) string { return strconv.Itoa(9001 + c) }

var hsDiscordEmoji = map[string]string{"tada": "🎉", "eyes": "👀", "seedling": "🌱", "heart": "❤️"}

// newHSWorld makes the fakes for sc, with the clock at its start: every
// member except the late joiners is there already (in the guild since
// sixty days before).
func newHSWorld(t *testing.T, sc *hsScenario) *hsWorld {
	w := &hsWorld{t: t, sc: sc, clock: newHSClock(sc.start.Add(-time.Hour)),
		slackTS: map[int]string{}, discordID: map[int]string{}, threads: map[int]bool{}, joined: map[int]bool{}}
	w.sl = fakeslack.New(t, fakeslack.Options{Now: w.clock.Now})
	for m := range sc.members {
		w.sl.AddUser(hsSlackUser(m, sc))
	}
	for c := range sc.channels {
		w.sl.AddChannel(hsSlackChannel(c))
	}
	w.slackCommunity = "slack:" + w.sl.TeamID()

	g := fakediscord.Guild{ID: hsGuildID, Name: "Gardeners", OwnerID: hsDiscordUser(0, sc).ID,
		Roles: []fakediscord.Role{{ID: hsGuildID, Name: "@everyone", Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}}}
	for c := range sc.channels {
		g.Channels = append(g.Channels, fakediscord.Channel{ID: hsDiscordChannel(c), Name: hsChannelNames[c], Type: fakediscord.ChannelText})
	}
	for m := range sc.members {
		if _, late := sc.lateJoiners[m]; !late {
			g.Members = append(g.Members, fakediscord.Member{User: hsDiscordUser(m, sc), JoinedAt: sc.start.AddDate(0, 0, -60)})
		}
	}
	w.dc = fakediscord.New(fakediscord.Options{MembersIntent: true, Now: w.clock.Now, Guilds: []fakediscord.Guild{g}})
	t.Cleanup(w.dc.Close)
	w.discordCommunity = "discord:" + hsGuildID
	return w
}

// vars is the environment of a Hearth on the world's fakes.
func (w *hsWorld) vars() map[string]string {
	return map[string]string{
		"SLACK_BOT_TOKEN":        w.sl.Options().BotToken,
		"SLACK_APP_TOKEN":        w.sl.Options().AppToken,
		"SLACK_API_URL":          w.sl.URL(),
		"DISCORD_BOT_TOKEN":      w.dc.Token(),
		"DISCORD_API_URL":        w.dc.URL(),
		"DISCORD_GUILD_ID":       hsGuildID,
		"DISCORD_MEMBERS_INTENT": "1",
		"HEARTH_FACILITATORS":    hsDiscordUser(0, w.sc).ID,
		"HEARTH_TZ":              "UTC",
		"HEARTH_HTTP_ADDR":       "127.0.0.1:0",
	}
}

// ts is a new Slack timestamp at t, unique in the workspace.
func (w *hsWorld) ts(t time.Time) string {
	w.tsSeq++
	return fmt.Sprintf("%d.%06d", t.Unix(), w.tsSeq%1000000)
}

// deliver delivers actions live on both platforms, each at its instant on
// the stopped clock; h is the Hearth receiving them, whose events it
// waits for at the end of each day (Discord dates a reaction when Hearth
// applies it: the day must not end before it is applied).
func (w *hsWorld) deliver(h *hsHearth, actions []hsAction) {
	w.t.Helper()
	base, err := h.handled()
	platCheck(w.t, err)
	w.delivered = 0
	day := time.Time{}
	for _, a := range actions {
		if d := a.at.Truncate(24 * time.Hour); !d.Equal(day) {
			if !day.IsZero() {
				h.waitHandled(base + w.delivered)
			}
			day = d
		}
		w.clock.Set(a.at)
		w.deliverSlack(a)
		w.deliverDiscord(a)
	}
	h.waitHandled(base + w.delivered)
}

// record keeps actions in the fakes' history without delivering them, as
// activity from before any Hearth was there.
func (w *hsWorld) record(actions []hsAction) {
	w.t.Helper()
	w.recording = true
	defer func() { w.recording = false }()
	for _, a := range actions {
		w.deliverSlack(a)
		w.deliverDiscord(a)
	}
}

func (w *hsWorld) deliverSlack(a hsAction) {
	sc, sl := w.sc, w.sl
	ch := hsSlackChannel(a.channel).ID
	user := hsSlackUser(a.member, sc).ID
	msg := sc.msgs[a.msg]
	var ev fakeslack.Event
	switch a.kind {
	case hsPost:
		ts := w.ts(a.at)
		w.slackTS[a.msg] = ts
		ev = fakeslack.Message(ch, user, ts)
		if a.member == sc.botMember() {
			ev = ev.With("bot_id", hsSlackBot)
		}
	case hsReply:
		ts := w.ts(a.at)
		w.slackTS[a.msg] = ts
		ev = fakeslack.Reply(ch, user, ts, w.slackTS[msg.parent])
	case hsReact:
		ev = fakeslack.ReactionAdded(user, a.emoji, ch, w.slackTS[a.msg], w.ts(a.at))
	case hsUnreact:
		ev = fakeslack.ReactionRemoved(user, a.emoji, ch, w.slackTS[a.msg], w.ts(a.at))
	case hsDelete:
		ev = fakeslack.MessageDeleted(ch, user, w.slackTS[a.msg], w.ts(a.at))
		if msg.parent >= 0 {
			ev = ev.WithPreviousThread(w.slackTS[msg.parent])
			w.delivered++ // the core retracts it as a prompt's reply too, in case it was one
		}
	case hsJoin:
		ev = fakeslack.MemberJoinedChannel(user, ch, w.ts(a.at))
	}
	if w.recording {
		sl.Record(ev)
		return
	}
	sl.PushEvent(ev)
	w.delivered++
}

func (w *hsWorld) deliverDiscord(a hsAction) {
	sc, dc := w.sc, w.dc
	user := hsDiscordUser(a.member, sc)
	ch := hsDiscordChannel(a.channel)
	msg := sc.msgs[a.msg]
	// where is the channel (or thread) a message is in.
	where := func(id int) string {
		if p := sc.msgs[id].parent; p >= 0 && w.threads[p] {
			return w.discordID[p]
		}
		return ch
	}
	var err error
	switch a.kind {
	case hsPost:
		id := fakediscord.Snowflake(a.at)
		w.discordID[a.msg] = id
		_, err = dc.MessageCreate(fakediscord.Message{ID: id, ChannelID: ch, GuildID: hsGuildID, Author: user})
	case hsReply:
		id := fakediscord.Snowflake(a.at)
		w.discordID[a.msg] = id
		parent := w.discordID[msg.parent]
		m := fakediscord.Message{ID: id, ChannelID: ch, GuildID: hsGuildID, Author: user}
		if sc.msgs[msg.parent].inline {
			m.ReplyTo = parent
		} else {
			if !w.threads[msg.parent] {
				w.threads[msg.parent] = true
				w.checkDiscord(dc.ThreadCreate(hsGuildID, fakediscord.Channel{ID: parent, Name: "thread " + parent,
					Type: fakediscord.ChannelPublicThread, ParentID: ch}))
			}
			m.ChannelID = parent
		}
		_, err = dc.MessageCreate(m)
	case hsReact, hsUnreact:
		r := fakediscord.Reaction{GuildID: hsGuildID, ChannelID: where(a.msg), MessageID: w.discordID[a.msg], User: user,
			EmojiName: hsDiscordEmoji[a.emoji]}
		if a.kind == hsReact {
			err = dc.ReactionAdd(r)
		} else {
			err = dc.ReactionRemove(r)
		}
	case hsDelete:
		err = dc.MessageDelete(hsGuildID, where(a.msg), w.discordID[a.msg])
		if msg.parent >= 0 {
			w.delivered++ // the core retracts it as a prompt's reply too, in case it was one
		}
	case hsJoin:
		// One guild join per late joiner (Slack's are per channel).
		if w.joined[a.member] {
			return
		}
		w.joined[a.member] = true
		err = dc.MemberAdd(hsGuildID, fakediscord.Member{User: user, JoinedAt: a.at})
	}
	w.checkDiscord(err)
	w.delivered++
}

// archiveThreads archives every other Discord thread (by its message's
// order), as Discord does with threads idle for a while: history finds
// those among a channel's archived threads, not the guild's active ones.
func (w *hsWorld) archiveThreads() int {
	var ids []int
	for m := range w.threads {
		ids = append(ids, m)
	}
	slices.Sort(ids)
	n := 0
	for i, m := range ids {
		if i%2 == 0 {
			w.dc.ArchiveThread(hsGuildID, w.discordID[m], w.sc.msgs[m].at.Add(24*time.Hour))
			n++
		}
	}
	return n
}

// checkDiscord fails the test on an error of the fake, but for there
// being no gateway session to dispatch to while recording: the fake has
// kept the activity all the same.
func (w *hsWorld) checkDiscord(err error) {
	w.t.Helper()
	if w.recording && errors.Is(err, fakediscord.ErrNoSession) {
		return
	}
	platCheck(w.t, err)
}

// hsHearth is one Hearth, in-process (startOn), on its own database and
// the world's fakes and clock.
type hsHearth struct {
	t       *testing.T
	w       *hsWorld
	db      string
	logs    *platLog
	stop    func() error
	metrics string // its /metrics URL
	// kick wakes its history runner.
	kick chan struct{}
}

// waitStarted waits until the Hearth has connected to both fakes (one
// more Socket Mode hello than hellos, one more IDENTIFY than identifies),
// serves /metrics and has synced the members.
func (h *hsHearth) waitStarted(hellos, identifies int) {
	t, w := h.t, h.w
	t.Helper()
	lcWaitFor(t, "a new Socket Mode connection", h.logs, func() bool { return w.sl.Connections() > hellos })
	platWaitDiscord(t, w.dc, "a new gateway session", func() bool { return len(w.dc.Identifies()) > identifies && w.dc.Connected() })
	h.metrics = "http://" + h.waitHTTPAddr() + "/metrics"
	// Slack lists Hearth's own bot user too; the Discord guild has the
	// members there now.
	discordMembers := 0
	for m := range w.sc.members {
		if _, late := w.sc.lateJoiners[m]; !late || w.joined[m] {
			discordMembers++
		}
	}
	nuWaitCount(t, h.db, h.logs, "slack's members synced", w.sc.members+1, sqlNuMembers, w.slackCommunity)
	nuWaitCount(t, h.db, h.logs, "discord's members synced", discordMembers, sqlNuMembers, w.discordCommunity)
}

func (h *hsHearth) waitHTTPAddr() string {
	h.t.Helper()
	deadline := time.Now().Add(platWait)
	for {
		if m := platListening.FindStringSubmatch(h.logs.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no http listening line in the log:\n%s", h.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// handled is how many events the core has handled, whatever became of
// them (hearth_events_total, every outcome).
func (h *hsHearth) handled() (int, error) {
	resp, err := http.Get(h.metrics)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n := 0.0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "hearth_events_total{") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, err
		}
		n += v
	}
	return int(n), sc.Err()
}

// waitHandled waits until the core has handled n events.
func (h *hsHearth) waitHandled(n int) {
	h.t.Helper()
	deadline := time.Now().Add(hsWorldWait)
	for {
		got, err := h.handled()
		if err == nil && got >= n {
			if got > n {
				h.t.Fatalf("the core handled %d events, more than the %d delivered:\n%s", got, n, hsMetricLines(h.t, h.metrics, "hearth_events_total"))
			}
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the core handled %d events (%v), want %d\nthe log:\n%.8000s", got, err, n, h.logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// report is `hearth report --format json` over [from, to) in whole days
// (UTC), at now, as the raw JSON.
func (h *hsHearth) report(community string, from, to, now time.Time) string {
	h.t.Helper()
	return hearth(h.t, "", nil, "report", "--db", h.db, "--format", "json", "--community", community,
		"--since", from.Format("2006-01-02"), "--until", to.AddDate(0, 0, -1).Format("2006-01-02"),
		"--now", now.Format(time.RFC3339))
}

// hsMetricLines are the lines of /metrics about one metric.
func hsMetricLines(t *testing.T, url, name string) string {
	var out []string
	for _, l := range strings.Split(platGet(t, url), "\n") {
		if strings.HasPrefix(l, name) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// hsAnswer is what Hearth answered to a command or a button.
type hsAnswer struct {
	text    string
	private bool
	buttons []ciButton
}

// slackCommand runs `/hearth text` as member m in #general.
func (w *hsWorld) slackCommand(m int, text string) hsAnswer {
	w.t.Helper()
	u, ch := hsSlackUser(m, w.sc), hsSlackChannel(0)
	in := w.sl.PushSlashCommand(fakeslack.SlashCommand{UserID: u.ID, UserName: u.Name, ChannelID: ch.ID, ChannelName: ch.Name, Text: text})
	r := platSlackResponse(w.t, w.sl, in.ResponseURL)
	a := hsAnswer{text: r.Text, private: r.ResponseType == "ephemeral"}
	for _, b := range fakeslack.Buttons(r.Blocks) {
		a.buttons = append(a.buttons, ciButton{Label: b.Label, Key: b.ActionID + " " + b.Value})
	}
	return a
}

// slackPress presses b of an ephemeral answer as member m.
func (w *hsWorld) slackPress(m int, b ciButton) hsAnswer {
	w.t.Helper()
	u, ch := hsSlackUser(m, w.sc), hsSlackChannel(0)
	actionID, value, _ := strings.Cut(b.Key, " ")
	in := w.sl.PushBlockAction(fakeslack.BlockAction{UserID: u.ID, UserName: u.Name, ChannelID: ch.ID, ChannelName: ch.Name,
		MessageTS: w.ts(w.clock.Now()), Ephemeral: true, Button: fakeslack.Button{ActionID: actionID, Value: value, Label: b.Label}})
	r := platSlackResponse(w.t, w.sl, in.ResponseURL)
	return hsAnswer{text: r.Text, private: r.ResponseType == "ephemeral"}
}

func (w *hsWorld) discordInvoker(m int) fakediscord.Invoker {
	return fakediscord.Invoker{GuildID: hsGuildID, ChannelID: hsDiscordChannel(0), User: hsDiscordUser(m, w.sc),
		Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}
}

// discordCommand runs /hearth with opt as member m in #general.
func (w *hsWorld) discordCommand(m int, opt fakediscord.Option) hsAnswer {
	w.t.Helper()
	in, err := w.dc.Slash(w.discordInvoker(m), "hearth", opt)
	platCheck(w.t, err)
	flags, content, buttons := nuDiscordReply(w.t, w.dc, in.ID)
	return hsAnswer{text: content, private: flags&64 != 0, buttons: buttons}
}

// discordPress presses b of an ephemeral answer as member m.
func (w *hsWorld) discordPress(m int, b ciButton) hsAnswer {
	w.t.Helper()
	in, err := w.dc.Click(w.discordInvoker(m), w.dc.NewID(), b.Key)
	platCheck(w.t, err)
	flags, content, _ := nuDiscordReply(w.t, w.dc, in.ID)
	return hsAnswer{text: content, private: flags&64 != 0}
}

// dms are the texts of Hearth's DMs to member m on the community's
// platform, in order.
func (w *hsWorld) dms(community string, m int) []string {
	var out []string
	if community == w.slackCommunity {
		ch := w.sl.DMChannel(hsSlackUser(m, w.sc).ID)
		for _, p := range w.sl.Posts() {
			if ch != "" && p.Channel == ch {
				out = append(out, p.Text)
			}
		}
		return out
	}
	if ch := w.dc.DMChannel(hsDiscordUser(m, w.sc).ID); ch != "" {
		for _, msg := range w.dc.Messages(ch) {
			out = append(out, msg.Content)
		}
	}
	return out
}
