package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

var _ members.NudgeStore = (*DB)(nil)

const (
	// A member Hearth learns of from a nudge or from their preferences (a
	// member who never posted runs "/hearth nudges off") did not arrive
	// then: they were there unseen, like the members a community's first
	// complete directory introduces. So the row is marked as there before
	// Hearth started, which keeps them out of every "new" figure and
	// newcomer list, and counts them (as quiet) among the members of past
	// periods, where a complete directory would have put them too. first_seen
	// is the time given (see knownMember). A known member's row is left as it
	// is; the no-op update makes RETURNING give its id.
	sqlKnownMember = `INSERT INTO members (community_id, ext_id, first_seen, before_hearth) VALUES (?, ?, ?, 1)
ON CONFLICT (community_id, ext_id) DO UPDATE SET ext_id = members.ext_id
RETURNING id`

	// The latest time the database knows of in a community: its latest
	// event, or the latest directory that introduced a member. SetPrefs has
	// no time of its own, and the store does not read the wall clock for
	// domain times.
	sqlLatestKnown = `SELECT MAX(
	COALESCE((SELECT MAX(at) FROM events WHERE community_id = ?1), 0),
	COALESCE((SELECT MAX(first_seen) FROM members WHERE community_id = ?1), 0))`
)

// knownMember returns the id of a member of community, creating the row as
// sqlKnownMember says, first seen at firstSeen (nil: the latest time the
// community knows).
func (s *txState) knownMember(ctx context.Context, tx *txConn, community int64, ext string, firstSeen *int64) (int64, error) {
	if m, ok := s.cache.members[extKey{community, ext}]; ok {
		return m.id, nil
	}
	var at int64
	if firstSeen != nil {
		at = *firstSeen
	} else if err := tx.QueryRowContext(ctx, sqlLatestKnown, community).Scan(&at); err != nil {
		return 0, fmt.Errorf("latest time of the community: %w", err)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, sqlKnownMember, community, ext, at).Scan(&id); err != nil {
		return 0, fmt.Errorf("member %s: %w", ext, err)
	}
	return id, nil
}

