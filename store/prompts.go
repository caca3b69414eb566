package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
)

// AddDeckPrompts adds texts to a community's deck, in order, and returns
// their ids.
func (db *DB) AddDeckPrompts(ctx context.Context, community, addedBy string, at time.Time, texts ...string) ([]int64, error) {
	if community == "" {
		return nil, errors.New("add deck prompts: no community")
	}
	if len(texts) == 0 {
		return []int64{}, nil
	}
	texts = slices.Clone(texts) // the writer reads them after a cancelled caller has moved on
	var ids []int64
	_, err := db.w.do(ctx, len(texts), func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		ids = make([]int64, 0, len(texts)) // a job may run twice
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO deck_prompts (community_id, text, added_by, added_at)
VALUES (?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return 0, err
		}
		defer st.Close()
		for _, text := range texts {
			var id int64
			if err := st.QueryRowContext(ctx, cid, text, addedBy, toMillis(at)).Scan(&id); err != nil {
				return 0, err
			}
			ids = append(ids, id)
		}
		return len(ids), nil
	})
	if err != nil {
		return nil, fmt.Errorf("add %d deck prompts to %s: %w", len(texts), community, err)
	}
	return ids, nil
}

const promptColumns = `p.id, c.ext_id, p.text, p.added_by, p.added_at, p.times_posted, p.last_posted`

func scanPrompt(row interface{ Scan(...any) error }) (prompts.Prompt, error) {
	var p prompts.Prompt
	var added, last sql.NullInt64
	if err := row.Scan(&p.ID, &p.Community, &p.Text, &p.AddedBy, &added, &p.TimesPosted, &last); err != nil {
		return prompts.Prompt{}, err
	}
	p.AddedAt, p.LastPosted = fromMillis(added), fromMillis(last)
	return p, nil
}

// DeckPrompts returns a community's deck, least used first: fewest times
// posted, then oldest.
func (db *DB) DeckPrompts(ctx context.Context, community string) ([]prompts.Prompt, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+promptColumns+`
FROM communities c CROSS JOIN deck_prompts p INDEXED BY deck_prompts_by_use ON p.community_id = c.id
WHERE c.ext_id = ?
ORDER BY p.times_posted, p.id`, community)
	if err != nil {
		return nil, fmt.Errorf("deck of %s: %w", community, err)
	}
	defer rows.Close()
	deck := []prompts.Prompt{}
	for rows.Next() {
		p, err := scanPrompt(rows)
		if err != nil {
			return nil, fmt.Errorf("deck of %s: %w", community, err)
		}
		deck = append(deck, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("deck of %s: %w", community, err)
	}
	return deck, nil
}

// DeckPrompt returns one prompt of a community's deck, or bot.ErrNotFound.
func (db *DB) DeckPrompt(ctx context.Context, community string, id int64) (prompts.Prompt, error) {
	p, err := scanPrompt(db.read.QueryRowContext(ctx, `SELECT `+promptColumns+`
FROM deck_prompts p JOIN communities c ON c.id = p.community_id
WHERE p.id = ? AND c.ext_id = ?`, id, community))
	if err != nil {
		return prompts.Prompt{}, notFound(err, "deck prompt %d of %s", id, community)
	}
	return p, nil
}

// NextDeckPrompt returns the deck prompt posted least often (the oldest
// among those), or bot.ErrNotFound for an empty deck.
func (db *DB) NextDeckPrompt(ctx context.Context, community string) (prompts.Prompt, error) {
	p, err := scanPrompt(db.read.QueryRowContext(ctx, `SELECT `+promptColumns+`
FROM communities c CROSS JOIN deck_prompts p INDEXED BY deck_prompts_by_use ON p.community_id = c.id
WHERE c.ext_id = ?
ORDER BY p.times_posted, p.id LIMIT 1`, community))
	if err != nil {
		return prompts.Prompt{}, notFound(err, "next deck prompt of %s", community)
	}
	return p, nil
}

// RecordPromptPost remembers a prompt Hearth posted and, for a deck prompt
// (p.Prompt > 0), counts it against that prompt: one more time posted, and
// posted last at p.At (unless it was posted later already). A post recorded
// before (the same channel and message id) is not recorded or counted again.
func (db *DB) RecordPromptPost(ctx context.Context, p bot.PromptPost) error {
	switch {
	case p.Community == "":
		return errors.New("record prompt post: no community")
	case p.Channel == "":
		return fmt.Errorf("record prompt post of %s: no channel", p.Community)
	case p.At.IsZero():
		return fmt.Errorf("record prompt post of %s: no time", p.Community)
	}
	nullID := func(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, p.Community)
		if err != nil {
			return 0, err
		}
		ch, err := s.channel(ctx, cid, p.Channel, "")
		if err != nil {
			return 0, err
		}
		at := p.At.UnixMilli()
		res, err := tx.ExecContext(ctx, `INSERT INTO prompt_posts (community_id, channel_id, message, prompt_id, schedule_id, text, at)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, cid, ch, p.Message, nullID(p.Prompt), nullID(p.Schedule), p.Text, at)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 || p.Prompt <= 0 {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE deck_prompts SET times_posted = times_posted + 1,
	last_posted = MAX(COALESCE(last_posted, ?1), ?1)
WHERE id = ?2 AND community_id = ?3`, at, p.Prompt, cid)
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("record prompt post %s/%s of %s: %w", p.Channel, p.Message, p.Community, err)
	}
	return nil
}

const sqlIsPromptPost = `SELECT EXISTS (SELECT 1
FROM communities c
JOIN channels ch ON ch.community_id = c.id AND ch.ext_id = ?
JOIN prompt_posts p INDEXED BY prompt_posts_by_message ON p.community_id = c.id AND p.channel_id = ch.id AND p.message = ? AND p.message <> ''
WHERE c.ext_id = ?)`

// IsPromptPost reports whether a prompt was posted as message in channel,
// through the unique index on (community, channel, message).
func (db *DB) IsPromptPost(ctx context.Context, community, channel, message string) (bool, error) {
	if message == "" {
		return false, nil
	}
	var found bool
	err := db.hot.isPromptPost.QueryRowContext(ctx, channel, message, community).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("is %s/%s a prompt of %s: %w", channel, message, community, err)
	}
	return found, nil
}

// PromptPosts returns every prompt posted in the community, oldest first.
func (db *DB) PromptPosts(ctx context.Context, community string) ([]bot.PromptPost, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT ch.ext_id, p.message, COALESCE(p.prompt_id, 0), COALESCE(p.schedule_id, 0), p.text, p.at
FROM communities c
CROSS JOIN prompt_posts p INDEXED BY prompt_posts_by_time ON p.community_id = c.id
JOIN channels ch ON ch.id = p.channel_id
WHERE c.ext_id = ?
ORDER BY p.at, p.id`, community)
	if err != nil {
		return nil, fmt.Errorf("prompt posts of %s: %w", community, err)
	}
	defer rows.Close()
	all := []bot.PromptPost{}
	for rows.Next() {
		p := bot.PromptPost{Community: community}
		var at int64
		if err := rows.Scan(&p.Channel, &p.Message, &p.Prompt, &p.Schedule, &p.Text, &at); err != nil {
			return nil, fmt.Errorf("prompt posts of %s: %w", community, err)
		}
		p.At = time.UnixMilli(at).UTC()
		all = append(all, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("prompt posts of %s: %w", community, err)
	}
	return all, nil
}
