package store_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// childEnv names the database a re-executed test binary opens (see
// TestOpenChildProcess).
const childEnv = "HEARTH_TEST_OPEN_CHILD"

// TestOpenChildProcess is not a test of its own: run by
// TestConcurrentCreationByProcesses in a child process, it waits for its
// standard input to close (so that every child starts at once), opens the
// database named by HEARTH_TEST_OPEN_CHILD, writes to it and exits.
func TestOpenChildProcess(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("run only as a child of TestConcurrentCreationByProcesses")
	}
	io.Copy(io.Discard, os.Stdin)
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "CHILD-ERROR:", err)
		os.Exit(3)
	}
	defer db.Close()
	if err := db.SaveDirectory(ctx, bot.Directory{Community: makers, At: t0}); err != nil {
		fmt.Fprintln(os.Stderr, "CHILD-ERROR:", err)
		os.Exit(3)
	}
}

// TestConcurrentCreationByProcesses starts several processes that create
// one new database at the same instant, many times: every one must
// succeed, the later ones waiting for the first one's migrations.
func TestConcurrentCreationByProcesses(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("child")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	trials, procs := 20, 4
	if testing.Short() {
		trials = 5
	}
	for trial := range trials {
		path := filepath.Join(t.TempDir(), "new.db")
		var cmds []*exec.Cmd
		var gates []io.Closer
		outs := make([]*strings.Builder, procs)
		for i := range procs {
			cmd := exec.Command(exe, "-test.run=^TestOpenChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+path)
			outs[i] = new(strings.Builder)
			cmd.Stdout, cmd.Stderr = outs[i], outs[i]
			gate, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds, gates = append(cmds, cmd), append(gates, gate)
		}
		for _, g := range gates {
			g.Close()
		}
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Errorf("trial %d, process %d: %v\n%s", trial, i, err, outs[i])
			}
		}
		if t.Failed() {
			return
		}
		db, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if cs, err := db.Communities(context.Background()); err != nil || len(cs) != 1 {
			t.Errorf("trial %d: communities %v, %v; want one", trial, cs, err)
		}
		db.Close()
	}
}

// TestConcurrentCreationInProcess opens one new database as several
// separate DBs at once, as several instances in one process would.
func TestConcurrentCreationInProcess(t *testing.T) {
	ctx := context.Background()
	for trial := range 20 {
		path := filepath.Join(t.TempDir(), "new.db")
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				db, err := store.Open(ctx, path)
				if err != nil {
					errs[i] = err
					return
				}
				errs[i] = db.SaveDirectory(ctx, bot.Directory{Community: makers, At: t0})
				db.Close()
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("trial %d, opener %d: %v", trial, i, err)
			}
		}
		if t.Failed() {
			return
		}
	}
}
