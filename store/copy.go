package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// CopyReport is what Copy copied: every table, in the order it copied
// them, with its rows.
type CopyReport struct {
	Tables []TableRows
}

// TableRows is one table's rows.
type TableRows struct {
	Table string
	Rows  int64
}

// Rows is the rows of all tables.
func (r CopyReport) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// copyBatchRows is the most rows one INSERT writes, and one transaction
// of the destination commits; copyMaxParams keeps a batch of a wide table
// under SQLite's limit of parameters in one statement (PostgreSQL's is
// larger).
const (
	copyBatchRows = 500
	copyMaxParams = 32766
)

// Copy copies every row of the Hearth database from into the Hearth
// database to, which must hold none, so that a community moves from one
// database to another (SQLite to PostgreSQL, PostgreSQL to SQLite, or
// between two of a kind) with its history and its ids.
//
// Both must be at the same schema version (migrate both first); from may
// be opened read-only (OpenReadOnly), to must not. Nothing may write to
// either during the copy: the source is read in one snapshot, so rows
// written to it meanwhile would be missing from the destination, and rows
// written to the destination would collide with the copied ids.
//
// Tables are copied parent first (by their foreign keys), with the
// columns the source has, in batches of a few hundred rows, each committed
// on its own; schema_migrations is not copied (each database has its own).
// Identity sequences (PostgreSQL) and AUTOINCREMENT counters (SQLite) are
// then set past the copied ids and past any id the source ever gave, so
// that new rows get new ids. Last, every table's rows are counted on both
// sides; a difference is an error naming the tables. An error leaves the
// destination with what was copied until then: empty it (a new file, or
// a new database) before trying again.
//
// progress, when not nil, is called before each table and after each
// batch with the table, the rows copied so far of all tables, and the
// rows to copy in all.
func Copy(ctx context.Context, from, to *DB, progress func(table string, done, total int64)) (CopyReport, error) {
	if to.write == nil {
		return CopyReport{}, fmt.Errorf("copy into %s: it is opened read-only", to.path)
	}
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	// One snapshot of the source for the schema, the rows and the counts.
	src, err := from.read.BeginTx(ctx, readTxOptions(from.read.d))
	if err != nil {
		return CopyReport{}, fmt.Errorf("read %s: %w", from.path, err)
	}
	defer src.Rollback()
	if err := sameVersion(ctx, from, src, to); err != nil {
		return CopyReport{}, err
	}
	srcTables, err := readSchema(ctx, src, from.read.d)
	if err != nil {
		return CopyReport{}, fmt.Errorf("read the tables of %s: %w", from.path, err)
	}
	dstTables, err := readSchema(ctx, to.write, to.write.d)
	if err != nil {
		return CopyReport{}, fmt.Errorf("read the tables of %s: %w", to.path, err)
	}
	if err := fits(srcTables, dstTables, to.path); err != nil {
		return CopyReport{}, err
	}
	if err := refuseNonEmpty(ctx, to, dstTables); err != nil {
		return CopyReport{}, err
	}
	order, err := parentsFirst(srcTables)
	if err != nil {
		return CopyReport{}, fmt.Errorf("copy %s: %w", from.path, err)
	}
	var report CopyReport
	var total int64
	for _, t := range order {
		n, err := countRows(ctx, src, t.name)
		if err != nil {
			return CopyReport{}, fmt.Errorf("count the rows of %s in %s: %w", t.name, from.path, err)
		}
		report.Tables = append(report.Tables, TableRows{t.name, n})
		total += n
	}
	var done int64
	for _, t := range order {
		progress(t.name, done, total)
		if err := copyRows(ctx, src, to.write, t, dstTables[t.name], func(n int64) {
			done += n
			progress(t.name, done, total)
		}); err != nil {
			return CopyReport{}, fmt.Errorf("copy %s from %s to %s: %w", t.name, from.path, to.path, err)
		}
	}
	if err := advanceIDs(ctx, src, from.read.d, to.write, dstTables); err != nil {
		return CopyReport{}, fmt.Errorf("set the ids of %s past the copied ones: %w", to.path, err)
	}
	var differ []string
	for _, t := range report.Tables {
		n, err := countRows(ctx, to.write, t.Table)
		if err != nil {
			return CopyReport{}, fmt.Errorf("count the rows of %s in %s: %w", t.Table, to.path, err)
		}
		if n != t.Rows {
			differ = append(differ, fmt.Sprintf("%s (%d rows in the source, %d copied)", t.Table, t.Rows, n))
		}
	}
	if len(differ) > 0 {
		return report, fmt.Errorf("copy from %s to %s: the row counts differ: %s (did something write to either during the copy?)",
			from.path, to.path, strings.Join(differ, ", "))
	}
	return report, nil
}

