package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/intros"
)

var (
	_ intros.IntroStore    = (*DB)(nil)
	_ intros.IntroReporter = (*DB)(nil)
)

// SetIntroOptIn opts a member in to intros (on) or out. Opting in again
// moves the time to at (a member unreachable before is tried again). A member not known yet gets a row (see
// sqlKnownMember), first seen at at.
func (db *DB) SetIntroOptIn(ctx context.Context, community, member string, on bool, at time.Time) error {
	if community == "" || member == "" {
		return fmt.Errorf("intro opt-in of %q in %q: no community or member", member, community)
	}
	ms := at.UnixMilli()
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, community)
		if err != nil {
			return 0, err
		}
		mid, err := s.knownMember(ctx, tx, cid, member, &ms)
		if err != nil {
			return 0, err
		}
		if on {
			_, err = tx.ExecContext(ctx, `INSERT INTO intro_optins (community_id, member_id, since) VALUES (?, ?, ?)
ON CONFLICT (community_id, member_id) DO UPDATE SET since = excluded.since`, cid, mid, ms)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM intro_optins WHERE community_id = ? AND member_id = ?`, cid, mid)
		}
		return 0, err
	})
	if err != nil {
		return fmt.Errorf("intro opt-in of %s in %s: %w", member, community, err)
	}
	return nil
}

// IntroOptIns lists the members opted in to intros, by member id.
func (db *DB) IntroOptIns(ctx context.Context, community string) ([]intros.IntroOptIn, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.ext_id, o.since
FROM intro_optins o JOIN communities c ON c.id = o.community_id JOIN members m ON m.id = o.member_id
WHERE c.ext_id = ? ORDER BY m.ext_id`, community)
	if err != nil {
		return nil, fmt.Errorf("intro opt-ins of %s: %w", community, err)
	}
	defer rows.Close()
	out := []intros.IntroOptIn{}
	for rows.Next() {
		var o intros.IntroOptIn
		var since int64
		if err := rows.Scan(&o.Member, &since); err != nil {
			return nil, fmt.Errorf("intro opt-ins of %s: %w", community, err)
		}
		o.Since = time.UnixMilli(since).UTC()
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("intro opt-ins of %s: %w", community, err)
	}
	return out, nil
}

