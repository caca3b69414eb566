package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/history"
)

var _ history.Store = (*DB)(nil)

// RequestImport records a queued import of community's history.
func (db *DB) RequestImport(ctx context.Context, community, by string, since, at time.Time) (int64, error) {
	if community == "" || since.IsZero() || at.IsZero() {
		return 0, fmt.Errorf("request history import of %q: no community or time", community)
	}
	var id int64
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		return 0, tx.QueryRowContext(ctx, `INSERT INTO history_imports (community_id, requested_by, since, requested_at, status)
VALUES (?, ?, ?, ?, ?) RETURNING id`, cid, by, since.UnixMilli(), at.UnixMilli(), string(history.StatusQueued)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("request history import of %s: %w", community, err)
	}
	return id, nil
}

const importColumns = `i.id, c.ext_id, i.requested_by, i.since, i.requested_at, i.started_at, i.finished_at, i.status,
	i.channels_listed, i.joins_done, i.progress_at, i.progress_channels, i.error`

func scanImport(row interface{ Scan(...any) error }) (history.Import, error) {
	var (
		imp                        history.Import
		since, requested           int64
		started, finished, noted   sql.NullInt64
		status                     string
		listed, joins, noteChannel int64
	)
	if err := row.Scan(&imp.ID, &imp.Community, &imp.RequestedBy, &since, &requested, &started, &finished, &status,
		&listed, &joins, &noted, &noteChannel, &imp.Error); err != nil {
		return history.Import{}, err
	}
	imp.Since, imp.RequestedAt = time.UnixMilli(since).UTC(), time.UnixMilli(requested).UTC()
	imp.StartedAt, imp.FinishedAt, imp.ProgressAt = fromMillis(started), fromMillis(finished), fromMillis(noted)
	imp.Status, imp.ChannelsListed, imp.JoinsDone, imp.ProgressChannels = history.Status(status), listed != 0, joins != 0, int(noteChannel)
	return imp, nil
}

// Import returns one import, or bot.ErrNotFound.
func (db *DB) Import(ctx context.Context, id int64) (history.Import, error) {
	imp, err := scanImport(db.read.QueryRowContext(ctx, `SELECT `+importColumns+`
FROM history_imports i JOIN communities c ON c.id = i.community_id WHERE i.id = ?`, id))
	if err != nil {
		return history.Import{}, notFound(err, "history import %d", id)
	}
	return imp, nil
}

// LatestImport returns the community's latest import, or bot.ErrNotFound.
func (db *DB) LatestImport(ctx context.Context, community string) (history.Import, error) {
	imp, err := scanImport(db.read.QueryRowContext(ctx, `SELECT `+importColumns+`
FROM history_imports i JOIN communities c ON c.id = i.community_id WHERE c.ext_id = ?
ORDER BY i.id DESC LIMIT 1`, community))
	if err != nil {
		return history.Import{}, notFound(err, "history import of %s", community)
	}
	return imp, nil
}

// PendingImports lists the imports queued or running, oldest first.
func (db *DB) PendingImports(ctx context.Context) ([]history.Import, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+importColumns+`
FROM history_imports i JOIN communities c ON c.id = i.community_id WHERE i.status IN (?, ?) ORDER BY i.id`,
		string(history.StatusQueued), string(history.StatusRunning))
	if err != nil {
		return nil, fmt.Errorf("pending history imports: %w", err)
	}
	defer rows.Close()
	out := []history.Import{}
	for rows.Next() {
		imp, err := scanImport(rows)
		if err != nil {
			return nil, fmt.Errorf("pending history imports: %w", err)
		}
		out = append(out, imp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending history imports: %w", err)
	}
	return out, nil
}

