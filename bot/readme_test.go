package bot_test

import (
	"os"
	"strings"
	"testing"

	"github.com/hearth-community/hearth/bot/features"
)

// TestReadmeNamesEveryCommand keeps README.md's promise to document every
// command: each one of the table appears there as `/hearth NAME`.
func TestReadmeNamesEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range features.Commands() {
		if !strings.Contains(string(readme), "/hearth "+c.Name()) {
			t.Errorf("README.md does not document /hearth %s", c.Name())
		}
	}
}
