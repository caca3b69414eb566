package shell

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// tags shows the SGR sequences as readable tags.
var tags = strings.NewReplacer(sgrBold, "{b}", sgrDim, "{dim}", sgrBoldOff, "{/b}", sgrItalic, "{i}", sgrItalicOff, "{/i}",
	sgrRed, "{red}", sgrCyan, "{code}", sgrColourOff, "{/c}")

func TestRender(t *testing.T) {
	cases := []struct {
		in, terminal, colour string
	}{
		{"**Members** 5 · active 3", "Members 5 · active 3", "{b}Members{/b} 5 · active 3"},
		{"*Intros* are on", "Intros are on", "{b}Intros{/b} are on"},
		{"_In a week I'll ask._", "In a week I'll ask.", "{i}In a week I'll ask.{/i}"},
		{"Try `/hearth help` now", "Try `/hearth help` now", "Try {code}/hearth help{/c} now"},
		{"# Community impact", "Community impact", "{b}Community impact{/b}"},
		{"## Participation over **time**", "Participation over time", "{b}Participation over time{/b}"},
		{"- one\n* two\n• three", "• one\n• two\n• three", "• one\n• two\n• three"},
		{"  • #4 *bold* item", "  • #4 bold item", "  • #4 {b}bold{/b} item"},
		{"see <https://example.org/x|the guide>", "see the guide (https://example.org/x)", "see the guide {dim}(https://example.org/x){/b}"},
		{"see <https://example.org/x>", "see https://example.org/x", "see https://example.org/x"},
		{"see [the guide](https://example.org/x).", "see the guide (https://example.org/x).", "see the guide {dim}(https://example.org/x){/b}."},
		{"![Participation](/tmp/chart.png)", "Participation (/tmp/chart.png)", "Participation {dim}(/tmp/chart.png){/b}"},
		{"_Every answer is in `hearth checkins --run 3`._", "Every answer is in `hearth checkins --run 3`.", "{i}Every answer is in {code}hearth checkins --run 3{/c}.{/i}"},
		// Markers that open and close nothing stay as they are.
		{"cron like `0 9 * * MON` or 0 9 * * MON", "cron like `0 9 * * MON` or 0 9 * * MON", "cron like {code}0 9 * * MON{/c} or 0 9 * * MON"},
		{"set HEARTH_DB_PATH and snake_case_name", "set HEARTH_DB_PATH and snake_case_name", "set HEARTH_DB_PATH and snake_case_name"},
		{"2 * 3 = 6, a*b*c", "2 * 3 = 6, a*b*c", "2 * 3 = 6, a*b*c"},
		{"#design is a channel, #4 a schedule", "#design is a channel, #4 a schedule", "#design is a channel, #4 a schedule"},
		{"<3 and <not a link> and [x] (y)", "<3 and <not a link> and [x] (y)", "<3 and <not a link> and [x] (y)"},
		{"an unclosed `tick and **bold", "an unclosed `tick and **bold", "an unclosed `tick and **bold"},
		{"| month | posts |\n| --- | ---: |", "| month | posts |\n| --- | ---: |", "| month | posts |\n| --- | ---: |"},
		{"**Top** _x_ `y`", "Top x `y`", "{b}Top{/b} {i}x{/i} {code}y{/c}"},
	}
	for _, c := range cases {
		if got := LookTerminal.render(c.in); got != c.terminal {
			t.Errorf("terminal render(%q)\n got %q\nwant %q", c.in, got, c.terminal)
		}
		if got := tags.Replace(LookColour.render(c.in)); got != c.colour {
			t.Errorf("colour render(%q)\n got %q\nwant %q", c.in, got, c.colour)
		}
		if got := LookPlain.render(c.in); got != strings.ReplaceAll(c.in, "**", "") {
			t.Errorf("plain render(%q) = %q, want only ** removed, as scripts always had it", c.in, got)
		}
	}
}

// FuzzRender: whatever a post holds, once made safe (bot.ForTerminal) the
// terminal looks print no escape but their own styling, never fail, and
// keep the text's lines.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"**bold** _it_ `code`", "# h\n- a\n* b", "<https://x|y> [t](u) ![a](b)", "* * _ ` ** __", "\x1b[2J*x*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		safe := bot.ForTerminal(s)
		for _, look := range []Look{LookTerminal, LookColour} {
			out := look.render(safe)
			if rest := sgrOfLook.ReplaceAllString(out, ""); strings.Contains(rest, "\x1b") {
				t.Fatalf("look %d printed an escape of its own making from %q: %q", look, s, out)
			}
			if look == LookTerminal && strings.Contains(out, "\x1b") {
				t.Fatalf("LookTerminal coloured %q: %q", s, out)
			}
			if strings.Count(out, "\n") != strings.Count(safe, "\n") {
				t.Fatalf("look %d changed the lines of %q: %q", look, s, out)
			}
		}
	})
}

var sgrOfLook = regexp.MustCompile(`\x1b\[(1|2|3|22|23|31|36|39)m`)
