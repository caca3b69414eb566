package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/schedules"
)

// Several instances, as operators run them: separate `hearth run`
// processes on one database. The test binary runs itself again as each
// instance (TestMain sees instanceVar), so the instance is the real
// program, killable with SIGKILL, yet on a simulated clock that the test
// moves for all instances in lockstep:
//
//   - the test writes "T <unix ns>" lines to an instance's stdin: the time it
//     may run up to;
//   - the instance's scheduler, each time it finishes a pass, writes
//     "P <unix ns>" to its stdout (its clock's now) and waits for a target
//     beyond it, then moves its clock there, or sooner when something falls
//     due sooner (as the single-process tests' ciSim does).
//
// Real instances share one wall clock; these share the test's targets, and
// move in steps small enough (instanceStep) that none runs far ahead of
// another, which would make it see the others' fresh schedules as missed.

const (
	instanceVar      = "HEARTH_TEST_INSTANCE"       // the instance's name; set only in children
	instanceStartVar = "HEARTH_TEST_INSTANCE_START" // its clock's start, RFC 3339
	instanceStep     = 30 * time.Minute
	// instanceLeaseTTL is the instances' lease term, in real time: a
	// lease is about a live process, and the simulated clock jumps half
	// an hour a step, faster than any renewal could keep up with. A
	// killed owner's shard is taken over within about this.
	instanceLeaseTTL = 8 * time.Second
)

// runInstance is a child process: `hearth run` with its environment, on a
// clock the parent moves through stdin. It exits when the parent closes
// stdin (or dies), on SIGTERM, or when run returns.
func runInstance(name string) int {
	start, err := time.Parse(time.RFC3339Nano, os.Getenv(instanceStartVar))
	if err != nil {
		fmt.Fprintf(os.Stderr, "instance %s: %s: %v\n", name, instanceStartVar, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	clock := bot.NewManualClock(start)
	ls := &lockstep{clock: clock, out: os.Stdout, changed: make(chan struct{})}
	go func() { // owner: this process; exits when stdin closes
		ls.read(os.Stdin)
		cancel()
	}()
	e := env{getenv: os.Getenv, environ: os.Environ, stdin: strings.NewReader(""), stdout: io.Discard,
		stderr: os.Stderr, now: clock.Now, wait: ls.wait, leaseTTL: instanceLeaseTTL, leaseClock: time.Now}
	return runMain(ctx, []string{"run"}, e)
}

// lockstep is an instance's side of the clock protocol.
type lockstep struct {
	clock *bot.ManualClock
	out   io.Writer

	mu      sync.Mutex
	target  time.Time
	changed chan struct{} // closed and replaced when target moves
}

func (l *lockstep) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || f[0] != "T" {
			continue
		}
		ns, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		l.mu.Lock()
		if t := time.Unix(0, ns).UTC(); t.After(l.target) {
			l.target = t
			close(l.changed)
			l.changed = make(chan struct{})
		}
		l.mu.Unlock()
	}
}

// wait is the scheduler's wait: it reports the pass, then moves the clock
// to the target, or to now+d when that comes first and something is due.
func (l *lockstep) wait(ctx context.Context, d time.Duration) error {
	now := l.clock.Now()
	l.mu.Lock()
	fmt.Fprintf(l.out, "P %d\n", now.UnixNano())
	for !now.Before(l.target) {
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		l.mu.Lock()
	}
	next := l.target
	if d < schedules.MaxWait && now.Add(d).Before(next) {
		next = now.Add(d)
	}
	l.clock.Set(next)
	l.mu.Unlock()
	return nil
}

// instance is the test's handle on one child process.
type instance struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	logs  *platLog

	mu     sync.Mutex
	passed time.Time // the latest pass's clock
	exited bool
	moved  chan struct{} // closed and replaced when passed or exited changes
}

// startInstance starts `hearth run` as a child process with vars as its
// environment (nothing else of the test's HEARTH_, SLACK_ or DISCORD_
// variables) and its clock at start.
func startInstance(t *testing.T, name string, vars map[string]string, start time.Time) *instance {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "HEARTH_") && !strings.HasPrefix(k, "SLACK_") && !strings.HasPrefix(k, "DISCORD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, instanceVar+"="+name, instanceStartVar+"="+start.Format(time.RFC3339Nano))
	in := &instance{name: name, cmd: cmd, logs: &platLog{}, moved: make(chan struct{})}
	cmd.Stderr = in.logs
	var err error
	if in.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start instance %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { // owner: the instance; exits when its stdout closes
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 2 || f[0] != "P" {
				continue
			}
			if ns, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				in.update(func() { in.passed = time.Unix(0, ns).UTC() })
			}
		}
	}()
	go func() { // owner: the instance; exits when the process does
		<-done
		_ = cmd.Wait()
		in.update(func() { in.exited = true })
	}()
	t.Cleanup(func() { in.stop(t) })
	return in
}

func (in *instance) update(f func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	f()
	close(in.moved)
	in.moved = make(chan struct{})
}

// alive reports whether the process still runs.
func (in *instance) alive() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return !in.exited
}

// target lets the instance's clock run up to at.
func (in *instance) target(at time.Time) {
	fmt.Fprintf(in.stdin, "T %d\n", at.UnixNano())
}

// waitPass waits until the instance's scheduler has finished a pass at or
// after at (or the instance has exited), and reports whether it is alive.
func (in *instance) waitPass(t *testing.T, at time.Time) bool {
	t.Helper()
	deadline := time.NewTimer(platWait)
	defer deadline.Stop()
	for {
		in.mu.Lock()
		passed, exited, ch := in.passed, in.exited, in.moved
		in.mu.Unlock()
		if exited {
			return false
		}
		if !passed.Before(at) {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("instance %s did not reach %v within %v (at %v); its log:\n%s", in.name, at, platWait, passed, in.logs)
		}
	}
}

// kill ends the process with SIGKILL: no shutdown, no lease released.
func (in *instance) kill(t *testing.T) {
	t.Helper()
	if err := in.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill instance %s: %v", in.name, err)
	}
	in.waitExit(t)
}

// stop asks the process to shut down (SIGTERM) and waits for it.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	if !in.alive() {
		return
	}
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	in.waitExit(t)
}

func (in *instance) waitExit(t *testing.T) {
	t.Helper()
	deadline := time.NewTimer(platWait)
	defer deadline.Stop()
	for {
		in.mu.Lock()
		exited, ch := in.exited, in.moved
		in.mu.Unlock()
		if exited {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			_ = in.cmd.Process.Kill()
			t.Errorf("instance %s did not exit within %v; its log:\n%s", in.name, platWait, in.logs)
			return
		}
	}
}

// fleet is the instances of one test and the clock they share with the
// fakes.
type fleet struct {
	clock     *bot.ManualClock
	instances []*instance
}

// advance moves every live instance, and then the shared clock, to to, in
// steps of instanceStep: each step waits for every live instance's pass.
func (f *fleet) advance(t *testing.T, to time.Time) {
	t.Helper()
	for now := f.clock.Now(); now.Before(to); {
		now = now.Add(instanceStep)
		if now.After(to) {
			now = to
		}
		f.clock.Set(now) // the fakes date what the instances do in this step by its end
		for _, in := range f.instances {
			if in.alive() {
				in.target(now)
			}
		}
		for _, in := range f.instances {
			if in.alive() {
				in.waitPass(t, now)
			}
		}
	}
}

// alive lists the instances still running.
func (f *fleet) alive() []*instance {
	var out []*instance
	for _, in := range f.instances {
		if in.alive() {
			out = append(out, in)
		}
	}
	return out
}
