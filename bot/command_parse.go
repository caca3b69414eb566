package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxCommandLength bounds command text; longer input is refused unread.
const MaxCommandLength = 4000

// Tokenize splits command text into words. Double or single quotes group
// words ("two words"), a backslash escapes the next character, and Slack's
// and Discord's typographic quotes count as quotes too. A quote opens only
// at the start of a word or after '=' (tz="Europe/Paris"), so apostrophes
// in free text ("you're") are just letters. An unterminated quote is an
// error a person can fix.
func Tokenize(s string) ([]string, error) {
	if len(s) > MaxCommandLength {
		return nil, Errorf(ECommand, "That command is too long (%d characters; %d at most).", len(s), MaxCommandLength)
	}
	if !utf8.ValidString(s) {
		return nil, Errorf(ECommand, "That command has characters I can't read.")
	}
	var (
		words   []string
		cur     strings.Builder
		inWord  bool
		quote   rune // the closing quote we wait for, 0 outside quotes
		escaped bool
		prev    rune // the rune before r
	)
	for _, r := range s {
		before := prev
		prev = r
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped, inWord = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case (!inWord || before == '=') && (r == '"' || r == '\'' || r == '“' || r == '‘'):
			quote, inWord = closingQuote(r), true
		case unicode.IsSpace(r):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, Errorf(ECommand, "A quote is not closed. Put text with spaces in \"double quotes\".")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

func closingQuote(r rune) rune {
	switch r {
	case '“':
		return '”'
	case '‘':
		return '’'
	}
	return r
}

// Quote returns s as one token that Tokenize reads back unchanged.
func Quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n\"'\\“”‘’") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// Parsed is a command text matched against the command table.
type Parsed struct {
	Spec *CommandSpec
	// Args holds each given argument's token, keyed by Arg.Name.
	Args map[string]string
}

// Parse matches text against table: the longest command path first, then
// the arguments by kind and order. The error is an *Error naming the right
// usage.
func Parse(table []CommandSpec, text string) (Parsed, error) {
	words, err := Tokenize(text)
	if err != nil {
		return Parsed{}, err
	}
	if len(words) == 0 {
		return Parsed{}, Errorf(ECommand, "What should I do? Try `/hearth help` for the list of commands.")
	}
	spec, n := matchPath(table, words)
	if spec == nil {
		return Parsed{}, unknownCommand(table, words)
	}
	p := Parsed{Spec: spec, Args: map[string]string{}}
	rest := words[n:]
	slot := 0
	for i := 0; i < len(rest); i++ {
		tok := rest[i]
		for slot < len(spec.Args) && !spec.Args[slot].accepts(tok) {
			if spec.Args[slot].Required {
				return Parsed{}, Errorf(EArgument, "I expected %s where you wrote %q.\nUsage: `%s`", spec.Args[slot].describe(), tok, spec.Usage())
			}
			slot++
		}
		if slot == len(spec.Args) {
			return Parsed{}, Errorf(EArgument, "I don't know what to do with %q.\nUsage: `%s`", tok, spec.Usage())
		}
		a := spec.Args[slot]
		if a.Kind == ArgText && a.Rest {
			p.Args[a.Name] = strings.Join(rest[i:], " ")
			slot++
			break
		}
		p.Args[a.Name] = tok
		slot++
	}
	for ; slot < len(spec.Args); slot++ {
		if spec.Args[slot].Required {
			return Parsed{}, Errorf(EArgument, "Missing %s.\nUsage: `%s`", spec.Args[slot].describe(), spec.Usage())
		}
	}
	return p, nil
}

// matchPath finds the command whose path (or alias) is the longest prefix
// of words, and how many words it took.
func matchPath(table []CommandSpec, words []string) (*CommandSpec, int) {
	var best *CommandSpec
	bestLen := 0
	for i := range table {
		c := &table[i]
		for _, path := range append([][]string{c.Path}, c.Aliases...) {
			if len(path) > len(words) || len(path) <= bestLen {
				continue
			}
			match := true
			for j, w := range path {
				if !strings.EqualFold(w, words[j]) {
					match = false
					break
				}
			}
			if match {
				best, bestLen = c, len(path)
			}
		}
	}
	return best, bestLen
}

func unknownCommand(table []CommandSpec, words []string) error {
	typed := strings.ToLower(words[0])
	bestName, bestDist := "", 3
	for _, c := range table {
		if d := editDistance(typed, c.Path[0]); d < bestDist {
			bestName, bestDist = c.Path[0], d
		}
	}
	for _, c := range table { // "facilitator" alone: show its sub-commands
		if len(c.Path) > 1 && strings.EqualFold(c.Path[0], typed) {
			return Errorf(ECommand, "`/hearth %s` needs a sub-command. Try `/hearth help %s`.", c.Path[0], c.Path[0])
		}
	}
	if bestName != "" {
		return Errorf(ECommand, "I don't know `/hearth %s`. Did you mean `/hearth %s`? Try `/hearth help` for the list.", Clip(words[0], 40), bestName)
	}
	return Errorf(ECommand, "I don't know `/hearth %s`. Try `/hearth help` for the list of commands.", Clip(words[0], 40))
}

func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Nearest is the candidate within two edits of word (one for words of three
// letters or fewer), the closest first, or "" when none is that close: the
// offline tools' "did you mean", measured as chat's.
func Nearest(word string, candidates []string) string {
	best, bestD := "", 3
	if len([]rune(word)) <= 3 {
		bestD = 2
	}
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, for "did you mean".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
