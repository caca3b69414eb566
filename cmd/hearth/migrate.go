package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// cmdMigrate brings an existing database's schema up to date. Commands
// that write (run, shell, imports…) migrate on opening; reading commands
// never change a database, and send the operator here when it is behind.
//
// With --from and --to it copies a whole database into an empty one
// instead (copyDatabase): SQLite into PostgreSQL when a community outgrows
// the embedded default, or back.
func cmdMigrate(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("migrate", "migrate [--db PATH] | migrate --from SRC --to DST", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB), to bring up to date")
	from := fs.String("from", "", "copy this database (a file or a postgres:// URL) into --to; stop Hearth first: nothing may write to either during the copy")
	to := fs.String("to", "", "the empty database (a file, created if missing, or a postgres:// URL) that --from is copied into")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from != "" || *to != "" {
		if *from == "" || *to == "" {
			return &usageError{"migrate needs both --from and --to to copy a database: hearth migrate --from hearth.db --to postgres://…"}
		}
		dbSet := false
		fs.Visit(func(f *flag.Flag) { dbSet = dbSet || f.Name == "db" })
		if dbSet {
			return &usageError{"migrate takes --db, or --from and --to, not both (see hearth migrate --help)"}
		}
		return copyDatabase(ctx, *from, *to, e)
	}
	// The store reports no steps: on a terminal, say what is going on
	// until it is done.
	p := newProgress(e.stderr, isTerminalWriter(e.stderr), e.now, "migrating "+cfg.DB, "", 0)
	p.Show()
	fromVersion, toVersion, err := store.Migrate(ctx, cfg.DB)
	p.Finish()
	if err != nil {
		return cfg.dbError(err)
	}
	if fromVersion == toVersion {
		fmt.Fprintf(e.stdout, "%s is up to date (schema version %d)\n", store.Redacted(cfg.DB), toVersion)
		return nil
	}
	fmt.Fprintf(e.stdout, "migrated %s from schema version %d to %d\n", store.Redacted(cfg.DB), fromVersion, toVersion)
	return nil
}

// copyDatabase copies the Hearth database from into to (store.Copy): it
// brings the source's schema up to date, reads it read-only, creates or
// migrates the destination, which must be empty, and prints every table's
// rows once the counts on both sides agree. Nothing may write to either
// meanwhile: Hearth must be stopped.
func copyDatabase(ctx context.Context, from, to string, e env) error {
	if sameDatabase(from, to) {
		return &usageError{fmt.Sprintf("--from and --to name the same database (%s)", store.Redacted(from))}
	}
	if _, _, err := store.Migrate(ctx, from); err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	src, err := store.OpenReadOnly(ctx, from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, to)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer dst.Close()
	var p *progress
	var shown int64
	report, err := store.Copy(ctx, src, dst, func(_ string, done, total int64) {
		if p == nil {
			p = newProgress(e.stderr, isTerminalWriter(e.stderr), e.now, "copying", "rows", total)
		}
		p.Add(done - shown)
		shown = done
	})
	if p != nil {
		p.Finish()
	}
	if err != nil {
		return err
	}
	if err := dst.Close(); err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	// By name, for the reader; the copy went parents first.
	tables := slices.Clone(report.Tables)
	slices.SortFunc(tables, func(a, b store.TableRows) int { return strings.Compare(a.Table, b.Table) })
	width := len("table")
	for _, t := range tables {
		width = max(width, len(t.Table))
	}
	fmt.Fprintf(e.stdout, "%-*s  %s\n", width, "table", "rows")
	for _, t := range tables {
		fmt.Fprintf(e.stdout, "%-*s  %s\n", width, t.Table, bot.Thousands(int(t.Rows)))
	}
	fmt.Fprintf(e.stdout, "copied %s rows in %d tables from %s to %s; every table's row count matches\n",
		bot.Thousands(int(report.Rows())), len(report.Tables), store.Redacted(from), store.Redacted(to))
	return nil
}

// sameDatabase reports whether from and to are one database as far as
// their names tell: the same URL, or the same file.
func sameDatabase(from, to string) bool {
	if from == to {
		return true
	}
	if store.IsPostgresURL(from) || store.IsPostgresURL(to) {
		return false
	}
	a, errA := filepath.Abs(from)
	b, errB := filepath.Abs(to)
	return errA == nil && errB == nil && a == b
}
