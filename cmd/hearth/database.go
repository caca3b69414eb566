package main

import (
	"context"
	"fmt"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// How sub-commands open the database:
//   - reading commands (report, digest, impact, checkins, resources, export)
//     use openCommunity: read-only, never created or migrated;
//   - commands that change an existing community (imports, plan apply,
//     forget, backup) use openExistingForWriting: migrated, never created;
//   - run, shell and simulate use openCore: created if missing.
//
// Their errors name where the path came from (dbError).

// openCommunity opens an existing database read-only and picks the
// community an offline command is about. The caller closes the database.
func openCommunity(ctx context.Context, cfg config, community string) (*store.DB, bot.Community, error) {
	db, err := store.OpenReadOnly(ctx, cfg.DB)
	if err != nil {
		return nil, bot.Community{}, cfg.dbError(err)
	}
	return pickIn(ctx, db, community)
}

// openCommunityForWriting is openCommunity for commands that change the
// community: it migrates the database, but never creates one (an offline
// tool that silently created an empty database would report zeros).
func openCommunityForWriting(ctx context.Context, cfg config, community string) (*store.DB, bot.Community, error) {
	db, err := openExistingForWriting(ctx, cfg)
	if err != nil {
		return nil, bot.Community{}, err
	}
	return pickIn(ctx, db, community)
}

func pickIn(ctx context.Context, db *store.DB, community string) (*store.DB, bot.Community, error) {
	comm, err := pickCommunity(ctx, db, community)
	if err != nil {
		db.Close()
		return nil, bot.Community{}, err
	}
	return db, comm, nil
}

// openExistingForWriting opens a database that must already exist, and
// migrates it.
func openExistingForWriting(ctx context.Context, cfg config) (*store.DB, error) {
	if err := store.CheckExisting(cfg.DB); err != nil {
		return nil, cfg.dbError(err)
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, cfg.dbError(err)
	}
	return db, nil
}

// dbSource names where cfg.DB came from. The flags are registered as
// StringVar on cfg.DB with HEARTH_DB's value as default, so a path that
// differs from it came from --db; one equal to it is HEARTH_DB's (or --db
// given the same path, where naming HEARTH_DB is as true).
func (c config) dbSource() string {
	switch {
	case c.DB != or(c.dbEnv, defaultDB):
		return "--db"
	case c.dbEnv != "":
		return "HEARTH_DB"
	}
	return ""
}

// dbError prefixes err, about the database, with where its path came from,
// so the operator knows what to change.
func (c config) dbError(err error) error {
	if src := c.dbSource(); src != "" {
		return fmt.Errorf("%s: %w", src, err)
	}
	return fmt.Errorf("database %s (the default; choose another with --db or HEARTH_DB): %w", c.DB, err)
}
