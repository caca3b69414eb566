package store

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// The rollups (member_channel_days, member_days, member_weeks, channel_days)
// and members'
// latest activity are written at the end of each transaction, a statement
// per table with a row of VALUES per changed row: for rows this small the
// cost of a statement, not SQLite's work, would be most of the cost.

// rollupChunk is how many rows one statement writes at most (SQLite allows
// 32,766 parameters). Chunks are powers of two, so each table's statement
// takes one of a few shapes, all prepared once when the store opens
// (preparing them per transaction was a fifth of the writer's time).
const rollupChunk = 512

// chunkSizes are the row counts the rollup statements are prepared for.
var chunkSizes = func() []int {
	var sizes []int
	for n := 1; n <= rollupChunk; n *= 2 {
		sizes = append(sizes, n)
	}
	return sizes
}()

// changedSet is the sentinel member_days.channels gets when a change leaves
// a member's channels of the day as they were (real values are comma-
// separated digits).
const changedSet = "*"

type memberDay struct{ community, member, day int64 }

type channelDay struct{ community, channel, day int64 }

type memberDayChange struct {
	counts   counts
	channels bool // a channel of the day came or went
}

// flush writes the changes to derived figures so far, and forgets them.
func (s *txState) flush(ctx context.Context) error {
	// Cells whose changes cancel out (an event recorded and retracted in
	// the same transaction) change nothing: writing them would leave rows
	// of zeros, which read as activity.
	var cells []cell
	for _, k := range sortedKeys(s.cells, cellCompare) {
		if s.cells[k] != (counts{}) {
			cells = append(cells, k)
		}
	}
	memberDays := map[memberDay]memberDayChange{}
	channelDays := map[channelDay]counts{}
	for _, k := range cells {
		d := s.cells[k]
		md := memberDays[memberDay{k.community, k.member, k.day}]
		md.counts.add(d)
		memberDays[memberDay{k.community, k.member, k.day}] = md
		if !s.bots[k.member] {
			cd := channelDays[channelDay{k.community, k.channel, k.day}]
			cd.add(d)
			channelDays[channelDay{k.community, k.channel, k.day}] = cd
		}
	}
	changed, err := s.flushMemberChannelDays(ctx, cells)
	if err != nil {
		return fmt.Errorf("member channel days: %w", err)
	}
	for k := range changed {
		md := memberDays[k]
		md.channels = true
		memberDays[k] = md
	}
	if err := s.flushMemberDays(ctx, memberDays); err != nil {
		return fmt.Errorf("member days: %w", err)
	}
	if err := s.flushMemberWeeks(ctx, memberDays); err != nil {
		return fmt.Errorf("member weeks: %w", err)
	}
	if err := s.flushChannelDays(ctx, channelDays); err != nil {
		return fmt.Errorf("channel days: %w", err)
	}
	if err := s.flushTouches(ctx); err != nil {
		return fmt.Errorf("latest activity: %w", err)
	}
	clear(s.cells)
	clear(s.bots)
	clear(s.touch)
	return nil
}

