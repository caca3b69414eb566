package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/store"
)

// Hostile text as members and platforms could write it: terminal escape
// sequences (window title, clipboard, clear screen, the one-byte C1 CSI, a
// bidi override) behind the starts of a spreadsheet formula.
const (
	hostileTitle     = "=HYPERLINK(\"http://evil.example\",\"click\")\x1b]0;owned\x07"
	hostileClipboard = "+1+cmd\x1b]52;c;ZXZpbA==\x07"
	hostileClear     = "-2-\x1b[2J"
	hostileCSI       = "@SUM(A1)\u009b31m"
	hostileBidi      = "\tcat\u202etxt.exe"
	hostileCR        = "\rfine\x1b[1A"
)

// seedHostile writes a community whose every member- or platform-written
// field is hostile: names, channel, resource URL and note, survey title,
// question and answers, event title.
func seedHostile(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hostile.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const comm = "shell:local"
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	dir := bot.Directory{Community: bot.Community{ID: comm, Platform: bot.Shell, Name: hostileCR + " community"}, At: at.AddDate(0, 0, -30),
		Members:  []bot.Member{{ID: "alice", Name: hostileTitle + "\u0085"}, {ID: "bob", Name: hostileClipboard}, {ID: "carol", Name: hostileClear}},
		Channels: []bot.Channel{{ID: "c1", Name: hostileCSI}}}
	if err := db.SaveDirectory(ctx, dir); err != nil {
		t.Fatal(err)
	}
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(at)})
	if err == nil {
		err = features.Register(core, db)
	}
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range []string{"alice", "bob", "alice"} {
		when := at.Add(time.Duration(i) * time.Hour)
		if err := core.HandleEvent(ctx, bot.Event{Kind: bot.KindMessage, Community: comm, Channel: "c1", Member: m, At: when,
			Key: "m" + string(rune('0'+i)), Message: "m" + string(rune('0'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddResource(ctx, library.Resource{Community: comm, Member: "bob", Channel: "c1",
		URL: "https://example.com/" + hostileClipboard, Tags: []string{"tools"}, Note: hostileTitle + hostileBidi, SharedAt: at}); err != nil {
		t.Fatal(err)
	}
	survey := checkins.Survey{Name: "pulse", Title: hostileTitle, Questions: []checkins.Question{
		{ID: "learned", Kind: checkins.QuestionText, Prompt: hostileBidi},
		{ID: "value", Kind: checkins.QuestionScale, Prompt: "Value?", Min: 1, Max: 5}}}
	if err := db.SaveSurvey(ctx, comm, survey, at); err != nil {
		t.Fatal(err)
	}
	run, err := db.CreateRun(ctx, checkins.CheckinRun{Community: comm, Survey: survey, Delivery: checkins.DeliverDM,
		OpenedAt: at, ClosesAt: at.Add(48 * time.Hour)}, []string{"alice", "bob"})
	if err != nil {
		t.Fatal(err)
	}
	for member, answer := range map[string]string{"alice": hostileClear, "bob": hostileCR} {
		if err := db.SaveAnswers(ctx, run, member, map[string]string{"learned": answer, "value": "4"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddEvent(ctx, meetings.CommunityEvent{Community: comm, Title: hostileClipboard, Start: at.Add(24 * time.Hour),
		End: at.Add(25 * time.Hour), Link: "https://meet.example.com/" + hostileCSI, Channel: "c1", CreatedBy: "carol", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExportsNeutraliseHostileText runs every offline command that prints
// member- or platform-written text, in every format, on a community whose
// text is hostile: what is meant to be read shows the control characters
// visibly, JSON keeps the data exactly yet holds nothing a terminal acts on,
// and CSV keeps the data with no cell a spreadsheet would run as a formula.
func TestExportsNeutraliseHostileText(t *testing.T) {
	db := seedHostile(t)
	plan := filepath.Join(t.TempDir(), "plan.yaml")
	planYAML := `name: "=HYPERLINK(\"http://evil.example\") \e]0;owned\a"
events:
  - {title: "\e]52;c;ZXZpbA==\a webinar \u202e", schedule: every monday at 9:00, channel: "\e[2J"}
`
	if err := os.WriteFile(plan, []byte(planYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind string // text, json or csv
		args []string
	}{
		{"text", []string{"checkins", "--survey", "pulse"}},
		{"json", []string{"checkins", "--survey", "pulse", "--format", "json"}},
		{"csv", []string{"checkins", "--survey", "pulse", "--format", "csv"}},
		{"text", []string{"resources"}},
		{"json", []string{"resources", "--format", "json"}},
		{"csv", []string{"resources", "--format", "csv"}},
		{"text", []string{"report", "--period", "30d"}},
		{"json", []string{"report", "--period", "30d", "--format", "json"}},
		{"csv", []string{"report", "--period", "30d", "--format", "csv"}},
		{"text", []string{"digest"}},
		{"text", []string{"digest", "--format", "markdown"}},
		{"json", []string{"digest", "--format", "json"}},
		{"text", []string{"impact", "--since", "2026-11-01"}},
		{"json", []string{"impact", "--since", "2026-11-01", "--format", "json"}},
		{"json", []string{"export", "--member", "alice"}},
		{"text", []string{"plan", "show", plan}},
	} {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			args := append(tc.args[:len(tc.args):len(tc.args)], "--db", db)
			if tc.args[0] == "plan" {
				args = tc.args
			}
			e, stdout, stderr := testEnv("", nil)
			if err := run(context.Background(), args, e); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			out := stdout.String()
			switch tc.kind {
			case "text":
				if bot.ForTerminal(out) != out {
					t.Errorf("raw control characters reach the terminal:\n%q", out)
				}
				if !strings.Contains(out, `\x1b`) && tc.args[0] != "impact" { // impact names no one
					t.Errorf("the hostile text is not shown visibly:\n%s", out)
				}
			case "json":
				if bot.ForTerminal(out) != out {
					t.Errorf("the JSON holds characters a terminal acts on:\n%q", out)
				}
				var v any
				if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if !containsString(v, "\x1b") {
					t.Errorf("the JSON lost the data:\n%s", out)
				}
			case "csv":
				rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil {
					t.Fatalf("not CSV: %v\n%s", err, out)
				}
				neutralised := 0
				for _, row := range rows {
					for _, cell := range row {
						if bot.CSVCell(cell) != cell {
							t.Errorf("cell %q would run as a formula", cell)
						}
						if strings.HasPrefix(cell, "'") {
							neutralised++
						}
					}
				}
				if neutralised == 0 || !strings.Contains(out, "\x1b") {
					t.Errorf("the CSV does not keep the hostile data, neutralised:\n%q", out)
				}
			}
		})
	}
}

// containsString reports whether a decoded JSON value holds sub in a string.
func containsString(v any, sub string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, sub)
	case []any:
		for _, x := range v {
			if containsString(x, sub) {
				return true
			}
		}
	case map[string]any:
		for _, x := range v {
			if containsString(x, sub) {
				return true
			}
		}
	}
	return false
}

func TestJSONForTerminalKeepsTheData(t *testing.T) {
	in := map[string]string{"s": "a\x1b]52;c;x\x07b\x7fc\u0085d\u009b2J\u202ee\u2066f\U0001F600g<&>\r\n\t"}
	var buf bytes.Buffer
	if err := writeJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); bot.ForTerminal(out) != out {
		t.Errorf("writeJSON leaves characters a terminal acts on: %q", out)
	}
	var back map[string]string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["s"] != in["s"] {
		t.Errorf("writeJSON changed the data: %q, %v", back["s"], err)
	}
}

// fakeTerminal is a writer that says it is a character device, as a
// terminal's *os.File does.
type fakeTerminal struct{ bytes.Buffer }

func (*fakeTerminal) IsTerminal() bool { return true }

func TestCSVToATerminalIsShownVisibly(t *testing.T) {
	row := []string{hostileTitle, hostileCSI}
	var file bytes.Buffer
	var term fakeTerminal
	for _, w := range []*bytes.Buffer{&file, &term.Buffer} {
		out := csvOut(w)
		if w == &term.Buffer {
			out = csvOut(&term)
		}
		cw := bot.NewCSVWriter(out)
		if err := cw.Write(row); err != nil {
			t.Fatal(err)
		}
		cw.Flush()
	}
	if s := term.String(); bot.ForTerminal(s) != s || !strings.Contains(s, `'=HYPERLINK`) || !strings.Contains(s, `\x1b]0;owned\x07`) {
		t.Errorf("CSV on a terminal: %q", s)
	}
	if s := file.String(); !strings.Contains(s, "\x1b]0;owned\x07") || !strings.HasPrefix(s, `"'=HYPERLINK(`) {
		t.Errorf("CSV to a file must keep the data, neutralised: %q", s)
	}
}

// FuzzWriteJSON: whatever a string holds, writeJSON prints nothing a
// terminal acts on, and the JSON decodes to the same text (encoding/json
// turns bytes that are not UTF-8 into U+FFFD, so valid UTF-8 is compared).
func FuzzWriteJSON(f *testing.F) {
	for _, s := range []string{hostileTitle, hostileClipboard, hostileCSI, hostileBidi, hostileCR, "\x7f\u2028\U0001F600", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		if err := writeJSON(&buf, []string{s}); err != nil {
			t.Fatal(err)
		}
		if out := buf.String(); bot.ForTerminal(out) != out {
			t.Fatalf("raw control characters: %q", out)
		}
		var back []string
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != 1 {
			t.Fatalf("not JSON: %v %q", err, buf.String())
		}
		if utf8.ValidString(s) && back[0] != s {
			t.Fatalf("data changed: %q became %q", s, back[0])
		}
	})
}
