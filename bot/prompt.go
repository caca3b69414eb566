package bot

import (
	"context"
	"fmt"
	"time"
)

// KindPromptReply is a reply in the thread of a discussion prompt Hearth
// posted. It is recorded in addition to the reply itself, so reports can
// tell how prompts engage members without counting replies twice.
const KindPromptReply EventKind = "prompt_reply"

// PromptPost is a prompt Hearth posted: its replies are prompt replies.
type PromptPost struct {
	Community string
	Channel   string
	Message   string // the platform id of the post (PostRef.ID)
	Prompt    int64  // the deck prompt, 0 for a scheduled prompt's own text
	Schedule  int64  // the schedule that posted it, 0 for `/hearth prompt now`
	Text      string // Hearth's own words, shown in reports
	At        time.Time
}

// PromptPostStore keeps the prompts Hearth posted, so replies to them are
// recognised whichever instance posted them.
type PromptPostStore interface {
	// RecordPromptPost remembers a posted prompt and counts it against its
	// deck prompt.
	RecordPromptPost(ctx context.Context, p PromptPost) error
	// PromptPosts returns every prompt posted in the community, oldest
	// first.
	PromptPosts(ctx context.Context, community string) ([]PromptPost, error)
	// IsPromptPost reports whether Hearth posted a prompt as message in
	// channel: replies in its thread are prompt replies.
	IsPromptPost(ctx context.Context, community, channel, message string) (bool, error)
}

// PromptActivity is how one posted prompt engaged the community.
type PromptActivity struct {
	Channel    string    `json:"channel"`
	Message    string    `json:"message"`
	Text       string    `json:"text"`
	PostedAt   time.Time `json:"posted_at"`
	Replies    int       `json:"replies"`
	Responders int       `json:"responders"`
	Reactions  int       `json:"reactions"`
}

// withPromptReplies adds a prompt_reply event for every reply in the thread
// of a prompt Hearth posted, and retracts it with the reply. Whether a
// parent is a prompt is asked of the store for each call, never kept in
// memory, so a prompt another instance posted counts at once: one indexed
// lookup per reply, or, for a batch with many replies, one read of the
// community's prompt posts (a few hundred a year).
func (b *Bot) withPromptReplies(ctx context.Context, events []Event) ([]Event, error) {
	replies := map[string]int{} // by community
	for _, e := range events {
		if e.Kind == KindReply && !e.Retract {
			replies[e.Community]++
		}
	}
	known := map[string]map[[2]string]bool{} // community -> prompt posts, for batches
	for community, n := range replies {
		if n < promptBatch {
			continue
		}
		posts, err := b.store.PromptPosts(ctx, community)
		if err != nil {
			return nil, err
		}
		known[community] = make(map[[2]string]bool, len(posts))
		for _, p := range posts {
			known[community][[2]string{p.Channel, p.Message}] = true
		}
	}
	out := events
	for _, e := range events {
		if e.Kind != KindReply {
			continue
		}
		isPrompt := e.Retract // retracting a key never recorded is a no-op
		if !e.Retract {
			if posts, ok := known[e.Community]; ok {
				isPrompt = posts[[2]string{e.Channel, e.Parent}]
			} else {
				var err error
				if isPrompt, err = b.store.IsPromptPost(ctx, e.Community, e.Channel, e.Parent); err != nil {
					return nil, err
				}
			}
		}
		if isPrompt {
			pr := e
			pr.Kind, pr.Key = KindPromptReply, "prompt:"+e.Key
			out = append(out, pr)
		}
	}
	return out, nil
}

// promptBatch is how many replies of one community in one batch make
// reading all its prompt posts cheaper than asking for each.
const promptBatch = 8

// RememberPromptPost records a prompt Hearth just posted, so replies in its
// thread count as prompt replies, whichever instance receives them.
func (b *Bot) RememberPromptPost(ctx context.Context, p PromptPost) error {
	if err := b.store.RecordPromptPost(ctx, p); err != nil {
		return fmt.Errorf("record prompt post: %w", err)
	}
	return nil
}
