package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// toMillis is a time as nullable unix milliseconds: NULL for the zero time,
// so it reads back as the zero time (see fromMillis).
func toMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// AddSchedule stores a schedule and returns its id. Ids are never reused,
// even after a schedule is removed.
func (db *DB) AddSchedule(ctx context.Context, sc bot.Schedule) (int64, error) {
	if sc.Community == "" {
		return 0, errors.New("add schedule: no community")
	}
	if sc.Kind == "" {
		return 0, fmt.Errorf("add schedule of %s: no kind", sc.Community)
	}
	var id int64
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, sc.Community)
		if err != nil {
			return 0, err
		}
		return 0, tx.QueryRowContext(ctx, `INSERT INTO schedules
	(community_id, kind, spec, tz, channel, payload, paused, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			cid, string(sc.Kind), sc.Spec, sc.TZ, sc.Channel, sc.Payload, sc.Paused, sc.CreatedBy, toMillis(sc.CreatedAt)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("add %s schedule of %s: %w", sc.Kind, sc.Community, err)
	}
	return id, nil
}

const scheduleColumns = `s.id, c.ext_id, s.kind, s.spec, s.tz, s.channel, s.payload, s.paused, s.created_by, s.created_at`

func scanSchedule(row interface{ Scan(...any) error }) (bot.Schedule, error) {
	var sc bot.Schedule
	var kind string
	var created sql.NullInt64
	if err := row.Scan(&sc.ID, &sc.Community, &kind, &sc.Spec, &sc.TZ, &sc.Channel, &sc.Payload, &sc.Paused, &sc.CreatedBy, &created); err != nil {
		return bot.Schedule{}, err
	}
	sc.Kind, sc.CreatedAt = bot.ScheduleKind(kind), fromMillis(created)
	return sc, nil
}

// Schedule returns one schedule of a community, or bot.ErrNotFound (also
// when the id is another community's).
func (db *DB) Schedule(ctx context.Context, community string, id int64) (bot.Schedule, error) {
	sc, err := scanSchedule(db.read.QueryRowContext(ctx, `SELECT `+scheduleColumns+`
FROM schedules s JOIN communities c ON c.id = s.community_id
WHERE s.id = ? AND c.ext_id = ?`, id, community))
	if err != nil {
		return bot.Schedule{}, notFound(err, "schedule %d of %s", id, community)
	}
	return sc, nil
}

// Schedules lists a community's schedules, or every community's when
// community is "", in id order.
func (db *DB) Schedules(ctx context.Context, community string) ([]bot.Schedule, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+scheduleColumns+`
FROM schedules s JOIN communities c ON c.id = s.community_id
WHERE ?1 = '' OR c.ext_id = ?1
ORDER BY s.id`, community)
	if err != nil {
		return nil, fmt.Errorf("list schedules of %q: %w", community, err)
	}
	defer rows.Close()
	all := []bot.Schedule{}
	for rows.Next() {
		sc, err := scanSchedule(rows)
		if err != nil {
			return nil, fmt.Errorf("list schedules of %q: %w", community, err)
		}
		all = append(all, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list schedules of %q: %w", community, err)
	}
	return all, nil
}

// SetSchedulePaused pauses or resumes a schedule, or returns bot.ErrNotFound.
func (db *DB) SetSchedulePaused(ctx context.Context, community string, id int64, paused bool) error {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE schedules SET paused = ?
WHERE id = ? AND community_id = (SELECT id FROM communities WHERE ext_id = ?)`, paused, id, community)
	})
	if err != nil {
		return fmt.Errorf("pause schedule %d of %s: %w", id, community, err)
	}
	if n == 0 {
		return fmt.Errorf("schedule %d of %s: %w", id, community, bot.ErrNotFound)
	}
	return nil
}

// RemoveSchedule deletes a schedule and its firings, or returns
// bot.ErrNotFound.
func (db *DB) RemoveSchedule(ctx context.Context, community string, id int64) error {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM schedules
WHERE id = ? AND community_id = (SELECT id FROM communities WHERE ext_id = ?)`, id, community)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return 0, err
		}
		// The foreign key cascades too; this does not depend on it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM firings WHERE schedule_id = ?`, id); err != nil {
			return 0, err
		}
		return int(n), nil
	})
	if err != nil {
		return fmt.Errorf("remove schedule %d of %s: %w", id, community, err)
	}
	if n == 0 {
		return fmt.Errorf("schedule %d of %s: %w", id, community, bot.ErrNotFound)
	}
	return nil
}

