package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/store"
)

// TestSeveralInstances runs three `hearth run` processes on one database
// against the fake Slack for a simulated week, kills one with SIGKILL in
// the middle, and checks that nothing happened twice or not at all.
func TestSeveralInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three processes for a simulated week")
	}
	t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) // a Monday
	clock := bot.NewManualClock(t0)
	sl := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	sl.AddUser(platSlackAlice, platSlackBob, platSlackCarol)
	sl.AddChannel(platSlackGeneral)
	community := "slack:" + sl.TeamID()
	db := instanceDB(t)

	vars := map[string]string{
		"SLACK_BOT_TOKEN": sl.Options().BotToken, "SLACK_APP_TOKEN": sl.Options().AppToken, "SLACK_API_URL": sl.URL(),
		"HEARTH_DB": db, "HEARTH_TZ": "UTC", "HEARTH_HTTP_ADDR": "127.0.0.1:0",
	}
	f := &fleet{clock: clock}
	for i := range 3 {
		f.instances = append(f.instances, startInstance(t, fmt.Sprintf("i%d", i), vars, t0))
	}
	sl.WaitConnections(len(f.instances))
	nuWaitCount(t, db, f.instances[0].logs, "slack's members synced", 4, sqlNuMembers, community)

	// A prompt every day at 9:00, added behind the instances' backs as
	// another instance's command would.
	sdb, err := store.Open(context.Background(), db)
	platCheck(t, err)
	const prompt = "What did you try this week that surprised you?"
	_, err = sdb.AddSchedule(context.Background(), bot.Schedule{Community: community, Kind: prompts.SchedulePrompt,
		Spec: "daily at 9:00", Channel: platSlackGeneral.ID, Payload: prompt, CreatedAt: t0})
	platCheck(t, err)
	platCheck(t, sdb.Close())

	f.advance(t, t0.Add(3*24*time.Hour))
	f.instances[0].kill(t)
	f.advance(t, t0.Add(7*24*time.Hour))

	var posted []string
	for _, p := range sl.Posts() {
		if p.Channel == platSlackGeneral.ID && strings.Contains(p.Text, prompt) {
			posted = append(posted, p.At.Format("Jan 2 15:04"))
		}
	}
	t.Logf("posted: %v", posted)
	if len(posted) != 7 {
		t.Errorf("the daily prompt was posted %d times in a week, want 7: %v", len(posted), posted)
	}
}
