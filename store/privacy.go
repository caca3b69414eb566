package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/intros"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/meetings"
	"github.com/hearth-community/hearth/bot/members"
)

var _ bot.PrivacyStore = (*DB)(nil)

// ExportMember returns what the database keeps about a member
// (bot.MemberData), read in one transaction so the parts agree: the member
// row, when first seen and last active, whether a stored facilitator, every
// event recorded for them (any kind: joins, leaves and prompt replies too),
// oldest first, and their counts by kind; their answers to attributed
// check-ins, by run then question; their nudges, oldest first (by queue
// time, then id); their preferences; and the resources they shared and
// their stories (every consent), oldest first (by time, then id). It
// returns bot.ErrNotFound for a member without a row.
func (db *DB) ExportMember(ctx context.Context, community, member string) (features.MemberData, error) {
	d, err := db.exportMember(ctx, community, member)
	if err != nil {
		return features.MemberData{}, fmt.Errorf("export member %s of %s: %w", member, community, err)
	}
	return d, nil
}

func (db *DB) exportMember(ctx context.Context, community, member string) (features.MemberData, error) {
	tx, err := db.read.BeginTx(ctx, readTxOptions(db.d))
	if err != nil {
		return features.MemberData{}, err
	}
	defer tx.Rollback()
	d := features.MemberData{Community: community, Counts: map[bot.EventKind]int{}, Events: []features.MemberEvent{},
		Answers: []checkins.MemberAnswer{}, Nudges: []members.Nudge{}, Resources: []library.Resource{}, Stories: []library.Story{},
		RSVPs: []meetings.RSVP{}, Intros: intros.MemberIntros{Groups: []intros.MemberIntroGroup{}}}
	var cid, mid, firstSeen int64
	var lastActive, joined sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT m.community_id, m.id, m.first_seen, m.last_active, `+memberColumns+`
FROM members m JOIN communities c ON c.id = m.community_id
WHERE c.ext_id = ? AND m.ext_id = ?`, community, member).Scan(&cid, &mid, &firstSeen, &lastActive,
		&d.Member.ID, &d.Member.Name, &d.Member.IsBot, &d.Member.TZ, &d.Member.Admin, &joined, &d.Member.Left)
	if err != nil {
		return features.MemberData{}, notFound(err, "member")
	}
	d.Member.JoinedAt = fromMillis(joined)
	d.FirstSeen = fromMillis(sql.NullInt64{Int64: firstSeen, Valid: true})
	d.LastActive = fromMillis(lastActive)
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM facilitators WHERE community_id = ? AND member_ext = ?)`,
		cid, member).Scan(&d.Facilitator); err != nil {
		return features.MemberData{}, fmt.Errorf("facilitator: %w", err)
	}
	err = each(ctx, tx, "events", func(rows *sql.Rows) error {
		var e features.MemberEvent
		var kind string
		var at int64
		if err := rows.Scan(&kind, &e.Channel, &at); err != nil {
			return err
		}
		e.Kind, e.At = bot.EventKind(kind), time.UnixMilli(at).UTC()
		d.Events = append(d.Events, e)
		d.Counts[e.Kind]++
		return nil
	}, `SELECT e.kind, COALESCE(ch.ext_id, ''), e.at
FROM events e INDEXED BY events_by_member LEFT JOIN channels ch ON ch.id = e.channel_id
WHERE e.community_id = ? AND e.member_id = ?
ORDER BY e.at, e.id`, cid, mid)
	if err != nil {
		return features.MemberData{}, err
	}
	err = each(ctx, tx, "check-in answers", func(rows *sql.Rows) error {
		var a checkins.MemberAnswer
		if err := rows.Scan(&a.Run, &a.Survey, &a.Question, &a.Value); err != nil {
			return err
		}
		d.Answers = append(d.Answers, a)
		return nil
	}, `SELECT r.id, r.survey, a.question, a.value
FROM checkin_runs r JOIN checkin_answers a ON a.run_id = r.id
WHERE r.community_id = ? AND r.anonymous = 0 AND a.respondent = ?
ORDER BY r.id, a.question`, cid, member)
	if err != nil {
		return features.MemberData{}, err
	}
	err = each(ctx, tx, "nudges", func(rows *sql.Rows) error {
		n, err := scanNudge(rows)
		d.Nudges = append(d.Nudges, n)
		return err
	}, sqlNudges+` WHERE n.community_id = ? AND n.member_id = ? ORDER BY n.queued_at, n.id`, cid, mid)
	if err != nil {
		return features.MemberData{}, err
	}
	d.Prefs, err = scanPrefs(tx.QueryRowContext(ctx, `SELECT `+prefsColumns+` FROM member_prefs p
WHERE p.community_id = ? AND p.member_id = ?`, cid, mid))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return features.MemberData{}, fmt.Errorf("preferences: %w", err)
	}
	err = each(ctx, tx, "resources", func(rows *sql.Rows) error {
		r, err := scanResource(rows)
		d.Resources = append(d.Resources, r)
		return err
	}, sqlResources+` WHERE r.community_id = ? AND r.member_id = ? ORDER BY r.shared_at, r.id`, cid, mid)
	if err != nil {
		return features.MemberData{}, err
	}
	err = each(ctx, tx, "stories", func(rows *sql.Rows) error {
		s, err := scanStory(rows)
		d.Stories = append(d.Stories, s)
		return err
	}, sqlStories+` WHERE s.community_id = ? AND s.member_id = ? ORDER BY s.at, s.id`, cid, mid)
	if err != nil {
		return features.MemberData{}, err
	}
	err = each(ctx, tx, "rsvps", func(rows *sql.Rows) error {
		r := meetings.RSVP{Member: member, MemberName: d.Member.Name}
		var choice string
		var at int64
		var attended sql.NullInt64
		if err := rows.Scan(&r.Event, &choice, &at, &attended); err != nil {
			return err
		}
		r.Choice, r.At, r.AttendedAt = meetings.RSVPChoice(choice), time.UnixMilli(at).UTC(), fromMillis(attended)
		d.RSVPs = append(d.RSVPs, r)
		return nil
	}, `SELECT r.event_id, r.choice, r.at, r.attended_at FROM event_rsvps r JOIN community_events e ON e.id = r.event_id
WHERE e.community_id = ? AND r.member_id = ? ORDER BY r.at, r.event_id`, cid, mid)
	if err != nil {
		return features.MemberData{}, err
	}
	var since sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT since FROM intro_optins WHERE community_id = ? AND member_id = ?`, cid, mid).Scan(&since); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return features.MemberData{}, fmt.Errorf("intro opt-in: %w", err)
	}
	d.Intros.OptedInSince = fromMillis(since)
	err = each(ctx, tx, "intro groups", func(rows *sql.Rows) error {
		var g intros.MemberIntroGroup
		var made int64
		if err := rows.Scan(&g.Round, &made, &g.Answer); err != nil {
			return err
		}
		g.MadeAt = time.UnixMilli(made).UTC()
		d.Intros.Groups = append(d.Intros.Groups, g)
		return nil
	}, `SELECT g.round_id, ro.made_at, m.answer FROM intro_members m
