package bot

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestForTerminal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"two\nlines\tand a tab", "two\nlines\tand a tab"},
		{"café ☕ 日本", "café ☕ 日本"},
		{"\x1b]0;owned\x07title", `\x1b]0;owned\x07title`},
		{"\x1b]52;c;aGk=\x07", `\x1b]52;c;aGk=\x07`},
		{"\x1b[2Jcleared", `\x1b[2Jcleared`},
		{"over\rwrite", `over\rwrite`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bidi \u202eevil\u2066", `bidi \u202eevil\u2066`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
	} {
		if got := ForTerminal(tc.in); got != tc.want {
			t.Errorf("ForTerminal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzForTerminal(f *testing.F) {
	for _, s := range []string{"", "a\x1b[2J", "\u202e", "\xff", "\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := ForTerminal(s)
		if !utf8.ValidString(out) {
			t.Fatalf("ForTerminal(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || bidiControl(r) {
				t.Fatalf("ForTerminal(%q) = %q keeps control %U", s, out, r)
			}
		}
		if terminalClean(s) != (out == s) {
			t.Fatalf("terminalClean(%q) = %v but output %q", s, terminalClean(s), out)
		}
	})
}

func TestCSVWriterNeutralisesFormulas(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSVWriter(&buf)
	in := []string{`=HYPERLINK("http://evil.example","click")`, "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "-3", "+1.5", "1e3", "plain", "", "a=b"}
	if err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(strings.NewReader(buf.String())).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`'=HYPERLINK("http://evil.example","click")`, "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "-3", "+1.5", "1e3", "plain", "", "a=b"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %d: %q became %q, want %q", i, in[i], got[i], want[i])
		}
	}
	if in[0] != `=HYPERLINK("http://evil.example","click")` {
		t.Error("Write changed the caller's record")
	}
}

func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"=1", "-1", "+", "@", "\t", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := CSVCell(s)
		if out == "" {
			return
		}
		switch out[0] {
		case '=', '@', '\t', '\r':
			t.Fatalf("CSVCell(%q) = %q still starts a formula", s, out)
		case '+', '-':
			if out != s {
				t.Fatalf("CSVCell(%q) = %q", s, out)
			}
		}
	})
}
