package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/meetings"
)

var _ meetings.EventStore = (*DB)(nil)

// AddEvent stores an event and returns its id; ids are never reused.
// e.ID is ignored.
func (db *DB) AddEvent(ctx context.Context, e meetings.CommunityEvent) (int64, error) {
	switch {
	case e.Community == "" || strings.TrimSpace(e.Title) == "":
		return 0, fmt.Errorf("add event %q to %q: no community or title", e.Title, e.Community)
	case e.Start.IsZero() || e.End.Before(e.Start) || e.CreatedAt.IsZero():
		return 0, fmt.Errorf("add event %q to %s: bad times %s to %s, created %s", e.Title, e.Community, e.Start, e.End, e.CreatedAt)
	}
	var id int64
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, e.Community)
		if err != nil {
			return 0, err
		}
		return 0, tx.QueryRowContext(ctx, `INSERT INTO community_events
	(community_id, title, starts_at, ends_at, link, channel, series_id, created_by, created_at, cancelled_at, message, external_id, feedback_run)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			cid, e.Title, e.Start.UnixMilli(), e.End.UnixMilli(), e.Link, e.Channel, nullID(e.Series), e.CreatedBy, e.CreatedAt.UnixMilli(),
			toMillis(e.CancelledAt), e.Message, e.External, nullID(e.FeedbackRun)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("add event %q to %s: %w", e.Title, e.Community, err)
	}
	return id, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// sqlEvents reads events: e and their community c.
const sqlEvents = `SELECT e.id, c.ext_id, e.title, e.starts_at, e.ends_at, e.link, e.channel, e.series_id, e.created_by, e.created_at,
	e.cancelled_at, e.message, e.external_id, e.feedback_run
FROM community_events e JOIN communities c ON c.id = e.community_id`

func scanEvent(row interface{ Scan(...any) error }) (meetings.CommunityEvent, error) {
	var e meetings.CommunityEvent
	var start, end, created int64
	var series, cancelled, feedback sql.NullInt64
	if err := row.Scan(&e.ID, &e.Community, &e.Title, &start, &end, &e.Link, &e.Channel, &series, &e.CreatedBy, &created,
		&cancelled, &e.Message, &e.External, &feedback); err != nil {
		return meetings.CommunityEvent{}, err
	}
	e.Start, e.End, e.CreatedAt = time.UnixMilli(start).UTC(), time.UnixMilli(end).UTC(), time.UnixMilli(created).UTC()
	e.CancelledAt, e.Series, e.FeedbackRun = fromMillis(cancelled), series.Int64, feedback.Int64
	return e, nil
}

// CommunityEvent returns one event of a community, or bot.ErrNotFound (also
// when the id is another community's).
func (db *DB) CommunityEvent(ctx context.Context, community string, id int64) (meetings.CommunityEvent, error) {
	e, err := scanEvent(db.read.QueryRowContext(ctx, sqlEvents+` WHERE e.id = ? AND c.ext_id = ?`, id, community))
	if err != nil {
		return meetings.CommunityEvent{}, notFound(err, "event %d of %s", id, community)
	}
	return e, nil
}

// CommunityEvents lists a community's events that meet q, by start, then
// id: ending at or after q.EndFrom and before q.EndBefore (zero: no bound),
// cancelled ones only with q.Cancelled, at most q.Limit (0: all).
func (db *DB) CommunityEvents(ctx context.Context, community string, q meetings.EventQuery) ([]meetings.CommunityEvent, error) {
	where, args := []string{`c.ext_id = ?`}, []any{community}
	if !q.EndFrom.IsZero() {
		where, args = append(where, `e.ends_at >= ?`), append(args, q.EndFrom.UnixMilli())
	}
	if !q.EndBefore.IsZero() {
		where, args = append(where, `e.ends_at < ?`), append(args, q.EndBefore.UnixMilli())
	}
	if !q.Cancelled {
		where = append(where, `e.cancelled_at IS NULL`)
	}
	query := sqlEvents + ` WHERE ` + strings.Join(where, ` AND `) + ` ORDER BY e.starts_at, e.id`
	if q.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", community, err)
	}
	defer rows.Close()
	out := []meetings.CommunityEvent{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("events of %s: %w", community, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// UpdateEvent stores an event's message, external id, cancellation and
// feedback run, or returns bot.ErrNotFound.
func (db *DB) UpdateEvent(ctx context.Context, e meetings.CommunityEvent) error {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE community_events SET message = ?, external_id = ?, cancelled_at = ?, feedback_run = ?
WHERE id = ? AND community_id = (SELECT id FROM communities WHERE ext_id = ?)`,
			e.Message, e.External, toMillis(e.CancelledAt), nullID(e.FeedbackRun), e.ID, e.Community)
	})
	if err != nil {
		return fmt.Errorf("update event %d of %s: %w", e.ID, e.Community, err)
	}
	if n == 0 {
		return fmt.Errorf("update event %d of %s: %w", e.ID, e.Community, bot.ErrNotFound)
	}
	return nil
}