JOIN intro_groups g ON g.id = m.group_id JOIN intro_rounds ro ON ro.id = g.round_id
WHERE g.community_id = ? AND m.member_id = ? ORDER BY ro.made_at, g.round_id`, cid, mid)
	if err != nil {
		return features.MemberData{}, err
	}
	return d, nil
}

// each runs query in tx and calls f on each row; what names the rows in
// errors.
func each(ctx context.Context, tx *txConn, what string, f func(*sql.Rows) error, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// ForgetMember erases a member of a community, in one transaction:
//
//   - their events of every kind, and the per-member day rollups
//     (member_days, member_weeks, member_channel_days); the community's and channels' day
//     totals (channel_days) keep what they counted, so past reports' activity
//     figures stay as they were, while member figures (total, active, tiers,
//     contributors, channels' active members) lose them;
//   - the messages of others that they replied to are answered again from
//     the replies that are left (as when a reply is retracted): a message
//     only they answered becomes unanswered;
//   - the tombstones whose key names them: a ':'-separated field of the key
//     equals their platform id ("react:C1:m1:U1:eyes", "checkin:7:U1").
//     Messages' keys name channel and message, not the author; those stay;
//   - their answers to attributed check-ins (respondent = platform id;
//     answers to anonymous ones cannot be tied to them and stay), their
//     check-in recipient rows, nudges, preferences, the resources they
//     shared, their stories, their event RSVPs and attendance, their intro
//     opt-in and their places (and answers) in intro groups (the other
//     members' stay, and so does a group's "met" time), facilitator row,
//     dashboard sign-in links and sessions, and member row;
//   - where another row names them as its author or approver, the name is
//     blanked: schedules.created_by, community_events.created_by,
//     checkin_runs.started_by, deck_prompts.added_by, facilitators.added_by,
//     nudges.approved_by, intro_rounds.created_by,
//     history_imports.requested_by; and
//     they are taken out of the member lists (Settings.Members) of the
//     surveys and of the runs' survey definitions.
//
// Others' events about their messages (replies in their threads, reactions
// to their posts) stay: they are the others' participation; so do others'
// resources and stories, whose free text the store does not read for names.
// A later event or directory naming the member creates a new row. A
// tombstone (bot.MemberTombstone, a hash, not the id) is kept so that a
// history import skips them; live events are recorded as before. It
// returns bot.ErrNotFound for a member without a row, and changes nothing
// but the tombstone (of a known community).
func (db *DB) ForgetMember(ctx context.Context, community, member string) error {
	if member == "" {
		return fmt.Errorf("forget a member of %s: no member", community)
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		return s.forget(ctx, tx, community, member)
	})
	if err != nil {
		return fmt.Errorf("forget member %s of %s: %w", member, community, err)
	}
	if n == 0 {
		return fmt.Errorf("member %s of %s: %w", member, community, bot.ErrNotFound)
	}
	return nil
}

// forget is ForgetMember's job; it returns 0 for an unknown member.
func (s *txState) forget(ctx context.Context, tx *txConn, community, member string) (int, error) {
	// Rollup changes of earlier jobs in this transaction go first: they
	// may be the member's.
	if err := s.flush(ctx); err != nil {
		return 0, err
	}
	// The tombstone first, and for a member the community never recorded
	// too: a history import read later must not bring them in.
	if _, err := tx.ExecContext(ctx, `INSERT INTO member_tombstones (community_id, member_hash)
