package main

import (
	"context"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/store"
)

// Two `hearth run` on one SQLite file and one fake Discord whose guilds are
// on two shards (DISCORD_SHARDS=2): the leases in the file let exactly one
// of them open each shard's session; each guild's messages are recorded
// once; the one that stops releases its leases in the file, and the other
// takes its shards over at its next try.
func TestTwoInstancesShareTheShards(t *testing.T) {
	guilds := []struct{ id, channel string }{{"100", "201"}, {"4194404", "4194405"}} // shards 0 and 1 of 2
	var gs []fakediscord.Guild
	for _, g := range guilds {
		gs = append(gs, fakediscord.Guild{ID: g.id, Name: "guild " + g.id, OwnerID: platDiscordOwner.ID,
			Channels: []fakediscord.Channel{{ID: g.channel, Name: "general", Type: fakediscord.ChannelText}},
			Roles:    []fakediscord.Role{{ID: g.id, Name: "@everyone", Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}},
			Members:  []fakediscord.Member{{User: platDiscordOwner}, {User: platDiscordAlice}}})
	}
	dc := fakediscord.New(fakediscord.Options{Guilds: gs})
	t.Cleanup(dc.Close)
	db := filepath.Join(t.TempDir(), "hearth.db")
	created, err := store.Open(context.Background(), db) // not two first opens at once: this is about shards
	platCheck(t, err)
	platCheck(t, created.Close())
	vars := map[string]string{"DISCORD_BOT_TOKEN": dc.Token(), "DISCORD_API_URL": dc.URL(), "DISCORD_SHARDS": "2", "HEARTH_HTTP_ADDR": "127.0.0.1:0"}
	logsA, logsB := &platLog{}, &platLog{}
	stopA := runInBackground(t, db, platformEnv(vars, time.Now, logsA))
	runInBackground(t, db, platformEnv(vars, time.Now, logsB))

	both := []fakediscord.Shard{{ID: 0, Count: 2}, {ID: 1, Count: 2}}
	platWaitDiscord(t, dc, "both shards connected", func() bool { return slices.Equal(dc.LiveShards(), both) })
	for _, g := range guilds {
		for range 2 {
			_, err := dc.MessageCreate(fakediscord.Message{GuildID: g.id, ChannelID: g.channel, Author: platDiscordAlice})
			platCheck(t, err)
		}
	}
	for _, g := range guilds {
		nuWaitCount(t, db, logsA, "guild "+g.id+"'s messages recorded once", 2, sqlNuEvents, "discord:"+g.id, "message")
	}
	if got := dc.LiveShards(); !slices.Equal(got, both) {
		t.Errorf("live shards %v, want each shard once", got)
	}
	if r := dc.Refusals(); len(r) != 0 {
		t.Errorf("the fake refused IDENTIFYs %v: a second session of a shard was attempted\n%s\n%s", r, logsA, logsB)
	}
	// Both are ready, whichever shards each owns (maybe none).
	for _, logs := range []*platLog{logsA, logsB} {
		url := "http://" + platHTTPAddr(t, logs) + "/readyz"
		deadline := time.Now().Add(platWait)
		for code, body := platGetReady(t, url); code != 200 || body != "ready"; code, body = platGetReady(t, url) {
			if time.Now().After(deadline) {
				t.Fatalf("/readyz = %d %q with every shard connected, want 200 ready\n%s", code, body, logs)
			}
			runtime.Gosched()
		}
	}

	// What A's shards held is released at once: no shard lease of the file
	// names A, though its leases would have lasted 15 s more. (The daily
	// retention's lease stays by design: it marks the day as done.)
	holder := regexp.MustCompile(`msg="owning shard" .*holder=(\S+)`).FindStringSubmatch(logsA.String())
	platCheck(t, stopA())
	if holder == nil {
		t.Log("A owned no shard: nothing to release")
		return
	}
	sdb := nuOpen(t, db)
	defer sdb.Close()
	var n int
	platCheck(t, sdb.QueryRow(`SELECT COUNT(*) FROM leases WHERE holder = ? AND name LIKE 'discord-shard-%'`, holder[1]).Scan(&n))
	if n != 0 {
		t.Errorf("%d shard leases of %s left after it stopped, want none", n, holder[1])
	}
	// B takes A's shards at its next try (within 5 s) and carries on.
	platWaitDiscord(t, dc, "B owning both shards", func() bool { return slices.Equal(dc.LiveShards(), both) })
	for _, g := range guilds {
		_, err := dc.MessageCreate(fakediscord.Message{GuildID: g.id, ChannelID: g.channel, Author: platDiscordAlice})
		platCheck(t, err)
	}
	for _, g := range guilds {
		nuWaitCount(t, db, logsB, "guild "+g.id+"'s message after the takeover recorded once", 3, sqlNuEvents, "discord:"+g.id, "message")
	}
}
