package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/reporting"
)

// cmdImpact prints the impact report for sponsors, and writes its charts.
func cmdImpact(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("impact", "impact --since DATE [--until DATE] [--db PATH] [--community ID] [--format markdown|json] [--charts DIR]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	since := fs.String("since", "", "first day, YYYY-MM-DD, in HEARTH_TZ (required)")
	until := fs.String("until", "", "last day, YYYY-MM-DD, included in full (default: today, up to now)")
	format := fs.String("format", "markdown", "markdown or json")
	charts := fs.String("charts", "", "write the charts (PNG) to this directory; the markdown links them by file name")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "markdown" && *format != "json" {
		return &usageError{fmt.Sprintf("--format %q: use markdown or json", *format)}
	}
	if *since == "" {
		return &usageError{"impact needs --since DATE, like --since 2026-01-01"}
	}
	p, err := bot.SincePeriod(*since, *until, e.now(), cfg.Location)
	if err != nil {
		return &usageError{bot.ErrorMessage(err)}
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
	im, err := reporting.BuildImpact(ctx, db, comm.ID, p.From, p.To, cfg.Location, cfg.QuietAfter, core.Modules()...)
	if err != nil {
		return operatorError(err)
	}
	if *format == "json" {
		return writeJSON(e.stdout, im)
	}
	view := reporting.ImpactView{Location: cfg.Location}
	if *charts != "" {
		if view.Charts, err = writeImpactCharts(*charts, im); err != nil {
			return err
		}
	}
	_, err = fmt.Fprint(textOut(e.stdout), reporting.FormatImpact(im, view))
	return err
}

// writeImpactCharts draws participation by month and each check-in's
// scale trend into dir, and returns their file names by chart.
func writeImpactCharts(dir string, im reporting.Impact) (map[string]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("charts: %w", err)
	}
	c := newCharter()
	out := map[string]string{}
	write := func(key, name string, png []byte, err error) error {
		if err != nil {
			return fmt.Errorf("chart %s: %w", key, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			return fmt.Errorf("chart %s: %w", key, err)
		}
		out[key] = name
		return nil
	}
	if len(im.Months) > 0 {
		months := make([]bot.WeekPoint, len(im.Months))
		for i, m := range im.Months {
			months[i] = bot.WeekPoint{Start: m.Start, ActiveMembers: m.ActiveMembers, Posts: m.Posts}
		}
		png, err := c.WeeklyChart("Participation by month", months)
		if err := write("participation", "participation.png", png, err); err != nil {
			return nil, err
		}
	}
	for _, s := range im.Sections {
		for _, ch := range s.Charts {
			png, err := c.TrendChart(ch.Title, ch.Unit, ch.Points)
			if err := write(ch.Name, ch.Name+".png", png, err); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