SELECT id, ? FROM communities WHERE ext_id = ? ON CONFLICT (community_id, member_hash) DO NOTHING`,
		bot.MemberTombstone(community, member), community); err != nil {
		return 0, fmt.Errorf("tombstone: %w", err)
	}
	var cid, mid int64
	err := tx.QueryRowContext(ctx, `SELECT m.community_id, m.id FROM members m JOIN communities c ON c.id = m.community_id
WHERE c.ext_id = ? AND m.ext_id = ?`, community, member).Scan(&cid, &mid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("member: %w", err)
	}
	threads, err := repliedThreads(ctx, tx, cid, mid)
	if err != nil {
		return 0, err
	}
	for _, st := range []struct {
		what, query string
		args        []any
	}{
		{"events", `DELETE FROM events WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		{"member channel days", `DELETE FROM member_channel_days WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		// Before member_days: a member's weeks are those starting on
		// their days and the six days before each.
		{"member weeks", `DELETE FROM member_weeks WHERE (community_id, start_day, member_id) IN (
	SELECT d.community_id, d.day - o.column1, d.member_id
	FROM member_days d CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6)) AS o
	WHERE d.community_id = ? AND d.member_id = ?)`, []any{cid, mid}},
		{"member days", `DELETE FROM member_days WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		{"tombstones", `DELETE FROM tombstones WHERE community_id = ? AND instr(':' || key || ':', ':' || ? || ':') > 0`, []any{cid, member}},
		{"check-in answers", `DELETE FROM checkin_answers
WHERE run_id IN (SELECT id FROM checkin_runs WHERE community_id = ?) AND respondent = ?`, []any{cid, member}},
		{"check-in recipients", `DELETE FROM checkin_recipients WHERE member_id = ?`, []any{mid}},
		{"nudges", `DELETE FROM nudges WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		{"deliveries", `DELETE FROM deliveries WHERE member_id = ?`, []any{mid}},
		{"preferences", `DELETE FROM member_prefs WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		{"resources", `DELETE FROM resources WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		{"stories", `DELETE FROM stories WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		{"event RSVPs", `DELETE FROM event_rsvps WHERE member_id = ?`, []any{mid}},
		{"events created", `UPDATE community_events SET created_by = '' WHERE community_id = ? AND created_by = ?`, []any{cid, member}},
		{"intro opt-in", `DELETE FROM intro_optins WHERE community_id = ? AND member_id = ?`, []any{cid, mid}},
		{"intro groups", `DELETE FROM intro_members WHERE member_id = ?`, []any{mid}},
		{"intro rounds", `UPDATE intro_rounds SET created_by = '' WHERE community_id = ? AND created_by = ?`, []any{cid, member}},
		{"facilitator", `DELETE FROM facilitators WHERE community_id = ? AND member_ext = ?`, []any{cid, member}},
		{"dashboard links", `DELETE FROM dashboard_links WHERE community_id = ? AND member_ext = ?`, []any{cid, member}},
		{"dashboard sessions", `DELETE FROM dashboard_sessions WHERE community_id = ? AND member_ext = ?`, []any{cid, member}},
		{"schedules", `UPDATE schedules SET created_by = '' WHERE community_id = ? AND created_by = ?`, []any{cid, member}},
		{"check-in runs", `UPDATE checkin_runs SET started_by = '' WHERE community_id = ? AND started_by = ?`, []any{cid, member}},
		{"deck", `UPDATE deck_prompts SET added_by = '' WHERE community_id = ? AND added_by = ?`, []any{cid, member}},
		{"facilitators added", `UPDATE facilitators SET added_by = '' WHERE community_id = ? AND added_by = ?`, []any{cid, member}},
		{"nudges approved", `UPDATE nudges SET approved_by = '' WHERE community_id = ? AND approved_by = ?`, []any{cid, member}},
		{"history imports", `UPDATE history_imports SET requested_by = '' WHERE community_id = ? AND requested_by = ?`, []any{cid, member}},
	} {
		if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
			return 0, fmt.Errorf("%s: %w", st.what, err)
		}
	}
	for _, t := range threads {
		if _, err := s.stmt(ctx, sqlReanswer).ExecContext(ctx, cid, t.parent, t.channel); err != nil {
			return 0, fmt.Errorf("answer %q again: %w", t.parent, err)
		}
	}
	if err := unlistMember(ctx, tx, cid, member); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM members WHERE id = ?`, mid); err != nil {
		return 0, fmt.Errorf("member row: %w", err)
	}
	delete(s.cache.members, extKey{cid, member})
	return 1, nil
}

type thread struct {
	parent  string
	channel sql.NullInt64
}

// repliedThreads returns the threads a member replied in.
func repliedThreads(ctx context.Context, tx *txConn, community, member int64) ([]thread, error) {
	var out []thread
	err := each(ctx, tx, "threads", func(rows *sql.Rows) error {
		var t thread
		err := rows.Scan(&t.parent, &t.channel)
		out = append(out, t)
		return err
	}, `SELECT DISTINCT parent, channel_id FROM events INDEXED BY events_by_member
