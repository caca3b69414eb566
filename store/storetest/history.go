package storetest

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"

	"github.com/hearth-community/hearth/bot"
	hist "github.com/hearth-community/hearth/bot/history"
)

var historyTests = []test{
	{name: "Imports", run: testHistoryImports},
	{name: "ImportChannels", run: testImportChannels},
	{name: "ImportPageRace", run: testImportPageRace},
	{name: "Tombstones", run: testTombstones},
	{name: "HistorySince", run: testHistorySince},
}

func requestImport(t *testing.T, db Store, community, by string, days int) int64 {
	t.Helper()
	id, err := db.RequestImport(context.Background(), community, by, at(-days, 0), at(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func testHistoryImports(t *testing.T, db Store) {
	ctx := context.Background()
	if _, err := db.LatestImport(ctx, community); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("LatestImport of none: %v", err)
	}
	if _, err := db.Import(ctx, 99); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Import(99): %v", err)
	}
	if _, err := db.RequestImport(ctx, "", "UA", at(-1, 0), at(0, 0)); err == nil {
		t.Error("an import without community was accepted")
	}
	first := requestImport(t, db, community, "UA", 90)
	other := requestImport(t, db, "discord:G1", "", 30)
	want := hist.Import{ID: first, Community: community, RequestedBy: "UA", Since: at(-90, 0), RequestedAt: at(0, 0), Status: hist.StatusQueued}
	if got, err := db.Import(ctx, first); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Import: %+v, %v\nwant %+v", got, err, want)
	}
	want.Status, want.StartedAt, want.ChannelsListed, want.JoinsDone = hist.StatusRunning, at(0, 1.0001), true, true
	want.ProgressAt, want.ProgressChannels, want.Error = at(0, 2), 10, "the platform is down"
	if err := db.SaveImport(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.StartedAt = want.StartedAt.Truncate(1e6) // kept to the millisecond
	if got, err := db.LatestImport(ctx, community); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("LatestImport: %+v, %v\nwant %+v", got, err, want)
	}
	if err := db.SaveImport(ctx, hist.Import{ID: 99, Status: hist.StatusDone}); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("SaveImport(99): %v", err)
	}
	pending, err := db.PendingImports(ctx)
	if err != nil || len(pending) != 2 || pending[0].ID != first || pending[1].ID != other {
		t.Errorf("PendingImports: %+v, %v", pending, err)
	}
	want.Status, want.FinishedAt = hist.StatusDone, at(0, 3)
	if err := db.SaveImport(ctx, want); err != nil {
		t.Fatal(err)
	}
	if pending, err := db.PendingImports(ctx); err != nil || len(pending) != 1 || pending[0].ID != other {
		t.Errorf("PendingImports once the first is done: %+v, %v", pending, err)
	}
	second := requestImport(t, db, community, "UB", 180)
	if got, err := db.LatestImport(ctx, community); err != nil || got.ID != second || got.RequestedBy != "UB" {
		t.Errorf("LatestImport after a second request: %+v, %v", got, err)
	}
}

