package bot_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "report 30d #design", want: []string{"report", "30d", "#design"}},
		{in: `prompt add "every monday at 9:00" "What did you try?"`, want: []string{"prompt", "add", "every monday at 9:00", "What did you try?"}},
		{in: `  spaced   out  `, want: []string{"spaced", "out"}},
		{in: `it\'s`, want: []string{"it's"}},
		{in: `glad you're here, it's "fine"`, want: []string{"glad", "you're", "here,", "it's", "fine"}},
		{in: `tz="Europe/Paris" closes='48h'`, want: []string{"tz=Europe/Paris", "closes=48h"}},
		{in: `say"hi there"`, want: []string{`say"hi`, `there"`}},
		{in: `“curly quotes” ok`, want: []string{"curly quotes", "ok"}},
		{in: `''`, want: []string{""}},
		{in: `"unterminated`, err: true},
		{in: "", want: nil},
		{in: strings.Repeat("x", bot.MaxCommandLength+1), err: true},
		{in: "bad \xff utf8", err: true},
	}
	for _, tt := range tests {
		got, err := bot.Tokenize(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("Tokenize(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if !tt.err && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuoteRoundTrips(t *testing.T) {
	for _, s := range []string{"plain", "two words", `say "hi"`, `back\slash`, "", "it's"} {
		got, err := bot.Tokenize(bot.Quote(s))
		if err != nil || len(got) != 1 || got[0] != s {
			t.Errorf("Tokenize(Quote(%q)) = %q, %v", s, got, err)
		}
	}
}

func TestParse(t *testing.T) {
	table := features.Commands()
	tests := []struct {
		in       string
		command  string
		args     map[string]string
		errCode  string
		errMatch string
	}{
		{in: "report", command: "report", args: map[string]string{}},
		{in: "report 30d", command: "report", args: map[string]string{"period": "30d"}},
		{in: "report #design", command: "report", args: map[string]string{"channel": "#design"}},
		{in: "REPORT 90d <#C123|design>", command: "report", args: map[string]string{"period": "90d", "channel": "<#C123|design>"}},
		{in: "report 2026-11-01..2026-11-28 #x", command: "report", args: map[string]string{"period": "2026-11-01..2026-11-28", "channel": "#x"}},
		{in: "facilitator add @alice", command: "facilitator add", args: map[string]string{"member": "@alice"}},
		{in: "facilitator add <@U123>", command: "facilitator add", args: map[string]string{"member": "<@U123>"}},
		{in: "facilitators", command: "facilitator list", args: map[string]string{}},
		{in: "help report", command: "help", args: map[string]string{"command": "report"}},
		{in: "help facilitator add", command: "help", args: map[string]string{"command": "facilitator add"}},
		{in: "", errCode: bot.ECommand, errMatch: "/hearth help"},
		{in: "reprot", errCode: bot.ECommand, errMatch: "Did you mean `/hearth report`"},
		{in: "dance", errCode: bot.ECommand, errMatch: "I don't know `/hearth dance`"},
		{in: "facilitator", errCode: bot.ECommand, errMatch: "needs a sub-command"},
		{in: "facilitator add", errCode: bot.EArgument, errMatch: "Missing a member"},
		{in: "facilitator add alice", errCode: bot.EArgument, errMatch: "I expected a member"},
		{in: "report #a #b", errCode: bot.EArgument, errMatch: "Usage: `/hearth report [PERIOD] [#channel]`"},
		{in: "report yesterday", errCode: bot.EArgument, errMatch: `"yesterday"`},
		{in: `report "open`, errCode: bot.ECommand, errMatch: "quote"},
	}
	for _, tt := range tests {
		p, err := bot.Parse(table, tt.in)
		if tt.errCode != "" {
			if err == nil {
				t.Errorf("Parse(%q) = %s, want error %s", tt.in, p.Spec.Name(), tt.errCode)
				continue
			}
			if got := bot.ErrorCode(err); got != tt.errCode {
				t.Errorf("Parse(%q) code = %s, want %s (%v)", tt.in, got, tt.errCode, err)
			}
			if !strings.Contains(bot.ErrorMessage(err), tt.errMatch) {
				t.Errorf("Parse(%q) message = %q, want it to contain %q", tt.in, bot.ErrorMessage(err), tt.errMatch)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if p.Spec.Name() != tt.command || !reflect.DeepEqual(p.Args, tt.args) {
			t.Errorf("Parse(%q) = %s %v, want %s %v", tt.in, p.Spec.Name(), p.Args, tt.command, tt.args)
		}
	}
}

func TestRefs(t *testing.T) {
	tests := []struct {
		tok, id, name string
		channel, ok   bool
	}{
		{tok: "<#C123|design>", id: "C123", name: "design", channel: true, ok: true},
		{tok: "<#81384788765712384>", id: "81384788765712384", channel: true, ok: true},
		{tok: "#general", name: "general", channel: true, ok: true},
		{tok: "#", channel: true},
		{tok: "<#>", channel: true},
		{tok: "<#C1", channel: true},
		{tok: "<@U123>", id: "U123", ok: true},
		{tok: "<@!123>", id: "123", ok: true},
		{tok: "<@U1|alice>", id: "U1", name: "alice", ok: true},
		{tok: "@alice", name: "alice", ok: true},
		{tok: "@", ok: false},
		{tok: "alice", ok: false},
	}
	for _, tt := range tests {
		var id, name string
		var ok bool
		if tt.channel {
			id, name, ok = bot.ParseChannelRef(tt.tok)
		} else {
			id, name, ok = bot.ParseMemberRef(tt.tok)
		}
		if ok != tt.ok || id != tt.id || name != tt.name {
			t.Errorf("ref %q = (%q, %q, %v), want (%q, %q, %v)", tt.tok, id, name, ok, tt.id, tt.name, tt.ok)
		}
	}
}

// FuzzParse: nothing a person types may panic the parser, and every error
// is one meant for people (it carries a code and a message).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"report 30d #design", `help "x`, "facilitator add <@U1>", "<#", "report 2026-01-01..", "\\", "“", "report 9999999999999999999d"} {
		f.Add(s)
	}
	table := features.Commands()
	f.Fuzz(func(t *testing.T, s string) {
		p, err := bot.Parse(table, s)
		if err != nil {
			if bot.ErrorCode(err) == bot.EInternal {
				t.Fatalf("Parse(%q) returned an internal error: %v", s, err)
			}
			return
		}
		if p.Spec == nil {
			t.Fatalf("Parse(%q) returned no command and no error", s)
		}
	})
}

func TestParseAliases(t *testing.T) {
	table := []bot.CommandSpec{
		{Path: []string{"pilot", "launch"}, Aliases: [][]string{{"launch"}}},
		{Path: []string{"event", "list"}, Aliases: [][]string{{"events"}}, Args: []bot.Arg{{Name: "n", Kind: bot.ArgNumber}}},
	}
	for _, tc := range []struct{ in, want, n string }{
		{"launch", "pilot launch", ""},
		{"pilot launch", "pilot launch", ""},
		{"events 3", "event list", "3"},
		{"event list 3", "event list", "3"},
	} {
		p, err := bot.Parse(table, tc.in)
		if err != nil || p.Spec.Name() != tc.want || p.Args["n"] != tc.n {
			t.Errorf("Parse(%q) = %v %v, %v; want %s n=%q", tc.in, p.Spec, p.Args, err, tc.want, tc.n)
		}
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"report", "digest", "db", "plan show", "plan apply"}
	for word, want := range map[string]string{
		"reprot": "report", "digset": "digest", "dbb": "db", "plan shwo": "plan show",
		"xyz": "", "": "", "completely-different": "",
	} {
		if got := bot.Nearest(word, cands); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", word, got, want)
		}
	}
}