// ClaimFiring records f and reports whether this call inserted it. The
// primary key (schedule, intended time) is the guard: of any number of
// callers, in this process or others sharing the file, exactly one gets
// true. A firing of a schedule that no longer exists is not claimed (false):
// it must not run.
func (db *DB) ClaimFiring(ctx context.Context, f bot.Firing) (bool, error) {
	if f.At.IsZero() {
		return false, fmt.Errorf("claim firing of schedule %d: no intended time", f.Schedule)
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `INSERT INTO firings (schedule_id, at, status, missed, ran_at, error)
SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM schedules WHERE id = ?1)
ON CONFLICT (schedule_id, at) DO NOTHING`,
			f.Schedule, f.At.UnixMilli(), string(f.Status), f.Missed, toMillis(f.RanAt), f.Error)
	})
	if err != nil {
		return false, fmt.Errorf("claim firing of schedule %d at %s: %w", f.Schedule, f.At.Format(time.RFC3339), err)
	}
	return n == 1, nil
}

// FinishFiring updates a claimed firing's status and error, and its run
// time when f has one. It returns bot.ErrNotFound for a firing never claimed.
func (db *DB) FinishFiring(ctx context.Context, f bot.Firing) error {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE firings SET status = ?, error = ?, ran_at = COALESCE(?, ran_at)
WHERE schedule_id = ? AND at = ?`, string(f.Status), f.Error, toMillis(f.RanAt), f.Schedule, f.At.UnixMilli())
	})
	if err != nil {
		return fmt.Errorf("finish firing of schedule %d at %s: %w", f.Schedule, f.At.Format(time.RFC3339), err)
	}
	if n == 0 {
		return fmt.Errorf("firing of schedule %d at %s: %w", f.Schedule, f.At.Format(time.RFC3339), bot.ErrNotFound)
	}
	return nil
}

const firingColumns = `schedule_id, at, status, missed, ran_at, error`

func scanFiring(row interface{ Scan(...any) error }) (bot.Firing, error) {
	var f bot.Firing
	var at int64
	var status string
	var ran sql.NullInt64
	if err := row.Scan(&f.Schedule, &at, &status, &f.Missed, &ran, &f.Error); err != nil {
		return bot.Firing{}, err
	}
	f.At, f.Status, f.RanAt = time.UnixMilli(at).UTC(), bot.FiringStatus(status), fromMillis(ran)
	return f, nil
}

// LastFiring returns the schedule's firing with the latest intended time,
// or bot.ErrNotFound.
func (db *DB) LastFiring(ctx context.Context, schedule int64) (bot.Firing, error) {
	f, err := scanFiring(db.read.QueryRowContext(ctx, `SELECT `+firingColumns+`
FROM firings WHERE schedule_id = ? ORDER BY at DESC LIMIT 1`, schedule))
	if err != nil {
		return bot.Firing{}, notFound(err, "last firing of schedule %d", schedule)
	}
	return f, nil
}

// LastFirings returns the intended time of each schedule's latest firing,
// by schedule id, in one query: each schedule's latest is one step down the
// firings' (schedule_id, at) key.
func (db *DB) LastFirings(ctx context.Context) (map[int64]time.Time, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.id, (SELECT MAX(f.at) FROM firings f WHERE f.schedule_id = s.id)
FROM schedules s`)
	if err != nil {
		return nil, fmt.Errorf("last firings: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at sql.NullInt64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("last firings: %w", err)
		}
		if at.Valid {
			out[id] = time.UnixMilli(at.Int64).UTC()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("last firings: %w", err)
	}
	return out, nil
}

// RecentFirings returns up to n of the schedule's firings, latest intended
// time first.
func (db *DB) RecentFirings(ctx context.Context, schedule int64, n int) ([]bot.Firing, error) {
	out := []bot.Firing{}
	if n <= 0 {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+firingColumns+`
FROM firings WHERE schedule_id = ? ORDER BY at DESC LIMIT ?`, schedule, n)
	if err != nil {
		return nil, fmt.Errorf("recent firings of schedule %d: %w", schedule, err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFiring(rows)
		if err != nil {
			return nil, fmt.Errorf("recent firings of schedule %d: %w", schedule, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent firings of schedule %d: %w", schedule, err)
	}
	return out, nil
}
