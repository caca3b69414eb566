package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

var _ checkins.CheckinStore = (*DB)(nil)

const (
	// A member first seen as a recipient (listed by id, or answering a
	// channel check-in before ever posting) gets a row first seen at the
	// given time. A known member's row is left as it is: Record's upsert
	// would move first_seen back to that time, and a run's times say
	// nothing about when a member arrived. The no-op update makes
	// RETURNING give the id of an existing row too.
	sqlRecipientMember = `INSERT INTO members (community_id, ext_id, first_seen) VALUES (?, ?, ?)
ON CONFLICT (community_id, ext_id) DO UPDATE SET ext_id = members.ext_id
RETURNING id`

	sqlInsertRecipient = `INSERT INTO checkin_recipients (run_id, member_id, seq, status) VALUES (?, ?, ?, ?)`

	// A new recipient goes after the others; a known one keeps its place.
	sqlSetRecipient = `INSERT INTO checkin_recipients (run_id, member_id, seq, status, sent_at, awaiting)
VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM checkin_recipients WHERE run_id = ?1), ?3, ?4, ?5)
ON CONFLICT (run_id, member_id) DO UPDATE SET
	status = excluded.status, sent_at = excluded.sent_at, awaiting = excluded.awaiting`

	sqlSaveAnswer = `INSERT INTO checkin_answers (run_id, respondent, question, value) VALUES (?, ?, ?, ?)
ON CONFLICT (run_id, respondent, question) DO UPDATE SET value = excluded.value`

	sqlDeleteAnswer = `DELETE FROM checkin_answers WHERE run_id = ? AND respondent = ? AND question = ?`
)

// recipientMember returns the id of a member of community, creating the row
// (first seen at the time given) for a member not seen yet.
func (s *txState) recipientMember(ctx context.Context, st *stmt, community int64, ext string, at int64) (int64, error) {
	if m, ok := s.cache.members[extKey{community, ext}]; ok {
		return m.id, nil
	}
	var id int64
	if err := st.QueryRowContext(ctx, community, ext, at).Scan(&id); err != nil {
		return 0, fmt.Errorf("member %s: %w", ext, err)
	}
	return id, nil
}

// CreateRun stores a run and its recipients, all pending in the order given
// (a repeated member counts once), and returns the run's id. The run's ID is
// ignored; an empty Salt is stored as none.
func (db *DB) CreateRun(ctx context.Context, r checkins.CheckinRun, recipients []string) (int64, error) {
	switch {
	case r.Community == "":
		return 0, errors.New("create check-in run: no community")
	case r.Survey.Name == "":
		return 0, fmt.Errorf("create check-in run of %s: no survey name", r.Community)
	case r.OpenedAt.IsZero() || r.ClosesAt.IsZero():
		return 0, fmt.Errorf("create %s check-in run of %s: no opening or closing time", r.Survey.Name, r.Community)
	}
	def, err := json.Marshal(r.Survey)
	if err != nil {
		return 0, fmt.Errorf("create %s check-in run of %s: %w", r.Survey.Name, r.Community, err)
	}
	// Copies: the writer reads them after a cancelled caller has moved on.
	members := make([]string, 0, len(recipients))
	seen := make(map[string]bool, len(recipients))
	for _, m := range recipients {
		if m == "" {
			return 0, fmt.Errorf("create %s check-in run of %s: a recipient without id", r.Survey.Name, r.Community)
		}
		if !seen[m] {
			seen[m] = true
			members = append(members, m)
		}
	}
	var salt []byte
	if len(r.Salt) > 0 {
		salt = slices.Clone(r.Salt)
	}
	var schedule sql.NullInt64
	if r.Schedule != 0 {
		schedule = sql.NullInt64{Int64: r.Schedule, Valid: true}
	}
	opened := r.OpenedAt.UnixMilli()
	var id int64
	_, err = db.w.do(ctx, 1+len(members), func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, r.Community)
		if err != nil {
			return 0, err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO checkin_runs (community_id, survey, definition, delivery,
	channel, post, anonymous, salt, started_by, schedule_id, opened_at, closes_at, reminded_at, closed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			cid, r.Survey.Name, string(def), string(r.Delivery), r.Channel, r.Post, r.Anonymous, salt, r.StartedBy,
			schedule, opened, r.ClosesAt.UnixMilli(), toMillis(r.RemindedAt), toMillis(r.ClosedAt)).Scan(&id); err != nil {
			return 0, fmt.Errorf("insert run: %w", err)
		}
		if len(members) == 0 {
			return 0, nil
		}
		member, err := tx.PrepareContext(ctx, sqlRecipientMember)
		if err != nil {
			return 0, fmt.Errorf("prepare: %w", err)
		}
		defer member.Close()
		insert, err := tx.PrepareContext(ctx, sqlInsertRecipient)
		if err != nil {
			return 0, fmt.Errorf("prepare: %w", err)
		}
		defer insert.Close()
		for i, ext := range members {
			mid, err := s.recipientMember(ctx, member, cid, ext, opened)
			if err != nil {
				return 0, err
			}
			if _, err := insert.ExecContext(ctx, id, mid, i+1, string(checkins.RecipientPending)); err != nil {
				return 0, fmt.Errorf("recipient %s: %w", ext, err)
			}
		}
		return 0, nil
	})
	if err != nil {
		return 0, fmt.Errorf("create %s check-in run of %s: %w", r.Survey.Name, r.Community, err)
	}
	return id, nil
}

