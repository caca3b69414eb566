package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/reporting"
	"github.com/hearth-community/hearth/store"
)

func cmdReport(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("report", "report [--db PATH] [--period 7d | --since DATE --until DATE] [--channel NAME] [--community ID] [--format text|json|csv]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	period := fs.String("period", "", "how far back from now: 7d (default), 30d, 90d, any Nd or Nw")
	since := fs.String("since", "", "first day, YYYY-MM-DD, in HEARTH_TZ (with --until)")
	until := fs.String("until", "", "last day, YYYY-MM-DD, included in full (with --since)")
	channel := fs.String("channel", "", "only this channel (name, with or without #)")
	community := fs.String("community", "", "the community id, when the database holds several")
	format := fs.String("format", "text", "text, json or csv")
	nowFlag := fs.String("now", "", "report as if it were this instant (RFC 3339), for reproducible figures")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return &usageError{fmt.Sprintf("--format %q: use text, json or csv", *format)}
	}
	now, err := instant(*nowFlag, e)
	if err != nil {
		return err
	}
	p, err := reportPeriod(*period, *since, *until, now, cfg.Location)
	if err != nil {
		return err
	}
	db, comm, err := openCommunity(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	q := bot.ReportQuery{Community: comm.ID, From: p.From, To: p.To, QuietAfter: cfg.QuietAfter}
	var ch bot.Channel
	if *channel != "" {
		ch, err = db.FindChannel(ctx, comm.ID, strings.TrimPrefix(*channel, "#"))
		if errors.Is(err, bot.ErrNotFound) {
			return fmt.Errorf("no channel named %q in %s", *channel, comm.ID)
		} else if err != nil {
			return err
		}
		q.Channel = ch.ID
	}
	core, err := offlineCore(db, cfg, e)
	if err != nil {
		return err
	}
	rep, err := core.Report(ctx, q)
	if err != nil {
		return operatorError(err)
	}
	switch *format {
	case "json":
		return writeJSON(e.stdout, rep)
	case "csv":
		return reporting.WriteReportCSV(csvOut(e.stdout), rep)
	}
	label := ""
	if *since == "" {
		label = reporting.PeriodLabel(*period)
	}
	text := reporting.FormatReport(rep, reporting.ReportView{Location: cfg.Location, Channel: ch, Label: label, ListLimit: 1 << 30})
	_, err = fmt.Fprintln(textOut(e.stdout), strings.ReplaceAll(text, "**", ""))
	return err
}

// reportPeriod turns the flags into a period; --since/--until are whole days.
func reportPeriod(period, since, until string, now time.Time, loc *time.Location) (bot.Period, error) {
	switch {
	case (since == "") != (until == ""):
		return bot.Period{}, &usageError{"--since and --until go together: --since 2026-11-01 --until 2026-11-28"}
	case since != "" && period != "":
		return bot.Period{}, &usageError{"use either --period or --since/--until, not both"}
	case since != "":
		p, err := bot.ParsePeriod(since+".."+until, now, loc)
		if err != nil {
			return bot.Period{}, &usageError{bot.ErrorMessage(err)}
		}
		return p, nil
	}
	p, err := bot.ParsePeriod(period, now, loc)
	if err != nil {
		return bot.Period{}, &usageError{bot.ErrorMessage(err)}
	}
	return p, nil
}

// instant reads a --now flag: "" is the wall clock's now.
func instant(flag string, e env) (time.Time, error) {
	if flag == "" {
		return e.now(), nil
	}
	t, err := time.Parse(time.RFC3339, flag)
	if err != nil {
		return time.Time{}, &usageError{fmt.Sprintf("--now %q: use RFC 3339, like 2026-11-28T09:00:00Z", flag)}
	}
	return t, nil
}

func pickCommunity(ctx context.Context, db *store.DB, id string) (bot.Community, error) {
	all, err := db.Communities(ctx)
	if err != nil {
		return bot.Community{}, err
	}
	if id != "" {
		for _, c := range all {
			if c.ID == id {
				return c, nil
			}
		}
		return bot.Community{}, fmt.Errorf("no community %q in the database; it holds: %s", id, communityList(all))
	}
	switch len(all) {
	case 0:
		return bot.Community{}, errors.New("the database holds no community yet: run hearth, or hearth simulate, first")
	case 1:
		return all[0], nil
	}
	return bot.Community{}, &usageError{"the database holds several communities; choose one with --community: " + communityList(all)}
}

func communityList(cs []bot.Community) string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return strings.Join(ids, ", ")
}

// offlineCore is the core the offline tools read through: every feature on
// db, no chat attached, so reports, digests and impact reports have the
// features' parts. What the features log on the way reaches the operator as
// offlineLogger writes it.
func offlineCore(db *store.DB, cfg config, e env) (*bot.Bot, error) {
	core, err := bot.New(bot.Config{Store: db, Clock: bot.ClockFunc(e.now), Log: offlineLogger(e, cfg, false), Location: cfg.Location, QuietAfter: cfg.QuietAfter})
	if err != nil {
		return nil, err
	}
	if err := features.Register(core, db); err != nil {
		return nil, err
	}
	return core, nil
}
