package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

func TestListPage(t *testing.T) {
	lines := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("• item %d", i))
		}
		return out
	}
	files := bot.Capabilities{Files: true, Buttons: true}
	inv := func(text string, page int) bot.Invocation {
		return bot.Invocation{Command: bot.Command{Text: text, Page: page}}
	}
	for _, tt := range []struct {
		name     string
		list     bot.List
		inv      bot.Invocation
		caps     bot.Capabilities
		has, not []string
		button   bool
		file     bool
	}{
		{name: "fits", list: bot.List{Title: "**Things** (3)", Lines: lines(3), File: "things.md"}, inv: inv("things", 0), caps: files,
			has: []string{"**Things** (3)", "item 2"}, not: []string{"of 3", "More"}},
		{name: "exactly a page", list: bot.List{Lines: lines(5), PageSize: 5, File: "things.md"}, inv: inv("things", 0), caps: files,
			has: []string{"item 4"}, not: []string{"of 5"}},
		{name: "first page", list: bot.List{Lines: lines(12), PageSize: 5, File: "things.md"}, inv: inv("things", 0), caps: files,
			has: []string{"item 4", "_1–5 of 12._", "every line is in things.md", "**More** shows the next page"}, not: []string{"item 5"}, button: true, file: true},
		{name: "last page", list: bot.List{Lines: lines(12), PageSize: 5, File: "things.md"}, inv: inv("things", 2), caps: files,
			has: []string{"item 11", "_11–12 of 12._", "every line is in things.md"}, not: []string{"item 9", "More"}, file: true},
		{name: "no files", list: bot.List{Lines: lines(12), PageSize: 5, File: "things.md"}, inv: inv("things", 0), caps: bot.Capabilities{Buttons: true},
			has: []string{"**More** shows the next page"}, not: []string{"things.md"}, button: true},
		{name: "a command too long to carry", list: bot.List{Lines: lines(12), PageSize: 5}, inv: inv(strings.Repeat("x", 61), 0), caps: bot.Capabilities{},
			has: []string{"_1–5 of 12._", "narrow the command to see them"}},
		{name: "empty", list: bot.List{Title: "**Things** (0)", Empty: "Nothing."}, inv: inv("things", 0), caps: files,
			has: []string{"Nothing."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text, buttons, file := tt.list.Page(tt.inv, tt.caps)
			for _, want := range tt.has {
				if !strings.Contains(text, want) {
					t.Errorf("lacks %q:\n%s", want, text)
				}
			}
			for _, bad := range tt.not {
				if strings.Contains(text, bad) {
					t.Errorf("has %q:\n%s", bad, text)
				}
			}
			if got := len(buttons) == 1 && buttons[0].ActionID == bot.ActionPage; got != tt.button {
				t.Errorf("buttons %+v, want a More button: %v", buttons, tt.button)
			}
			if (file != nil) != tt.file {
				t.Errorf("attachment %v, want one: %v", file, tt.file)
			} else if file != nil && strings.Count(string(file.Data), "\n- ") != len(tt.list.Lines)-1 {
				t.Errorf("the attachment lacks lines:\n%s", file.Data)
			}
		})
	}
}
