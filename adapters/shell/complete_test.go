package shell

import (
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	commands := [][]string{{"report"}, {"remind"}, {"help"}, {"facilitator", "add"}, {"facilitator", "remove"}, {"launch"}}
	cases := []struct {
		line    string // | marks the cursor
		want    string
		choices string
	}{
		{":adv|", ":advance |", ""},
		{":|", ":|", ":advance :channel :help :now :quit"},
		{"alice: /he|", "alice: /hearth |", ""},
		{"bob #design: /hearth h|", "bob #design: /hearth help |", ""},
		{"alice: /hearth re|", "alice: /hearth re|", "remind report"},
		{"alice: /hearth rep|", "alice: /hearth report |", ""},
		{"alice: /hearth REP|", "alice: /hearth report |", ""},
		{"alice: /hearth f|", "alice: /hearth facilitator |", ""},
		{"alice: /hearth facilitator a|", "alice: /hearth facilitator add |", ""},
		{"alice: /hearth facilitator |", "alice: /hearth facilitator |", "add remove"},
		{"alice: /hearth rep| @bob", "alice: /hearth report | @bob", ""},
		{"alice: /hearth report |", "alice: /hearth report |", ""},
		{"alice: hello|", "alice: hello|", ""},
		{"alice: hi /hearth rep|", "alice: hi /hearth rep|", ""},
		{"alice|", "alice|", ""},
		{"|", "|", ""},
		{":advance 1|", ":advance 1|", ""},
	}
	for _, c := range cases {
		pos := strings.Index(c.line, "|")
		line := strings.Replace(c.line, "|", "", 1)
		got, gotPos, choices := complete(line, pos, commands)
		if shown := got[:gotPos] + "|" + got[gotPos:]; shown != c.want || strings.Join(choices, " ") != c.choices {
			t.Errorf("complete(%q) = %q, choices %q; want %q, %q", c.line, shown, choices, c.want, c.choices)
		}
	}
}
