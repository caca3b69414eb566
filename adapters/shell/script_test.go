package shell

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		in   string
		want line
		err  string
	}{
		{in: "", want: line{kind: lineBlank}},
		{in: "   # a comment", want: line{kind: lineBlank}},
		{in: "alice: hello: world", want: line{kind: lineMessage, name: "alice", text: "hello: world"}},
		{in: "bob #Design: a question", want: line{kind: lineMessage, name: "bob", channel: "design", text: "a question"}},
		{in: "carol reply: good point", want: line{kind: lineReply, name: "carol", text: "good point"}},
		{in: "carol reply 3: good point", want: line{kind: lineReply, name: "carol", target: 3, text: "good point"}},
		{in: "carol reply [3]: ok", want: line{kind: lineReply, name: "carol", target: 3, text: "ok"}},
		{in: "dave react: :tada:", want: line{kind: lineReact, name: "dave", text: "tada"}},
		{in: "dave react 2: +1", want: line{kind: lineReact, name: "dave", target: 2, text: "+1"}},
		{in: "erin dm: hi there", want: line{kind: lineDM, name: "erin", text: "hi there"}},
		{in: "frank joins", want: line{kind: lineJoin, name: "frank"}},
		{in: "frank leaves", want: line{kind: lineLeave, name: "frank"}},
		{in: "alice clicks Last 30 days", want: line{kind: lineClick, name: "alice", text: "Last 30 days"}},
		{in: "alice clicks [Going]", want: line{kind: lineClick, name: "alice", text: "Going"}},
		{in: "alice clicks 2:Yes", want: line{kind: lineClick, name: "alice", text: "2:Yes"}},
		{in: "alice clicks [2:Yes]", want: line{kind: lineClick, name: "alice", text: "2:Yes"}},
		{in: "alice clicks Note: later", want: line{kind: lineClick, name: "alice", text: "Note: later"}},
		{in: "alice presses  2 : Yes ", want: line{kind: lineClick, name: "alice", text: "2 : Yes"}},
		{in: "alice clicks: hi", err: "can't read"},
		{in: "alice: clicks 2:Yes", want: line{kind: lineMessage, name: "alice", text: "clicks 2:Yes"}},
		{in: "a/b clicks 2:Yes", err: "can't be a member's name"},
		{in: ":advance 3d", want: line{kind: lineDirective, verb: "advance", text: "3d"}},
		{in: ":NOW", want: line{kind: lineDirective, verb: "now"}},
		{in: "alice clicks", err: "which button"},
		{in: "alice", err: "can't read"},
		{in: "alice dances", err: "can't read"},
		{in: "alice:", err: "said nothing"},
		{in: "a/b: hi", err: "can't be a member's name"},
		{in: "alice reply x: hi", err: "not a message number"},
		{in: "alice reply 0: hi", err: "not a message number"},
		{in: "alice react:", err: "react with what"},
		{in: "alice #a/b: hi", err: "can't be a channel's name"},
		{in: "alice foo bar: hi", err: "can't read"},
		{in: ": hello", err: ""},
		{in: strings.Repeat("x", maxLine+1), err: "too long"},
	}
	for _, tt := range tests {
		got, err := parseLine(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseLine(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if tt.in == ": hello" { // a directive with an empty verb: harmless
			continue
		}
		if err != nil {
			t.Errorf("parseLine(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parseLine(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{in: "3d", want: 72 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "2w", want: 14 * 24 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "1 d", want: 24 * time.Hour},
		{in: "", err: true},
		{in: "d", err: true},
		{in: "3", err: true},
		{in: "3y", err: true},
		{in: "0d", err: true},
		{in: "9999999d", err: true},
		{in: "5000d", err: true},
		{in: "260w", want: 260 * 7 * 24 * time.Hour},
		{in: "999999w", err: true},
		{in: strings.Repeat("999999w", 14), err: true}, // wrapped around to 1,574 days
		{in: "261w999999s", err: true},
		{in: "1830d1s", err: true},
		{in: "1830d", want: 1830 * 24 * time.Hour},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"alice: hi", "bob reply 2: x", "c react: y", "d clicks A b", "d clicks 2:A", ":advance 1d", "e #x: y", "f dm: /hearth me"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := parseLine(s)
		if err == nil && l.kind != lineBlank && l.kind != lineDirective && !validName(l.name) {
			t.Fatalf("parseLine(%q) accepted name %q", s, l.name)
		}
		if d, err := parseDuration(s); err == nil && (d <= 0 || d > maxAdvance) {
			t.Fatalf("parseDuration(%q) = %v", s, d)
		}
		if c := clipped(s); utf8.ValidString(s) && !utf8.ValidString(c) {
			t.Fatalf("clipped(%q) = %q cuts a character", s, c)
		}
	})
}
