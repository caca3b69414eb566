package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
)

// cmdResources exports the community's library.
func cmdResources(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("resources", "resources [--db PATH] [--community ID] [--tag TAG] [--format markdown|csv|json]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	tag := fs.String("tag", "", "only resources with this tag")
	format := fs.String("format", "markdown", "markdown (grouped by tag, a resource under each of its tags), csv or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "markdown" && *format != "csv" && *format != "json" {
		return &usageError{fmt.Sprintf("--format %q: use markdown, csv or json", *format)}
	}
	db, comm, err := openCommunity(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	rs, err := db.Resources(ctx, comm.ID, library.ResourceQuery{Tag: strings.ToLower(strings.TrimPrefix(*tag, "#"))})
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		if rs == nil {
			rs = []library.Resource{}
		}
		return writeJSON(e.stdout, rs)
	case "csv":
		w := bot.NewCSVWriter(csvOut(e.stdout))
		_ = w.Write([]string{"id", "url", "tags", "note", "shared_by", "shared_at"})
		for _, r := range rs {
			_ = w.Write([]string{strconv.FormatInt(r.ID, 10), r.URL, strings.Join(r.Tags, " "), r.Note, nameOr(r.MemberName, r.Member), r.SharedAt.UTC().Format(time.RFC3339)})
		}
		w.Flush()
		return w.Error()
	}
	out := textOut(e.stdout)
	fmt.Fprintf(out, "# %s library\n", nameOr(comm.Name, comm.ID))
	want := strings.ToLower(strings.TrimPrefix(*tag, "#"))
	if len(rs) == 0 && want != "" {
		all, err := db.Resources(ctx, comm.ID, library.ResourceQuery{})
		if err != nil {
			return err
		}
		if len(all) > 0 {
			fmt.Fprintf(out, "\nNo resource has the tag #%s. Tags in use: %s\n", want, tagList(all))
			return nil
		}
	}
	if len(rs) == 0 {
		fmt.Fprintln(out, "\nNothing shared yet.")
		return nil
	}
	groups, order := groupByTag(rs, want)
	for _, g := range order {
		fmt.Fprintf(out, "\n## %s\n\n", g)
		for _, r := range groups[g] {
			line := fmt.Sprintf("- <%s>", r.URL)
			if r.Note != "" {
				line += ": " + r.Note
			}
			fmt.Fprintf(out, "%s (shared by %s, %s)\n", line, nameOr(r.MemberName, r.Member), r.SharedAt.In(cfg.Location).Format("2006-01-02"))
		}
	}
	return nil
}

// groupByTag puts each resource under every one of its tags (a resource
// tagged #ux #research is listed under both), untagged ones last, each
// group in rs's order (newest first). With only set, the one group is that
// tag's.
func groupByTag(rs []library.Resource, only string) (map[string][]library.Resource, []string) {
	groups := map[string][]library.Resource{}
	var order []string
	add := func(key string, r library.Resource) {
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], r)
	}
	for _, r := range rs {
		if len(r.Tags) == 0 {
			add("Untagged", r)
		}
		for _, t := range r.Tags {
			if only == "" || t == only {
				add("#"+t, r)
			}
		}
	}
	slices.SortFunc(order, func(a, b string) int { // by tag, untagged last
		switch {
		case a == b:
			return 0
		case a == "Untagged":
			return 1
		case b == "Untagged":
			return -1
		}
		return strings.Compare(a, b)
	})
	return groups, order
}

// tagList is the tags of rs, sorted, as "#a, #b", or "none" when no
// resource is tagged.
func tagList(rs []library.Resource) string {
	var tags []string
	for _, r := range rs {
		for _, t := range r.Tags {
			if !slices.Contains(tags, "#"+t) {
				tags = append(tags, "#"+t)
			}
		}
	}
	if len(tags) == 0 {
		return "none"
	}
	slices.Sort(tags)
	return strings.Join(tags, ", ")
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}
