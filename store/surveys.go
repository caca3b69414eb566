package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot/checkins"
)

// SaveSurvey stores (or replaces) a community's survey by name.
func (db *DB) SaveSurvey(ctx context.Context, community string, s checkins.Survey, at time.Time) error {
	def, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("save survey %s: %w", s.Name, err)
	}
	_, err = db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, st *txState) (int, error) {
		cid, err := st.community(ctx, community)
		if err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO surveys (community_id, name, definition, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (community_id, name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
			cid, s.Name, string(def), at.UnixMilli())
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("save survey %s of %s: %w", s.Name, community, err)
	}
	return nil
}

// Surveys returns a community's stored surveys by name.
func (db *DB) Surveys(ctx context.Context, community string) ([]checkins.Survey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.definition FROM surveys s JOIN communities c ON c.id = s.community_id
WHERE c.ext_id = ? ORDER BY s.name`, community)
	if err != nil {
		return nil, fmt.Errorf("surveys of %s: %w", community, err)
	}
	defer rows.Close()
	var out []checkins.Survey
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			return nil, fmt.Errorf("surveys of %s: %w", community, err)
		}
		var s checkins.Survey
		if err := json.Unmarshal([]byte(def), &s); err != nil {
			return nil, fmt.Errorf("surveys of %s: a stored survey does not read: %w", community, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
