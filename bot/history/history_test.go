package history_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/history"
)

// kept is the store's events by key, as comparable text.
func kept(r *bottest.Rig) map[string]string {
	out := map[string]string{}
	for k, e := range r.KeptByKey() {
		out[k] = string(e.Kind) + " " + e.Member + " " + e.Channel + " " + e.At.Format(time.RFC3339)
	}
	return out
}

func latest(t *testing.T, r *bottest.Rig) history.Import {
	t.Helper()
	imp, err := r.Store.LatestImport(context.Background(), bottest.Community)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func TestImportRecordsHistoryOnce(t *testing.T) {
	r, c := community(t)
	reply := r.CarolSays("history import 30d")
	if reply.Code != "" || !strings.Contains(reply.Text, "Importing 30 days of history") || !strings.Contains(reply.Text, "DM you progress") || !reply.Private {
		t.Fatalf("reply: %+v", reply)
	}
	if got := r.CarolSays("history import 60d"); !strings.Contains(got.Text, "queued already") {
		t.Errorf("a second request while one is queued: %q", got.Text)
	}
	run := newRunner(t, r, "a")
	pass(t, run)
	imp := latest(t, r)
	if imp.Status != history.StatusDone || imp.RequestedBy != "carol" || !imp.Since.Equal(bottest.T0.Add(-30*24*time.Hour)) {
		t.Fatalf("import: %+v", imp)
	}
	got := kept(r)
	// Since 30 days: g4, the reaction, g5 and its prompt reply, g6, d1, d3, d4, h1; not the bots, not older ones; nina's join is older.
	want := []string{"general:g4", "general:g4:alice:+1", "general:g5", "prompt:general:g5", "general:g6", "design:d1", "design:d3", "design:d4", "help:h1"}
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
		t.Fatalf("kept %v, want %v", keys, want)
	}
	if n := r.Bot.Metrics().HistoryEvents.Load(); n != int64(len(want)) {
		t.Errorf("history events metric %d, want %d", n, len(want))
	}
	if d, tot := r.Bot.Metrics().HistoryChannelsDone.Load(), r.Bot.Metrics().HistoryChannelsTotal.Load(); d != 0 || tot != 0 {
		t.Errorf("channel gauges %d/%d after the import, want 0/0", d, tot)
	}
	dms := r.Chat.DMsTo("carol")
	if len(dms) != 1 || !strings.Contains(dms[0].Text, "3 channels, 8 events") || !strings.Contains(dms[0].Text, "skipped 1 event of bots") {
		t.Fatalf("DMs to carol: %+v", dms)
	}
	status := r.CarolSays("history status")
	if status.Text != dms[0].Text {
		t.Errorf("status %q, want the summary %q", status.Text, dms[0].Text)
	}

	// The same period again: nothing to do. A pass changes nothing.
	if again := r.CarolSays("history import 30d"); !strings.Contains(again.Text, "imported already") {
		t.Errorf("the same period again: %q", again.Text)
	}
	pass(t, run)
	if after := kept(r); !maps.Equal(after, got) {
		t.Errorf("a pass with nothing to do changed the record")
	}

	// A longer period imports the extra; the overlap counts once.
	if longer := r.CarolSays("history import 60d"); !strings.Contains(longer.Text, "Importing 60 days") {
		t.Fatalf("a longer period: %q", longer.Text)
	}
	pass(t, run)
	after := kept(r)
	for k, v := range got {
		if after[k] != v {
			t.Errorf("%s: %q, was %q", k, after[k], v)
		}
	}
	for _, k := range []string{"general:g1", "general:g2", "join:nina"} {
		if _, ok := after[k]; !ok {
			t.Errorf("the longer import did not record %s", k)
		}
	}
	if len(after) != historyEvents(c, 60)+2 { // + nina's join and the prompt reply
		t.Errorf("%d events kept, want %d", len(after), historyEvents(c, 60)+2)
	}
	// Importing the whole period once more (a fresh request row) changes nothing.
	if _, err := r.Store.RequestImport(context.Background(), bottest.Community, "carol", day(60), bottest.T0); err != nil {
		t.Fatal(err)
	}
	pass(t, run)
	if again := kept(r); !maps.Equal(again, after) {
		t.Errorf("importing twice changed the record")
	}
}