WHERE community_id = ? AND member_id = ? AND kind = 'reply'`, community, member)
	return out, err
}

// unlistMember takes a member out of the member lists of a community's
// surveys and of its runs' survey definitions.
func unlistMember(ctx context.Context, tx *txConn, community int64, member string) error {
	quoted, err := json.Marshal(member)
	if err != nil {
		return err
	}
	for _, t := range []struct{ table, key string }{{"surveys", "name"}, {"checkin_runs", "id"}} {
		type row struct {
			key any
			def string
		}
		var found []row
		err := each(ctx, tx, t.table, func(rows *sql.Rows) error {
			var r row
			err := rows.Scan(&r.key, &r.def)
			found = append(found, r)
			return err
		}, `SELECT `+t.key+`, definition FROM `+t.table+` WHERE community_id = ? AND instr(definition, ?) > 0`, community, string(quoted))
		if err != nil {
			return err
		}
		for _, r := range found {
			var sv checkins.Survey
			if err := json.Unmarshal([]byte(r.def), &sv); err != nil {
				return fmt.Errorf("%s %v: the stored survey does not read: %w", t.table, r.key, err)
			}
			kept := slices.DeleteFunc(slices.Clone(sv.Settings.Members), func(m string) bool { return m == member })
			if len(kept) == len(sv.Settings.Members) {
				continue // named elsewhere: not a member list
			}
			sv.Settings.Members = kept
			def, err := json.Marshal(sv)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET definition = ? WHERE community_id = ? AND `+t.key+` = ?`,
				string(def), community, r.key); err != nil {
				return fmt.Errorf("%s %v: %w", t.table, r.key, err)
			}
		}
	}
	return nil
}

