package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/dashboard"
)

var _ dashboard.Store = (*DB)(nil)

// SaveDashboardLink keeps a new sign-in link under hash (the SHA-256 of its
// token); the community gets a row if it has none. A hash kept already is
// bot.ErrDuplicate.
func (db *DB) SaveDashboardLink(ctx context.Context, hash string, l dashboard.Link) error {
	if hash == "" || l.Community == "" {
		return errors.New("save dashboard link: no hash or community")
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, l.Community)
		if err != nil {
			return 0, err
		}
		return tx.execCount(ctx, `INSERT INTO dashboard_links (token_hash, community_id, member_ext, created_at, expires_at)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING`, hash, cid, l.Member, l.Created.UnixMilli(), l.Expires.UnixMilli())
	})
	if err != nil {
		return fmt.Errorf("save dashboard link of %s: %w", l.Community, err)
	}
	if n == 0 {
		return fmt.Errorf("save dashboard link of %s: %w", l.Community, bot.ErrDuplicate)
	}
	return nil
}

// ConsumeDashboardLink marks the link under hash used at now, in one
// statement that only changes an unused link not expired by now: of any
// number of callers at once, on one file or one server, exactly one
// changes the row and gets ok. It returns the link as it is then; an
// unknown hash is bot.ErrNotFound.
func (db *DB) ConsumeDashboardLink(ctx context.Context, hash string, now time.Time) (dashboard.Link, bool, error) {
	var l dashboard.Link
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		res, err := tx.ExecContext(ctx, `UPDATE dashboard_links SET used_at = ?
WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, now.UnixMilli(), hash, now.UnixMilli())
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		var created, expires int64
		var used sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT c.ext_id, l.member_ext, l.created_at, l.expires_at, l.used_at
FROM dashboard_links l JOIN communities c ON c.id = l.community_id WHERE l.token_hash = ?`, hash).
			Scan(&l.Community, &l.Member, &created, &expires, &used)
		if err != nil {
			return 0, notFound(err, "dashboard link")
		}
		l.Created, l.Expires, l.Used = time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC(), fromMillis(used)
		return int(n), nil
	})
	if err != nil {
		return dashboard.Link{}, false, fmt.Errorf("consume dashboard link: %w", err)
	}
	return l, n == 1, nil
}

// SaveDashboardSession keeps a new session under hash (the SHA-256 of its
// secret); the community gets a row if it has none. A hash kept already is
// bot.ErrDuplicate.
func (db *DB) SaveDashboardSession(ctx context.Context, hash string, r dashboard.SessionRecord) error {
	if hash == "" || r.Community == "" {
		return errors.New("save dashboard session: no hash or community")
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, r.Community)
		if err != nil {
			return 0, err
		}
		return tx.execCount(ctx, `INSERT INTO dashboard_sessions (secret_hash, community_id, member_ext, started_at, expires_at, ended_at)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (secret_hash) DO NOTHING`, hash, cid, r.Member, r.Started.UnixMilli(), r.Expires.UnixMilli(), toMillis(r.Ended))
	})
	if err != nil {
		return fmt.Errorf("save dashboard session of %s: %w", r.Community, err)
	}
	if n == 0 {
		return fmt.Errorf("save dashboard session of %s: %w", r.Community, bot.ErrDuplicate)
	}
	return nil
}

// DashboardSession returns the session under hash, or bot.ErrNotFound.
func (db *DB) DashboardSession(ctx context.Context, hash string) (dashboard.SessionRecord, error) {
	var r dashboard.SessionRecord
	var started, expires int64
	var ended sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT c.ext_id, s.member_ext, s.started_at, s.expires_at, s.ended_at
FROM dashboard_sessions s JOIN communities c ON c.id = s.community_id WHERE s.secret_hash = ?`, hash).
		Scan(&r.Community, &r.Member, &started, &expires, &ended)
	if err != nil {
		return dashboard.SessionRecord{}, notFound(err, "dashboard session")
	}
	r.Started, r.Expires, r.Ended = time.UnixMilli(started).UTC(), time.UnixMilli(expires).UTC(), fromMillis(ended)
	return r, nil
}

// EndDashboardSession ends the session under hash at at; one ended before
// keeps its time, and an unknown hash changes nothing.
func (db *DB) EndDashboardSession(ctx context.Context, hash string, at time.Time) error {
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		_, err := tx.ExecContext(ctx, `UPDATE dashboard_sessions SET ended_at = ? WHERE secret_hash = ? AND ended_at IS NULL`, at.UnixMilli(), hash)
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("end dashboard session: %w", err)
	}
	return nil
}

// EndDashboardSessions ends at at every session of member ("" the
// operator's) in community not ended yet, and returns how many.
func (db *DB) EndDashboardSessions(ctx context.Context, community, member string, at time.Time) (int, error) {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE dashboard_sessions SET ended_at = ?
WHERE community_id = (SELECT id FROM communities WHERE ext_id = ?) AND member_ext = ? AND ended_at IS NULL`, at.UnixMilli(), community, member)
	})
	if err != nil {
		return 0, fmt.Errorf("end dashboard sessions of %s in %s: %w", member, community, err)
	}
	return n, nil
}

// PurgeDashboard deletes the links that expired before before, and the
// sessions that expired or were ended before it, and returns how many rows
// went. The daily retention pass runs it: nothing needs them any more.
func (db *DB) PurgeDashboard(ctx context.Context, before time.Time) (int, error) {
	if before.IsZero() {
		return 0, errors.New("purge dashboard: no time")
	}
	b := before.UnixMilli()
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		total := 0
		for _, st := range []struct {
			query string
			args  []any
		}{
			{`DELETE FROM dashboard_links WHERE expires_at < ?`, []any{b}},
			{`DELETE FROM dashboard_sessions WHERE expires_at < ? OR ended_at < ?`, []any{b, b}},
		} {
			res, err := tx.ExecContext(ctx, st.query, st.args...)
			if err != nil {
				return 0, err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return 0, err
			}
			total += int(n)
		}
		return total, nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge dashboard: %w", err)
	}
	return n, nil
}