// flushMemberChannelDays adds the cells' changes and returns the member
// days whose channels changed: a cell appeared, or dropped to zero and was
// deleted.
func (s *txState) flushMemberChannelDays(ctx context.Context, cells []cell) (map[memberDay]bool, error) {
	changed := map[memberDay]bool{}
	var gone [][]any
	for chunk := range chunks(cells) {
		var args []any
		for _, k := range chunk {
			d := s.cells[k]
			args = append(append(args, k.community, k.member, k.day, k.channel), d.values()...)
		}
		rows, err := s.stmt(ctx, sqlMemberChannelDays(len(chunk))).QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k cell
			var total int64
			if err := rows.Scan(&k.community, &k.member, &k.day, &k.channel, &total); err != nil {
				rows.Close()
				return nil, err
			}
			switch total {
			case 0:
				gone = append(gone, []any{k.community, k.member, k.day, k.channel})
				changed[memberDay{k.community, k.member, k.day}] = true
			case s.cells[k].total(): // a new row
				changed[memberDay{k.community, k.member, k.day}] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return changed, s.prune(ctx, "member_channel_days", "community_id, member_id, day, channel_id", gone)
}

// flushMemberDays adds the member days' changes, reading the channels of
// those whose channels changed back from member_channel_days.
func (s *txState) flushMemberDays(ctx context.Context, changes map[memberDay]memberDayChange) error {
	keys := sortedKeys(changes, func(a, b memberDay) int {
		return cmp.Or(cmp.Compare(a.community, b.community), cmp.Compare(a.member, b.member), cmp.Compare(a.day, b.day))
	})
	var gone [][]any
	for chunk := range chunks(keys) {
		var args []any
		for _, k := range chunk {
			c := changes[k]
			args = append(append(append(args, k.community, k.member, k.day), c.counts.values()...), c.channels)
			if c.counts.negative() {
				gone = append(gone, []any{k.community, k.member, k.day})
			}
		}
		_, err := s.stmt(ctx, sqlMemberDays(len(chunk))).ExecContext(ctx, args...)
		if err != nil {
			return err
		}
	}
	return s.prune(ctx, "member_days", "community_id, member_id, day", gone)
}

// flushMemberWeeks adds the member days' changes to the seven member_weeks
// rows each day is in: one row of VALUES per member day, which the
// statement spreads over the seven (binding seven rows each cost as much
// as the writes).
func (s *txState) flushMemberWeeks(ctx context.Context, changes map[memberDay]memberDayChange) error {
	type change struct {
		key memberDay
		d   [4]int64 // messages, replies, reactions, the participating kinds
	}
	var days []change
	for _, k := range sortedKeys(changes, func(a, b memberDay) int {
		return cmp.Or(cmp.Compare(a.community, b.community), cmp.Compare(a.day, b.day), cmp.Compare(a.member, b.member))
	}) {
		c := change{key: k}
		counts := changes[k].counts
		copy(c.d[:firstParticipating], counts[:firstParticipating])
		for _, n := range counts[firstParticipating:] {
			c.d[firstParticipating] += n
		}
		if c.d != ([4]int64{}) {
			days = append(days, c)
		}
	}
	var gone [][]any
	for chunk := range chunks(days) {
		args := make([]any, 0, len(chunk)*7)
		for _, c := range chunk {
			args = append(args, c.key.community, c.key.day, c.key.member, c.d[0], c.d[1], c.d[2], c.d[3])
			if min(c.d[0], c.d[1], c.d[2], c.d[3]) < 0 {
				for o := range int64(7) {
					gone = append(gone, []any{c.key.community, c.key.day - o, c.key.member})
				}
			}
		}
		if _, err := s.stmt(ctx, sqlMemberWeeks(len(chunk))).ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	for chunk := range chunks(gone) {
		var args []any
		for _, k := range chunk {
			args = append(args, k...)
		}
		_, err := s.tx.ExecContext(ctx, `DELETE FROM member_weeks
WHERE (community_id, start_day, member_id) IN (VALUES `+intValues(len(chunk), 3)+`)
	AND messages = 0 AND replies = 0 AND reactions = 0 AND answers = 0`, args...)
		if err != nil {
			return fmt.Errorf("prune member_weeks: %w", err)
		}
	}
	return nil
}

// flushChannelDays adds the channel days' changes.
func (s *txState) flushChannelDays(ctx context.Context, changes map[channelDay]counts) error {
	keys := sortedKeys(changes, func(a, b channelDay) int {
		return cmp.Or(cmp.Compare(a.community, b.community), cmp.Compare(a.channel, b.channel), cmp.Compare(a.day, b.day))
	})
	var gone [][]any
	for chunk := range chunks(keys) {
		var args []any
		for _, k := range chunk {
			d := changes[k]
			args = append(append(args, k.community, k.channel, k.day), d.values()...)
			if d.negative() {
				gone = append(gone, []any{k.community, k.channel, k.day})
			}
		}
		_, err := s.stmt(ctx, sqlChannelDays(len(chunk))).ExecContext(ctx, args...)
		if err != nil {
			return err
		}
	}
	return s.prune(ctx, "channel_days", "community_id, channel_id, day", gone)
}

// flushTouches moves members' latest activity forward, or looks it up again
// for those who retracted some.
func (s *txState) flushTouches(ctx context.Context) error {
	var forward []int64
	for _, id := range sortedKeys(s.touch, cmp.Compare[int64]) {
		t := s.touch[id]
		switch {
		case t.recompute:
			if _, err := s.stmt(ctx, sqlRetouch).ExecContext(ctx, id); err != nil {
				return err
			}
		case t.latest != minTime:
			forward = append(forward, id)
		}
	}
	for chunk := range chunks(forward) {
		var args []any
		for _, id := range chunk {
			args = append(args, id, s.touch[id].latest)
		}
		if _, err := s.stmt(ctx, sqlTouches(len(chunk))).ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// prune deletes the given rows of a rollup table if all their figures are
// zero. key names the columns each row of keys gives.
func (s *txState) prune(ctx context.Context, table, key string, keys [][]any) error {
	for chunk := range chunks(keys) {
		var args []any
		for _, k := range chunk {
			args = append(args, k...)
		}
		_, err := s.tx.ExecContext(ctx, `DELETE FROM `+table+`
WHERE (`+key+`) IN (VALUES `+intValues(len(chunk), len(chunk[0]))+`)
	AND `+sqlAllZero, args...)
		if err != nil {
			return fmt.Errorf("prune %s: %w", table, err)
		}
	}
	return nil
}

// chunks yields xs in slices whose lengths are powers of two, at most
// rollupChunk.
func chunks[T any](xs []T) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(xs) > 0 {
			n := rollupChunk
			for n > len(xs) {
				n /= 2
			}
			if !yield(xs[:n]) {
				return
			}
			xs = xs[n:]
		}
	}
}

// values returns the SQL of n rows of k parameters: (?, ?), (?, ?).
func values(n, k int) string {
	row := "(" + strings.Repeat("?, ", k-1) + "?)"
	return strings.Repeat(row+", ", n-1) + row
}

// intValues is values of integers, for VALUES that no column types: its
// first row's parameters say they are BIGINT, which PostgreSQL cannot
// infer there (and then takes the rows' other parameters as BIGINT too).
func intValues(n, k int) string {
	first := "(" + strings.Repeat("CAST(? AS BIGINT), ", k-1) + "CAST(? AS BIGINT))"
	if n == 1 {
		return first
	}
	return first + ", " + values(n-1, k)
}

// The rollup statements for n rows of VALUES; prepared for every n in
// chunkSizes (see rollupQueries).

func sqlMemberChannelDays(n int) string {
	return `INSERT INTO member_channel_days
	(community_id, member_id, day, channel_id, ` + sqlDayColumns + `)
VALUES ` + values(n, 4+len(dayColumns)) + `
ON CONFLICT (community_id, member_id, day, channel_id) DO UPDATE SET
	` + addExcluded("member_channel_days") + `
RETURNING community_id, member_id, day, channel_id, ` + sqlDayTotal
}

func sqlMemberDays(n int) string {
	// v.column1..3 are the key, then the figures, then whether the
	// day's channels changed.
	figures := make([]string, len(dayColumns))
	for i := range figures {
		figures[i] = fmt.Sprintf("v.column%d", 4+i)
	}
	changed := fmt.Sprintf("v.column%d", 4+len(dayColumns))
	return `INSERT INTO member_days
	(community_id, member_id, day, ` + sqlDayColumns + `, channels)
SELECT v.column1, v.column2, v.column3, ` + strings.Join(figures, ", ") + `,
	CASE WHEN ` + changed + ` <> 0 THEN (
		SELECT COALESCE(GROUP_CONCAT(c.channel_id), '') FROM member_channel_days c
		WHERE c.community_id = v.column1 AND c.member_id = v.column2 AND c.day = v.column3 AND c.channel_id <> 0)
	ELSE '` + changedSet + `' END
FROM (VALUES ` + intValues(n, 4+len(dayColumns)) + `) AS v WHERE true
ON CONFLICT (community_id, member_id, day) DO UPDATE SET
	` + addExcluded("member_days") + `,
	channels = CASE WHEN excluded.channels = '` + changedSet + `' THEN member_days.channels ELSE excluded.channels END`
}

func sqlChannelDays(n int) string {
	return `INSERT INTO channel_days
	(community_id, channel_id, day, ` + sqlDayColumns + `)
VALUES ` + values(n, 3+len(dayColumns)) + `
ON CONFLICT (community_id, channel_id, day) DO UPDATE SET
	` + addExcluded("channel_days")
}

func sqlMemberWeeks(n int) string {
	// v is a member day's change (community, day, member, figures): it
	// goes to the rows starting on that day and the six before. Summed by
	// row, since one statement may change a row once (PostgreSQL).
	return `INSERT INTO member_weeks (community_id, start_day, member_id, messages, replies, reactions, answers)
SELECT v.column1, v.column2 - o.column1, v.column3, SUM(v.column4), SUM(v.column5), SUM(v.column6), SUM(v.column7)
FROM (VALUES ` + intValues(n, 7) + `) AS v CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6)) AS o
GROUP BY 1, 2, 3
ON CONFLICT (community_id, start_day, member_id) DO UPDATE SET
	messages = member_weeks.messages + excluded.messages, replies = member_weeks.replies + excluded.replies,
	reactions = member_weeks.reactions + excluded.reactions, answers = member_weeks.answers + excluded.answers`
}

func sqlTouches(n int) string {
	return `UPDATE members SET last_active = MAX(COALESCE(members.last_active, v.column2), v.column2)
FROM (VALUES ` + intValues(n, 2) + `) AS v WHERE members.id = v.column1`
}

// rollupQueries are every shape of the rollup statements.
func rollupQueries() []string {
	var qs []string
	for _, n := range chunkSizes {
		qs = append(qs, sqlMemberChannelDays(n), sqlMemberDays(n), sqlMemberWeeks(n), sqlChannelDays(n), sqlTouches(n))
	}
	return qs
}