// AddNudge stores a nudge and returns its id; ids are never reused. n.ID is
// ignored; an empty Status is bot.NudgeQueued, a zero SendAt is QueuedAt (it
// may go at once). A member not known yet gets a row (see sqlKnownMember),
// first seen at n.QueuedAt.
func (db *DB) AddNudge(ctx context.Context, n members.Nudge) (int64, error) {
	switch {
	case n.Community == "" || n.Member == "":
		return 0, fmt.Errorf("add nudge of %q to %q: no community or member", n.Community, n.Member)
	case n.QueuedAt.IsZero():
		return 0, fmt.Errorf("add nudge of %s to %s: no queue time", n.Community, n.Member)
	}
	if n.Status == "" {
		n.Status = members.NudgeQueued
	}
	if n.SendAt.IsZero() {
		n.SendAt = n.QueuedAt
	}
	queued := n.QueuedAt.UnixMilli()
	var id int64
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, n.Community)
		if err != nil {
			return 0, err
		}
		mid, err := s.knownMember(ctx, tx, cid, n.Member, &queued)
		if err != nil {
			return 0, err
		}
		return 0, tx.QueryRowContext(ctx, `INSERT INTO nudges (community_id, member_id, wording, queued_at, send_at,
	sent_at, status, response, responded_at, approved_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			cid, mid, n.Wording, queued, n.SendAt.UnixMilli(), toMillis(n.SentAt), string(n.Status),
			string(n.Response), toMillis(n.RespondedAt), n.ApprovedBy).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("add nudge of %s to %s: %w", n.Community, n.Member, err)
	}
	return id, nil
}

const nudgeColumns = `n.id, c.ext_id, m.ext_id, n.wording, n.queued_at, n.send_at, n.sent_at, n.status,
	n.response, n.responded_at, n.approved_by`

// sqlNudges reads nudges with nudgeColumns: n, their community c and member m.
const sqlNudges = `SELECT ` + nudgeColumns + `
FROM nudges n JOIN communities c ON c.id = n.community_id JOIN members m ON m.id = n.member_id`

func scanNudge(row interface{ Scan(...any) error }) (members.Nudge, error) {
	var n members.Nudge
	var queued, send int64
	var sent, responded sql.NullInt64
	var status, response string
	if err := row.Scan(&n.ID, &n.Community, &n.Member, &n.Wording, &queued, &send, &sent, &status,
		&response, &responded, &n.ApprovedBy); err != nil {
		return members.Nudge{}, err
	}
	n.QueuedAt = fromMillis(sql.NullInt64{Int64: queued, Valid: true})
	n.SendAt = fromMillis(sql.NullInt64{Int64: send, Valid: true})
	n.SentAt, n.RespondedAt = fromMillis(sent), fromMillis(responded)
	n.Status, n.Response = members.NudgeStatus(status), members.NudgeResponse(response)
	return n, nil
}

// Nudge returns one nudge of a community, or bot.ErrNotFound (also when the
// id is another community's).
func (db *DB) Nudge(ctx context.Context, community string, id int64) (members.Nudge, error) {
	n, err := scanNudge(db.read.QueryRowContext(ctx, sqlNudges+` WHERE n.id = ? AND c.ext_id = ?`, id, community))
	if err != nil {
		return members.Nudge{}, notFound(err, "nudge %d of %s", id, community)
	}
	return n, nil
}

// UpdateNudge sets a nudge's Status, SentAt, Response, RespondedAt and
// ApprovedBy; the other fields are ignored, but n.Community must name the
// nudge's community (as Nudge returned it): n.ID of another community is
// bot.ErrNotFound, as is an unknown id.
func (db *DB) UpdateNudge(ctx context.Context, n members.Nudge) error {
	if n.Community == "" || n.Status == "" {
		return fmt.Errorf("update nudge %d of %q: no community or status", n.ID, n.Community)
	}
	count, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		res, err := tx.ExecContext(ctx, `UPDATE nudges SET status = ?, sent_at = ?, response = ?, responded_at = ?, approved_by = ?
WHERE id = ? AND community_id = (SELECT id FROM communities WHERE ext_id = ?)`,
			string(n.Status), toMillis(n.SentAt), string(n.Response), toMillis(n.RespondedAt), n.ApprovedBy, n.ID, n.Community)
		if err != nil {
			return 0, err
		}
		count, err := res.RowsAffected()
		return int(count), err
	})
	if err != nil {
		return fmt.Errorf("update nudge %d of %s: %w", n.ID, n.Community, err)
	}
	if count == 0 {
		return fmt.Errorf("nudge %d of %s: %w", n.ID, n.Community, bot.ErrNotFound)
	}
	return nil
}

// MemberNudges lists a member's nudges, newest first (by queue time, then
// id), at most limit (0: all); none for an unknown member.
func (db *DB) MemberNudges(ctx context.Context, community, member string, limit int) ([]members.Nudge, error) {
	if limit <= 0 {
		limit = noLimit
	}
	return db.nudges(ctx, fmt.Sprintf("nudges of %s in %s", member, community), sqlNudges+`
WHERE c.ext_id = ? AND m.ext_id = ?
ORDER BY n.queued_at DESC, n.id DESC LIMIT ?`, community, member, limit)
}

// SentNudges counts each member's sent nudges, by member id.
func (db *DB) SentNudges(ctx context.Context, community string) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.ext_id, COUNT(*) FROM nudges n
JOIN communities c ON c.id = n.community_id
JOIN members m ON m.id = n.member_id
WHERE c.ext_id = ? AND n.status = 'sent'
GROUP BY m.ext_id`, community)
	if err != nil {
		return nil, fmt.Errorf("sent nudges of %s: %w", community, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var member string
		var n int
		if err := rows.Scan(&member, &n); err != nil {
			return nil, fmt.Errorf("sent nudges of %s: %w", community, err)
		}
		out[member] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sent nudges of %s: %w", community, err)
	}
	return out, nil
}

// QueuedNudges lists a community's queued nudges and those being sent, by
// send time, then id.
func (db *DB) QueuedNudges(ctx context.Context, community string) ([]members.Nudge, error) {
	return db.nudges(ctx, fmt.Sprintf("queued nudges of %s", community), sqlNudges+`
WHERE c.ext_id = ? AND n.status IN ('queued', 'sending')
ORDER BY n.send_at, n.id`, community)
}

