package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestComposeFile checks compose.yaml, which no CI machine can start (it has
// no Docker engine): two Hearth instances on the PostgreSQL service, started
// once it is healthy, and only variables Hearth reads, so the file cannot
// drift from the configuration.
func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Services map[string]struct {
			Build       any               `yaml:"build"`
			Image       string            `yaml:"image"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Ports []string `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	if _, ok := f.Services["postgres"]; !ok {
		t.Fatal("compose.yaml has no postgres service")
	}
	instances := 0
	for name, s := range f.Services {
		if !strings.HasPrefix(name, "hearth") {
			continue
		}
		instances++
		if db := s.Environment["HEARTH_DB"]; !strings.HasPrefix(db, "postgres://") || !strings.Contains(db, "@postgres:5432/") {
			t.Errorf("%s: HEARTH_DB = %q, want the postgres service's URL", name, db)
		}
		if s.DependsOn["postgres"].Condition != "service_healthy" {
			t.Errorf("%s starts before PostgreSQL is healthy: depends_on = %+v", name, s.DependsOn)
		}
		if s.Build == nil {
			t.Errorf("%s is not built from the Dockerfile", name)
		}
		for k := range s.Environment {
			if !readVars[k] {
				t.Errorf("%s sets %s, which Hearth does not read", name, k)
			}
		}
		if len(s.Ports) != 1 {
			t.Errorf("%s publishes %v, want its HTTP port once", name, s.Ports)
		}
	}
	if instances < 2 {
		t.Errorf("compose.yaml runs %d Hearth instances, want 2", instances)
	}
	// The .env example in the header names only variables Hearth reads.
	for _, m := range regexp.MustCompile(`(?m)^#   ([A-Z_]+)=`).FindAllStringSubmatch(string(raw), -1) {
		if m[1] != "POSTGRES_PASSWORD" && !readVars[m[1]] {
			t.Errorf("compose.yaml's .env example names %s, which Hearth does not read", m[1])
		}
	}
}