func TestImportRefusedWithoutHistoryReader(t *testing.T) {
	r := bottest.NewCommunity(t) // the rig's chat reads no history
	got := r.CarolSays("history import")
	if got.Code != bot.EPlatform || !strings.Contains(got.Text, "can't read this community's history") {
		t.Fatalf("reply: %+v", got)
	}
	if _, err := r.Store.LatestImport(context.Background(), bottest.Community); err == nil {
		t.Error("an import was recorded")
	}
	if got := r.Says("alice", "history import 90d"); got.Code != bot.EForbidden {
		t.Errorf("a member's request: %+v", got)
	}
}

func TestImportPeriods(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		days int
		ok   bool
	}{{"", 90, true}, {"90d", 90, true}, {"365d", 365, true}, {"4w", 28, true}, {"366d", 0, false}, {"53w", 0, false}, {"0d", 0, false}, {"2026-01-01..2026-02-01", 0, false}, {"x", 0, false}} {
		n, err := history.ParseDays(tc.arg)
		if (err == nil) != tc.ok || n != tc.days {
			t.Errorf("ParseDays(%q) = %d, %v", tc.arg, n, err)
		}
		if err != nil && bot.ErrorCode(err) != bot.EArgument {
			t.Errorf("ParseDays(%q): %v is not an argument error", tc.arg, err)
		}
	}
}

func TestImportSkipsBotsAndForgottenMembers(t *testing.T) {
	r, _ := community(t)
	ctx := context.Background()
	r.Record(msg("alice", "general", "live1", day(1)))
	if err := r.Bot.ForgetMember(ctx, bottest.Community, "alice"); err != nil {
		t.Fatal(err)
	}
	r.CarolSays("history import 60d")
	pass(t, newRunner(t, r, "a"))
	for k, e := range r.KeptByKey() {
		if e.Member == "alice" || e.Member == "robot" {
			t.Errorf("%s of %s imported", k, e.Member)
		}
	}
	p := r.CarolSays("history status").Text
	if !strings.Contains(p, "skipped 2 events of bots and 4 events of forgotten members") {
		t.Errorf("status: %q", p)
	}
	// A forgotten member who comes back is recorded live as before.
	if err := r.Bot.HandleEvent(ctx, msg("alice", "general", "back", bottest.T0)); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.KeptByKey()["general:back"]; !ok {
		t.Error("alice's live message after forget me was not recorded")
	}
}

// welcome is the charter's schedule kind of a new member's welcome.
const welcome bot.ScheduleKind = "welcome"

func TestHistoricalJoinIsNotWelcomed(t *testing.T) {
	r, _ := community(t)
	ctx := context.Background()
	r.CarolSays("welcome set Hello {name}!")
	r.CarolSays("history import 60d")
	pass(t, newRunner(t, r, "a"))
	if _, ok := r.KeptByKey()["join:nina"]; !ok {
		t.Fatal("nina's join was not imported")
	}
	if w := r.Schedules(welcome); len(w) != 0 {
		t.Errorf("welcomes scheduled for a join 40 days ago: %+v", w)
	}
	// The same join arriving live would be welcomed: the test tells.
	live := bot.Event{Kind: bot.KindJoin, Community: bottest.Community, Member: "omar", At: day(40), Key: "join:omar"}
	if err := r.Bot.HandleEvent(ctx, live); err != nil {
		t.Fatal(err)
	}
	if w := r.Schedules(welcome); len(w) != 1 {
		t.Errorf("a live join got welcomes %+v, want one", w)
	}
}

