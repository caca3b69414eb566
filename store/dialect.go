package store

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"
	"sync"
)

// noLimit is LIMIT ?'s argument for all rows, in both dialects (SQLite's
// -1 is an error in PostgreSQL).
const noLimit = math.MaxInt64

// dialect is the SQL a database speaks. The store's queries are written
// once, in SQLite's SQL kept close to the standard; for PostgreSQL the few
// differences are rewritten by postgresSQL, named there one by one.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

func (d dialect) String() string {
	if d == postgresDialect {
		return "PostgreSQL"
	}
	return "SQLite"
}

// translation is a query as the database runs it: its text, and which of
// the caller's arguments it takes, in order (nil: all of them).
type translation struct {
	sql  string
	keep []int // 0-based indexes of the arguments
}

// query returns q as d runs it.
func (d dialect) query(q string) translation {
	if d != postgresDialect {
		return translation{sql: q}
	}
	// A process-local cache is correct whatever other processes do: the
	// translation is a pure function of the query's text.
	if t, ok := translations.Load(q); ok {
		return t.(translation)
	}
	sql, keep := postgresQuery(q)
	t := translation{sql, keep}
	translations.Store(q, t)
	return t
}

var translations sync.Map // SQLite query → translation

// args returns the arguments of a query translated as t, as d takes them:
// those the query names (PostgreSQL must know the type of every parameter,
// so a parameter SQLite's ?NNN skips is left out), and no Go bool
// (PostgreSQL's integer columns take none; the schema keeps booleans as 0
// and 1, as SQLite does).
func (d dialect) args(t translation, args []any) []any {
	if d != postgresDialect {
		return args
	}
	if t.keep != nil {
		kept := make([]any, 0, len(t.keep))
		for _, k := range t.keep {
			if k < len(args) {
				kept = append(kept, args[k])
			}
		}
		args = kept
	}
	var out []any
	for i, a := range args {
		b, ok := a.(bool)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = int64(0)
		if b {
			out[i] = int64(1)
		}
	}
	if out == nil {
		return args
	}
	return out
}

// pool is a database pool whose queries are written in SQLite's SQL and
// run in its dialect. Every query the store runs goes through a pool, a
// txConn or a stmt.
type pool struct {
	*sql.DB
	d dialect
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execIn(ctx, p.DB, p.d, query, args)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryIn(ctx, p.DB, p.d, query, args)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return queryRowIn(ctx, p.DB, p.d, query, args)
}

func (p *pool) PrepareContext(ctx context.Context, query string) (*stmt, error) {
	return prepareIn(ctx, p.DB, p.d, query)
}

func (p *pool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txConn, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txConn{Tx: tx, d: p.d}, nil
}

// txConn is a transaction of a pool.
type txConn struct {
	*sql.Tx
	d dialect
}

func (c *txConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return execIn(ctx, c.Tx, c.d, query, args)
}

