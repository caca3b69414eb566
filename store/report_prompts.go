package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// promptActivity reads the prompts posted in the period (in the channel,
// if the report is one channel's) with how their thread and reactions went
// before To, by time posted, then message id. A community posts a few
// prompts a week: each is a handful of index probes (prompt_posts_by_time,
// then replies_by_parent and reactions_by_message per post).
func (r *reportRun) promptActivity(ctx context.Context) ([]bot.PromptActivity, error) {
	out := []bot.PromptActivity{}
	if r.noChannel {
		return out, nil
	}
	channel := ``
	args := []any{r.community, r.from, r.to}
	if r.q.Channel != "" {
		channel = ` AND p.channel_id = ?4`
		args = append(args, r.channel)
	}
	// A post has few replies and reactions: each one's author is looked up
	// (to leave bots out) rather than every bot of the community listed.
	replies := `FROM events e INDEXED BY replies_by_parent CROSS JOIN members m ON m.id = e.member_id
	WHERE e.community_id = ?1 AND e.kind = 'reply' AND e.parent = p.message AND e.at < ?3
		AND e.channel_id = p.channel_id AND m.is_bot = 0`
	rows, err := r.db.read.QueryContext(ctx, `SELECT ch.ext_id, p.message, p.text, p.at,
	(SELECT COUNT(*) `+replies+`),
	(SELECT COUNT(DISTINCT e.member_id) `+replies+`),
	(SELECT COUNT(*) FROM events e INDEXED BY reactions_by_message CROSS JOIN members m ON m.id = e.member_id
	WHERE e.community_id = ?1 AND e.kind = 'reaction' AND e.message = p.message AND e.channel_id = p.channel_id
		AND e.at < ?3 AND m.is_bot = 0)
FROM prompt_posts p INDEXED BY prompt_posts_by_time
JOIN channels ch ON ch.id = p.channel_id
WHERE p.community_id = ?1 AND p.at >= ?2 AND p.at < ?3`+channel+`
ORDER BY p.at, p.message`, args...)
	if err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p bot.PromptActivity
		var at int64
		if err := rows.Scan(&p.Channel, &p.Message, &p.Text, &at, &p.Replies, &p.Responders, &p.Reactions); err != nil {
			return nil, fmt.Errorf("prompts: %w", err)
		}
		p.PostedAt = time.UnixMilli(at).UTC()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	return out, nil
}