// ClaimNudge moves a nudge from queued to sending at now and reports
// whether this call did. It is one conditional UPDATE: it matches a queued
// row, or a sending one claimed at or before now - members.NudgeClaimStale
// (its sender died), and the database runs it atomically (SQLite's write
// lock, PostgreSQL's row lock: a second UPDATE waits for the first and
// re-checks the condition on the new row), so of any number of callers in
// any number of processes exactly one gets true.
func (db *DB) ClaimNudge(ctx context.Context, community string, id int64, now time.Time) (bool, error) {
	at := now.UnixMilli()
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE nudges SET status = 'sending', claimed_at = ?
WHERE id = ? AND community_id = (SELECT id FROM communities WHERE ext_id = ?)
	AND (status = 'queued' OR (status = 'sending' AND COALESCE(claimed_at, 0) <= ?))`,
			at, id, community, at-members.NudgeClaimStale.Milliseconds())
	})
	if err != nil {
		return false, fmt.Errorf("claim nudge %d of %s: %w", id, community, err)
	}
	return n == 1, nil
}

// nudges reads the nudges query selects (sqlNudges); what names them in
// errors.
func (db *DB) nudges(ctx context.Context, what, query string, args ...any) ([]members.Nudge, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []members.Nudge{}
	for rows.Next() {
		n, err := scanNudge(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

const prefsColumns = `p.nudges_off, p.paused_until, p.unreachable_since, p.welcomed_at`

func scanPrefs(row interface{ Scan(...any) error }, extra ...any) (bot.MemberPrefs, error) {
	var p bot.MemberPrefs
	var paused, unreachable, welcomed sql.NullInt64
	if err := row.Scan(append(extra, &p.NudgesOff, &paused, &unreachable, &welcomed)...); err != nil {
		return bot.MemberPrefs{}, err
	}
	p.PausedUntil, p.UnreachableSince, p.WelcomedAt = fromMillis(paused), fromMillis(unreachable), fromMillis(welcomed)
	return p, nil
}

// Prefs returns a member's preferences: the zero value when none are kept,
// also for an unknown member or community.
func (db *DB) Prefs(ctx context.Context, community, member string) (bot.MemberPrefs, error) {
	p, err := scanPrefs(db.read.QueryRowContext(ctx, `SELECT `+prefsColumns+`
FROM member_prefs p JOIN communities c ON c.id = p.community_id JOIN members m ON m.id = p.member_id
WHERE c.ext_id = ? AND m.ext_id = ?`, community, member))
	if errors.Is(err, sql.ErrNoRows) {
		return bot.MemberPrefs{}, nil
	}
	if err != nil {
		return bot.MemberPrefs{}, fmt.Errorf("preferences of %s in %s: %w", member, community, err)
	}
	return p, nil
}

// SetPrefs stores a member's preferences, every field (WelcomedAt too: a
// caller changes one field of what Prefs returned). A member not known yet
// gets a row (see sqlKnownMember), first seen at the latest time the
// community knows.
func (db *DB) SetPrefs(ctx context.Context, community, member string, p bot.MemberPrefs) error {
	if community == "" || member == "" {
		return fmt.Errorf("set preferences of %q in %q: no community or member", member, community)
	}
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		mid, err := s.knownMember(ctx, tx, cid, member, nil)
		if err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO member_prefs (community_id, member_id, nudges_off, paused_until, unreachable_since, welcomed_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (community_id, member_id) DO UPDATE SET
	nudges_off = excluded.nudges_off, paused_until = excluded.paused_until, unreachable_since = excluded.unreachable_since,
	welcomed_at = excluded.welcomed_at`,
			cid, mid, p.NudgesOff, toMillis(p.PausedUntil), toMillis(p.UnreachableSince), toMillis(p.WelcomedAt))
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("set preferences of %s in %s: %w", member, community, err)
	}
	return nil
}

// AllPrefs returns the preferences kept for a community's members, by
// member id.
func (db *DB) AllPrefs(ctx context.Context, community string) (map[string]bot.MemberPrefs, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.ext_id, `+prefsColumns+`
FROM member_prefs p JOIN communities c ON c.id = p.community_id JOIN members m ON m.id = p.member_id
WHERE c.ext_id = ?`, community)
	if err != nil {
		return nil, fmt.Errorf("preferences in %s: %w", community, err)
	}
	defer rows.Close()
	out := map[string]bot.MemberPrefs{}
	for rows.Next() {
		var ext string
		p, err := scanPrefs(rows, &ext)
		if err != nil {
			return nil, fmt.Errorf("preferences in %s: %w", community, err)
		}
		out[ext] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("preferences in %s: %w", community, err)
	}
	return out, nil
}