// execCount runs a statement and returns how many rows it changed: the
// writer's jobs return it as their count.
func (c *txConn) execCount(ctx context.Context, query string, args ...any) (int, error) {
	res, err := c.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (c *txConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return queryIn(ctx, c.Tx, c.d, query, args)
}

func (c *txConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return queryRowIn(ctx, c.Tx, c.d, query, args)
}

func (c *txConn) PrepareContext(ctx context.Context, query string) (*stmt, error) {
	return prepareIn(ctx, c.Tx, c.d, query)
}

// sqlRunner is what *sql.DB and *sql.Tx both do: the pool's and the
// transaction's methods translate the query and hand it to one.
type sqlRunner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func execIn(ctx context.Context, r sqlRunner, d dialect, query string, args []any) (sql.Result, error) {
	t := d.query(query)
	return r.ExecContext(ctx, t.sql, d.args(t, args)...)
}

func queryIn(ctx context.Context, r sqlRunner, d dialect, query string, args []any) (*sql.Rows, error) {
	t := d.query(query)
	return r.QueryContext(ctx, t.sql, d.args(t, args)...)
}

func queryRowIn(ctx context.Context, r sqlRunner, d dialect, query string, args []any) *sql.Row {
	t := d.query(query)
	return r.QueryRowContext(ctx, t.sql, d.args(t, args)...)
}

func prepareIn(ctx context.Context, r sqlRunner, d dialect, query string) (*stmt, error) {
	t := d.query(query)
	st, err := r.PrepareContext(ctx, t.sql)
	if err != nil {
		return nil, err
	}
	return &stmt{Stmt: st, d: d, t: t}, nil
}

// StmtContext binds a statement of the pool to the transaction.
func (c *txConn) StmtContext(ctx context.Context, s *stmt) *stmt {
	return &stmt{Stmt: c.Tx.StmtContext(ctx, s.Stmt), d: c.d, t: s.t}
}

// stmt is a prepared statement of a pool or a txConn.
type stmt struct {
	*sql.Stmt
	d dialect
	t translation
}

func (s *stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return s.Stmt.ExecContext(ctx, s.d.args(s.t, args)...)
}

func (s *stmt) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return s.Stmt.QueryContext(ctx, s.d.args(s.t, args)...)
}

func (s *stmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return s.Stmt.QueryRowContext(ctx, s.d.args(s.t, args)...)
}

// postgresSQL rewrites a query in SQLite's SQL into PostgreSQL's. Outside
// string literals, quoted names and comments, it rewrites:
//   - placeholders: ?NNN to $NNN, a bare ? to the next number (SQLite's
//     rule: one more than the largest so far);
//   - planner hints: INDEXED BY name is dropped;
//   - INSERT OR IGNORE to INSERT … ON CONFLICT DO NOTHING (before a
//     RETURNING);
//   - a IS b and a IS NOT b, b not NULL, TRUE or FALSE, to IS [NOT]
//     DISTINCT FROM;
//   - scalar MAX(a, b) and MIN(a, b) to GREATEST and LEAST, IFNULL to
//     COALESCE, instr to strpos, GROUP_CONCAT(x[, sep]) to
//     string_agg((x)::text, sep), and json_each(list) to a table of the
//     list's elements as BIGINT (the store's JSON lists are lists of ids).
//
// Whatever else differs is written portably in the queries themselves.
func postgresSQL(q string) string {
	sql, _ := postgresQuery(q)
	return sql
}

// postgresQuery is postgresSQL, and which arguments the PostgreSQL query
// takes (renumber).
func postgresQuery(q string) (string, []int) {
	toks, keep := renumber(lexSQL(q))
	return rewritePostgres(toks), keep
}

