package main

import (
	"context"
	"fmt"

	"github.com/hearth-community/hearth/store"
)

// cmdMigrate brings an existing database's schema up to date. Commands
// that write (run, shell, imports…) migrate on opening; reading commands
// never change a database, and send the operator here when it is behind.
func cmdMigrate(ctx context.Context, args []string, e env) error {
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags("migrate", "migrate [--db PATH]", e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The store reports no steps: on a terminal, say what is going on
	// until it is done.
	p := newProgress(e.stderr, isTerminalWriter(e.stderr), e.now, "migrating "+cfg.DB, "", 0)
	p.Show()
	from, to, err := store.Migrate(ctx, cfg.DB)
	p.Finish()
	if err != nil {
		return cfg.dbError(err)
	}
	if from == to {
		fmt.Fprintf(e.stdout, "%s is up to date (schema version %d)\n", store.Redacted(cfg.DB), to)
		return nil
	}
	fmt.Fprintf(e.stdout, "migrated %s from schema version %d to %d\n", store.Redacted(cfg.DB), from, to)
	return nil
}