func TestImportResumesAfterInterruption(t *testing.T) {
	whole, _ := community(t)
	whole.CarolSays("history import 60d")
	pass(t, newRunner(t, whole, "a"))
	want, wantStatus := kept(whole), whole.CarolSays("history status").Text

	r, c := community(t)
	r.CarolSays("history import 60d")
	ctx, cancel := context.WithCancel(context.Background())
	c.before = func(_ context.Context, channel string, page int) {
		if channel == "design" && page == 1 {
			cancel() // a shutdown in the middle of #design
		}
	}
	run := newRunner(t, r, "a")
	if err := run.Pass(ctx); err != nil {
		t.Fatalf("an interrupted pass: %v", err)
	}
	if imp := latest(t, r); imp.Status != history.StatusRunning {
		t.Fatalf("after the interruption: %+v", imp)
	}
	if s := r.CarolSays("history status").Text; !strings.Contains(s, "#design: 1 of 3 channels, 7 events") {
		t.Errorf("status mid-way: %q", s)
	}
	if s := r.CarolSays("history import 90d").Text; !strings.Contains(s, "running already: #design: 1 of 3 channels, 7 events") {
		t.Errorf("a second request while one runs: %q", s)
	}
	c.before = nil
	pass(t, newRunner(t, r, "b")) // another instance, or a restart
	if got := kept(r); !maps.Equal(got, want) {
		t.Errorf("after resuming, kept %v\nwant %v", got, want)
	}
	if got := r.CarolSays("history status").Text; got != wantStatus {
		t.Errorf("status %q, want %q", got, wantStatus)
	}
	if got := c.read("design"); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("#design's pages read %v: the page recorded before the stop was read again", got)
	}
	if got := c.read("general"); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("#general's pages read %v: a channel read through was read again", got)
	}
}

func TestOneRunnerWorksOnAnImport(t *testing.T) {
	r, c := community(t)
	r.CarolSays("history import 60d")
	a, b := newRunner(t, r, "a"), newRunner(t, r, "b")
	c.before = func(ctx context.Context, channel string, page int) {
		if channel == "general" && page == 0 {
			if err := b.Pass(ctx); err != nil { // b comes by while a works
				t.Error(err)
			}
		}
	}
	pass(t, a)
	for ch, pages := range c.pages {
		if got := c.read(ch); len(got) != len(pages) {
			t.Errorf("#%s: pages read %v, want each of %d once", ch, got, len(pages))
		}
	}
	if imp := latest(t, r); imp.Status != history.StatusDone {
		t.Errorf("import: %+v", imp)
	}
	if err := b.RunImport(context.Background(), latest(t, r).ID); err != nil {
		t.Errorf("RunImport of a done import: %v", err)
	}
}

// TestRunnersRace runs two runners at once on one store: the pages are
// read once each, whoever wins the lease.
func TestRunnersRace(t *testing.T) {
	r, c := community(t)
	r.CarolSays("history import 60d")
	var wg sync.WaitGroup
	for _, holder := range []string{"a", "b"} {
		run := newRunner(t, r, holder)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run.Pass(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for ch, pages := range c.pages {
		if got := c.read(ch); len(got) != len(pages) {
			t.Errorf("#%s: pages read %v", ch, got)
		}
	}
	if dms := r.Chat.DMsTo("carol"); len(dms) != 1 {
		t.Errorf("DMs to carol: %d, want the one summary", len(dms))
	}
}

func TestProgressDMsAreThrottled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		advance time.Duration // of the clock per page
		want    []string      // progress DMs before the summary
	}{
		{"every ten channels", 0, []string{"#c10: 10 of 25 channels, 30 events", "#c20: 20 of 25 channels, 60 events"}},
		// 6 minutes in, then 6 minutes later (3 pages of 2 minutes).
		{"every five minutes", 2 * time.Minute, []string{"#c2: 1 of 25 channels, 4 events", "#c3: 2 of 25 channels, 9 events"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bottest.NewCommunity(t)
			c := &pastChat{Chat: r.Chat, pages: map[string][][]bot.Event{}}
			for i := 1; i <= 25; i++ {
				id := "c" + strconv.Itoa(i)
				c.channels = append(c.channels, bot.Channel{ID: id, Name: id})
				c.pages[id] = [][]bot.Event{{msg("alice", id, "m", day(3))}, {msg("bob", id, "n", day(2)), msg("dave", id, "o", day(1))}}
			}
			c.before = func(context.Context, string, int) { r.Clock.Advance(tc.advance) }
			r.Bot.AttachChat(bot.Shell, c)
			r.CarolSays("history import 7d")
			pass(t, newRunner(t, r, "a"))
			dms := r.Chat.DMsTo("carol")
			if len(dms) == 0 || !strings.HasPrefix(dms[len(dms)-1].Text, "History imported") {
				t.Fatalf("DMs %+v: no summary last", dms)
			}
			var got []string
			for _, d := range dms[:len(dms)-1] {
				got = append(got, d.Text)
			}
			if len(got) < len(tc.want) {
				t.Fatalf("progress DMs %q, want at least %q", got, tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("DM %d: %q, want %q", i, got[i], w)
				}
			}
			if tc.advance == 0 && len(got) != 2 {
				t.Errorf("progress DMs %q, want 2", got)
			}
			if tc.advance > 0 {
				if span := 25 * 2 * tc.advance; len(got) > int(span/history.ProgressEvery)+1 {
					t.Errorf("%d progress DMs over %v: more than one per %v", len(got), span, history.ProgressEvery)
				}
			}
		})
	}
}

