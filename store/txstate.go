package store

import (
	"cmp"
	"context"
	"maps"
	"slices"
)

// txState is what the writer keeps during one transaction: the statements
// bound to it, and the changes jobs make to derived figures (the day
// rollups, members' latest activity). Those are summed over the transaction
// and written once per row in flush.
type txState struct {
	tx    *txConn
	stmts *statements
	bound map[string]*stmt
	cache *cache

	cells map[cell]counts // member_channel_days changes
	bots  map[int64]bool  // whether the members of cells are bots
	touch map[int64]touch // members' latest activity
}

// cell is one row of member_channel_days.
type cell struct {
	community, member, day, channel int64
}

// counts are a rollup row's figures, in the order of activityKinds.
type counts [len(activityKinds)]int64

func (c *counts) add(d counts) {
	for i := range c {
		c[i] += d[i]
	}
}

func (c counts) negative() bool {
	for _, v := range c {
		if v < 0 {
			return true
		}
	}
	return false
}

func (c counts) total() int64 {
	var t int64
	for _, v := range c {
		t += v
	}
	return t
}

// touch is a member's latest activity as far as this transaction knows, and
// whether some was retracted, so the latest must be looked up again.
type touch struct {
	latest    int64
	recompute bool
}

// minTime stands for "no time" among unix milliseconds.
const minTime = -1 << 63

func newTxState(tx *txConn, stmts *statements, c *cache) *txState {
	return &txState{
		tx: tx, stmts: stmts, bound: map[string]*stmt{}, cache: c,
		cells: map[cell]counts{}, bots: map[int64]bool{}, touch: map[int64]touch{},
	}
}

// stmt returns the prepared statement for query, bound to the transaction.
func (s *txState) stmt(ctx context.Context, query string) *stmt {
	st, ok := s.bound[query]
	if !ok {
		prepared, ok := s.stmts.byQuery[query]
		if !ok {
			panic("store: statement not prepared: " + query) // a bug: add it to writeQueries
		}
		st = s.tx.StmtContext(ctx, prepared)
		s.bound[query] = st
	}
	return st
}

func (s *txState) close() {
	for _, st := range s.bound {
		st.Close()
	}
}

// addActivity counts delta events of the kind at index k in a member's
// channel day.
func (s *txState) addActivity(c cell, isBot bool, k int, delta int64) {
	v := s.cells[c]
	v[k] += delta
	s.cells[c] = v
	s.bots[c.member] = isBot
}

// touched notes a new activity event of a member at time at.
func (s *txState) touched(member, at int64) {
	t, ok := s.touch[member]
	if !ok {
		t.latest = minTime
	}
	t.latest = max(t.latest, at)
	s.touch[member] = t
}

// retracted notes that an activity event of a member was retracted.
func (s *txState) retracted(member int64) {
	t, ok := s.touch[member]
	if !ok {
		t.latest = minTime
	}
	t.recompute = true
	s.touch[member] = t
}

func cellCompare(a, b cell) int {
	return cmp.Or(cmp.Compare(a.community, b.community), cmp.Compare(a.member, b.member),
		cmp.Compare(a.day, b.day), cmp.Compare(a.channel, b.channel))
}

// sortedKeys orders writes, so they touch pages in order and run the same
// way each time.
func sortedKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	return slices.SortedFunc(maps.Keys(m), compare)
}
