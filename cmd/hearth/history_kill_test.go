package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
)

// TestHistoryImportSurvivesSIGKILL is issue 18's "a SIGKILL in the middle
// of an import, then a restart, ends with the same counts". Two weeks of
// a busier community (about 900 messages in 3 channels, so a Slack channel
// takes up to 3 pages of 200 and a Discord one up to 5 of 100) are in the
// fakes' history, with rate limits on: Slack's tiers, and Discord's
// buckets at 5 requests per half second. The offline `hearth history
// import` runs in a child process (this test binary, run as `hearth`),
// against the fakes in this process, on the wall clock (it paces Slack at
// Tier 3, 1.2 s a call). Once the database shows a channel partly read,
// the child is killed with SIGKILL; a Hearth on the same database then
// takes the import over where it stopped, once the dead process's lease
// on it has run out (2 minutes, on the world's clock), and finishes it.
// The report and the events by kind equal those of an uninterrupted import
// of the same history into another database.
func TestHistoryImportSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs imports on the wall clock")
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	sc := newHSScenario(hsOptions{seed: 1818, start: today.AddDate(0, 0, -15), days: 14, members: 12, channels: 3,
		postsPerDay: 24, replies: 0.005, reactions: 0.05, unreactDeleted: true})
	w := newHSWorld(t, sc)
	w.clock.Set(time.Now())
	w.record(sc.actions)
	w.sl.LimitRates(fakeslack.HistoryTiers)
	w.dc.LimitRoute("GET /channels/{id}/messages", 10, 500*time.Millisecond)
	w.dc.LimitRoute("GET /channels/{id}/messages/{mid}/reactions/{emoji}", 10, 500*time.Millisecond)
	communities := []string{w.slackCommunity, w.discordCommunity}

	// The uninterrupted import, in-process, on the stopped clock that its
	// waits move. Not on a clock flowing at the wall clock's pace: there
	// the Discord reader's wait for a spent bucket (X-RateLimit-Reset-After,
	// "0.412") can end a fraction of a millisecond before the fake's window
	// does; the next request is answered 429 with a retry_after under a
	// millisecond, which discordgo keeps in whole milliseconds (0s), and
	// historyGet spends its MaxRetries at once and fails the import ("Rate
	// limit exceeded ..., retry after 0s"). The child, on the wall clock,
	// meets that only by chance, and is killed after its first page.
	whole := w.startImporter("uninterrupted")
	wholeImports := hsImportAll(t, w, whole, "30d")
	platCheck(t, whole.stop())

	// The killed one: a database with both communities (a Hearth ran on
	// it), then the offline import in a child, killed mid-way.
	killed := w.startImporter("killed")
	platCheck(t, killed.stop())
	sdb := nuOpen(t, killed.db)
	defer sdb.Close()
	w.clock.Flow() // the child's clock is the wall clock
	for _, c := range communities {
		args := []string{"history", "import", "--days", "30", "--db", killed.db, "--community", c}
		child := hsStartChild(t, w, c, args...)
		var at hsImport
		deadline := time.Now().Add(hsWorldWait)
		for {
			imp, err := hsLatestImport(sdb, c)
			if err == nil && imp.partly > 0 {
				at = imp
				break
			}
			if !child.running() {
				t.Fatalf("%s: the child ended before any channel was partly read (%+v, %v):\n%s", c, imp, err, child.logs)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no channel partly read after %v (%+v, %v):\n%s", c, hsWorldWait, imp, err, child.logs)
			}
			time.Sleep(5 * time.Millisecond)
		}
		child.kill(t)
		after, err := hsLatestImport(sdb, c)
		platCheck(t, err)
		t.Logf("%s: killed at %d of %d channels read, %d partly, %d events; the database then had %d channels read, %d events",
			c, at.done, at.channels, at.partly, at.events, after.done, after.events)
		if after.status != "running" || after.done == after.channels {
			t.Fatalf("%s: the kill came too late: the import is %+v", c, after)
		}
		// Run again at once, the command finds the dead process's lease.
		again := hsStartChild(t, w, c, args...)
		again.wait(t)
		t.Logf("%s: hearth history import again at once: %v: %s", c, again.err, strings.TrimSpace(again.logs.String()))
	}
	// The dead process's lease runs out; a Hearth takes the imports over.
	w.clock.Stop()
	w.clock.Advance(3 * time.Minute)
	resumed := w.startOn("resumed", killed.db, true)
	for _, c := range communities {
		imp := resumed.waitImport(c)
		// The progress it reports counts each event once too.
		if a, b := wholeImports[c], imp; [4]int{a.channels, a.events, a.bots, a.gone} != [4]int{b.channels, b.events, b.bots, b.gone} {
			t.Errorf("%s: the resumed import counted %d channels, %d events, %d of bots, %d of forgotten members; the uninterrupted one %d, %d, %d, %d",
				c, b.channels, b.events, b.bots, b.gone, a.channels, a.events, a.bots, a.gone)
		}
	}
	platCheck(t, resumed.stop())

	now := time.Now().Add(time.Hour)
	want := hsSnapshot(whole, sc, now, communities)
	got := hsSnapshot(resumed, sc, now, communities)
	hsSameSnapshot(t, "the import killed and resumed, against the uninterrupted one", want, got)
	for k, v := range got {
		if strings.HasSuffix(k, " events") {
			t.Logf("%s: %s", k, v)
		}
	}
}

// hsChild is a child process running this test binary as `hearth`.
type hsChild struct {
	cmd  *exec.Cmd
	logs *platLog

	mu   sync.Mutex
	done bool
	err  error
}

// hsStartChild runs `hearth args...` in a child process with the world's
// environment for community's platform (and nothing of the test's own
// HEARTH_, SLACK_ or DISCORD_ variables). The test binary is `hearth`
// when it is run under that name (TestMain, testscript.Main).
func hsStartChild(t *testing.T, w *hsWorld, community string, args ...string) *hsChild {
	t.Helper()
	dir := t.TempDir()
	exe := filepath.Join(dir, "hearth")
	platCheck(t, os.Symlink(os.Args[0], exe))
	cmd := exec.Command(exe, args...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "HEARTH_") && !strings.HasPrefix(k, "SLACK_") && !strings.HasPrefix(k, "DISCORD_") && k != "GORACE" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	other := "DISCORD_"
	if community == w.discordCommunity {
		other = "SLACK_"
	}
	for k, v := range w.vars() {
		if !strings.HasPrefix(k, other) {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	// Under -race a process sleeps a second at exit by default.
	cmd.Env = append(cmd.Env, "GORACE=atexit_sleep_ms=0")
	c := &hsChild{cmd: cmd, logs: &platLog{}}
	cmd.Stdout, cmd.Stderr = c.logs, c.logs
	platCheck(t, cmd.Start())
	go func() { // owner: the child; ends when it exits
		err := cmd.Wait()
		c.mu.Lock()
		c.done, c.err = true, err
		c.mu.Unlock()
	}()
	t.Cleanup(func() {
		if c.running() {
			_ = cmd.Process.Kill()
		}
	})
	return c
}

func (c *hsChild) running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.done
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *hsChild) kill(t *testing.T) {
	t.Helper()
	platCheck(t, c.cmd.Process.Kill())
	c.wait(t)
}

// wait waits for the process to end.
func (c *hsChild) wait(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(platWait)
	for c.running() {
		if time.Now().After(deadline) {
			t.Fatalf("the child did not die")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
