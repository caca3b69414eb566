package fakeslack

import (
	"fmt"
	"time"
)

// What the fake received, for tests to read and wait for.

// Calls returns the recorded calls to method ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Posts returns the messages accepted so far.
func (s *Server) Posts() []Posted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Posted(nil), s.messages...)
}

// Responses returns what was posted to response URLs so far.
func (s *Server) Responses() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.responses...)
}

// Views returns the modals opened so far.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// Files returns the files shared so far.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]File(nil), s.files...)
}

// DMChannel returns the DM channel conversations.open created for user, if any.
func (s *Server) DMChannel(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dms[user]
}

// notifyLocked wakes the waiters. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits until check (run with s.mu held) returns true.
func (s *Server) waitFor(what string, check func() bool) {
	s.tb.Helper()
	deadline := time.NewTimer(WaitTimeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := check()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.tb.Fatalf("fakeslack: timed out after %v waiting for %s", WaitTimeout, what)
			return
		}
	}
}

// WaitCalls waits until method was called at least n times and returns the calls.
func (s *Server) WaitCalls(method string, n int) []Call {
	s.tb.Helper()
	var out []Call
	s.waitFor(fmt.Sprintf("%d calls to %s", n, method), func() bool {
		out = s.callsLocked(method)
		return len(out) >= n
	})
	return out
}

// WaitPosts waits until at least n messages were accepted.
func (s *Server) WaitPosts(n int) []Posted {
	s.tb.Helper()
	var out []Posted
	s.waitFor(fmt.Sprintf("%d messages", n), func() bool {
		out = append([]Posted(nil), s.messages...)
		return len(out) >= n
	})
	return out
}

// WaitResponses waits until at least n response_url posts were received.
func (s *Server) WaitResponses(n int) []Response {
	s.tb.Helper()
	var out []Response
	s.waitFor(fmt.Sprintf("%d response_url posts", n), func() bool {
		out = append([]Response(nil), s.responses...)
		return len(out) >= n
	})
	return out
}

// WaitViews waits until at least n modals were opened.
func (s *Server) WaitViews(n int) []View {
	s.tb.Helper()
	var out []View
	s.waitFor(fmt.Sprintf("%d views", n), func() bool {
		out = append([]View(nil), s.views...)
		return len(out) >= n
	})
	return out
}

// WaitFiles waits until at least n files were shared.
func (s *Server) WaitFiles(n int) []File {
	s.tb.Helper()
	var out []File
	s.waitFor(fmt.Sprintf("%d files", n), func() bool {
		out = append([]File(nil), s.files...)
		return len(out) >= n
	})
	return out
}
