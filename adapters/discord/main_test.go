package discord_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain raises the default test parallelism: these tests mostly wait
// (discordgo sleeps a second whenever it closes a gateway connection), so
// running more at once than there are cores keeps the package at seconds.
// An explicit -test.parallel wins.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "16")
	}
	os.Exit(m.Run())
}
