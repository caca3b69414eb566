package store

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// AddFacilitator makes member a facilitator of community. Adding one again
// keeps who added them first, and when.
func (db *DB) AddFacilitator(ctx context.Context, community, member, addedBy string, at time.Time) error {
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO facilitators (community_id, member_ext, added_by, added_at)
VALUES (?, ?, ?, ?) ON CONFLICT (community_id, member_ext) DO NOTHING`, cid, member, addedBy, at.UnixMilli())
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("add facilitator %s of %s: %w", member, community, err)
	}
	return nil
}

// RemoveFacilitator removes a stored facilitator, or returns bot.ErrNotFound.
func (db *DB) RemoveFacilitator(ctx context.Context, community, member string) error {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `DELETE FROM facilitators
WHERE community_id = (SELECT id FROM communities WHERE ext_id = ?) AND member_ext = ?`, community, member)
	})
	if err != nil {
		return fmt.Errorf("remove facilitator %s of %s: %w", member, community, err)
	}
	if n == 0 {
		return fmt.Errorf("facilitator %s of %s: %w", member, community, bot.ErrNotFound)
	}
	return nil
}

// Facilitators lists the stored facilitators of community, by name then id.
// A facilitator the database has no member row for has only an ID.
func (db *DB) Facilitators(ctx context.Context, community string) ([]bot.Member, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT f.member_ext, COALESCE(m.name, ''), COALESCE(m.is_bot, 0),
	COALESCE(m.tz, ''), COALESCE(m.admin, 0), m.joined_at, m.left_at IS NOT NULL
FROM facilitators f
JOIN communities c ON c.id = f.community_id
LEFT JOIN members m ON m.community_id = f.community_id AND m.ext_id = f.member_ext
WHERE c.ext_id = ?
ORDER BY COALESCE(m.name_fold, ''), f.member_ext`, community)
	if err != nil {
		return nil, fmt.Errorf("list facilitators of %s: %w", community, err)
	}
	defer rows.Close()
	all := []bot.Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("list facilitators of %s: %w", community, err)
		}
		all = append(all, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list facilitators of %s: %w", community, err)
	}
	return all, nil
}

// IsFacilitator reports whether member is a stored facilitator of community.
func (db *DB) IsFacilitator(ctx context.Context, community, member string) (bool, error) {
	var ok bool
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM facilitators f
JOIN communities c ON c.id = f.community_id WHERE c.ext_id = ? AND f.member_ext = ?)`, community, member).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("is %s a facilitator of %s: %w", member, community, err)
	}
	return ok, nil
}