const runColumns = `r.id, c.ext_id, r.definition, r.delivery, r.channel, r.post, r.anonymous, r.salt,
	r.started_by, r.schedule_id, r.opened_at, r.closes_at, r.reminded_at, r.closed_at`

func scanRun(row interface{ Scan(...any) error }) (checkins.CheckinRun, error) {
	var r checkins.CheckinRun
	var def, delivery string
	var schedule, reminded, closed sql.NullInt64
	var opened, closes int64
	if err := row.Scan(&r.ID, &r.Community, &def, &delivery, &r.Channel, &r.Post, &r.Anonymous, &r.Salt,
		&r.StartedBy, &schedule, &opened, &closes, &reminded, &closed); err != nil {
		return checkins.CheckinRun{}, err
	}
	if err := json.Unmarshal([]byte(def), &r.Survey); err != nil {
		return checkins.CheckinRun{}, fmt.Errorf("run %d: the stored survey does not read: %w", r.ID, err)
	}
	r.Delivery, r.Schedule = checkins.Delivery(delivery), schedule.Int64
	r.OpenedAt, r.ClosesAt = time.UnixMilli(opened).UTC(), time.UnixMilli(closes).UTC()
	r.RemindedAt, r.ClosedAt = fromMillis(reminded), fromMillis(closed)
	return r, nil
}

// CheckinRun returns one run of a community, or bot.ErrNotFound (also when
// the run is another community's).
func (db *DB) CheckinRun(ctx context.Context, community string, id int64) (checkins.CheckinRun, error) {
	r, err := scanRun(db.read.QueryRowContext(ctx, `SELECT `+runColumns+`
FROM checkin_runs r JOIN communities c ON c.id = r.community_id
WHERE r.id = ? AND c.ext_id = ?`, id, community))
	if err != nil {
		return checkins.CheckinRun{}, notFound(err, "check-in run %d of %s", id, community)
	}
	return r, nil
}

