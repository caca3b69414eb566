package main

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// httpLimits bound what clients can hold of the HTTP endpoint, so slow or
// numerous clients cannot exhaust its file descriptors and memory.
type httpLimits struct {
	// ReadHeader is how long a client has to send its request headers.
	ReadHeader time.Duration
	// Read is how long a client has to send its whole request, body
	// included, from its first byte: a body trickled one byte at a time is
	// cut off at this deadline, which no byte moves.
	Read time.Duration
	// Write is how long the handler and the response may take.
	Write time.Duration
	// Idle is how long a kept-alive connection may wait for its next request.
	Idle time.Duration
	// MaxConns is how many connections are served at once.
	MaxConns int
	// HealthReserve are connections beyond MaxConns that serve only
	// /healthz and /readyz, so health checks answer while slow clients hold
	// every other slot. Beyond both, new connections wait in the kernel's
	// backlog until one closes.
	HealthReserve int
}

// defaultHTTPLimits suit webhooks: Slack and Discord send small requests
// and expect an answer within three seconds.
var defaultHTTPLimits = httpLimits{
	ReadHeader:    5 * time.Second,
	Read:          10 * time.Second,
	Write:         30 * time.Second,
	Idle:          60 * time.Second,
	MaxConns:      256,
	HealthReserve: 8,
}

// newHTTPServer serves h within lim. Serve it on a listener from
// limitListener with the same limits.
func newHTTPServer(h http.Handler, lim httpLimits) *http.Server {
	return &http.Server{
		Handler:           healthOnlyOnReserve(h),
		ReadHeaderTimeout: lim.ReadHeader,
		ReadTimeout:       lim.Read,
		WriteTimeout:      lim.Write,
		IdleTimeout:       lim.Idle,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if lc, ok := c.(*limitedConn); ok && lc.reserve {
				return context.WithValue(ctx, reserveConnKey{}, true)
			}
			return ctx
		},
	}
}

type reserveConnKey struct{}

// healthOnlyOnReserve answers 503 to anything but the health checks on a
// connection from the health reserve, and closes it, freeing the slot.
func healthOnlyOnReserve(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(reserveConnKey{}) != nil && r.URL.Path != "/healthz" && r.URL.Path != "/readyz" {
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many connections", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// limitListener accepts at most lim.MaxConns connections at once, plus
// lim.HealthReserve marked as reserve; at the limit, Accept waits for a
// connection to close (as golang.org/x/net/netutil.LimitListener does,
// which Hearth does not depend on).
func limitListener(ln net.Listener, lim httpLimits) net.Listener {
	return &limitedListener{Listener: ln,
		main:    make(chan struct{}, max(lim.MaxConns, 1)),
		reserve: make(chan struct{}, max(lim.HealthReserve, 0)),
		closed:  make(chan struct{})}
}

type limitedListener struct {
	net.Listener
	main, reserve chan struct{} // a token in a channel is a slot taken
	closeOnce     sync.Once
	closed        chan struct{}
}

// acquire takes a main slot if one is free, else a reserve one, else
// waits for either; it reports false once the listener is closed.
func (l *limitedListener) acquire() (slots chan struct{}, ok bool) {
	select {
	case l.main <- struct{}{}:
		return l.main, true
	default:
	}
	select {
	case l.reserve <- struct{}{}:
		return l.reserve, true
	default:
	}
	select {
	case l.main <- struct{}{}:
		return l.main, true
	case l.reserve <- struct{}{}:
		return l.reserve, true
	case <-l.closed:
		return nil, false
	}
}

func (l *limitedListener) Accept() (net.Conn, error) {
	slots, ok := l.acquire()
	if !ok {
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-slots
		return nil, err
	}
	return &limitedConn{Conn: c, reserve: slots == l.reserve, release: func() { <-slots }}, nil
}

func (l *limitedListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// limitedConn gives its slot back when it is closed (once).
type limitedConn struct {
	net.Conn
	reserve bool
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite half-closes the connection and gives its slot back: net/http
// calls it before it lingers (half a second) to let the client read a
// response to a request whose body it did not read (the reserve's 503, a
// body cut off), and a connection sure to close should not hold a slot.
func (c *limitedConn) CloseWrite() error {
	var err error
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		err = cw.CloseWrite()
	}
	c.once.Do(c.release)
	return err
}