func TestReportsSayWhenTheRecordStarts(t *testing.T) {
	r, _ := community(t)
	ctx := context.Background()
	q := bot.ReportQuery{Community: bottest.Community, From: bottest.T0.Add(-7 * 24 * time.Hour), To: bottest.T0}
	rep, err := r.Bot.Report(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := json.Marshal(rep); rep.HistorySince != nil || strings.Contains(string(raw), "history_since") {
		t.Errorf("history_since before any import: %s", raw)
	}
	if p := r.Says("alice", "privacy").Text; strings.Contains(p, "History was imported") {
		t.Errorf("privacy before any import: %q", p)
	}
	r.CarolSays("history import 45d")
	pass(t, newRunner(t, r, "a"))
	if rep, err = r.Bot.Report(ctx, q); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	var doc struct {
		Since time.Time `json:"history_since"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || !doc.Since.Equal(bottest.T0.Add(-45*24*time.Hour)) {
		t.Errorf("history_since %v (%v) in %s", doc.Since, err, raw)
	}
	if text := r.CarolSays("report 7d").Text; !strings.Contains(text, "Hearth's record starts 2026-09-18 (history imported)") {
		t.Errorf("report text:\n%s", text)
	}
	if p := r.Says("alice", "privacy").Text; !strings.Contains(p, "History was imported: Hearth's record of this community starts Sep 18, 2026") {
		t.Errorf("privacy: %q", p)
	}
}

func TestFailedImportResumes(t *testing.T) {
	r, c := community(t)
	fail := true
	c.before = func(context.Context, string, int) {}
	broken := &failingChat{pastChat: c, fail: &fail}
	r.Bot.AttachChat(bot.Shell, broken)
	r.CarolSays("history import 60d")
	pass(t, newRunner(t, r, "a"))
	if imp := latest(t, r); imp.Status != history.StatusFailed || !strings.Contains(imp.Error, "platform is down") {
		t.Fatalf("import: %+v", imp)
	}
	if dms := r.Chat.DMsTo("carol"); len(dms) != 1 || !strings.Contains(dms[0].Text, "stopped") {
		t.Errorf("DMs: %+v", dms)
	}
	fail = false
	if got := r.CarolSays("history import 60d"); !strings.Contains(got.Text, "Importing") {
		t.Fatalf("again: %q", got.Text)
	}
	pass(t, newRunner(t, r, "a"))
	if imp := latest(t, r); imp.Status != history.StatusDone || imp.ID != 1 {
		t.Errorf("import: %+v, want import 1 resumed and done", imp)
	}
	if got := c.read("general"); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("#general read %v", got)
	}
}

// failingChat fails #design's second page while fail is set.
type failingChat struct {
	*pastChat
	fail *bool
}

func (f *failingChat) ReadHistory(ctx context.Context, q bot.HistoryQuery, page bot.HistoryPageFunc) error {
	return f.pastChat.ReadHistory(ctx, q, func(ctx context.Context, evs []bot.Event, next string) error {
		if *f.fail && q.Channel == "design" && next == "2" {
			return bot.Errorf(bot.EPlatform, "the platform is down")
		}
		return page(ctx, evs, next)
	})
}

// TestRunPollsForImports: Run picks up an import asked for while it waits,
// waits Poll between passes, and returns nil once ctx is done.
func TestRunPollsForImports(t *testing.T) {
	r, _ := community(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	run, err := history.NewRunner(history.RunnerConfig{Core: r.Bot, Store: r.Store, Holder: "a",
		Wait: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			switch len(waits) {
			case 1:
				r.CarolSays("history import 30d") // asked while the runner waits
			case 2:
				cancel()
			}
			return ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !slices.Equal(waits, []time.Duration{history.DefaultPoll, history.DefaultPoll}) {
		t.Errorf("waits %v", waits)
	}
	if imp := latest(t, r); imp.Status != history.StatusDone {
		t.Errorf("import: %+v", imp)
	}
}
