package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// importFile runs `hearth WHAT import [--db PATH] [--community ID] FILE`:
// it reads the file and hands it to apply with the community's database;
// apply parses, stores and says what it did. A parse error names the file.
func importFile(ctx context.Context, args []string, e env, what string,
	apply func(ctx context.Context, db *store.DB, comm bot.Community, data []byte) (string, error)) error {
	synopsis := what + " import [--db PATH] [--community ID] FILE.yaml"
	if len(args) == 0 || args[0] != "import" {
		return &usageError{"usage: hearth " + synopsis}
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	fs := newFlags(what+" import", synopsis, e)
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database file, or a postgres:// URL (HEARTH_DB)")
	community := fs.String("community", "", "the community id, when the database holds several")
	if err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{fmt.Sprintf("%s import needs one file: hearth %s", what, synopsis)}
	}
	data, err := readImportFile(fs.Arg(0))
	if err != nil {
		return err
	}
	db, comm, err := openCommunityForWriting(ctx, cfg, *community)
	if err != nil {
		return err
	}
	defer db.Close()
	said, err := apply(ctx, db, comm, data)
	if err != nil {
		return fileError(fs.Arg(0), err)
	}
	fmt.Fprintln(textOut(e.stdout), said) // names from the file
	return nil
}

// maxImportBytes bounds an import file: a full deck of long prompts, or
// many surveys, fit several times over; a runaway file is refused before
// it is parsed.
const maxImportBytes = 2 << 20

// readImportFile reads path, refusing one over maxImportBytes (a device
// or a pipe included: it reads at most one byte more to tell).
func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxImportBytes {
		size := ""
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fmt.Sprintf(" (%.1f MiB)", float64(fi.Size())/(1<<20))
		}
		return nil, fmt.Errorf("%s is too large%s: an import file is 2 MiB at most", path, size)
	}
	return data, nil
}