// rewritePostgres is postgresSQL of a query whose placeholders are
// renumbered already.
func rewritePostgres(toks []token) string {
	var out []token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tokWord {
			out = append(out, t)
			continue
		}
		switch w := strings.ToUpper(t.text); w {
		case "INDEXED":
			// INDEXED BY name: drop it and the space before it.
			if j := nextCode(toks, i); j > 0 && strings.EqualFold(toks[j].text, "BY") {
				if k := nextCode(toks, j); k > 0 {
					out = trimSpace(out)
					i = k
					continue
				}
			}
		case "CROSS":
			// SQLite takes CROSS JOIN … ON as an inner join whose order
			// the planner keeps; PostgreSQL refuses ON after CROSS JOIN.
			if j := nextCode(toks, i); j > 0 && strings.EqualFold(toks[j].text, "JOIN") && joinHasOn(toks, j) {
				i = j
				out = append(out, toks[j])
				continue
			}
		case "INSERT":
			j := nextCode(toks, i)
			k := nextCode(toks, j)
			if j > 0 && k > 0 && strings.EqualFold(toks[j].text, "OR") && strings.EqualFold(toks[k].text, "IGNORE") {
				out = append(out, t)
				i = k
				toks = insertOnConflict(toks, k)
				continue
			}
		case "IS":
			j := nextCode(toks, i)
			if j < 0 {
				break
			}
			not := strings.EqualFold(toks[j].text, "NOT")
			k := j
			if not {
				k = nextCode(toks, j)
			}
			if k < 0 {
				break
			}
			switch strings.ToUpper(toks[k].text) {
			case "NULL", "TRUE", "FALSE", "DISTINCT":
			default:
				if not {
					out = append(out, token{tokWord, "IS DISTINCT FROM "})
				} else {
					out = append(out, token{tokWord, "IS NOT DISTINCT FROM "})
				}
				i = k - 1
				continue
			}
		case "IFNULL", "INSTR", "MAX", "MIN", "GROUP_CONCAT", "JSON_EACH":
			open := nextCode(toks, i)
			if open < 0 || toks[open].text != "(" {
				break
			}
			close, commas := matchParen(toks, open)
			if close < 0 {
				break
			}
			switch w {
			case "IFNULL":
				out = append(out, token{tokWord, "COALESCE"})
				continue
			case "INSTR":
				out = append(out, token{tokWord, "strpos"})
				continue
			case "MAX", "MIN":
				if len(commas) > 0 {
					out = append(out, token{tokWord, map[string]string{"MAX": "GREATEST", "MIN": "LEAST"}[w]})
					continue
				}
			case "GROUP_CONCAT":
				arg, sep := toks[open+1:close], []token{{tokSpace, " "}, {tokString, "','"}}
				if len(commas) == 1 {
					arg, sep = toks[open+1:commas[0]], toks[commas[0]+1:close]
				}
				rewritten := []token{{tokWord, "string_agg(("}}
				rewritten = append(rewritten, postgresTokens(arg)...)
				rewritten = append(rewritten, token{tokWord, ")::text,"})
				rewritten = append(rewritten, postgresTokens(sep)...)
				rewritten = append(rewritten, token{tokWord, ")"})
				out = append(out, rewritten...)
				i = close
				continue
			case "JSON_EACH":
				rewritten := []token{{tokWord, "(SELECT CAST(value AS BIGINT) AS value FROM json_array_elements_text(CAST("}}
				rewritten = append(rewritten, postgresTokens(toks[open+1:close])...)
				rewritten = append(rewritten, token{tokWord, " AS json))) AS json_each"})
				out = append(out, rewritten...)
				i = close
				continue
			}
		}
		out = append(out, t)
	}
	return joinTokens(out)
}

// joinHasOn reports whether the join whose JOIN is toks[join] has an ON
// clause.
func joinHasOn(toks []token, join int) bool {
	depth := 0
	for i := join + 1; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.text == "(":
			depth++
		case t.text == ")":
			depth--
			if depth < 0 {
				return false
			}
		case depth > 0:
		case t.text == "," || t.text == ";":
			return false
		case t.kind == tokWord:
			switch strings.ToUpper(t.text) {
			case "ON":
				return true
			case "JOIN", "CROSS", "LEFT", "INNER", "NATURAL", "WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "USING":
				return false
			}
		}
	}
	return false
}

// postgresTokens rewrites a part of a query whose placeholders are
// numbered already.
func postgresTokens(toks []token) []token {
	return lexSQL(rewritePostgres(toks))
}

// insertOnConflict adds ON CONFLICT DO NOTHING to the INSERT whose OR
// IGNORE ends at toks[from]: before its RETURNING, or at its end.
func insertOnConflict(toks []token, from int) []token {
	depth, at := 0, len(toks)
	for i := from + 1; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.text == "(":
			depth++
		case t.text == ")":
			depth--
		case depth == 0 && (t.text == ";" || t.kind == tokWord && strings.EqualFold(t.text, "RETURNING")):
			at = i
		}
		if at != len(toks) {
			break
		}
	}
	// Before the whitespace that ends the statement, if any.
	for at > from+1 && toks[at-1].kind == tokSpace {
		at--
	}
	clause := token{tokWord, " ON CONFLICT DO NOTHING"}
	if at < len(toks) && toks[at].kind != tokSpace && toks[at].text != ";" {
		clause.text += " "
	}
	out := append(append(append([]token(nil), toks[:at]...), clause), toks[at:]...)
	return out
}

