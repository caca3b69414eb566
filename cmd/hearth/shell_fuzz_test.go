package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// fuzzMembers play the fuzzed scripts; carol facilitates (shellSession).
var fuzzMembers = []string{"alice", "bob", "carol", "dave", "erin"}

// fuzzCommands are what fuzzed members type after /hearth: commands that
// create schedules (minute-level among them), post, ask and change things.
var fuzzCommands = []string{
	`prompt add "@every 1m" "Still there?"`,
	`prompt add "@every 7m" "What are you reading?" #design`,
	`prompt add "daily at 9:00" "Good morning?"`,
	`prompt deck add "A prompt from the deck"`,
	`prompt deck schedule "@every 5m"`,
	`prompt now`,
	`report`, `report 30d`, `me`, `help`, `facilitators`,
	`checkin start pulse`, `checkin start pulse #general`, `checkin schedule pulse "@every 10m"`,
	`checkin list`, `checkin close 1`, `checkin results pulse`,
	`event add "Meetup" "2026-11-02 12:00" 1h`, `event list`, `event attend 1 @alice`,
	`nudge run`, `nudge settings mode=auto threshold=1d`, `nudge schedule "@every 30m"`,
	`intros on`, `intros schedule "@every 3m"`, `intros now`, `intros list`,
	`share https://example.org/a #tag a note`, `resources`, `resource remove 1`,
	`schedule list`, `schedule pause 1`, `schedule resume 1`, `schedule remove 2`,
	`digest now`, `digest schedule "@every 15m"`,
	`pilot start`, `launch`, `charter set purpose practice together`, `charter`,
	`story a small win`, `stories`, `quiet 1`, `privacy`, `welcome set hi {name}`,
}

var fuzzLabels = []string{"Last 30 days", "Yes", "No", "1:Yes", "2:4", "Going", "Maybe", "Approve", "3", "Everyone"}

var fuzzAdvances = []string{"1m", "7m", "1h", "3h", "1d", "2d", "1w", "30d", "999999w999999w"}

var fuzzWords = []string{"hello", "a question about retros", "\x1b]0;title\x07", "thanks!", "日本語のメモ", "/hearthx no"}

// fuzzScript turns fuzz bytes into a shell script of at most 40 lines:
// each pair of bytes is a line, its kind from the first and its member,
// words, target or duration from the second; some lines are raw bytes.
// At most five lines move time by :advance, so an input stays quick.
func fuzzScript(data []byte) string {
	var lines []string
	advances := 0
	for i := 0; i+1 < len(data) && len(lines) < 40; i += 2 {
		op, arg := int(data[i]), int(data[i+1])
		who := fuzzMembers[arg%len(fuzzMembers)]
		words := fuzzWords[arg/len(fuzzMembers)%len(fuzzWords)]
		switch op % 14 {
		case 0:
			lines = append(lines, who+": "+words)
		case 1:
			lines = append(lines, fmt.Sprintf("%s #%s: %s", who, []string{"general", "design", "random"}[arg%3], words))
		case 2:
			lines = append(lines, who+" reply: "+words)
		case 3:
			lines = append(lines, fmt.Sprintf("%s reply %d: %s", who, arg%12+1, words))
		case 4:
			lines = append(lines, who+" react: "+[]string{"tada", "+1", "x\x1b[2J"}[arg%3])
		case 5:
			lines = append(lines, fmt.Sprintf("%s react %d: heart", who, arg%12+1))
		case 6:
			lines = append(lines, who+" dm: "+[]string{"4", "yes", "it went well", "/hearth me"}[arg%4])
		case 7:
			lines = append(lines, who+" "+[]string{"joins", "leaves"}[arg%2])
		case 8:
			lines = append(lines, who+" clicks "+fuzzLabels[arg/len(fuzzMembers)%len(fuzzLabels)])
		case 9, 10:
			if arg%4 != 0 {
				who = "carol" // most commands are for facilitators
			}
			lines = append(lines, who+": /hearth "+fuzzCommands[arg/4%len(fuzzCommands)])
		case 11:
			if advances++; advances > 5 {
				lines = append(lines, ":now")
				continue
			}
			lines = append(lines, ":advance "+fuzzAdvances[arg%len(fuzzAdvances)])
		case 12:
			lines = append(lines, []string{":channel #design", ":channel #general", ":now", ":help"}[arg%4])
		case 13:
			n := min(arg%24, len(data)-i-2)
			lines = append(lines, string(data[i+2:i+2+n]))
			i += n
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// FuzzShellScript drives whole shell scripts through the real core and a
// SQLite database: no panic, no internal error ("Sorry, something went
// wrong on my side"), and replay idempotence: running the script twice
// into one database leaves it as running it once. One :advance runs at
// most 10 firings here, so an input takes well under a second.
func FuzzShellScript(f *testing.F) {
	for _, seed := range [][]byte{
		{9, 1, 0, 0, 11, 2, 2, 1, 4, 3, 11, 7},                  // a minute prompt, talk, 1h, 30d
		{9, 45, 8, 5, 6, 0, 11, 3, 6, 6, 8, 15},                 // a check-in, clicks, written answers
		{9, 93, 9, 92, 9, 97, 9, 89, 11, 7, 11, 8},              // intros, nudges, 30d, an overflow
		{1, 4, 3, 5, 5, 7, 7, 3, 13, 10, 'a', 'l', 'i', ':', 0}, // channels, numbers, raw bytes
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		script := fuzzScript(data)
		db := filepath.Join(t.TempDir(), "fuzz.db")
		var dumps []string
		for run := 1; run <= 2; run++ {
			out, err := shellSession(t, db, script, "--max-firings", "10")
			if err != nil {
				t.Fatalf("run %d: %v\nscript:\n%s\noutput:\n%s", run, err, script, out)
			}
			if strings.Contains(out, bot.Apology) {
				t.Fatalf("run %d: an internal error\nscript:\n%s\noutput:\n%s", run, script, out)
			}
			dumps = append(dumps, dumpDB(t, db))
		}
		if dumps[0] != dumps[1] {
			t.Fatalf("running the script again changed the database\nscript:\n%s\n%s", script, lineDiff(dumps[0], dumps[1]))
		}
	})
}