// eventMember finds an event of the community and the member's row (made
// when the member is not known yet, first seen at at).
func eventMember(ctx context.Context, tx *txConn, s *txState, community string, event int64, member string, at int64) (int64, error) {
	cid, err := s.community(ctx, community)
	if err != nil {
		return 0, err
	}
	var found int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM community_events WHERE id = ? AND community_id = ?`, event, cid).Scan(&found); err != nil {
		return 0, notFound(err, "event %d of %s", event, community)
	}
	return s.knownMember(ctx, tx, cid, member, &at)
}

// SetRSVP stores a member's latest choice for an event (one row per member
// and event; attendance is kept). A member not known yet gets a row (see
// sqlKnownMember). bot.ErrNotFound for an unknown event.
func (db *DB) SetRSVP(ctx context.Context, community string, r meetings.RSVP) error {
	switch {
	case community == "" || r.Member == "" || r.At.IsZero():
		return fmt.Errorf("RSVP of %q in %q: no community, member or time", r.Member, community)
	case r.Choice != meetings.RSVPGoing && r.Choice != meetings.RSVPMaybe && r.Choice != meetings.RSVPNotGoing:
		return fmt.Errorf("RSVP of %s in %s: unknown choice %q", r.Member, community, r.Choice)
	}
	at := r.At.UnixMilli()
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		mid, err := eventMember(ctx, tx, s, community, r.Event, r.Member, at)
		if err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO event_rsvps (event_id, member_id, choice, at) VALUES (?, ?, ?, ?)
ON CONFLICT (event_id, member_id) DO UPDATE SET choice = excluded.choice, at = excluded.at`, r.Event, mid, string(r.Choice), at)
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("RSVP of %s to event %d of %s: %w", r.Member, r.Event, community, err)
	}
	return nil
}

// MarkAttended marks a member at an event (a row without a choice when they
// never answered) and reports whether they were not marked before.
func (db *DB) MarkAttended(ctx context.Context, community string, event int64, member string, at time.Time) (bool, error) {
	if community == "" || member == "" || at.IsZero() {
		return false, fmt.Errorf("attendance of %q in %q: no community, member or time", member, community)
	}
	ms := at.UnixMilli()
	var added bool
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		added = false // a job may run twice
		mid, err := eventMember(ctx, tx, s, community, event, member, ms)
		if err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO event_rsvps (event_id, member_id, choice, at, attended_at) VALUES (?1, ?2, '', ?3, ?3)
ON CONFLICT (event_id, member_id) DO UPDATE SET attended_at = excluded.attended_at WHERE event_rsvps.attended_at IS NULL`, event, mid, ms)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		added = n > 0
		return 0, err
	})
	if err != nil {
		return false, fmt.Errorf("attendance of %s at event %d of %s: %w", member, event, community, err)
	}
	return added, nil
}

// RSVPs lists an event's RSVPs by time, then member id; none for an
// unknown event.
func (db *DB) RSVPs(ctx context.Context, community string, event int64) ([]meetings.RSVP, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.ext_id, m.name, r.choice, r.at, r.attended_at
FROM event_rsvps r
JOIN community_events e ON e.id = r.event_id
JOIN communities c ON c.id = e.community_id
JOIN members m ON m.id = r.member_id
WHERE r.event_id = ? AND c.ext_id = ?
ORDER BY r.at, m.ext_id`, event, community)
	if err != nil {
		return nil, fmt.Errorf("RSVPs of event %d of %s: %w", event, community, err)
	}
	defer rows.Close()
	out := []meetings.RSVP{}
	for rows.Next() {
		r := meetings.RSVP{Event: event}
		var choice string
		var at int64
		var attended sql.NullInt64
		if err := rows.Scan(&r.Member, &r.MemberName, &choice, &at, &attended); err != nil {
			return nil, fmt.Errorf("RSVPs of event %d of %s: %w", event, community, err)
		}
		r.Choice, r.At, r.AttendedAt = meetings.RSVPChoice(choice), time.UnixMilli(at).UTC(), fromMillis(attended)
		out = append(out, r)
	}
	return out, rows.Err()
}
