package slack

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	slackapi "github.com/slack-go/slack"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/memstore"
)

// instance is one Hearth of several on one store: a core, its Slack
// adapter, and what the adapter handed the core.
type instance struct {
	rec    *recorder
	runErr chan error
}

// TestTwoInstancesShareSocketMode: two Hearths on one store each open a
// Socket Mode connection to the same app, as several instances in
// production do, and Slack spreads envelopes over them. Every event is
// recorded once, redeliveries to the other instance included; every
// command is answered once; every envelope is acknowledged on the
// connection that carried it.
func TestTwoInstancesShareSocketMode(t *testing.T) {
	clock := bot.NewManualClock(epoch)
	f := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	f.AddUser(alice, bob, ada)
	f.AddChannel(general, design)
	store := memstore.New(clock)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	var insts []*instance
	for i := range 2 {
		core, err := bot.New(bot.Config{Store: store, Clock: clock})
		if err == nil {
			err = features.Register(core, store)
		}
		if err != nil {
			t.Fatal(err)
		}
		in := &instance{rec: newRecorder(t), runErr: make(chan error, 1)}
		fo := f.Options()
		a, err := New(Config{BotToken: fo.BotToken, AppToken: fo.AppToken, APIURL: f.URL(),
			Handler: teeHandler{recorder: in.rec, core: core}, Clock: clock,
			Log:   slog.New(slog.NewJSONHandler(logs, nil)).With("instance", i),
			Sleep: (&sleeper{clock: clock}).Sleep})
		if err != nil {
			t.Fatal(err)
		}
		go func() { in.runErr <- a.Run(ctx) }()
		// One at a time, so instance i has connection i+1.
		in.rec.waitDirs(func(d bot.Directory) bool { return d.Complete })
		f.WaitConnections(i + 1)
		insts = append(insts, in)
	}

	hourAgo := strconv.FormatInt(epoch.Unix()-3600, 10)
	var envelopes, messages []string
	for n := range 21 { // odd: the redeliveries' turns fall on the other connection
		ts := fmt.Sprintf("%s.%06d", hourAgo, n+1)
		messages = append(messages, ts)
		envelopes = append(envelopes, f.PushEvent(fakeslack.Message(general.ID, []string{alice.ID, bob.ID}[n%2], ts)))
	}
	// Slack did not see six acks in time: it sends those again, each to
	// the other connection in turn.
	for _, id := range envelopes[:6] {
		f.WaitAck(id)
		f.Redeliver(id)
	}
	for range 6 {
		c := f.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "help"})
		envelopes = append(envelopes, c.EnvelopeID)
	}
	f.WaitResponses(6)
	for _, id := range envelopes {
		f.WaitAck(id, len(f.DeliveredOn(id)))
	}
	cancel()
	for i, in := range insts {
		select {
		case err := <-in.runErr:
			if err != nil {
				t.Errorf("instance %d: Run: %v", i, err)
			}
		case <-time.After(waitTimeout):
			t.Fatalf("instance %d: Run did not return after cancel", i)
		}
	}

	keys := map[string]int{}
	for _, e := range store.Kept() {
		if e.Kind == bot.KindMessage {
			keys[e.Key]++
		}
	}
	if len(keys) != len(messages) {
		t.Errorf("%d messages recorded, want %d", len(keys), len(messages))
	}
	for k, n := range keys {
		if n != 1 {
			t.Errorf("message %s recorded %d times", k, n)
		}
	}
	if got := len(f.Responses()); got != 6 {
		t.Errorf("%d answers to 6 commands", got)
	}
	for i, in := range insts {
		events, _, cmds, _ := in.rec.counts()
		if events == 0 || cmds == 0 {
			t.Errorf("instance %d handled %d events and %d commands: the envelopes were not spread", i, events, cmds)
		}
	}
	e0, _, c0, _ := insts[0].rec.counts()
	e1, _, c1, _ := insts[1].rec.counts()
	if e0+e1 != 27 || c0+c1 != 6 {
		t.Errorf("the instances handled %d+%d events and %d+%d commands; want 27 (21 and 6 redelivered) and 6", e0, e1, c0, c1)
	}
	for _, id := range envelopes {
		var acked []int
		for _, a := range f.AcksFor(id) {
			acked = append(acked, a.Conn)
		}
		on := f.DeliveredOn(id)
		slices.Sort(acked)
		slices.Sort(on)
		if !slices.Equal(acked, on) {
			t.Errorf("envelope %s delivered on connections %v was acknowledged on %v", id, on, acked)
		}
	}
	for _, id := range envelopes[:6] {
		if on := f.DeliveredOn(id); len(on) != 2 || on[0] == on[1] {
			t.Errorf("envelope %s went on connections %v; want the redelivery on the other one", id, on)
		}
	}
}

// TestSocketModeConnectionBeyondTheLimitIsNotReady: an instance that Slack
// refuses as one connection too many (too_many_websockets, no hello) says
// why in the log and is not ready; once a place frees up, it connects and
// serves.
func TestSocketModeConnectionBeyondTheLimitIsNotReady(t *testing.T) {
	var occupant *websocket.Conn
	h := start(t, setup{fake: fakeslack.Options{MaxConnections: 1}, noWait: true, before: func(f *fakeslack.Server) {
		app := slackapi.New(f.Options().BotToken, slackapi.OptionAPIURL(f.URL()), slackapi.OptionAppLevelToken(f.Options().AppToken))
		_, url, err := app.StartSocketModeContext(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if occupant, _, err = websocket.DefaultDialer.Dial(url, nil); err != nil {
			t.Fatal(err)
		}
	}})
	const why = "too_many_websockets"
	for n := 1; !strings.Contains(h.logs.String(), why); n++ {
		h.fake.WaitRefused(n)
		if h.a.Connected() {
			t.Fatal("an instance Slack refused says it is connected")
		}
		if n > 1000 {
			t.Fatalf("no word of the refusal in the log:\n%s", h.logs.String())
		}
	}
	if strings.Count(h.logs.String(), why) != 1 {
		t.Errorf("the refusals were logged %d times; want once", strings.Count(h.logs.String(), why))
	}
	_ = occupant.Close()
	h.fake.WaitConnections(2) // the occupant's, then the instance's
	id := h.fake.PushEvent(fakeslack.Message(general.ID, alice.ID, ts(1)))
	h.fake.WaitAck(id)
	if !h.a.Connected() {
		t.Error("connected once a place was free, yet not ready")
	}
}