// CheckinRuns lists a community's runs matching q, newest first (by
// opening time, then id). Open and Closed together match nothing.
func (db *DB) CheckinRuns(ctx context.Context, community string, q checkins.RunQuery) ([]checkins.CheckinRun, error) {
	// The conditions are left out rather than disabled (?2 = '' OR ...), so
	// the indexes on survey and on open runs apply.
	where, args := []string{"c.ext_id = ?"}, []any{community}
	if q.Survey != "" {
		where, args = append(where, "r.survey = ?"), append(args, q.Survey)
	}
	if q.Open {
		where = append(where, "r.closed_at IS NULL")
	}
	if q.Closed {
		where = append(where, "r.closed_at IS NOT NULL")
	}
	limit := noLimit
	if q.Limit > 0 {
		limit = q.Limit
	}
	return db.runs(ctx, fmt.Sprintf("check-in runs of %s", community), `SELECT `+runColumns+`
FROM checkin_runs r JOIN communities c ON c.id = r.community_id
WHERE `+strings.Join(where, " AND ")+`
ORDER BY r.opened_at DESC, r.id DESC LIMIT ?`, append(args, limit)...)
}

// OpenRunsFor lists the runs not closed yet that have member among their
// recipients, whatever their status, newest first.
func (db *DB) OpenRunsFor(ctx context.Context, community, member string) ([]checkins.CheckinRun, error) {
	return db.runs(ctx, fmt.Sprintf("open check-in runs of %s in %s", member, community), `SELECT `+runColumns+`
FROM communities c
JOIN members m ON m.community_id = c.id
JOIN checkin_recipients x ON x.member_id = m.id
JOIN checkin_runs r ON r.id = x.run_id AND r.community_id = c.id
WHERE c.ext_id = ? AND m.ext_id = ? AND r.closed_at IS NULL
ORDER BY r.opened_at DESC, r.id DESC`, community, member)
}

// runs reads the runs query selects; what names them in errors.
func (db *DB) runs(ctx context.Context, what, query string, args ...any) ([]checkins.CheckinRun, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []checkins.CheckinRun{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// Recipients lists a run's recipients in the order they were added, with
// their current names; none for an unknown run.
func (db *DB) Recipients(ctx context.Context, run int64) ([]checkins.Recipient, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.ext_id, m.name, x.status, x.sent_at, x.awaiting
FROM checkin_recipients x JOIN members m ON m.id = x.member_id
WHERE x.run_id = ? ORDER BY x.seq`, run)
	if err != nil {
		return nil, fmt.Errorf("recipients of check-in run %d: %w", run, err)
	}
	defer rows.Close()
	out := []checkins.Recipient{}
	for rows.Next() {
		var r checkins.Recipient
		var status string
		var sent sql.NullInt64
		if err := rows.Scan(&r.Member, &r.Name, &status, &sent, &r.Awaiting); err != nil {
			return nil, fmt.Errorf("recipients of check-in run %d: %w", run, err)
		}
		r.Status, r.SentAt = checkins.RecipientStatus(status), fromMillis(sent)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recipients of check-in run %d: %w", run, err)
	}
	return out, nil
}

// SetRecipient adds r to a run's recipients, after the others, or updates
// its status, send time and awaited question; r.Name is ignored. A member
// not seen yet gets a row, first seen at r.SentAt (or the run's opening).
// It returns bot.ErrNotFound for an unknown run.
func (db *DB) SetRecipient(ctx context.Context, run int64, r checkins.Recipient) error {
	if r.Member == "" || r.Status == "" {
		return fmt.Errorf("set recipient %q of check-in run %d: no member or status", r.Member, run)
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		var cid, opened int64
		err := tx.QueryRowContext(ctx, `SELECT community_id, opened_at FROM checkin_runs WHERE id = ?`, run).Scan(&cid, &opened)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		first := opened
		if !r.SentAt.IsZero() {
			first = r.SentAt.UnixMilli()
		}
		member, err := tx.PrepareContext(ctx, sqlRecipientMember)
		if err != nil {
			return 0, fmt.Errorf("prepare: %w", err)
		}
		defer member.Close()
		mid, err := s.recipientMember(ctx, member, cid, r.Member, first)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, sqlSetRecipient, run, mid, string(r.Status), toMillis(r.SentAt), r.Awaiting); err != nil {
			return 0, err
		}
		return 1, nil
	})
	if err != nil {
		return fmt.Errorf("set recipient %s of check-in run %d: %w", r.Member, run, err)
	}
	if n == 0 {
		return fmt.Errorf("check-in run %d: %w", run, bot.ErrNotFound)
	}
	return nil
}

// ClaimRecipient moves a recipient from pending to sending and reports
// whether this call did. The update matches only a pending row and writes
// are serialised (one writer here, SQLite's write lock across processes), so
// of any number of callers exactly one gets true; a member who is not a
// recipient, or a run that does not exist, gets false.
func (db *DB) ClaimRecipient(ctx context.Context, run int64, member string) (bool, error) {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE checkin_recipients SET status = ?3
WHERE run_id = ?1 AND status = ?4 AND member_id = (
	SELECT m.id FROM checkin_runs r JOIN members m ON m.community_id = r.community_id
	WHERE r.id = ?1 AND m.ext_id = ?2)`, run, member, string(checkins.RecipientSending), string(checkins.RecipientPending))
	})
	if err != nil {
		return false, fmt.Errorf("claim recipient %s of check-in run %d: %w", member, run, err)
	}
	return n == 1, nil
}

