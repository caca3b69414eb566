package prompts

import (
	"context"
	"time"
)

// Store is what prompts needs from storage.
type Store interface {
	DeckStore
}

// DeckStore keeps a community's prompt deck.
type DeckStore interface {
	AddDeckPrompts(ctx context.Context, community, addedBy string, at time.Time, texts ...string) ([]int64, error)
	DeckPrompts(ctx context.Context, community string) ([]Prompt, error)
	// DeckPrompt returns one deck prompt, or bot.ErrNotFound.
	DeckPrompt(ctx context.Context, community string, id int64) (Prompt, error)
	// NextDeckPrompt returns the deck prompt posted least often (never
	// posted first, then the oldest), or bot.ErrNotFound for an empty deck.
	NextDeckPrompt(ctx context.Context, community string) (Prompt, error)
}