// flag is a boolean as the integer the tables keep.
func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// SaveImport saves an import's state.
func (db *DB) SaveImport(ctx context.Context, imp history.Import) error {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE history_imports SET status = ?, started_at = ?, finished_at = ?,
	channels_listed = ?, joins_done = ?, progress_at = ?, progress_channels = ?, error = ? WHERE id = ?`,
			string(imp.Status), toMillis(imp.StartedAt), toMillis(imp.FinishedAt), flag(imp.ChannelsListed), flag(imp.JoinsDone),
			toMillis(imp.ProgressAt), imp.ProgressChannels, imp.Error, imp.ID)
	})
	if err != nil {
		return fmt.Errorf("save history import %d: %w", imp.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("history import %d: %w", imp.ID, bot.ErrNotFound)
	}
	return nil
}

// AddImportChannels lists the channels an import reads.
func (db *DB) AddImportChannels(ctx context.Context, id int64, channels []bot.Channel) error {
	chs := append([]bot.Channel(nil), channels...) // the writer reads them after a cancelled caller moved on
	_, err := db.w.do(ctx, len(chs), func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		for i, ch := range chs {
			if ch.ID == "" {
				return 0, errors.New("a channel without id")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO history_channels (import_id, channel, name, position) VALUES (?, ?, ?, ?)
ON CONFLICT (import_id, channel) DO NOTHING`, id, ch.ID, ch.Name, i); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	if err != nil {
		return fmt.Errorf("list channels of history import %d: %w", id, err)
	}
	return nil
}

// ImportChannels returns an import's channels with their progress.
func (db *DB) ImportChannels(ctx context.Context, id int64) ([]history.ChannelProgress, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT channel, name, position, cursor, events, skipped_bots, skipped_gone, done
FROM history_channels WHERE import_id = ? ORDER BY position, channel`, id)
	if err != nil {
		return nil, fmt.Errorf("channels of history import %d: %w", id, err)
	}
	defer rows.Close()
	out := []history.ChannelProgress{}
	for rows.Next() {
		var c history.ChannelProgress
		var done int64
		if err := rows.Scan(&c.Channel, &c.Name, &c.Position, &c.Cursor, &c.Events, &c.SkippedBots, &c.SkippedGone, &done); err != nil {
			return nil, fmt.Errorf("channels of history import %d: %w", id, err)
		}
		c.Done = done != 0
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("channels of history import %d: %w", id, err)
	}
	return out, nil
}

// SaveImportPage moves a channel's cursor from from to to, in one
// conditional statement: of two workers on one channel, only the one that
// read from the stored cursor moves it.
func (db *DB) SaveImportPage(ctx context.Context, id int64, channel, from, to string, counts history.PageCounts, done bool) (bool, error) {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE history_channels SET cursor = ?, events = events + ?, skipped_bots = skipped_bots + ?,
	skipped_gone = skipped_gone + ?, done = ? WHERE import_id = ? AND channel = ? AND cursor = ? AND done = 0`,
			to, counts.Events, counts.SkippedBots, counts.SkippedGone, flag(done), id, channel, from)
	})
	if err != nil {
		return false, fmt.Errorf("save history page of %s (import %d): %w", channel, id, err)
	}
	return n == 1, nil
}

// Tombstoned returns which of members were forgotten in community.
func (db *DB) Tombstoned(ctx context.Context, community string, members []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(members) == 0 {
		return out, nil
	}
	var cid int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM communities WHERE ext_id = ?`, community).Scan(&cid)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tombstones of %s: %w", community, err)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM member_tombstones WHERE community_id = ?`, cid).Scan(&n); err != nil || n == 0 {
		return out, err // the common case: nobody was forgotten
	}
	seen := map[string]bool{}
	for _, m := range members {
		if seen[m] {
			continue
		}
		seen[m] = true
		var one int
		err := db.read.QueryRowContext(ctx, `SELECT 1 FROM member_tombstones WHERE community_id = ? AND member_hash = ?`,
			cid, bot.MemberTombstone(community, m)).Scan(&one)
		switch {
		case err == nil:
			out[m] = true
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("tombstones of %s: %w", community, err)
		}
	}
	return out, nil
}

// HistorySince is when the community's record starts once an import is done.
func (db *DB) HistorySince(ctx context.Context, community string) (time.Time, bool, error) {
	var since, first sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT MIN(i.since) FROM history_imports i JOIN communities c ON c.id = i.community_id
WHERE c.ext_id = ? AND i.status = ?`, community, string(history.StatusDone)).Scan(&since)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("history since of %s: %w", community, err)
	}
	if !since.Valid {
		return time.Time{}, false, nil
	}
	if err := db.read.QueryRowContext(ctx, `SELECT MIN(e.at) FROM events e JOIN communities c ON c.id = e.community_id
WHERE c.ext_id = ?`, community).Scan(&first); err != nil {
		return time.Time{}, false, fmt.Errorf("history since of %s: %w", community, err)
	}
	if first.Valid && first.Int64 < since.Int64 {
		since = first
	}
	return time.UnixMilli(since.Int64).UTC(), true, nil
}
