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

func (p *promptEntry) UnmarshalYAML(n *yaml.Node) error {
	p.line = n.Line
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&p.Text)
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a prompt is a text, or `text: …`", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Value != "text" {
			return fmt.Errorf("line %d: unknown field %q (a prompt has only `text`)", k.Line, k.Value)
		}
		if err := n.Content[i+1].Decode(&p.Text); err != nil {
			return err
		}
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
	var texts []string
	for _, p := range f.Prompts {
		t := strings.TrimSpace(p.Text)
		switch {
		case t == "":
			return nil, fmt.Errorf("line %d: a prompt has no text", p.line)
		case len(t) > 2000:
			return nil, fmt.Errorf("line %d: a prompt is longer than 2,000 characters", p.line)
		}
		texts = append(texts, t)
	}
	return texts, nil
}

func cmdPrompts(ctx context.Context, args []string, e env) error {
	return importFile(ctx, args, e, "prompts", func(ctx context.Context, db *store.DB, comm bot.Community, data []byte) (string, error) {
		texts, err := parsePromptFile(data)
		if err != nil {
			return "", err
		}
		if err := prompts.CheckDeckRoom(ctx, db, comm.ID, len(texts)); err != nil {
			return "", err
		}
		ids, err := db.AddDeckPrompts(ctx, comm.ID, "import", e.now(), texts...)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("imported %d prompts into the deck of %s (#%d to #%d)", len(ids), comm.ID, ids[0], ids[len(ids)-1]), nil
	})
}

// deckKey is how a prompt's text is compared with the deck's: the same
// words, whatever the case and spacing.
func deckKey(text string) string {
	return strings.ToLower(strings.Join(strings.Fields(text), " "))
}
