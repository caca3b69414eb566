// Package storetest is the behaviour test suite of bot.Store: every test of
// what a store does through bot.Store's methods, run against any store by
// Run. The SQLite store (package store) and the in-memory store
// (bot/memstore) both pass it, so they behave alike wherever the core can
// tell.
//
// What only one store has (SQLite's migrations, backups, writer and day
// rollup tables, benchmarks) is tested beside that store, not here.
package storetest

import (
	"context"
	"testing"

	"github.com/hearth-community/hearth/bot/features"
)

// Store is what the suite tests: bot.Store. A store may also implement
// Scanner, which the forget-me test uses to look inside it.
type Store interface {
	features.Store
}

// Scanner is implemented by a store that can show what it keeps, beyond
// what bot.Store's methods return. The forget-me test (ForgetMember) uses it
// to prove a forgotten member is named nowhere, that their rows are gone,
// and that the community's day totals did not change; PruneEvents' test,
// that no day total changed. A store that does not implement it is tested
// through bot.Store alone.
type Scanner interface {
	// Holding lists the places where the store keeps any of needles (as
	// a substring of a stored string), once each, as "table.column": the
	// SQLite store names its columns, another store the field of its
	// records that mirrors one. Holding also looks inside stored
	// documents (a survey's definition).
	Holding(ctx context.Context, needles ...string) ([]string, error)
	// Orphans lists the rows kept about a member who has no member row any
	// more (as "table: row"); none when every row's member exists.
	Orphans(ctx context.Context) ([]string, error)
	// Rollups returns the day totals the store keeps beside the events,
	// by table ("channel_days", "member_days", "member_channel_days"), each
	// as rows of text in a stable order: what reports read once events are
	// pruned or a member forgotten.
	Rollups(ctx context.Context) (map[string][]string, error)
}

// Opener opens a fresh, empty store for one test; the store is closed when
// the test ends (t.Cleanup).
type Opener func(t *testing.T) Store

// test is one test of the suite: run gets a fresh store; fresh, for the
// tests that need several, opens its own.
type test struct {
	name  string
	run   func(t *testing.T, db Store)
	fresh func(t *testing.T, open Opener)
}

// groups are the suite's tests, grouped by what they test.
var groups = []struct {
	name  string
	tests []test
}{
	{"directory", directoryTests},
	{"record", recordTests},
	{"report", reportTests},
	{"reference", referenceTests},
	{"schedules", scheduleTests},
	{"prompts", promptTests},
	{"surveys", surveyTests},
	{"checkins", checkinTests},
	{"nudges", nudgeTests},
	{"deliveries", deliveryTests},
	{"privacy", privacyTests},
	{"library", libraryTests},
	{"events", eventTests},
	{"intros", introTests},
	{"weeks", weekTests},
	{"lines", lineTests},
	{"leases", leaseTests},
	{"history", historyTests},
}

// Run runs every test of the suite, each as a subtest "feature/test" with
// a store of its own from open.
func Run(t *testing.T, open Opener) {
	for _, f := range groups {
		t.Run(f.name, func(t *testing.T) {
			for _, tc := range f.tests {
				t.Run(tc.name, func(t *testing.T) {
					if tc.fresh != nil {
						tc.fresh(t, open)
						return
					}
					tc.run(t, open(t))
				})
			}
		})
	}
}