// SaveAnswers sets a respondent's answers to the questions in answers, in
// one transaction; an empty value removes that answer. It returns
// bot.ErrNotFound for an unknown run.
func (db *DB) SaveAnswers(ctx context.Context, run int64, respondent string, answers map[string]string) error {
	if respondent == "" {
		return fmt.Errorf("save answers to check-in run %d: no respondent", run)
	}
	if _, ok := answers[""]; ok {
		return fmt.Errorf("save answers of %s to check-in run %d: an answer without question", respondent, run)
	}
	// A copy, in question order: the writer reads it after a cancelled
	// caller has moved on, and runs the same way each time.
	questions := slices.Sorted(maps.Keys(answers))
	values := make([]string, len(questions))
	for i, q := range questions {
		values[i] = answers[q]
	}
	n, err := db.w.do(ctx, len(questions), func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM checkin_runs WHERE id = ?)`, run).Scan(&exists); err != nil || !exists {
			return 0, err
		}
		for i, q := range questions {
			var err error
			if values[i] == "" {
				_, err = tx.ExecContext(ctx, sqlDeleteAnswer, run, respondent, q)
			} else {
				_, err = tx.ExecContext(ctx, sqlSaveAnswer, run, respondent, q, values[i])
			}
			if err != nil {
				return 0, fmt.Errorf("question %s: %w", q, err)
			}
		}
		return 1, nil
	})
	if err != nil {
		return fmt.Errorf("save answers of %s to check-in run %d: %w", respondent, run, err)
	}
	if n == 0 {
		return fmt.Errorf("check-in run %d: %w", run, bot.ErrNotFound)
	}
	return nil
}

// Answers returns a run's answers ordered by respondent, then question id;
// none for an unknown run.
func (db *DB) Answers(ctx context.Context, run int64) ([]checkins.SurveyAnswer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT respondent, question, value FROM checkin_answers
WHERE run_id = ? ORDER BY respondent, question`, run)
	if err != nil {
		return nil, fmt.Errorf("answers to check-in run %d: %w", run, err)
	}
	defer rows.Close()
	out := []checkins.SurveyAnswer{}
	for rows.Next() {
		var a checkins.SurveyAnswer
		if err := rows.Scan(&a.Respondent, &a.Question, &a.Value); err != nil {
			return nil, fmt.Errorf("answers to check-in run %d: %w", run, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("answers to check-in run %d: %w", run, err)
	}
	return out, nil
}

// RespondentAnswers returns one respondent's answers to a run, by question
// (the primary key's prefix: one index range).
func (db *DB) RespondentAnswers(ctx context.Context, run int64, respondent string) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT question, value FROM checkin_answers
WHERE run_id = ? AND respondent = ?`, run, respondent)
	if err != nil {
		return nil, fmt.Errorf("answers of a respondent to check-in run %d: %w", run, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var q, v string
		if err := rows.Scan(&q, &v); err != nil {
			return nil, fmt.Errorf("answers of a respondent to check-in run %d: %w", run, err)
		}
		out[q] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("answers of a respondent to check-in run %d: %w", run, err)
	}
	return out, nil
}

// MarkReminded records when a run's reminder went out, or returns
// bot.ErrNotFound.
func (db *DB) MarkReminded(ctx context.Context, run int64, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("mark check-in run %d reminded: no time", run)
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE checkin_runs SET reminded_at = ? WHERE id = ?`, at.UnixMilli(), run)
	})
	if err != nil {
		return fmt.Errorf("mark check-in run %d reminded: %w", run, err)
	}
	if n == 0 {
		return fmt.Errorf("check-in run %d: %w", run, bot.ErrNotFound)
	}
	return nil
}

