package store

import "testing"

// TestPostgresMigrationsAreTwins: every SQLite migration has a PostgreSQL
// twin of the same number and name, so both report the same schema
// version and a database can be copied from one to the other table by
// table.
func TestPostgresMigrationsAreTwins(t *testing.T) {
	lite, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrationsIn(migrationFiles, "migrations/postgres")
	if err != nil {
		t.Fatal(err)
	}
	for i := range max(len(lite), len(pg)) {
		var l, p string
		if i < len(lite) {
			l = lite[i].name
		}
		if i < len(pg) {
			p = pg[i].name
		}
		if l != p {
			t.Errorf("migration %d: SQLite's is %q, PostgreSQL's %q (add migrations/postgres/%s.sql)", i+1, l, p, l)
		}
	}
}

func TestRedacted(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db?sslmode=disable":       "postgres://u@h:5432/db?sslmode=disable",
		"postgresql://u@h/db?password=pw&sslmode=disable": "postgresql://u@h/db?sslmode=disable",
		"/var/lib/hearth/hearth.db":                       "/var/lib/hearth/hearth.db",
	} {
		if got := Redacted(in); got != want {
			t.Errorf("Redacted(%q) = %q; want %q", in, got, want)
		}
	}
}
