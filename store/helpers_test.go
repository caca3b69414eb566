package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// The SQLite store's own tests: what only it has (files, backups, the
// writer, the day rollup tables). Its behaviour through bot.Store is tested
// by the suite (storetest), in suite_test.go.

// t0 is a Monday at midnight UTC: the histories here happen around it.
var t0 = time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// at is t0 plus days and hours.
func at(days int, hours float64) time.Time {
	return t0.Add(time.Duration(days)*day + time.Duration(hours*float64(time.Hour)))
}

const community = "slack:T1"

var makers = bot.Community{ID: community, Platform: bot.Slack, Name: "Makers"}

func record(t testing.TB, db *store.DB, events ...bot.Event) int {
	t.Helper()
	n, err := db.Record(context.Background(), events...)
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	return n
}

func saveDirectory(t testing.TB, db *store.DB, d bot.Directory) {
	t.Helper()
	if err := db.SaveDirectory(context.Background(), d); err != nil {
		t.Fatalf("SaveDirectory: %v", err)
	}
}

func report(t testing.TB, db *store.DB, q bot.ReportQuery) bot.Report {
	t.Helper()
	r, err := db.Report(context.Background(), q)
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	return r
}

// msg is a message event of community, keyed like Slack: channel + ts.
func msg(member, channel, id string, when time.Time) bot.Event {
	return bot.Event{Kind: bot.KindMessage, Community: community, Channel: channel, Member: member, At: when, Key: channel + ":" + id, Message: id}
}

// tee records a simulated history in the core and keeps a copy.
type tee struct {
	core   *bot.Bot
	events []bot.Event
}

func (t *tee) HandleDirectory(ctx context.Context, d bot.Directory) error {
	return t.core.HandleDirectory(ctx, d)
}

func (t *tee) HandleEvents(ctx context.Context, events ...bot.Event) error {
	t.events = append(t.events, events...)
	return t.core.HandleEvents(ctx, events...)
}
