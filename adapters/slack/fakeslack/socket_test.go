package fakeslack_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
)

// dial opens a Socket Mode connection as a client would and returns it
// with the server's first message.
func dial(t *testing.T, f *fakeslack.Server) (*websocket.Conn, map[string]any) {
	t.Helper()
	app := slack.New(fakeslack.DefaultBotToken, slack.OptionAPIURL(f.URL()), slack.OptionAppLevelToken(fakeslack.DefaultAppToken))
	_, url, err := app.StartSocketModeContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	return ws, read(t, ws)
}

// read reads one JSON message.
func read(t *testing.T, ws *websocket.Conn) map[string]any {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(fakeslack.WaitTimeout))
	_, data, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSocketModeConnectionsAreSharedAndLimited: Slack lets an app keep ten
// Socket Mode connections and spreads envelopes over them; the eleventh is
// told too_many_websockets and closed; what a closed connection did not
// ack goes to another; and a place freed is taken again.
func TestSocketModeConnectionsAreSharedAndLimited(t *testing.T) {
	f := fakeslack.New(t, fakeslack.Options{})
	var conns []*websocket.Conn
	for i := range fakeslack.MaxSocketConnections {
		ws, hello := dial(t, f)
		if hello["type"] != "hello" || hello["num_connections"] != float64(i+1) {
			t.Fatalf("connection %d: %v", i+1, hello)
		}
		conns = append(conns, ws)
	}
	extra, bye := dial(t, f)
	if bye["type"] != "disconnect" || bye["reason"] != "too_many_websockets" {
		t.Fatalf("the eleventh connection got %v", bye)
	}
	if _, _, err := extra.ReadMessage(); err == nil {
		t.Error("the eleventh connection stayed open")
	}
	if f.Refused() != 1 || f.Connections() != fakeslack.MaxSocketConnections {
		t.Errorf("refused %d, greeted %d", f.Refused(), f.Connections())
	}

	// Twenty envelopes: two on each connection, each acked where it came.
	for range 2 * fakeslack.MaxSocketConnections {
		f.Push("events_api", map[string]any{"type": "event_callback"}, false)
	}
	for i, ws := range conns {
		for range 2 {
			e := read(t, ws)
			id, _ := e["envelope_id"].(string)
			if on := f.DeliveredOn(id); len(on) != 1 || on[0] != i+1 {
				t.Fatalf("envelope %s read on connection %d was delivered on %v", id, i+1, on)
			}
			if err := ws.WriteJSON(map[string]any{"envelope_id": id}); err != nil {
				t.Fatal(err)
			}
			if ack := f.WaitAck(id); ack.Conn != i+1 {
				t.Errorf("ack of %s on connection %d, want %d", id, ack.Conn, i+1)
			}
		}
	}

	// The first connection closes with an envelope it did not ack: another
	// gets it again, as a retry.
	lost := f.Push("events_api", map[string]any{"type": "event_callback"}, false)
	if e := read(t, conns[0]); e["envelope_id"] != lost {
		t.Fatalf("connection 1 got %v, want %s", e, lost)
	}
	_ = conns[0].Close()
	on := f.WaitDelivered(lost, 2)
	if on[1] == 1 {
		t.Fatalf("%s retried on the closed connection", lost)
	}
	if e := read(t, conns[on[1]-1]); e["envelope_id"] != lost || e["retry_attempt"] != float64(1) || e["retry_reason"] != "timeout" {
		t.Fatalf("after connection 1 closed, connection %d got %v; want %s again", on[1], e, lost)
	}
	f.WaitOpen(fakeslack.MaxSocketConnections - 1)
	if _, hello := dial(t, f); hello["type"] != "hello" {
		t.Errorf("a connection after one closed got %v", hello)
	}
}
