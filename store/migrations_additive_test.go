package store

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestMigrationsAreAdditive: the README promises that instances can be
// replaced one at a time, an old version running on the schema a new one
// migrated. That holds while migrations only add: no table or column is
// dropped or renamed, no column changes type or becomes NOT NULL. (An
// index may be dropped: on PostgreSQL no query names one.) A migration
// that must break the rule needs release notes saying to stop every
// instance first, and an entry in allowed here.
func TestMigrationsAreAdditive(t *testing.T) {
	breaking := regexp.MustCompile(`(?i)\b(DROP\s+TABLE|DROP\s+COLUMN|RENAME|ALTER\s+COLUMN)\b`)
	allowed := map[string]bool{} // "dir/NNNN_name.sql" of a migration released as breaking
	for _, dir := range []string{"migrations", "migrations/postgres"} {
		names, err := fs.Glob(migrationFiles, dir+"/*.sql")
		if err != nil || len(names) == 0 {
			t.Fatalf("%s: %v (%d files)", dir, err, len(names))
		}
		for _, name := range names {
			raw, err := fs.ReadFile(migrationFiles, name)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(raw), "\n") {
				code, _, _ := strings.Cut(line, "--")
				if m := breaking.FindString(code); m != "" && !allowed[name] {
					t.Errorf("%s:%d: %s breaks instances still running the previous version: %s", name, i+1, m, strings.TrimSpace(line))
				}
			}
		}
	}
}
