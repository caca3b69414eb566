package prompts

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Prompt is one discussion prompt of a community's deck.
type Prompt struct {
	ID          int64
	Community   string
	Text        string
	AddedBy     string
	AddedAt     time.Time
	TimesPosted int
	LastPosted  time.Time // zero if never
}

// StarterDeck is the deck Hearth ships: prompts on reflecting on practice,
// loaded into a community's deck the first time it schedules an empty one.
var StarterDeck = []string{
	"What did you try in your practice this week, and what happened?",
	"What is one thing you learned recently that changed how you work?",
	"Share a problem you are stuck on: what have you tried so far?",
	"What resource (article, tool, person) helped you most this month?",
	"Describe a recent success, however small. What made it work?",
	"What would you do differently if you started your current project again?",
	"Which question do you wish someone in this community could answer for you?",
	"What is a habit or routine that makes your practice better?",
	"Who in this community helped you lately? Tell them how.",
	"What is something you disagree with in how our field usually works?",
	"What did a mistake teach you recently?",
	"If a newcomer joined your team tomorrow, what is the first thing you would show them?",
}

// MaxDeck bounds a community's deck: a thousand prompts are twenty years
// of weekly posts, and the deck is listed, and attached, whole.
const MaxDeck = 1000

// CheckDeckRoom refuses adding n prompts to community's deck when the deck
// would then hold more than MaxDeck. Instances sharing a database check
// separately, so concurrent adds may pass the bound by one batch: it is a
// guard against runaway imports, not an invariant.
func CheckDeckRoom(ctx context.Context, s DeckStore, community string, n int) error {
	if n > MaxDeck {
		return bot.Errorf(bot.EArgument, "That is %d prompts; a deck holds %d at most.", n, MaxDeck)
	}
	deck, err := s.DeckPrompts(ctx, community)
	if err != nil {
		return err
	}
	switch {
	case len(deck) >= MaxDeck:
		return bot.Errorf(bot.EConflict, "The deck is full: it holds %d prompts, the most a deck holds.", len(deck))
	case len(deck)+n > MaxDeck:
		return bot.Errorf(bot.EConflict, "The deck holds %d prompts; %d more would pass %d, the most a deck holds: add %d at most.", len(deck), n, MaxDeck, MaxDeck-len(deck))
	}
	return nil
}
