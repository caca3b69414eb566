package prompts

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what prompts needs from storage.
type Store interface {
	AddDeckPrompts(ctx context.Context, community string, addedBy string, at time.Time, texts ...string) ([]int64, error)
	DeckPrompt(ctx context.Context, community string, id int64) (bot.Prompt, error)
	DeckPrompts(ctx context.Context, community string) ([]bot.Prompt, error)
	NextDeckPrompt(ctx context.Context, community string) (bot.Prompt, error)
}
