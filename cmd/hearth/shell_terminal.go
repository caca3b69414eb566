package main

// The shell at a person's terminal: line editing and history (see
// shell.Editor), and the history file's place.

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/term"

	"github.com/hearth-community/hearth/adapters/shell"
	"github.com/hearth-community/hearth/bot"
)

// ttyFiles are standard input and output when both are one terminal's.
type ttyFiles struct{ in, out *os.File }

// shellTerminal reports whether the shell is played at a terminal: input
// and output both terminals. Anything else (a script, a pipe, a test)
// reads and prints as it always did.
func shellTerminal(e env) (ttyFiles, bool) {
	in, ok1 := e.stdin.(*os.File)
	out, ok2 := e.stdout.(*os.File)
	if !e.terminal || !ok1 || !ok2 || !term.IsTerminal(int(in.Fd())) || !term.IsTerminal(int(out.Fd())) {
		return ttyFiles{}, false
	}
	return ttyFiles{in, out}, true
}

// openEditor puts the terminal in raw mode and returns the shell's line
// editor on it, with the history file (historyPath) and Tab completion of
// the command table, and the function that gives the terminal back as it
// was. While the terminal is raw, a log on the same terminal (stderr)
// goes through the editor (logOut). A history file that can't be opened
// is logged and the history kept for the session only.
func openEditor(tty ttyFiles, commands []bot.CommandSpec, getenv func(string) string, stderr io.Writer,
	logOut *switchWriter, log *slog.Logger) (*shell.Editor, func(), error) {
	path := historyPath(getenv)
	hist, err := shell.OpenHistory(path, shell.DefaultHistoryLines)
	if err != nil {
		log.Warn("history kept for this session only", "err", err)
		hist, _ = shell.OpenHistory("", shell.DefaultHistoryLines)
	}
	state, err := term.MakeRaw(int(tty.in.Fd()))
	if err != nil {
		return nil, nil, err
	}
	editor := shell.NewEditor(shell.EditorConfig{
		Terminal: struct {
			io.Reader
			io.Writer
		}{tty.in, tty.out},
		History:  hist,
		Size:     func() (int, int, error) { return term.GetSize(int(tty.out.Fd())) },
		Commands: shell.CommandPaths(commands),
	})
	restore := func() {
		term.Restore(int(tty.in.Fd()), state)
		logOut.set(stderr) // the terminal is cooked again
		if err := hist.Err(); err != nil {
			log.Warn("history not saved", "file", path, "err", err)
		}
	}
	if isTerminalWriter(stderr) {
		logOut.set(editor) // a raw terminal needs the editor's line ends
	}
	return editor, restore, nil
}

// historyPath is the shell's history file: $XDG_STATE_HOME/hearth/history,
// or ~/.local/state/hearth/history (the XDG default); "" (history for the
// session only) when neither variable is set. XDG_STATE_HOME must be an
// absolute path to count, as the XDG specification says.
func historyPath(getenv func(string) string) string {
	if dir := getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "hearth", "history")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "state", "hearth", "history")
	}
	return ""
}

// switchWriter is the shell's log destination: standard error, until the
// line editor takes the terminal (set), then the editor, which writes
// above the line being typed with the line ends a raw terminal needs.
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *switchWriter) set(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = w
}

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