// copyQuerier is what Copy reads through: the source's snapshot, or the
// destination's pool.
type copyQuerier interface {
	querier
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sameVersion refuses databases at different schema versions: the copy
// is of the same tables with the same columns.
func sameVersion(ctx context.Context, from *DB, src copyQuerier, to *DB) error {
	version := func(q querier) (int, error) {
		var v int
		err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
		return v, err
	}
	vf, err := version(src)
	if err != nil {
		return fmt.Errorf("read the schema version of %s: %w", from.path, err)
	}
	vt, err := version(to.write)
	if err != nil {
		return fmt.Errorf("read the schema version of %s: %w", to.path, err)
	}
	if vf != vt {
		return fmt.Errorf("%s has schema version %d and %s has %d: run hearth migrate on both first", from.path, vf, to.path, vt)
	}
	return nil
}

// copyTable is one table as Copy sees it.
type copyTable struct {
	name     string
	columns  []string
	kinds    map[string]string // column → declared type, lower case
	identity []string          // PostgreSQL: identity columns
	autoinc  bool              // SQLite: AUTOINCREMENT
	parents  []string          // tables its foreign keys name
}

// readSchema reads the tables of a database but schema_migrations, by
// name.
func readSchema(ctx context.Context, q copyQuerier, d dialect) (map[string]*copyTable, error) {
	tables := map[string]*copyTable{}
	listing := `SELECT name, COALESCE(sql, '') FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations'`
	if d == postgresDialect {
		listing = `SELECT table_name, '' FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`
	}
	err := scanAll(ctx, q, listing, nil, func(s scanner) error {
		t := &copyTable{kinds: map[string]string{}}
		var ddl string
		if err := s.Scan(&t.name, &ddl); err != nil {
			return err
		}
		t.autoinc = strings.Contains(strings.ToUpper(ddl), "AUTOINCREMENT")
		tables[t.name] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		columns := `SELECT name, lower(type), '' FROM pragma_table_info(?) ORDER BY cid`
		if d == postgresDialect {
			columns = `SELECT column_name, data_type, is_identity FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position`
		}
		err := scanAll(ctx, q, columns, []any{t.name}, func(s scanner) error {
			var name, kind, identity string
			if err := s.Scan(&name, &kind, &identity); err != nil {
				return err
			}
			t.columns = append(t.columns, name)
			t.kinds[name] = kind
			if identity == "YES" {
				t.identity = append(t.identity, name)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("columns of %s: %w", t.name, err)
		}
		if d == sqliteDialect {
			err = scanAll(ctx, q, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, []any{t.name}, func(s scanner) error {
				var parent string
				err := s.Scan(&parent)
				t.parents = append(t.parents, parent)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("foreign keys of %s: %w", t.name, err)
			}
		}
	}
	if d == postgresDialect {
		err := scanAll(ctx, q, `SELECT DISTINCT c.relname, p.relname FROM pg_constraint k
			JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
			WHERE k.contype = 'f' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`, nil, func(s scanner) error {
			var child, parent string
			if err := s.Scan(&child, &parent); err != nil {
				return err
			}
			if t := tables[child]; t != nil {
				t.parents = append(t.parents, parent)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("foreign keys: %w", err)
		}
	}
	return tables, nil
}

// fits refuses a destination that lacks a table or a column of the source.
func fits(src, dst map[string]*copyTable, name string) error {
	var missing []string
	for _, t := range sortedTables(src) {
		d := dst[t.name]
		if d == nil {
			missing = append(missing, "table "+t.name)
			continue
		}
		for _, c := range t.columns {
			if _, ok := d.kinds[c]; !ok {
				missing = append(missing, t.name+"."+c)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks what the source has (%s): is it a Hearth database at the same schema version?", name, strings.Join(missing, ", "))
	}
	return nil
}

// refuseNonEmpty refuses a destination that holds any row, naming the
// tables that do: the copy would mix two communities' ids.
func refuseNonEmpty(ctx context.Context, to *DB, tables map[string]*copyTable) error {
	var full []string
	for _, t := range sortedTables(tables) {
		n, err := countRows(ctx, to.write, t.name)
		if err != nil {
			return fmt.Errorf("count the rows of %s in %s: %w", t.name, to.path, err)
		}
		if n > 0 {
			full = append(full, fmt.Sprintf("%s (%d rows)", t.name, n))
		}
	}
	if len(full) > 0 {
		return fmt.Errorf("%s is not empty: it holds rows in %s; copy into a new, empty database", to.path, strings.Join(full, ", "))
	}
	return nil
}

// parentsFirst orders tables so that every table comes after those its
// foreign keys name, and by name where that leaves a choice.
func parentsFirst(tables map[string]*copyTable) ([]*copyTable, error) {
	var order []*copyTable
	placed := map[string]bool{}
	rest := sortedTables(tables)
	for len(rest) > 0 {
		var next []*copyTable
		for _, t := range rest {
			ready := true
			for _, p := range t.parents {
				if p != t.name && !placed[p] && tables[p] != nil {
					ready = false
				}
			}
			if ready {
				order = append(order, t)
				placed[t.name] = true
			} else {
				next = append(next, t)
			}
		}
		if len(next) == len(rest) {
			var names []string
			for _, t := range rest {
				names = append(names, t.name)
			}
			return nil, fmt.Errorf("the foreign keys of %s form a cycle", strings.Join(names, ", "))
		}
		rest = next
	}
	return order, nil
}

func sortedTables(tables map[string]*copyTable) []*copyTable {
	out := make([]*copyTable, 0, len(tables))
	for _, t := range tables {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *copyTable) int { return strings.Compare(a.name, b.name) })
	return out
}

// copyWriter is the destination's pool.
type copyWriter interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*txConn, error)
}

// copyRows copies the rows of t (the source's) into dst (the
// destination's t), calling copied after each batch.
func copyRows(ctx context.Context, src copyQuerier, dst copyWriter, t, into *copyTable, copied func(int64)) error {
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quoteName(c)
	}
	list := strings.Join(cols, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+list+` FROM `+quoteName(t.name))
	if err != nil {
		return err
	}
	defer rows.Close()
	per := max(1, min(copyBatchRows, copyMaxParams/len(cols)))
	batch := make([]any, 0, per*len(cols))
	row := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range row {
		ptrs[i] = &row[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range row {
			batch = append(batch, asColumn(v, into.kinds[t.columns[i]]))
		}
		if len(batch) == cap(batch) {
			if err := insertBatch(ctx, dst, t.name, list, len(cols), batch); err != nil {
				return err
			}
			copied(int64(len(batch) / len(cols)))
			batch = batch[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		if err := insertBatch(ctx, dst, t.name, list, len(cols), batch); err != nil {
			return err
		}
		copied(int64(len(batch) / len(cols)))
	}
	return nil
}

// asColumn is v, read from the source, as the destination's column of
// type kind takes it: bytes for a BLOB or BYTEA column whatever SQLite
// kept, text as is.
func asColumn(v any, kind string) any {
	if s, ok := v.(string); ok && (kind == "bytea" || kind == "blob") {
		return []byte(s)
	}
	return v
}

// insertBatch inserts the rows of values (width columns each) into table
// in one statement and one transaction.
func insertBatch(ctx context.Context, dst copyWriter, table, columns string, width int, values []any) (err error) {
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + quoteName(table) + ` (` + columns + `) VALUES `)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	for i := 0; i < len(values)/width; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, b.String(), values...); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// advanceIDs sets the destination's id counters past the copied ids, and
// past any id the source's counters gave (a removed schedule's id is
// never given again, in either database).
func advanceIDs(ctx context.Context, src copyQuerier, srcD dialect, dst *pool, tables map[string]*copyTable) error {
	given, err := givenIDs(ctx, src, srcD)
	if err != nil {
		return fmt.Errorf("read the source's id counters: %w", err)
	}
	for _, t := range sortedTables(tables) {
		if dst.d == postgresDialect {
			for _, c := range t.identity {
				var highest int64
				if err := dst.QueryRowContext(ctx, `SELECT COALESCE(MAX(`+quoteName(c)+`), 0) FROM `+quoteName(t.name)).Scan(&highest); err != nil {
					return err
				}
				highest = max(highest, given[t.name])
				if highest < 1 {
					continue // an identity starts at 1 by itself
				}
				if _, err := dst.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), ?)`, quoteName(t.name), c, highest); err != nil {
					return fmt.Errorf("%s.%s: %w", t.name, c, err)
				}
			}
			continue
		}
		// SQLite counts an AUTOINCREMENT table's ids in sqlite_sequence
		// (inserting explicit ids keeps it at their maximum already);
		// other tables give the next id after the largest, as the source's
		// did.
		if !t.autoinc || given[t.name] < 1 {
			continue
		}
		res, err := dst.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?`, given[t.name], t.name)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			continue
		}
		if _, err := dst.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)`, t.name, given[t.name]); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}

// givenIDs is the largest id the source's counters have given, by table:
// SQLite's sqlite_sequence, PostgreSQL's identity sequences.
func givenIDs(ctx context.Context, src copyQuerier, d dialect) (map[string]int64, error) {
	given := map[string]int64{}
	query := `SELECT name, seq FROM sqlite_sequence`
	if d == sqliteDialect {
		var has int
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'`).Scan(&has); err != nil || has == 0 {
			return given, err
		}
	} else {
		query = `SELECT table_name, COALESCE(pg_sequence_last_value(CAST(pg_get_serial_sequence(quote_ident(table_name), column_name) AS regclass)), 0)
		FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`
	}
	err := scanAll(ctx, src, query, nil, func(s scanner) error {
		var name string
		var seq int64
		if err := s.Scan(&name, &seq); err != nil {
			return err
		}
		given[name] = max(given[name], seq)
		return nil
	})
	return given, err
}

func countRows(ctx context.Context, q querier, table string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteName(table)).Scan(&n)
	return n, err
}

// quoteName quotes a table's or a column's name, as both dialects read it.
func quoteName(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

type scanner interface{ Scan(dest ...any) error }

// scanAll runs query and calls each for each row.
func scanAll(ctx context.Context, q copyQuerier, query string, args []any, each func(scanner) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return errors.Join(rows.Err(), rows.Close())
}