type tokKind int

const (
	tokSpace  tokKind = iota // whitespace and comments
	tokString                // '…'
	tokQuoted                // "…"
	tokWord                  // names, keywords, numbers
	tokParam                 // ? or ?NNN
	tokPunct                 // any other character
)

type token struct {
	kind tokKind
	text string
}

// lexSQL splits q into tokens; joinTokens(lexSQL(q)) == q.
func lexSQL(q string) []token {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		start := i
		kind := tokPunct
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			for i < len(q) && strings.IndexByte(" \t\n\r", q[i]) >= 0 {
				i++
			}
			kind = tokSpace
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			if n := strings.IndexByte(q[i:], '\n'); n >= 0 {
				i += n
			} else {
				i = len(q)
			}
			kind = tokSpace
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			if n := strings.Index(q[i+2:], "*/"); n >= 0 {
				i += n + 4
			} else {
				i = len(q)
			}
			kind = tokSpace
		case c == '\'' || c == '"':
			// Quotes are escaped by doubling them, which this reads as two
			// adjacent literals: joined, they are the same text.
			if n := strings.IndexByte(q[i+1:], c); n >= 0 {
				i += n + 2
			} else {
				i = len(q)
			}
			kind = tokString
			if c == '"' {
				kind = tokQuoted
			}
		case c == '?':
			i++
			for i < len(q) && q[i] >= '0' && q[i] <= '9' {
				i++
			}
			kind = tokParam
		case isWordByte(c):
			for i < len(q) && isWordByte(q[i]) {
				i++
			}
			kind = tokWord
		default:
			i++
		}
		toks = append(toks, token{kind, q[start:i]})
	}
	return toks
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func joinTokens(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text)
	}
	return b.String()
}

// renumber turns placeholders into PostgreSQL's $NNN, numbering bare ones
// as SQLite does. Numbers the query skips (?1 and ?3 without ?2) are
// closed up, since PostgreSQL cannot type a parameter no one uses: keep
// says which arguments the numbers now name (nil: all, unchanged).
func renumber(toks []token) ([]token, []int) {
	nums := make([]int, len(toks))
	used := map[int]bool{}
	largest := 0
	for i, t := range toks {
		if t.kind == tokParam {
			n := largest + 1
			if len(t.text) > 1 {
				n, _ = strconv.Atoi(t.text[1:])
			}
			largest = max(largest, n)
			nums[i] = n
			used[n] = true
		}
	}
	var keep []int
	renum := map[int]int{}
	for n := 1; n <= largest && len(used) < largest; n++ { // SQLite allows 32766
		if used[n] {
			keep = append(keep, n-1)
			renum[n] = len(keep)
		}
	}
	if len(keep) == largest {
		keep = nil
	}
	out := make([]token, len(toks))
	for i, t := range toks {
		if t.kind == tokParam {
			n := nums[i]
			if keep != nil {
				n = renum[n]
			}
			t.text = "$" + strconv.Itoa(n)
		}
		out[i] = t
	}
	return out, keep
}

// nextCode returns the index of the token after i that is not space, or -1.
func nextCode(toks []token, i int) int {
	if i < 0 {
		return -1
	}
	for j := i + 1; j < len(toks); j++ {
		if toks[j].kind != tokSpace {
			return j
		}
	}
	return -1
}

// matchParen returns the index of the parenthesis that closes the one at
// open, and of the commas at its top level; -1 if it is not closed.
func matchParen(toks []token, open int) (int, []int) {
	depth := 0
	var commas []int
	for i := open; i < len(toks); i++ {
		switch toks[i].text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return i, commas
			}
		case ",":
			if depth == 1 && toks[i].kind == tokPunct {
				commas = append(commas, i)
			}
		}
	}
	return -1, nil
}

func trimSpace(toks []token) []token {
	for len(toks) > 0 && toks[len(toks)-1].kind == tokSpace {
		toks = toks[:len(toks)-1]
	}
	return toks
}
