package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const sqlSetting = `SELECT s.value FROM settings s JOIN communities c ON c.id = s.community_id
WHERE c.ext_id = ? AND s.key = ?`

// Setting returns a community's setting, or "" when it is not set. The
// event path asks it for the pilot, so it is prepared once (db.hot).
func (db *DB) Setting(ctx context.Context, community, key string) (string, error) {
	var v string
	err := db.hot.setting.QueryRowContext(ctx, community, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s of %s: %w", key, community, err)
	}
	return v, nil
}

// SetSetting sets a community's setting; "" removes it.
func (db *DB) SetSetting(ctx context.Context, community, key, value string) error {
	if community == "" || key == "" {
		return fmt.Errorf("set setting %q of %q: no community or key", key, community)
	}
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		if value == "" {
			_, err := tx.ExecContext(ctx, `DELETE FROM settings
WHERE community_id = (SELECT id FROM communities WHERE ext_id = ?) AND key = ?`, community, key)
			return 0, err
		}
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (community_id, key, value) VALUES (?, ?, ?)
ON CONFLICT (community_id, key) DO UPDATE SET value = excluded.value`, cid, key, value)
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("set setting %s of %s: %w", key, community, err)
	}
	return nil
}
