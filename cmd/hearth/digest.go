package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hearth-community/hearth/bot/reporting"
)

func cmdDigest(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("digest", "digest [--db PATH] [--community ID] [--format text|json|markdown] [--now TIME] [--chart FILE.png]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	format := fs.String("format", "text", "text, json or markdown")
	nowFlag := fs.String("now", "", "the digest of the week ending at this instant (RFC 3339; default now)")
	chartPath := fs.String("chart", "", "also write the 8-week chart to this PNG file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		return &usageError{fmt.Sprintf("--format %q: use text, json or markdown", *format)}
	}
	at, err := instant(*nowFlag, e)
	if err != nil {
		return err
	}
	db, comm, err := openCommunity(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	core, err := offlineCore(db, cfg, e)
	if err != nil {
		return err
	}
	d, err := reporting.BuildDigest(ctx, db, comm.ID, at, cfg.QuietAfter, cfg.Location, core.Modules()...)
	if err != nil {
		return operatorError(err)
	}
	if *chartPath != "" {
		png, err := newCharter().WeeklyChart("Participation, last 8 weeks", d.Weeks)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Clean(*chartPath), png, 0o644); err != nil {
			return fmt.Errorf("write chart: %w", err)
		}
	}
	switch *format {
	case "json":
		return writeJSON(e.stdout, d)
	case "markdown":
		_, err = fmt.Fprintln(textOut(e.stdout), reporting.FormatDigest(d, reporting.DigestView{Location: cfg.Location, Markdown: true}))
		return err
	}
	_, err = fmt.Fprintln(textOut(e.stdout), strings.ReplaceAll(reporting.FormatDigest(d, reporting.DigestView{Location: cfg.Location}), "**", ""))
	return err
}