// pruneBatch is how many events one of PruneEvents' transactions deletes:
// small enough that other writes wait little behind it (about 0.1 s). A
// variable so a test can see several batches without a large history.
var pruneBatch = 5000

// PruneEvents deletes the events that happened before before, in every
// community, and returns how many. The day rollups keep their counts, so
// reports over whole days before it stay as they were; what needs the
// events (the partial days at a period's edges, unanswered messages,
// prompts' replies, a member's counts and event list, the quiet list's
// latest activity when a member was active since) has them no more.
// Members' latest activity stays. Tombstones stay, so a deleted message
// redelivered late stays deleted. The fan-out's claims (ClaimDelivery) made
// before before go too.
//
// It deletes in batches, each its own transaction (group-committed with
// other writes), so a large prune never holds the writer long; if it fails
// part way, what it deleted stays deleted and running it again finishes.
func (db *DB) PruneEvents(ctx context.Context, before time.Time) (int, error) {
	if before.IsZero() {
		return 0, fmt.Errorf("prune events: no time")
	}
	var communities []int64
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM communities ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("prune events: %w", err)
		}
		communities = append(communities, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	t, total := before.UnixMilli(), 0
	// The fan-out's claims (ClaimDelivery) are only needed while a job
	// might run again, days at most; they go with the events of their time.
	if _, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		_, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE claimed_at < ?`, t)
		return 0, err
	}); err != nil {
		return 0, fmt.Errorf("prune delivery claims before %s: %w", before.UTC().Format(time.RFC3339), err)
	}
	for _, cid := range communities {
		for {
			n, err := db.w.do(ctx, pruneBatch, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
				return tx.execCount(ctx, `DELETE FROM events WHERE id IN (
	SELECT id FROM events INDEXED BY events_by_time WHERE community_id = ? AND at < ? LIMIT ?)`, cid, t, pruneBatch)
			})
			if err != nil {
				return total, fmt.Errorf("prune events before %s: %w", before.UTC().Format(time.RFC3339), err)
			}
			total += n
			if n < pruneBatch {
				break
			}
		}
	}
	return total, nil
}
