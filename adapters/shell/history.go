package shell

// The shell's history of typed lines, kept in a file of the person's own
// so that Up arrow recalls them in the next session too.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/term"
)

// DefaultHistoryLines bounds the history file: older lines are dropped.
const DefaultHistoryLines = 1000

// History is the lines typed at the shell's prompt, newest last, kept in a
// file readable only by its owner (0600, in a 0700 directory) and bounded
// to max lines. The shell's lines are what the person at the terminal typed
// to play the members, like a command shell's history; Hearth's own replies
// are never kept. Lines that start with a space, blank lines, a repeat of
// the line before and lines longer than the shell reads are not kept.
//
// One History serves one terminal; several shells writing the same file
// each append their lines, and the file is cut back to the newest max
// lines when it has grown to twice that.
type History struct {
	path string // "" keeps the history for the session only
	max  int

	mu    sync.Mutex // guards lines and writes to the file
	lines []string   // oldest first, at most max
	// onDisk counts the lines the file holds, to know when to cut it back.
	onDisk int
	err    error // the first failure to write the file, if any
}

var _ term.History = (*History)(nil)

// OpenHistory reads the history file at path, creating its directory
// (0700) if needed, and keeps at most max lines (DefaultHistoryLines when
// max <= 0). A missing file is an empty history. An empty path keeps the
// history in memory for the session only.
func OpenHistory(path string, max int) (*History, error) {
	if max <= 0 {
		max = DefaultHistoryLines
	}
	h := &History{path: path, max: max}
	if path == "" {
		return h, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("history: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := sc.Text(); keepInHistory(l) {
			h.lines = append(h.lines, l)
			h.onDisk++
		}
	}
	if len(h.lines) > max {
		h.lines = append([]string(nil), h.lines[len(h.lines)-max:]...)
	}
	if h.onDisk > max || (err == nil && hasWiderMode(path)) {
		// Cut back now (and tighten a file made by hand with wider
		// permissions): the file never holds more than it must.
		if err := h.rewrite(); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// keepInHistory reports whether a typed line is worth keeping: not blank,
// not started with a space (the person's way to keep a line out, as in
// bash), not longer than a line the shell or its editor reads.
func keepInHistory(l string) bool {
	return strings.TrimSpace(l) != "" && !strings.HasPrefix(l, " ") && len(l) <= maxLine &&
		utf8.RuneCountInString(l) < editorMaxRunes && !strings.ContainsAny(l, "\r\n")
}

func hasWiderMode(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o077 != 0
}

// Add records a typed line (term.History). The file is appended to; a
// failure to write is kept for Err and the line stays in memory.
func (h *History) Add(l string) {
	if !keepInHistory(l) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := len(h.lines); n > 0 && h.lines[n-1] == l {
		return
	}
	h.lines = append(h.lines, l)
	if len(h.lines) > h.max {
		h.lines = append(h.lines[:0:0], h.lines[len(h.lines)-h.max:]...)
	}
	if h.path == "" {
		return
	}
	var err error
	if h.onDisk+1 >= 2*h.max {
		err = h.rewrite()
	} else {
		err = h.appendLine(l)
	}
	if err != nil && h.err == nil {
		h.err = err
	}
}

// Len is the number of lines kept (term.History).
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.lines)
}

// At returns a kept line, 0 being the newest (term.History). It panics
// out of range, as term.History allows.
func (h *History) At(i int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lines[len(h.lines)-1-i]
}

// Err is the first failure to write the history file, if any.
func (h *History) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

func (h *History) appendLine(l string) error {
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	_, err = f.WriteString(l + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	h.onDisk++
	return nil
}

// rewrite replaces the file with the lines kept, through a temporary file
// (0600, as os.CreateTemp makes it) renamed over it, so a crash leaves the
// old file or the new one.
func (h *History) rewrite() error {
	tmp, err := os.CreateTemp(filepath.Dir(h.path), ".history-*")
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	var buf bytes.Buffer
	for _, l := range h.lines {
		buf.WriteString(l + "\n")
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), h.path)
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	h.onDisk = len(h.lines)
	return nil
}