func testImportChannels(t *testing.T, db Store) {
	ctx := context.Background()
	id := requestImport(t, db, community, "UA", 90)
	if err := db.AddImportChannels(ctx, id, []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "design"}}); err != nil {
		t.Fatal(err)
	}
	page := hist.PageCounts{Events: 100, SkippedBots: 3, SkippedGone: 1}
	if ok, err := db.SaveImportPage(ctx, id, "C1", "", "p1", page, false); !ok || err != nil {
		t.Fatalf("the first page: %v, %v", ok, err)
	}
	if ok, err := db.SaveImportPage(ctx, id, "C1", "", "p1", page, false); ok || err != nil {
		t.Errorf("the first page again, from a cursor that moved on: %v, %v", ok, err)
	}
	if ok, err := db.SaveImportPage(ctx, id, "C1", "p1", "p2", page, true); !ok || err != nil {
		t.Fatalf("the last page: %v, %v", ok, err)
	}
	if ok, err := db.SaveImportPage(ctx, id, "C1", "p2", "p2", hist.PageCounts{}, true); ok || err != nil {
		t.Errorf("a channel read through moved again: %v, %v", ok, err)
	}
	if ok, err := db.SaveImportPage(ctx, id, "C9", "", "p1", page, false); ok || err != nil {
		t.Errorf("a channel not listed: %v, %v", ok, err)
	}
	// Listing again (a restart) adds what is new and keeps progress.
	if err := db.AddImportChannels(ctx, id, []bot.Channel{{ID: "C1", Name: "general"}, {ID: "C2", Name: "design"}, {ID: "C3", Name: "help"}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ImportChannels(ctx, id)
	want := []hist.ChannelProgress{
		{Channel: "C1", Name: "general", Position: 0, Cursor: "p2", PageCounts: hist.PageCounts{Events: 200, SkippedBots: 6, SkippedGone: 2}, Done: true},
		{Channel: "C2", Name: "design", Position: 1},
		{Channel: "C3", Name: "help", Position: 2},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ImportChannels: %+v, %v\nwant %+v", got, err, want)
	}
	if got, err := db.ImportChannels(ctx, 99); err != nil || len(got) != 0 {
		t.Errorf("channels of no import: %+v, %v", got, err)
	}
}

// testImportPageRace: of workers saving the same page at once, one moves
// the cursor and counts it.
func testImportPageRace(t *testing.T, db Store) {
	ctx := context.Background()
	id := requestImport(t, db, community, "UA", 90)
	if err := db.AddImportChannels(ctx, id, []bot.Channel{{ID: "C1", Name: "general"}}); err != nil {
		t.Fatal(err)
	}
	won := claimRace(t, 8, func(i int) (bool, error) {
		return db.SaveImportPage(ctx, id, "C1", "", "p1-"+strconv.Itoa(i), hist.PageCounts{Events: 5}, false)
	})
	chs, err := db.ImportChannels(ctx, id)
	if won != 1 || err != nil || len(chs) != 1 || chs[0].Events != 5 {
		t.Errorf("%d winners, channels %+v, %v; want one, and 5 events counted", won, chs, err)
	}
}

func testTombstones(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db, msg("UA", "C1", "a1", at(0, 1)), msg("UB", "C1", "b1", at(0, 2)))
	if got, err := db.Tombstoned(ctx, community, []string{"UA", "UB"}); err != nil || len(got) != 0 {
		t.Errorf("before any forget: %v, %v", got, err)
	}
	if err := db.ForgetMember(ctx, community, "UA"); err != nil {
		t.Fatal(err)
	}
	// A member the community never recorded is tombstoned too (and not found).
	if err := db.ForgetMember(ctx, community, "UZ"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("forget an unknown member: %v", err)
	}
	got, err := db.Tombstoned(ctx, community, []string{"UA", "UB", "UZ", "UA", "UC"})
	if err != nil || !reflect.DeepEqual(got, map[string]bool{"UA": true, "UZ": true}) {
		t.Errorf("Tombstoned: %v, %v", got, err)
	}
	if got, err := db.Tombstoned(ctx, "discord:G1", []string{"UA"}); err != nil || len(got) != 0 {
		t.Errorf("another community: %v, %v", got, err)
	}
	// The live record of a member who comes back works as before.
	if n := record(t, db, msg("UA", "C1", "a2", at(1, 0))); n != 1 {
		t.Errorf("a forgotten member's new message: %d recorded", n)
	}
	if got, err := db.Tombstoned(ctx, community, []string{"UA"}); err != nil || !got["UA"] {
		t.Errorf("the tombstone after they came back: %v, %v", got, err)
	}
}

func testHistorySince(t *testing.T, db Store) {
	ctx := context.Background()
	record(t, db, msg("UA", "C1", "a1", at(-100, 0)))
	if _, ok, err := db.HistorySince(ctx, community); ok || err != nil {
		t.Errorf("without an import: %v, %v", ok, err)
	}
	id := requestImport(t, db, community, "UA", 90)
	if _, ok, err := db.HistorySince(ctx, community); ok || err != nil {
		t.Errorf("with an import not done: %v, %v", ok, err)
	}
	imp, err := db.Import(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	imp.Status, imp.FinishedAt = hist.StatusDone, at(0, 1)
	if err := db.SaveImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	// The first event is older than the import's since: the record starts there.
	if since, ok, err := db.HistorySince(ctx, community); !ok || err != nil || !since.Equal(at(-100, 0)) {
		t.Errorf("HistorySince: %v, %v, %v; want the first event's time", since, ok, err)
	}
	other := "discord:G1"
	id = requestImport(t, db, other, "", 30)
	imp, _ = db.Import(ctx, id)
	imp.Status = hist.StatusDone
	if err := db.SaveImport(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if since, ok, err := db.HistorySince(ctx, other); !ok || err != nil || !since.Equal(at(-30, 0)) {
		t.Errorf("HistorySince without older events: %v, %v, %v; want the import's since", since, ok, err)
	}
}