// CloseRun closes a run at at and forgets its salt, so its anonymous
// answers can no longer be tied to members. It reports false when the run
// was closed already (its close time stays), and returns bot.ErrNotFound for
// an unknown run.
func (db *DB) CloseRun(ctx context.Context, run int64, at time.Time) (bool, error) {
	if at.IsZero() {
		return false, fmt.Errorf("close check-in run %d: no time", run)
	}
	const unknown = -1
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		res, err := tx.ExecContext(ctx, `UPDATE checkin_runs SET closed_at = ?, salt = NULL
WHERE id = ? AND closed_at IS NULL`, at.UnixMilli(), run)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return int(n), err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM checkin_runs WHERE id = ?)`, run).Scan(&exists); err != nil {
			return 0, err
		}
		if !exists {
			return unknown, nil
		}
		return 0, nil
	})
	if err != nil {
		return false, fmt.Errorf("close check-in run %d: %w", run, err)
	}
	if n == unknown {
		return false, fmt.Errorf("check-in run %d: %w", run, bot.ErrNotFound)
	}
	return n == 1, nil
}

// ActiveMembers lists a community's members who have not left, bots
// included, by name (case-insensitively), then id.
func (db *DB) ActiveMembers(ctx context.Context, community string) ([]bot.Member, error) {
	return db.members(ctx, fmt.Sprintf("active members of %s", community), `SELECT `+memberColumns+`
FROM members m
WHERE m.community_id = (SELECT id FROM communities WHERE ext_id = ?) AND m.left_at IS NULL
ORDER BY m.name_fold, m.ext_id`, community)
}

// ChannelMembers lists the members, not left and not bots, with activity
// (messages, replies, reactions, check-in answers) in channel at or after
// since, by name (case-insensitively), then id.
func (db *DB) ChannelMembers(ctx context.Context, community, channel string, since time.Time) ([]bot.Member, error) {
	// events_by_time holds the community, time, kind, member and channel:
	// the events from since are read from the index alone.
	return db.members(ctx, fmt.Sprintf("members of channel %s of %s", channel, community), `SELECT `+memberColumns+`
FROM members m
WHERE m.id IN (
	SELECT e.member_id FROM communities c
	JOIN channels ch ON ch.community_id = c.id AND ch.ext_id = ?2
	JOIN events e ON e.community_id = c.id AND e.at >= ?3
		AND e.kind IN `+activityList+` AND e.channel_id = ch.id
	WHERE c.ext_id = ?1)
	AND m.left_at IS NULL AND m.is_bot = 0
ORDER BY m.name_fold, m.ext_id`, community, channel, since.UnixMilli())
}

// members reads the members query selects (memberColumns); what names them
// in errors.
func (db *DB) members(ctx context.Context, what, query string, args ...any) ([]bot.Member, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []bot.Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