// AddIntroRound stores a round and its groups, in one transaction, and
// returns it with the round's and groups' ids; ids are never reused. r.ID,
// FollowedUpAt and the groups' ids, answers and MetAt are ignored. Members
// not known yet get a row.
func (db *DB) AddIntroRound(ctx context.Context, r intros.IntroRound) (intros.IntroRound, error) {
	if r.Community == "" || r.At.IsZero() {
		return intros.IntroRound{}, fmt.Errorf("add intro round of %q: no community or time", r.Community)
	}
	ms := r.At.UnixMilli()
	out := r
	out.Groups = slices.Clone(r.Groups)
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		cid, err := s.community(ctx, r.Community)
		if err != nil {
			return 0, err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO intro_rounds (community_id, seed, made_at, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
			cid, r.Seed, ms, r.CreatedBy).Scan(&out.ID); err != nil {
			return 0, err
		}
		for i, g := range out.Groups {
			g.Round, g.Answers, g.MetAt = out.ID, map[string]intros.IntroAnswer{}, time.Time{}
			g.Members = slices.Clone(g.Members)
			if err := tx.QueryRowContext(ctx, `INSERT INTO intro_groups (round_id, community_id) VALUES (?, ?) RETURNING id`,
				out.ID, cid).Scan(&g.ID); err != nil {
				return 0, err
			}
			for pos, m := range g.Members {
				mid, err := s.knownMember(ctx, tx, cid, m, &ms)
				if err != nil {
					return 0, err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO intro_members (group_id, member_id, position) VALUES (?, ?, ?)`,
					g.ID, mid, pos); err != nil {
					return 0, fmt.Errorf("member %s: %w", m, err)
				}
			}
			out.Groups[i] = g
		}
		return 0, nil
	})
	if err != nil {
		return intros.IntroRound{}, fmt.Errorf("add intro round of %s: %w", r.Community, err)
	}
	return out, nil
}

// IntroRound returns one round of a community with its groups, or
// bot.ErrNotFound (also when the id is another community's).
func (db *DB) IntroRound(ctx context.Context, community string, id int64) (intros.IntroRound, error) {
	rs, err := db.introRounds(ctx, `WHERE c.ext_id = ? AND r.id = ?`, community, id)
	if err != nil {
		return intros.IntroRound{}, fmt.Errorf("intro round %d of %s: %w", id, community, err)
	}
	if len(rs) == 0 {
		return intros.IntroRound{}, fmt.Errorf("intro round %d of %s: %w", id, community, bot.ErrNotFound)
	}
	return rs[0], nil
}

// IntroRounds returns a community's latest rounds with their groups,
// newest first (by time, then id), at most limit (0: all).
func (db *DB) IntroRounds(ctx context.Context, community string, limit int) ([]intros.IntroRound, error) {
	if limit <= 0 {
		limit = noLimit
	}
	rs, err := db.introRounds(ctx, `WHERE c.ext_id = ? ORDER BY r.made_at DESC, r.id DESC LIMIT ?`, community, limit)
	if err != nil {
		return nil, fmt.Errorf("intro rounds of %s: %w", community, err)
	}
	return rs, nil
}

// introRounds reads the rounds that where selects (r: rounds, c: their
// community), in its order, then their groups and members.
func (db *DB) introRounds(ctx context.Context, where string, args ...any) ([]intros.IntroRound, error) {
	tx, err := db.read.BeginTx(ctx, readTxOptions(db.d))
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := []intros.IntroRound{}
	index := map[int64]int{}
	err = each(ctx, tx, "rounds", func(rows *sql.Rows) error {
		var r intros.IntroRound
		var made int64
		var followed sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Community, &r.Seed, &made, &r.CreatedBy, &followed); err != nil {
			return err
		}
		r.At, r.FollowedUpAt, r.Groups = time.UnixMilli(made).UTC(), fromMillis(followed), []intros.IntroGroup{}
		index[r.ID] = len(out)
		out = append(out, r)
		return nil
	}, `SELECT r.id, c.ext_id, r.seed, r.made_at, r.created_by, r.followed_up_at
FROM intro_rounds r JOIN communities c ON c.id = r.community_id `+where, args...)
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, 0, len(out))
	for _, r := range out {
		ids = append(ids, fmt.Sprint(r.ID))
	}
	groups := map[int64]*intros.IntroGroup{}
	var order []int64
	err = each(ctx, tx, "groups", func(rows *sql.Rows) error {
		var gid, round int64
		var met, answered sql.NullInt64
		var member, answer string
		if err := rows.Scan(&gid, &round, &met, &member, &answer, &answered); err != nil {
			return err
		}
		g, ok := groups[gid]
		if !ok {
			g = &intros.IntroGroup{ID: gid, Round: round, MetAt: fromMillis(met), Answers: map[string]intros.IntroAnswer{}}
			groups[gid] = g
			order = append(order, gid)
		}
		if member != "" {
			g.Members = append(g.Members, member)
			if answer != "" {
				g.Answers[member] = intros.IntroAnswer(answer)
			}
		}
		return nil
	}, `SELECT g.id, g.round_id, g.met_at, COALESCE(m.ext_id, ''), COALESCE(im.answer, ''), im.answered_at
FROM intro_groups g LEFT JOIN intro_members im ON im.group_id = g.id LEFT JOIN members m ON m.id = im.member_id
WHERE g.round_id IN (`+strings.Join(ids, ",")+`)
ORDER BY g.round_id, g.id, im.position`)
	if err != nil {
		return nil, err
	}
	for _, gid := range order {
		g := groups[gid]
		r := &out[index[g.Round]]
		r.Groups = append(r.Groups, *g)
	}
	return out, nil
}

// MarkIntroFollowedUp records that a round's follow-up went out at at, and
// reports whether this call did (false: it had before). An unknown round
// is bot.ErrNotFound.
func (db *DB) MarkIntroFollowedUp(ctx context.Context, community string, round int64, at time.Time) (bool, error) {
	var first bool
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		var followed sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT r.followed_up_at FROM intro_rounds r JOIN communities c ON c.id = r.community_id
WHERE c.ext_id = ? AND r.id = ?`, community, round).Scan(&followed)
		if err != nil {
			return 0, notFound(err, "intro round %d", round)
		}
		if followed.Valid {
			return 0, nil
		}
		first = true
		_, err = tx.ExecContext(ctx, `UPDATE intro_rounds SET followed_up_at = ? WHERE id = ?`, at.UnixMilli(), round)
		return 0, err
	})
	if err != nil {
		return false, fmt.Errorf("follow up intro round %d of %s: %w", round, community, err)
	}
	return first, nil
}

// AnswerIntro records a member's answer for a group (a later answer
// replaces theirs). The group's MetAt is the time of its first "We met"
// while any member's answer is "met", and none once no answer is.
// bot.ErrNotFound when the member is not in that group of that community.
func (db *DB) AnswerIntro(ctx context.Context, community string, group int64, member string, a intros.IntroAnswer, at time.Time) error {
	if a != intros.IntroMet && a != intros.IntroNotYet {
		return fmt.Errorf("answer intro %d: unknown answer %q", group, a)
	}
	ms := at.UnixMilli()
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		res, err := tx.ExecContext(ctx, `UPDATE intro_members SET answer = ?, answered_at = ?
WHERE group_id = (SELECT g.id FROM intro_groups g JOIN communities c ON c.id = g.community_id WHERE g.id = ? AND c.ext_id = ?)
AND member_id = (SELECT m.id FROM members m JOIN communities c ON c.id = m.community_id WHERE c.ext_id = ? AND m.ext_id = ?)`,
			string(a), ms, group, community, community, member)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `UPDATE intro_groups SET met_at = CASE
	WHEN EXISTS (SELECT 1 FROM intro_members WHERE group_id = ?1 AND answer = 'met') THEN COALESCE(met_at, ?2)
	ELSE NULL END
WHERE id = ?1`, group, ms)
		return 1, err
	})
	if err != nil {
		return fmt.Errorf("answer intro %d of %s: %w", group, community, err)
	}
	if n == 0 {
		return fmt.Errorf("intro %d of %s for %s: %w", group, community, member, bot.ErrNotFound)
	}
	return nil
}

