package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/memstore"
)

type okPinger struct{}

func (okPinger) Ping(context.Context) error { return nil }

// startHTTP serves the operator's mux within lim on 127.0.0.1, with a
// /slack/events that reads its body: it sends on started when it begins
// and the body's read error (nil for a whole body) on done.
func startHTTP(t *testing.T, lim httpLimits) (addr string, started chan struct{}, done chan error) {
	t.Helper()
	clock := bot.NewManualClock(testNow)
	b, err := bot.New(bot.Config{Store: memstore.New(clock), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	started, done = make(chan struct{}, 16), make(chan error, 16)
	events := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case started <- struct{}{}:
		default: // nobody counts: read on
		}
		_, err := io.Copy(io.Discard, r.Body)
		select {
		case done <- err:
		default:
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(operatorMux(okPinger{}, b, map[string]http.Handler{"POST /slack/events": events}, nil), lim)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(limitListener(ln, lim)) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String(), started, done
}

// slowBody sends the headers of a large POST to /slack/events and one
// body byte, and returns the connection.
func slowBody(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := fmt.Fprintf(c, "POST /slack/events HTTP/1.1\r\nHost: hearth\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSlowBodyIsCutOff: a client that trickles its body, a byte every
// 50 ms (each byte well inside any per-read timeout), is cut off at the
// request's read deadline; it used to be held for as long as it trickled.
func TestSlowBodyIsCutOff(t *testing.T) {
	lim := httpLimits{ReadHeader: 200 * time.Millisecond, Read: 200 * time.Millisecond, Write: time.Second, Idle: time.Second, MaxConns: 4, HealthReserve: 1}
	addr, started, done := startHTTP(t, lim)
	c := slowBody(t, addr)
	<-started
	stop := make(chan struct{})
	defer close(stop)
	go func() { // the trickle; it ends when the server has hung up
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	// The guard is far beyond the 200 ms limit: only a server that never
	// cuts the client off reaches it.
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server still holds a client that trickles its body")
	}
	if err := <-done; err == nil {
		t.Error("the handler read a whole body that never came")
	}
}

// TestHealthAnswersWhenSlowClientsHoldEverySlot: slow clients hold every
// connection slot; /healthz and /readyz still answer, from the reserve,
// and a further webhook request is turned away at once rather than held.
func TestHealthAnswersWhenSlowClientsHoldEverySlot(t *testing.T) {
	lim := httpLimits{ReadHeader: 5 * time.Second, Read: time.Minute, Write: time.Minute, Idle: time.Minute, MaxConns: 3, HealthReserve: 1}
	addr, started, _ := startHTTP(t, lim)
	for range lim.MaxConns {
		slowBody(t, addr)
		<-started // held in the handler, reading
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(method, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		return resp.StatusCode, strings.TrimSpace(line)
	}
	for _, tt := range []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/healthz", 200, "ok"},
		{"POST", "/slack/events", 503, "too many connections"},
		{"GET", "/readyz", 200, "ready"},
		{"GET", "/metrics", 503, "too many connections"},
		{"GET", "/healthz", 200, "ok"},
	} {
		if code, body := get(tt.method, tt.path); code != tt.code || body != tt.body {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, code, body, tt.code, tt.body)
		}
	}
	select {
	case <-started:
		t.Error("a webhook request beyond the limit reached the handler")
	default:
	}
}

// TestHalfClosedConnectionFreesItsSlot: net/http half-closes a connection
// and lingers before closing it; the slot is free from the half-close, so
// the next connection is accepted while the first still lingers.
func TestHalfClosedConnectionFreesItsSlot(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := limitListener(ln, httpLimits{MaxConns: 1})
	defer l.Close()
	for range 2 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	cw, ok := first.(interface{ CloseWrite() error })
	if !ok {
		t.Fatal("an accepted connection cannot be half-closed: net/http would linger holding its slot")
	}
	if err := cw.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	accepted := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			c.Close()
		}
		accepted <- err
	}()
	select {
	case err := <-accepted:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second): // a guard: it is at once or never
		t.Fatal("the half-closed connection still holds the only slot")
	}
}

// TestFullListenerWaitsAndCloses: at the limit Accept waits rather than
// refuse, and closing the listener (server shutdown) ends the wait.
func TestFullListenerWaitsAndCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := limitListener(ln, httpLimits{MaxConns: 1})
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	accepted := make(chan error, 1)
	go func() {
		_, err := l.Accept()
		accepted <- err
	}()
	select {
	case err := <-accepted:
		t.Fatalf("a full listener accepted: %v", err)
	default:
	}
	l.Close()
	select {
	case err := <-accepted:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Accept after Close = %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second): // a guard: it is at once or never
		t.Fatal("closing the listener did not end a waiting Accept")
	}
}
