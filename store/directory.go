package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/hearth-community/hearth/bot"
)

// SaveDirectory upserts what an adapter learned about a community, its
// channels and its members:
//
//   - names, bot flags, time zones and admin flags are refreshed;
//   - a member's join time is set when the directory knows it;
//   - a member marked Left has left as of d.At (unless known to have left
//     already); a member a complete directory lists as present has not left;
//   - members seen for the first time are first seen at d.At, except on the
//     community's first complete directory: members it introduces without a
//     join time were there before Hearth started, so they are never counted
//     as new and count as having joined long ago.
func (db *DB) SaveDirectory(ctx context.Context, d bot.Directory) error {
	if d.Community.ID == "" {
		return errors.New("save directory: no community id")
	}
	if d.At.IsZero() {
		return fmt.Errorf("save directory of %s: no time", d.Community.ID)
	}
	d.Members, d.Channels = slices.Clone(d.Members), slices.Clone(d.Channels)
	_, err := db.w.do(ctx, 1+len(d.Members)+len(d.Channels), func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		return 0, s.saveDirectory(ctx, tx, d)
	})
	if err != nil {
		return fmt.Errorf("save directory of %s: %w", d.Community.ID, err)
	}
	return nil
}

const (
	sqlDirectoryCommunity = `INSERT INTO communities (ext_id, platform, name) VALUES (?, ?, ?)
ON CONFLICT (ext_id) DO UPDATE SET
	platform = excluded.platform,
	name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE communities.name END
RETURNING id, first_sync_at IS NULL`

	sqlFirstSync = `UPDATE communities SET first_sync_at = ? WHERE id = ? AND first_sync_at IS NULL`

	sqlDirectoryBots = `SELECT ext_id, id, is_bot FROM members WHERE community_id = ?`

	// ?8 is the directory's time, ?9 the member's join time (or NULL), ?10
	// whether they left, ?11 whether they were there before Hearth started,
	// ?12 whether the directory is complete.
	sqlDirectoryMember = `INSERT INTO members (community_id, ext_id, name, name_fold, is_bot, tz, admin,
	first_seen, joined_at, left_at, before_hearth)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CASE WHEN ?10 <> 0 THEN CAST(?8 AS BIGINT) END, ?11)
ON CONFLICT (community_id, ext_id) DO UPDATE SET
	name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE members.name END,
	name_fold = CASE WHEN excluded.name <> '' THEN excluded.name_fold ELSE members.name_fold END,
	is_bot = excluded.is_bot,
	tz = excluded.tz,
	admin = excluded.admin,
	joined_at = COALESCE(excluded.joined_at, members.joined_at),
	left_at = CASE
		WHEN ?10 <> 0 THEN COALESCE(members.left_at, ?8)
		WHEN ?12 <> 0 THEN NULL
		ELSE members.left_at END`
)

// Written from dayColumns, so not constants.
var (
	// channel_days leave bots out: when a directory says a member is a bot
	// (?2 = -1) or no longer one (?2 = 1), their activity leaves or joins
	// the channel figures.
	sqlShiftChannelDays = `INSERT INTO channel_days (community_id, channel_id, day, ` + sqlDayColumns + `)
SELECT community_id, channel_id, day, ` + eachDayColumn("?2 * %[1]s", ", ") + `
FROM member_channel_days WHERE community_id = ?1 AND member_id = ?3
ON CONFLICT (community_id, channel_id, day) DO UPDATE SET
	` + addExcluded("channel_days")

	sqlPruneChannelDays = `DELETE FROM channel_days WHERE community_id = ? AND ` + sqlAllZero
)

func (s *txState) saveDirectory(ctx context.Context, tx *txConn, d bot.Directory) error {
	// Activity recorded earlier in this transaction goes to the rollups
	// first, under the bot flags it was recorded with.
	if err := s.flush(ctx); err != nil {
		return err
	}
	platform := string(d.Community.Platform)
	if platform == "" {
		platform = platformOf(d.Community.ID)
	}
	var cid int64
	var neverSynced bool
	if err := tx.QueryRowContext(ctx, sqlDirectoryCommunity, d.Community.ID, platform, d.Community.Name).Scan(&cid, &neverSynced); err != nil {
		return fmt.Errorf("community: %w", err)
	}
	s.cache.communities[d.Community.ID] = cid
	firstComplete := d.Complete && neverSynced
	at := d.At.UnixMilli()
	if firstComplete {
		if _, err := tx.ExecContext(ctx, sqlFirstSync, at, cid); err != nil {
			return fmt.Errorf("first sync: %w", err)
		}
	}
	for _, c := range d.Channels {
		if _, err := s.channel(ctx, cid, c.ID, c.Name); err != nil {
			return err
		}
	}
	wasBot, err := botFlags(ctx, tx, cid)
	if err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, sqlDirectoryMember)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer st.Close()
	shifted := false
	for _, m := range d.Members {
		if m.ID == "" {
			return errors.New("a member without id")
		}
		var joined sql.NullInt64
		if !m.JoinedAt.IsZero() {
			joined = sql.NullInt64{Int64: m.JoinedAt.UnixMilli(), Valid: true}
		}
		beforeHearth := firstComplete && m.JoinedAt.IsZero()
		if _, err := st.ExecContext(ctx, cid, m.ID, m.Name, fold(m.Name), m.IsBot, m.TZ, m.Admin,
			at, joined, m.Left, beforeHearth, d.Complete); err != nil {
			return fmt.Errorf("member %s: %w", m.ID, err)
		}
		delete(s.cache.members, extKey{cid, m.ID})
		if old, ok := wasBot[m.ID]; ok && old.isBot != m.IsBot {
			sign := 1
			if m.IsBot {
				sign = -1
			}
			if _, err := tx.ExecContext(ctx, sqlShiftChannelDays, cid, sign, old.id); err != nil {
				return fmt.Errorf("member %s: bot flag: %w", m.ID, err)
			}
			shifted = true
		}
	}
	if shifted {
		if _, err := tx.ExecContext(ctx, sqlPruneChannelDays, cid); err != nil {
			return fmt.Errorf("bot flags: %w", err)
		}
	}
	return nil
}

type botFlag struct {
	id    int64
	isBot bool
}

// botFlags returns the bot flag of every member of a community, by platform id.
func botFlags(ctx context.Context, tx *txConn, community int64) (map[string]botFlag, error) {
	rows, err := tx.QueryContext(ctx, sqlDirectoryBots, community)
	if err != nil {
		return nil, fmt.Errorf("bot flags: %w", err)
	}
	defer rows.Close()
	flags := map[string]botFlag{}
	for rows.Next() {
		var ext string
		var f botFlag
		if err := rows.Scan(&ext, &f.id, &f.isBot); err != nil {
			return nil, fmt.Errorf("bot flags: %w", err)
		}
		flags[ext] = f
	}
	return flags, rows.Err()
}