// IntroCounts counts the groups formed in [from, to) (Made) and the groups
// whose first "We met" came in [from, to) (Met).
func (db *DB) IntroCounts(ctx context.Context, community string, from, to time.Time) (bot.IntroCounts, error) {
	var ic bot.IntroCounts
	err := db.read.QueryRowContext(ctx, `SELECT
	(SELECT COUNT(*) FROM intro_groups g JOIN intro_rounds r ON r.id = g.round_id
		WHERE r.community_id = c.id AND r.made_at >= ?2 AND r.made_at < ?3),
	(SELECT COUNT(*) FROM intro_groups g WHERE g.community_id = c.id AND g.met_at >= ?2 AND g.met_at < ?3)
FROM communities c WHERE c.ext_id = ?1`, community, from.UnixMilli(), to.UnixMilli()).Scan(&ic.Made, &ic.Met)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.IntroCounts{}, nil
	}
	if err != nil {
		return bot.IntroCounts{}, fmt.Errorf("intro counts of %s: %w", community, err)
	}
	return ic, nil
}

// ActiveChannels returns, for each of members who took part in a channel
// on or after since's day, those channels (from the day rollups).
func (db *DB) ActiveChannels(ctx context.Context, community string, members []string, since time.Time) (map[string][]bot.Channel, error) {
	out := map[string][]bot.Channel{}
	if len(members) == 0 {
		return out, nil
	}
	args := []any{community, dayOf(since.UnixMilli())}
	marks := make([]string, len(members))
	for i, m := range members {
		marks[i] = "?"
		args = append(args, m)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT m.ext_id, ch.ext_id, ch.name
FROM member_channel_days d JOIN communities c ON c.id = d.community_id JOIN members m ON m.id = d.member_id
JOIN channels ch ON ch.id = d.channel_id
WHERE c.ext_id = ? AND d.day >= ? AND m.ext_id IN (`+strings.Join(marks, ",")+`)
ORDER BY m.ext_id, ch.name, ch.ext_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("active channels in %s: %w", community, err)
	}
	defer rows.Close()
	for rows.Next() {
		var member string
		var ch bot.Channel
		if err := rows.Scan(&member, &ch.ID, &ch.Name); err != nil {
			return nil, fmt.Errorf("active channels in %s: %w", community, err)
		}
		out[member] = append(out[member], ch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("active channels in %s: %w", community, err)
	}
	return out, nil
}
