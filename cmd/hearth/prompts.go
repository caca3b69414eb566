package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/store"
)

// promptFile is the YAML `hearth prompts import` reads:
//
//	prompts:
//	  - What did you try this week?
//	  - text: What surprised you?
type promptFile struct {
	Prompts []promptEntry `yaml:"prompts"`
}

type promptEntry struct {
	Text string `yaml:"text"`
	line int
}

// UnmarshalYAML reads one prompt. Its complaints are yaml.TypeErrors, so
// the decoder goes on and every prompt's problem is reported, not the first.
func (p *promptEntry) UnmarshalYAML(n *yaml.Node) error {
	p.line = n.Line
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&p.Text)
	}
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a prompt is a text, or `text: …`", n.Line)}}
	}
	var problems []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Value != "text" {
			problems = append(problems, fmt.Sprintf("line %d: unknown field %q (a prompt has only `text`)", k.Line, k.Value))
			continue
		}
		if err := n.Content[i+1].Decode(&p.Text); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return &yaml.TypeError{Errors: problems}
	}
	return nil
}

// parsePromptFile reads and validates a prompt deck file; errors name the line.
// A file of more prompts than a deck holds is refused before they are decoded.
func parsePromptFile(data []byte) ([]string, error) {
	var count struct {
		Prompts yaml.Node `yaml:"prompts"`
	}
	if err := yaml.Unmarshal(data, &count); err == nil && len(count.Prompts.Content) > prompts.MaxDeck {
		return nil, fmt.Errorf("%d prompts: a deck holds %d at most", len(count.Prompts.Content), prompts.MaxDeck)
	}
	var f promptFile
	if _, err := decodeYAML(data, "prompt file", &f); err != nil {
		return nil, err
	}
	if len(f.Prompts) == 0 {
		return nil, errors.New("no prompts: the file needs a `prompts:` list")
	}
	var texts, problems []string
	for _, p := range f.Prompts {
		t := strings.TrimSpace(p.Text)
		switch {
		case t == "":
			problems = append(problems, fmt.Sprintf("line %d: a prompt has no text", p.line))
		case len(t) > 2000:
			problems = append(problems, fmt.Sprintf("line %d: a prompt is longer than 2,000 characters", p.line))
		}
		texts = append(texts, t)
	}
	if len(problems) > 0 {
		return nil, errors.New(joinProblems(problems))
	}
	return texts, nil
}

// joinProblems is every problem found in a file, up to maxYAMLErrors.
func joinProblems(problems []string) string {
	if len(problems) > maxYAMLErrors {
		problems = append(problems[:maxYAMLErrors:maxYAMLErrors], fmt.Sprintf("and %d more", len(problems)-maxYAMLErrors))
	}
	return strings.Join(problems, "; ")
}

func cmdPrompts(ctx context.Context, args []string, e env) error {
	return importFile(ctx, args, e, "prompts", func(ctx context.Context, db *store.DB, comm bot.Community, data []byte) (string, error) {
		texts, err := parsePromptFile(data)
		if err != nil {
			return "", err
		}
		// Prompts already in the deck (or given twice) are skipped, so
		// importing a file again adds nothing.
		deck, err := db.DeckPrompts(ctx, comm.ID)
		if err != nil {
			return "", err
		}
		have := map[string]bool{}
		for _, p := range deck {
			have[deckKey(p.Text)] = true
		}
		var fresh []string
		for _, t := range texts {
			if k := deckKey(t); !have[k] {
				have[k] = true
				fresh = append(fresh, t)
			}
		}
		skipped := ""
		if n := len(texts) - len(fresh); n > 0 {
			skipped = fmt.Sprintf("; skipped %s already in the deck (or given twice)", bot.Plural(n, "prompt"))
		}
		if len(fresh) == 0 {
			return fmt.Sprintf("imported no prompts into the deck of %s%s", comm.ID, skipped), nil
		}
		if err := prompts.CheckDeckRoom(ctx, db, comm.ID, len(fresh)); err != nil {
			return "", err
		}
		ids, err := db.AddDeckPrompts(ctx, comm.ID, "import", e.now(), fresh...)
		if err != nil {
			return "", err
		}
		numbers := fmt.Sprintf("#%d to #%d", ids[0], ids[len(ids)-1])
		if len(ids) == 1 {
			numbers = fmt.Sprintf("#%d", ids[0])
		}
		return fmt.Sprintf("imported %s into the deck of %s (%s)%s", bot.Plural(len(ids), "prompt"), comm.ID, numbers, skipped), nil
	})
}

// deckKey is how a prompt's text is compared with the deck's: the same
// words, whatever the case and spacing.
func deckKey(text string) string {
	return strings.ToLower(strings.Join(strings.Fields(text), " "))
}
