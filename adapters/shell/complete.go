package shell

// Tab completion of the words a line's grammar knows: directives at the
// start of a line, and /hearth command words after "NAME: ".

import (
	"slices"
	"strings"

	"github.com/hearth-community/hearth/bot"
)

// directiveWords are the directives Tab completes.
var directiveWords = []string{":advance", ":channel", ":help", ":now", ":quit"}

// CommandPaths lists the command table's paths and aliases, for
// EditorConfig.Commands.
func CommandPaths(table []bot.CommandSpec) [][]string {
	var paths [][]string
	for _, c := range table {
		paths = append(paths, c.Path)
		paths = append(paths, c.Aliases...)
	}
	return paths
}

// complete completes the word before pos in line: a directive at the start
// of the line, "/hearth" as a member's text, or the next word of a
// command path after it. It returns the line and cursor (a byte offset)
// after completing, and the words that would fit when there are several
// (the word is then completed as far as they agree). Nothing to complete
// returns line and pos as they were.
func complete(line string, pos int, commands [][]string) (string, int, []string) {
	if pos < 0 || pos > len(line) {
		return line, pos, nil
	}
	head, tail := line[:pos], line[pos:]
	start := strings.LastIndexByte(head, ' ') + 1
	word := head[start:]
	var choices []string
	switch before := head[:start]; {
	case strings.TrimSpace(before) == "" && strings.HasPrefix(word, ":"):
		choices = withPrefix(directiveWords, word)
	default:
		_, text, ok := strings.Cut(before+word, ":")
		if !ok {
			return line, pos, nil
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			return line, pos, nil
		}
		if len(fields) == 1 && word != "" {
			choices = withPrefix([]string{"/hearth"}, word)
			break
		}
		if fields[0] != "/hearth" {
			return line, pos, nil
		}
		typed := fields[1:] // the words before the one being completed
		if word != "" {
			typed = typed[:len(typed)-1]
		}
		choices = withPrefix(nextWords(commands, typed), word)
	}
	switch len(choices) {
	case 0:
		return line, pos, nil
	case 1:
		done := head[:start] + choices[0] + " "
		return done + tail, len(done), nil
	}
	common := choices[0]
	for _, c := range choices[1:] {
		for !strings.HasPrefix(c, common) {
			common = common[:len(common)-1]
		}
	}
	done := head[:start] + common
	return done + tail, len(done), choices
}

// nextWords are the words that may follow typed in a command path.
func nextWords(commands [][]string, typed []string) []string {
	var words []string
	for _, path := range commands {
		if len(path) <= len(typed) {
			continue
		}
		match := true
		for i, w := range typed {
			if !strings.EqualFold(path[i], w) {
				match = false
				break
			}
		}
		if match && !slices.Contains(words, path[len(typed)]) {
			words = append(words, path[len(typed)])
		}
	}
	slices.Sort(words)
	return words
}

func withPrefix(words []string, prefix string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, strings.ToLower(prefix)) {
			out = append(out, w)
		}
	}
	return out
}
