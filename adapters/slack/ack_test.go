package slack

import (
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// holdEvents makes the core hold each event until release is closed, and
// returns a channel told when one arrives.
func holdEvents(r *recorder) (entered chan bot.Event, release chan struct{}) {
	entered, release = make(chan bot.Event, 8), make(chan struct{})
	r.setEvent(func(e bot.Event) {
		entered <- e
		<-release
	})
	return entered, release
}

func waitEntered(t *testing.T, entered chan bot.Event) {
	t.Helper()
	select {
	case <-entered:
	case <-time.After(waitTimeout):
		t.Fatal("the event never reached the core")
	}
}

// TestSocketModeAcksOnceRecorded: the envelope's acknowledgement goes only
// once the core has handled the event, so an instance killed in between
// leaves it unacknowledged, and Slack delivers it again.
func TestSocketModeAcksOnceRecorded(t *testing.T) {
	h := start(t, setup{})
	entered, release := holdEvents(h.rec)
	id := h.fake.PushEvent(fakeslack.Message(general.ID, alice.ID, ts(1)))
	waitEntered(t, entered)
	if acks := h.fake.AcksFor(id); len(acks) != 0 {
		t.Errorf("acknowledged while the core still held the event: %+v", acks)
	}
	close(release)
	h.fake.WaitAck(id)
}

// TestHTTPAnswersOnceRecorded: the 200 to Slack's event request goes only
// once the core has handled the event.
func TestHTTPAnswersOnceRecorded(t *testing.T) {
	h, srv := startHTTP(t, setup{})
	entered, release := holdEvents(h.rec)
	body := h.fake.EventBody(fakeslack.Message(general.ID, alice.ID, ts(1)))
	answered := make(chan int, 1)
	go func() { // owner: this test; ends with the request
		code, _ := send(t, srv.URL, testSecret, h.clock.Now(), fakeslack.JSONContent, body)
		answered <- code
	}()
	waitEntered(t, entered)
	select {
	case code := <-answered:
		t.Errorf("answered %d while the core still held the event", code)
	default:
	}
	close(release)
	select {
	case code := <-answered:
		if code != 200 {
			t.Errorf("answered %d, want 200", code)
		}
	case <-time.After(waitTimeout):
		t.Fatal("no answer after the event was recorded")
	}
}
