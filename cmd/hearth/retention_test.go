package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/memstore"
)

// prunesCounted is a store whose prunes are counted, by instance.
type prunesCounted struct {
	*memstore.Store
	mu     sync.Mutex
	prunes []time.Time
	purges []time.Time // of the dashboard's sign-ins
}

func (p *prunesCounted) PurgeDashboard(ctx context.Context, before time.Time) (int, error) {
	p.mu.Lock()
	p.purges = append(p.purges, before)
	p.mu.Unlock()
	return p.Store.PurgeDashboard(ctx, before)
}

func (p *prunesCounted) PruneEvents(ctx context.Context, before time.Time) (int, error) {
	p.mu.Lock()
	p.prunes = append(p.prunes, before)
	p.mu.Unlock()
	return p.Store.PruneEvents(ctx, before)
}

// TestRetentionOnceADay: instances sharing a database prune once a day
// between them, whichever checks first, however often each checks.
func TestRetentionOnceADay(t *testing.T) {
	ctx := context.Background()
	db := &prunesCounted{Store: memstore.New(nil)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	keep := 90 * 24 * time.Hour
	done := map[string]string{} // instance → the day it last pruned
	day0 := time.Date(2026, 12, 6, 0, 30, 0, 0, time.UTC)
	for _, step := range []struct {
		instance string
		at       time.Duration // after day0
		prunes   int           // in all, after this check
	}{
		{"a", 0, 1},                        // a is first today
		{"b", 10 * time.Minute, 1},         // b finds today's lease taken
		{"a", time.Hour, 1},                // a has done today
		{"c", 23 * time.Hour, 1},           // still today (23:30)
		{"b", 24 * time.Hour, 2},           // tomorrow: b is first
		{"a", 24*time.Hour + time.Hour, 2}, // and a is not
		{"a", 48 * time.Hour, 3},
		{"b", 48 * time.Hour, 3},
	} {
		now := day0.Add(step.at)
		done[step.instance] = retentionPass(ctx, db, keep, now, step.instance, done[step.instance], log)
		if len(db.prunes) != step.prunes {
			t.Fatalf("after %s checked at %v: %d prunes, want %d", step.instance, now, len(db.prunes), step.prunes)
		}
	}
	if len(db.purges) != 3 {
		t.Errorf("%d purges of dashboard sign-ins, want one a day: 3", len(db.purges))
	}
	if want := day0.Add(48 * time.Hour).Add(-keep); !db.prunes[2].Equal(want) {
		t.Errorf("the third prune removed events before %v, want %v", db.prunes[2], want)
	}
}

// TestRetentionWithoutKeepPurgesSignIns: with no event retention set, the
// daily pass prunes no events but still purges the dashboard's expired
// sign-in links and sessions.
func TestRetentionWithoutKeepPurgesSignIns(t *testing.T) {
	ctx := context.Background()
	db := &prunesCounted{Store: memstore.New(nil)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Date(2026, 12, 6, 0, 30, 0, 0, time.UTC)
	if day := retentionPass(ctx, db, 0, now, "a", "", log); day != "2026-12-06" {
		t.Errorf("the pass returned %q, want the day it did", day)
	}
	if len(db.prunes) != 0 || len(db.purges) != 1 || !db.purges[0].Equal(now) {
		t.Errorf("prunes %v, purges %v: want no prune and one purge of what expired before now", db.prunes, db.purges)
	}
}
