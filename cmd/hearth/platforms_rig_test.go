package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// platRig is one in-process `hearth run` serving a fake Slack workspace and
// a fake Discord guild, each with a #general, on a simulated clock that the
// scheduler's wait moves: what the features' end-to-end tests share.
type platRig struct {
	clock            *bot.ManualClock
	sim              *ciSim
	sl               *fakeslack.Server
	dc               *fakediscord.Server
	slackCommunity   string
	discordCommunity string
	db               string
	logs             *platLog
	stop             func() error
	began            time.Time // wall time at start, for the test's log line
}

// platRigOptions say who is in the workspace and the guild.
type platRigOptions struct {
	start        time.Time
	slackUsers   []fakeslack.User
	discordOwner fakediscord.User
	discordUsers []fakediscord.User // the owner among them
	vars         map[string]string  // more environment, like HEARTH_HTTP_ADDR
	// More channels than #general, on each platform.
	slackChannels   []fakeslack.Channel
	discordChannels []fakediscord.Channel
	// The member counts to wait for once synced (Slack counts Hearth's own
	// bot user).
	slackMembers, discordMembers int
}

// startPlatRig starts the fakes and `hearth run`, and waits until both
// adapters are connected, /hearth is registered and the members synced.
func startPlatRig(t *testing.T, o platRigOptions) *platRig {
	t.Helper()
	r := &platRig{clock: bot.NewManualClock(o.start), logs: &platLog{}, db: filepath.Join(t.TempDir(), "hearth.db")}
	r.sim = newCISim(r.clock)
	r.sl = fakeslack.New(t, fakeslack.Options{Now: r.clock.Now})
	r.sl.AddUser(o.slackUsers...)
	r.sl.AddChannel(platSlackGeneral)
	r.sl.AddChannel(o.slackChannels...)
	r.slackCommunity = "slack:" + r.sl.TeamID()
	joined := o.start.Add(-60 * 24 * time.Hour)
	guild := fakediscord.Guild{
		ID: platGuildID, Name: "Gardeners", OwnerID: o.discordOwner.ID,
		Channels: []fakediscord.Channel{{ID: platGeneralID, Name: "general", Type: fakediscord.ChannelText}},
		Roles:    []fakediscord.Role{{ID: platGuildID, Name: "@everyone", Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}},
	}
	guild.Channels = append(guild.Channels, o.discordChannels...)
	for _, u := range o.discordUsers {
		guild.Members = append(guild.Members, fakediscord.Member{User: u, JoinedAt: joined})
	}
	r.dc = fakediscord.New(fakediscord.Options{MembersIntent: true, Now: r.clock.Now, Guilds: []fakediscord.Guild{guild}})
	t.Cleanup(r.dc.Close)
	r.discordCommunity = "discord:" + platGuildID

	vars := platformVars(r.sl, r.dc)
	vars["HEARTH_TZ"] = "UTC"
	for k, v := range o.vars {
		vars[k] = v
	}
	e := platformEnv(vars, r.clock.Now, r.logs)
	e.wait = r.sim.wait
	// One instance: its shard lease decides nothing here, and a -race run
	// on two busy cores can keep the database's writer busy past the
	// default term, which would close the Discord session mid-test
	// (TestTwoInstancesShareTheShards and TestSeveralInstances test
	// leases).
	e.leaseTTL = 5 * time.Minute
	r.stop = runInBackground(t, r.db, e)
	r.began = time.Now()

	r.sl.WaitConnections(1)
	platWaitDiscord(t, r.dc, "/hearth registered in the guild", func() bool { return r.dc.Commands(platGuildID) != nil })
	nuWaitCount(t, r.db, r.logs, "slack's members synced", o.slackMembers, sqlNuMembers, r.slackCommunity)
	nuWaitCount(t, r.db, r.logs, "discord's members synced", o.discordMembers, sqlNuMembers, r.discordCommunity)
	return r
}
