package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
)

// TestMeasureMemory measures the resident memory of `hearth run`, a process
// of its own, once it has synced a fake Slack workspace of
// HEARTH_MEASURE_MEMORY members. It is a measurement, not a check: it runs
// only when asked, and says what it saw.
//
//	HEARTH_MEASURE_MEMORY=100000 go test ./cmd/hearth -run TestMeasureMemory -v -timeout 60m
func TestMeasureMemory(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("HEARTH_MEASURE_MEMORY"))
	if n <= 0 {
		t.Skip("set HEARTH_MEASURE_MEMORY=N to measure hearth run with N members")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "hearth")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sl := fakeslack.New(t, fakeslack.Options{})
	users := make([]fakeslack.User, n)
	for i := range users {
		users[i] = fakeslack.User{ID: fmt.Sprintf("U%07d", i), Name: fmt.Sprintf("member%d", i), RealName: fmt.Sprintf("Member %d", i), TZ: "Europe/Paris"}
	}
	sl.AddUser(users...)
	sl.AddChannel(platSlackGeneral)
	db := filepath.Join(dir, "hearth.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run", "--db", db)
	cmd.Env = append(os.Environ(), "SLACK_BOT_TOKEN="+sl.Options().BotToken, "SLACK_APP_TOKEN="+sl.Options().AppToken,
		"SLACK_API_URL="+sl.URL(), "HEARTH_TZ=UTC")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sdb := nuOpen(t, db)
	defer sdb.Close()
	deadline := start.Add(time.Duration(n/40+60) * time.Second) // users.list is paced to Slack's tier: 200 a call, about 3 s apart
	for {
		var got int
		_ = sdb.QueryRow(`SELECT COUNT(*) FROM members`).Scan(&got)
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d members synced in time\n%s", got, n, logs.String())
		}
		time.Sleep(200 * time.Millisecond) // a measurement of a real process: real time
	}
	synced := time.Since(start)
	var peak, now string
	for range 10 { // let the sync's garbage go, then read
		time.Sleep(time.Second)
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				peak = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				now = strings.TrimSpace(v)
			}
		}
	}
	t.Logf("hearth run with %d members from Slack: synced in %s; resident %s (peak %s)", n, synced.Round(time.Second), now, peak)
}
