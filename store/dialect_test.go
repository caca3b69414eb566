package store

import (
	"strings"
	"testing"
)

func TestPostgresSQL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SELECT ? , ?`, `SELECT $1 , $2`},
		{`SELECT ?2, ?, ?1, ?`, `SELECT $2, $3, $1, $4`},
		{`SELECT '?', "a?b", ? -- what?
/* ?? */ FROM t`, `SELECT '?', "a?b", $1 -- what?
/* ?? */ FROM t`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`SELECT a FROM events e INDEXED BY events_by_member WHERE x`, `SELECT a FROM events e WHERE x`},
		{`UPDATE events INDEXED BY messages_by_id SET a = 1`, `UPDATE events SET a = 1`},
		{`INSERT OR IGNORE INTO t (a) VALUES (?)`, `INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING`},
		{`INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id`, `INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id`},
		{"INSERT OR IGNORE INTO t (a) SELECT (SELECT x FROM u RETURNING y) FROM v;\nSELECT 1", "INSERT INTO t (a) SELECT (SELECT x FROM u RETURNING y) FROM v ON CONFLICT DO NOTHING;\nSELECT 1"},
		{`SET a = MAX(COALESCE(a, ?1), ?1), b = MIN(b), c = MIN(x, (1, 2))`, `SET a = GREATEST(COALESCE(a, $1), $1), b = MIN(b), c = LEAST(x, (1, 2))`},
		{`SELECT max(f(a, b)) FROM t`, `SELECT max(f(a, b)) FROM t`},
		{`SELECT IFNULL(a, 0), instr(a, ?)`, `SELECT COALESCE(a, 0), strpos(a, $1)`},
		{`SELECT GROUP_CONCAT(d.channels) FROM t`, `SELECT string_agg((d.channels)::text, ',') FROM t`},
		{`SELECT group_concat(a || ' ' || MAX(b, ?), ' , ') FROM t WHERE c = ?`, `SELECT string_agg((a || ' ' || GREATEST(b, $1))::text, ' , ') FROM t WHERE c = $2`},
		{`WHERE id IN (SELECT value FROM json_each(?1))`, `WHERE id IN (SELECT value FROM (SELECT CAST(value AS BIGINT) AS value FROM json_array_elements_text(CAST($1 AS json))) AS json_each)`},
		{`WHERE a IS ?1 AND b IS NOT ? AND c IS NULL AND d IS NOT NULL AND e IS events.x`, `WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM $2 AND c IS NULL AND d IS NOT NULL AND e IS NOT DISTINCT FROM events.x`},
		{`FROM communities c CROSS JOIN members m INDEXED BY x ON m.community_id = c.id WHERE`, `FROM communities c JOIN members m ON m.community_id = c.id WHERE`},
		{`FROM a CROSS JOIN b WHERE a.x = (SELECT 1 FROM c JOIN d ON 1)`, `FROM a CROSS JOIN b WHERE a.x = (SELECT 1 FROM c JOIN d ON 1)`},
		{`SELECT 'MAX(a, b) IFNULL INDEXED BY x'`, `SELECT 'MAX(a, b) IFNULL INDEXED BY x'`},
		{`SELECT max_seq, minimum(a, b), is_bot FROM t`, `SELECT max_seq, minimum(a, b), is_bot FROM t`},
	} {
		if got := postgresSQL(tc.in); got != tc.want {
			t.Errorf("postgresSQL(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestDialectArgs: PostgreSQL gets bools as the integers the schema keeps.
func TestDialectArgs(t *testing.T) {
	in := []any{true, "x", false, int64(3)}
	got := postgresDialect.args(translation{}, in)
	if got[0] != int64(1) || got[1] != "x" || got[2] != int64(0) || got[3] != int64(3) {
		t.Errorf("args = %v", got)
	}
	if in[0] != true {
		t.Error("args changed its argument")
	}
	// A query that skips ?2 takes the first and third arguments.
	q, keep := postgresQuery(`SELECT ?3, ?1 WHERE ?3`)
	if q != `SELECT $2, $1 WHERE $2` {
		t.Errorf("query %q", q)
	}
	got = postgresDialect.args(translation{q, keep}, []any{"a", "b", true})
	if len(got) != 2 || got[0] != "a" || got[1] != int64(1) {
		t.Errorf("args of a query skipping ?2 = %v", got)
	}
	if got := sqliteDialect.args(translation{}, in); got[0] != true {
		t.Errorf("SQLite args = %v", got)
	}
}

// FuzzPostgresSQL: the rewrite never panics, leaves no SQLite placeholder
// outside literals, and keeps string literals as they were.
func FuzzPostgresSQL(f *testing.F) {
	for _, s := range []string{`SELECT ?, '?', ?3`, `INSERT OR IGNORE INTO t VALUES (?) RETURNING a`, `MAX(a, (b, c)) group_concat(x, ',')`, `'unterminated ?`, `json_each(?`, `INDEXED BY`, `a IS`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := postgresSQL(q)
		var inLits, outLits []string
		for _, tk := range lexSQL(q) {
			if tk.kind == tokString {
				inLits = append(inLits, tk.text)
			}
		}
		for _, tk := range lexSQL(got) {
			switch tk.kind {
			case tokParam:
				t.Fatalf("postgresSQL(%q) = %q keeps a placeholder %q", q, got, tk.text)
			case tokString:
				outLits = append(outLits, tk.text)
			}
		}
		for _, l := range inLits {
			if l == "','" {
				continue
			}
			if !strings.Contains(strings.Join(outLits, "\x00"), l) {
				t.Fatalf("postgresSQL(%q) = %q lost the literal %q", q, got, l)
			}
		}
		if postgresSQL(q) != got {
			t.Fatal("not deterministic")
		}
	})
}
