package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/store"
)

// TestResourcesMarkdownGroupsByEveryTag: a resource appears under each of
// its tags, --tag heads the list with that tag, and an unknown tag says so
// and names the tags in use rather than claiming nothing was shared.
func TestResourcesMarkdownGroupsByEveryTag(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lib.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	const comm = "shell:local"
	if err := db.SaveDirectory(ctx, bot.Directory{Community: bot.Community{ID: comm, Platform: bot.Shell, Name: "Local"}, At: at,
		Members: []bot.Member{{ID: "bob", Name: "bob"}}, Channels: []bot.Channel{{ID: "c1", Name: "general"}}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []library.Resource{
		{URL: "https://example.com/both", Tags: []string{"ux", "research"}},
		{URL: "https://example.com/untagged"},
	} {
		r.Community, r.Member, r.Channel, r.SharedAt = comm, "bob", "c1", at
		if _, err := db.AddResource(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	all := hearth(t, "", nil, "resources", "--db", path)
	for _, heading := range []string{"## #research", "## #ux", "## Untagged"} {
		i := strings.Index(all, heading)
		if i < 0 {
			t.Fatalf("no %q in:\n%s", heading, all)
		}
		if heading != "## Untagged" && !strings.Contains(all[i:], "https://example.com/both") {
			t.Errorf("the #ux #research resource is not under %q:\n%s", heading, all)
		}
	}
	if n := strings.Count(all, "https://example.com/both"); n != 2 {
		t.Errorf("the resource tagged twice is listed %d times, want 2:\n%s", n, all)
	}

	ux := hearth(t, "", nil, "resources", "--db", path, "--tag", "#ux")
	if !strings.Contains(ux, "## #ux") || strings.Contains(ux, "## #research") || !strings.Contains(ux, "example.com/both") {
		t.Errorf("--tag ux:\n%s", ux)
	}

	none := hearth(t, "", nil, "resources", "--db", path, "--tag", "nosuch")
	if strings.Contains(none, "Nothing shared yet") || !strings.Contains(none, "No resource has the tag #nosuch") || !strings.Contains(none, "#research, #ux") {
		t.Errorf("--tag nosuch:\n%s", none)
	}
}
