package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

const memberColumns = `m.ext_id, m.name, m.is_bot, m.tz, m.admin, m.joined_at, m.left_at IS NOT NULL`

func scanMember(row interface{ Scan(...any) error }) (bot.Member, error) {
	var m bot.Member
	var joined sql.NullInt64
	if err := row.Scan(&m.ID, &m.Name, &m.IsBot, &m.TZ, &m.Admin, &joined, &m.Left); err != nil {
		return bot.Member{}, err
	}
	m.JoinedAt = fromMillis(joined)
	return m, nil
}

// Member returns one member by platform id, or bot.ErrNotFound.
func (db *DB) Member(ctx context.Context, community, id string) (bot.Member, error) {
	m, err := scanMember(db.read.QueryRowContext(ctx, `SELECT `+memberColumns+`
FROM members m JOIN communities c ON c.id = m.community_id
WHERE c.ext_id = ? AND m.ext_id = ?`, community, id))
	if err != nil {
		return bot.Member{}, notFound(err, "member %s of %s", id, community)
	}
	return m, nil
}

// maxFound is how many members FindMembers returns at most.
const maxFound = 10

// FindMembers returns up to 10 members whose name is name or starts with it,
// case-insensitively: exact matches first, then by name and id.
func (db *DB) FindMembers(ctx context.Context, community, name string) ([]bot.Member, error) {
	want := fold(strings.TrimPrefix(strings.TrimSpace(name), "@"))
	if want == "" {
		return []bot.Member{}, nil
	}
	// [want, want+U+10FFFF) holds every name starting with want.
	rows, err := db.read.QueryContext(ctx, `SELECT `+memberColumns+`
FROM members m
WHERE m.community_id = (SELECT id FROM communities WHERE ext_id = ?1)
	AND m.name_fold >= ?2 AND m.name_fold < ?3
ORDER BY m.name_fold = ?2 DESC, m.name_fold, m.ext_id
LIMIT ?4`, community, want, want+"\U0010FFFF", maxFound)
	if err != nil {
		return nil, fmt.Errorf("find members %q of %s: %w", name, community, err)
	}
	defer rows.Close()
	found := []bot.Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("find members %q of %s: %w", name, community, err)
		}
		found = append(found, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find members %q of %s: %w", name, community, err)
	}
	return found, nil
}

// Channel returns one channel by platform id, or bot.ErrNotFound.
func (db *DB) Channel(ctx context.Context, community, id string) (bot.Channel, error) {
	var ch bot.Channel
	err := db.read.QueryRowContext(ctx, `SELECT ch.ext_id, ch.name
FROM channels ch JOIN communities c ON c.id = ch.community_id
WHERE c.ext_id = ? AND ch.ext_id = ?`, community, id).Scan(&ch.ID, &ch.Name)
	if err != nil {
		return bot.Channel{}, notFound(err, "channel %s of %s", id, community)
	}
	return ch, nil
}

// FindChannel returns the channel called name (with or without '#'),
// case-insensitively, or bot.ErrNotFound.
func (db *DB) FindChannel(ctx context.Context, community, name string) (bot.Channel, error) {
	want := fold(strings.TrimPrefix(strings.TrimSpace(name), "#"))
	var ch bot.Channel
	err := db.read.QueryRowContext(ctx, `SELECT ch.ext_id, ch.name
FROM channels ch JOIN communities c ON c.id = ch.community_id
WHERE c.ext_id = ? AND ch.name_fold = ? AND ch.name_fold <> ''
ORDER BY ch.ext_id LIMIT 1`, community, want).Scan(&ch.ID, &ch.Name)
	if err != nil {
		return bot.Channel{}, notFound(err, "channel #%s of %s", name, community)
	}
	return ch, nil
}

// Communities lists the communities in the database, by id.
func (db *DB) Communities(ctx context.Context) ([]bot.Community, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT ext_id, platform, name FROM communities ORDER BY ext_id`)
	if err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	defer rows.Close()
	all := []bot.Community{}
	for rows.Next() {
		var c bot.Community
		if err := rows.Scan(&c.ID, &c.Platform, &c.Name); err != nil {
			return nil, fmt.Errorf("list communities: %w", err)
		}
		all = append(all, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list communities: %w", err)
	}
	return all, nil
}

// notFound wraps err with what was looked up, as bot.ErrNotFound when there
// was no row.
func notFound(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, bot.ErrNotFound)
	}
	return fmt.Errorf("look up %s: %w", what, err)
}

// fromMillis turns a nullable unix millisecond time into a time.Time, zero
// for NULL.
func fromMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}
