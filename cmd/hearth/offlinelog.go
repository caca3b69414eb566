package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/hearth-community/hearth/bot"
)

// The offline commands (every command but run and the shell) print for the
// person at the terminal: results on standard output, problems as plain
// sentences on standard error. The core they drive logs as it does in the
// service; offlineLogger keeps those records out of the way.

// verboseFlag adds --verbose to a command whose core has a log to show.
func verboseFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("verbose", false, "also write Hearth's structured log (debug level) to standard error")
}

// offlineLogger is an offline command's log. With --verbose or
// HEARTH_LOG_LEVEL=debug it is the service's structured log at debug
// level, on standard error. Otherwise warnings and errors become one plain
// sentence each on standard error ("hearth: check-in chart: …") and the
// rest is dropped: HEARTH_LOG_LEVEL's other values are for `hearth run`,
// so a container that sets info for the service gets no log lines among a
// tool's output.
func offlineLogger(e env, cfg config, verbose bool) *slog.Logger {
	if verbose || cfg.LogLevel == slog.LevelDebug {
		return newLogger(e.stderr, slog.LevelDebug)
	}
	return slog.New(&sentenceHandler{w: e.stderr, mu: new(sync.Mutex)})
}

// sentenceHandler writes warnings and errors as "hearth: MESSAGE: ERR",
// without levels, times or the other attributes (ids the person did not
// ask about).
type sentenceHandler struct {
	w     io.Writer
	mu    *sync.Mutex // shared by the handlers derived with With: one writer
	attrs []slog.Attr // from With, searched for the error
}

var _ slog.Handler = (*sentenceHandler)(nil)

func (h *sentenceHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn
}

func (h *sentenceHandler) Handle(_ context.Context, r slog.Record) error {
	var cause string
	find := func(a slog.Attr) bool {
		if a.Key == "err" || a.Key == "error" {
			cause = a.Value.String()
			return false
		}
		return true
	}
	for _, a := range h.attrs {
		if !find(a) {
			break
		}
	}
	r.Attrs(find)
	line := r.Message
	if cause != "" {
		line += ": " + cause
	}
	line = strings.TrimSpace(bot.ForTerminal(line)) // an error may quote a member or a platform
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintf(h.w, "hearth: %s\n", line)
	return err
}

func (h *sentenceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &sentenceHandler{w: h.w, mu: h.mu, attrs: append(h.attrs[:len(h.attrs):len(h.attrs)], attrs...)}
}

func (h *sentenceHandler) WithGroup(string) slog.Handler { return h }
