package discord_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/memstore"
)

func TestShardOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		guild string
		count int
		want  int
	}{
		{"100", 1, 0},
		{"100", 2, 0}, // below 1<<22: shard 0 of any count
		{"4194304", 2, 1},
		{"8388608", 2, 0},
		{"12582912", 3, 0},
		{"8388608", 3, 2},
		{"81384788765712384", 17, 7}, // the example of Discord's libraries
		{"", 4, 0},                   // a DM: shard 0
		{"not-a-snowflake", 4, 0},
		{"4194304", 0, 0},
	}
	for _, tt := range tests {
		if got := discord.ShardOf(tt.guild, tt.count); got != tt.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", tt.guild, tt.count, got, tt.want)
		}
		if got := fakediscord.ShardOf(tt.guild, tt.count); got != tt.want {
			t.Errorf("fakediscord.ShardOf(%q, %d) = %d, want %d", tt.guild, tt.count, got, tt.want)
		}
	}
}

// Guilds on shard 0 and shard 1 of 2.
const (
	shard0Guild   = "100"
	shard0Channel = "211"
	shard1Guild   = "4194404"
	shard1Channel = "4194405"
)

func shardGuild(id, channel string) fakediscord.Guild {
	return fakediscord.Guild{
		ID: id, Name: "guild " + id, OwnerID: ownerID,
		Channels: []fakediscord.Channel{{ID: channel, Name: "general", Type: fakediscord.ChannelText}},
		Roles:    []fakediscord.Role{{ID: id, Name: "@everyone", Permissions: fakediscord.PermViewChannel | fakediscord.PermSendMessages}},
		Members:  []fakediscord.Member{{User: owner, JoinedAt: t0.Add(-time.Hour)}, {User: alice, JoinedAt: t0.Add(-time.Hour)}},
	}
}

// clockWaits is the instances' LeaseWait: a wait ends when the test moves
// the manual clock past it, never by itself.
type clockWaits struct {
	clock   *bot.ManualClock
	mu      sync.Mutex
	changed chan struct{}
}

func newClockWaits(c *bot.ManualClock) *clockWaits {
	return &clockWaits{clock: c, changed: make(chan struct{})}
}

func (w *clockWaits) Wait(ctx context.Context, d time.Duration) error {
	until := w.clock.Now().Add(d)
	for {
		w.mu.Lock()
		ch := w.changed
		w.mu.Unlock()
		if !w.clock.Now().Before(until) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

func (w *clockWaits) Advance(d time.Duration) {
	w.clock.Advance(d)
	w.mu.Lock()
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
}

// instanceLeases is one instance's way to the shared store: it records the
// instance's attempts, and can make the database unreachable or the
// instance crash (its releases never arrive).
type instanceLeases struct {
	discord.Leases
	unreachable, crashed atomic.Bool
	stuck                atomic.Bool // attempts hang until their context ends

	mu       sync.Mutex
	changed  chan struct{}
	attempts []attempt
}

type attempt struct {
	name string
	at   time.Time
	got  bool
}

var errUnreachable = errors.New("database unreachable")

func (l *instanceLeases) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	var got bool
	var err error
	if l.unreachable.Load() {
		err = errUnreachable
	} else if l.stuck.Load() {
		<-ctx.Done()
		err = ctx.Err()
	} else {
		got, err = l.Leases.AcquireLease(ctx, name, holder, now, ttl)
	}
	l.mu.Lock()
	l.attempts = append(l.attempts, attempt{name, now, got})
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
	return got, err
}

func (l *instanceLeases) ReleaseLease(ctx context.Context, name, holder string) error {
	if l.unreachable.Load() {
		return errUnreachable
	}
	if l.crashed.Load() {
		return nil // a crashed process releases nothing
	}
	return l.Leases.ReleaseLease(ctx, name, holder)
}

// waitAttempt waits until the instance tried for lease name at at or later,
// and returns whether it got it.
func (l *instanceLeases) waitAttempt(t *testing.T, name string, at time.Time) bool {
	t.Helper()
	deadline := time.NewTimer(guard)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		ch := l.changed
		for _, a := range l.attempts {
			if a.name == name && !a.at.Before(at) {
				l.mu.Unlock()
				return a.got
			}
		}
		l.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("no attempt for %s at %v or later", name, at)
		}
	}
}

// instance is one `hearth run` of several: an adapter with its own handler.
type instance struct {
	name   string
	a      *discord.Adapter
	rec    *recorder
	leases *instanceLeases
	stop   context.CancelFunc
	done   chan error
}

// cluster is several instances on one store and one fake Discord with two
// shards, sharing a manual clock.
type cluster struct {
	fake  *fakediscord.Server
	clock *bot.ManualClock
	waits *clockWaits
	store *memstore.Store
	inst  []*instance
}

func startCluster(t *testing.T, names ...string) *cluster {
	t.Helper()
	return startClusterTTL(t, 15*time.Second, names...) // the times below count on 15 s
}

// startClusterTTL starts instances whose leases last ttl (0: the default).
func startClusterTTL(t *testing.T, ttl time.Duration, names ...string) *cluster {
	t.Helper()
	clock := bot.NewManualClock(t0)
	fake := fakediscord.New(fakediscord.Options{Now: clock.Now, Guilds: []fakediscord.Guild{
		shardGuild(shard0Guild, shard0Channel), shardGuild(shard1Guild, shard1Channel)}})
	t.Cleanup(fake.Close)
	c := &cluster{fake: fake, clock: clock, waits: newClockWaits(clock), store: memstore.New(clock)}
	for _, name := range names {
		in := &instance{name: name, rec: newRecorder(), done: make(chan error, 1),
			leases: &instanceLeases{Leases: c.store, changed: make(chan struct{})}}
		a, err := discord.New(discord.Config{Commands: features.Commands(),
			BotToken: fake.Token(), APIURL: fake.URL(), Handler: in.rec, Clock: clock,
			Log: testLogger(t).With("instance", name), PostInterval: -1, ChannelInterval: -1,
			ReconnectBackoff: 10 * time.Millisecond,
			Shards:           2, Leases: in.leases, Holder: name, LeaseWait: c.waits.Wait, LeaseTTL: ttl,
		})
		check(t, err)
		in.a = a
		ctx, cancel := context.WithCancel(context.Background())
		in.stop = cancel
		go func() { in.done <- a.Run(ctx) }()
		t.Cleanup(func() { in.stopAndWait(t) })
		c.inst = append(c.inst, in)
	}
	return c
}

func (in *instance) stopAndWait(t *testing.T) {
	in.stop()
	select {
	case err, ok := <-in.done:
		if ok && err != nil {
			t.Errorf("%s: Run: %v", in.name, err)
		}
		if ok {
			close(in.done)
		}
	case <-time.After(guard):
		t.Errorf("%s: Run did not return after cancel", in.name)
	}
}

// waitLive waits until the fake has exactly these shards' sessions
// connected (each once).
func (c *cluster) waitLive(t *testing.T, want ...int) {
	t.Helper()
	var ws []fakediscord.Shard
	for _, k := range want {
		ws = append(ws, fakediscord.Shard{ID: k, Count: 2})
	}
	if err := c.fake.Wait(guard, func() bool { return slices.Equal(c.fake.LiveShards(), ws) }); err != nil {
		t.Fatalf("live shards %v, want %v", c.fake.LiveShards(), ws)
	}
}

// owners maps each shard to the running instances that own it.
func (c *cluster) owners(running ...*instance) map[int][]string {
	m := map[int][]string{}
	for _, in := range running {
		for _, k := range in.a.OwnedShards() {
			m[k] = append(m[k], in.name)
		}
	}
	return m
}

func (c *cluster) ownerOf(t *testing.T, k int, running ...*instance) *instance {
	t.Helper()
	o := c.owners(running...)[k]
	if len(o) != 1 {
		t.Fatalf("shard %d is owned by %v, want exactly one instance", k, o)
	}
	for _, in := range running {
		if in.name == o[0] {
			return in
		}
	}
	return nil
}

// waitReady waits until every instance says it is ready (Connected).
func waitReady(t *testing.T, insts ...*instance) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for _, in := range insts {
		for !in.a.Connected() {
			if time.Now().After(deadline) {
				t.Fatalf("%s never ready (owns %v)", in.name, in.a.OwnedShards())
			}
			runtime.Gosched()
		}
	}
}

// postOnce sends a message in each channel and checks that the instances
// together recorded each exactly once, by the instance owning its shard.
func (c *cluster) postOnce(t *testing.T, running ...*instance) {
	t.Helper()
	for k, ch := range map[int][2]string{0: {shard0Guild, shard0Channel}, 1: {shard1Guild, shard1Channel}} {
		owner := c.ownerOf(t, k, running...)
		m := must[fakediscord.Message](t)(c.fake.MessageCreate(fakediscord.Message{GuildID: ch[0], ChannelID: ch[1], Author: alice}))
		key := "msg:" + m.ID
		owner.rec.wait(t, key, func() bool { return countKey(owner.rec.Events(), key) > 0 })
		total := 0
		for _, in := range c.inst {
			total += countKey(in.rec.Events(), key)
		}
		if total != 1 {
			t.Errorf("shard %d's message recorded %d times, want once", k, total)
		}
	}
}

func countKey(evs []bot.Event, key string) int {
	n := 0
	for _, e := range evs {
		if e.Key == key {
			n++
		}
	}
	return n
}

// Two instances on one store: each shard has exactly one owner and one
// session; an owner that crashes (no release) leaves its shards to the
// other once their leases expire, and not before; events of guilds on each
// shard are recorded once throughout.
func TestShardOwnersAndTakeoverAfterCrash(t *testing.T) {
	t.Parallel()
	c := startCluster(t, "x", "y")
	x, y := c.inst[0], c.inst[1]
	c.waitLive(t, 0, 1)
	waitReady(t, x, y)
	for k := range 2 {
		c.ownerOf(t, k, x, y)
	}
	c.postOnce(t, x, y)

	crashed := c.ownerOf(t, 0, x, y)
	survivor := x
	if crashed == x {
		survivor = y
	}
	kept := slices.Contains(crashed.a.OwnedShards(), 1) // the crashed one may own both
	crashed.leases.crashed.Store(true)
	crashed.stopAndWait(t)
	if kept {
		c.waitLive(t)
	} else {
		c.waitLive(t, 1)
	}

	// The leases were renewed last at t0: they are the crashed one's until t0+15s.
	c.waits.Advance(10 * time.Second)
	if survivor.leases.waitAttempt(t, "discord-shard-0/2", t0.Add(10*time.Second)) {
		t.Fatal("the survivor took shard 0 while the crashed owner's lease was live")
	}
	c.waits.Advance(5 * time.Second)
	if !survivor.leases.waitAttempt(t, "discord-shard-0/2", t0.Add(15*time.Second)) {
		t.Fatal("the survivor did not take shard 0 once the lease expired")
	}
	c.waitLive(t, 0, 1)
	waitReady(t, survivor)
	if o := c.owners(survivor); !slices.Equal(o[0], []string{survivor.name}) || !slices.Equal(o[1], []string{survivor.name}) {
		t.Errorf("owners after the takeover %v, want %s for both", o, survivor.name)
	}
	c.postOnce(t, survivor)
	if r := c.fake.Refusals(); len(r) != 0 {
		t.Errorf("the fake refused IDENTIFYs %v: two sessions of a shard were attempted", r)
	}
}

// An owner that cannot renew (its database unreachable) keeps the shard's
// session while one more renewal could still come in time (a database
// busy for a moment costs nothing), then closes it before its lease
// expires; the other instance takes the shard when it does.
func TestShardClosedWhenRenewalFails(t *testing.T) {
	t.Parallel()
	c := startCluster(t, "x", "y")
	x, y := c.inst[0], c.inst[1]
	c.waitLive(t, 0, 1)
	cut := c.ownerOf(t, 0, x, y)
	other := x
	if cut == x {
		other = y
	}
	kept := other.a.OwnedShards()
	cut.leases.unreachable.Store(true)
	c.waits.Advance(5 * time.Second)
	cut.leases.waitAttempt(t, "discord-shard-0/2", t0.Add(5*time.Second))
	// 7.5 s of the term are left, more than the 5 s to the next attempt.
	c.waitLive(t, 0, 1)
	c.waits.Advance(5 * time.Second)
	cut.leases.waitAttempt(t, "discord-shard-0/2", t0.Add(10*time.Second))
	if other.leases.waitAttempt(t, "discord-shard-0/2", t0.Add(10*time.Second)) {
		t.Fatal("shard 0 was taken while the cut owner's lease was live")
	}
	// 2.5 s left: closed, yet the lease is live until t0+15s, so nobody
	// has shard 0.
	c.waitLive(t, kept...)
	waitReady(t, cut) // owning no shard is no reason to be unready
	c.waits.Advance(5 * time.Second)
	if !other.leases.waitAttempt(t, "discord-shard-0/2", t0.Add(15*time.Second)) {
		t.Fatal("shard 0 was not taken once the lease expired")
	}
	c.waitLive(t, 0, 1)
	c.postOnce(t, other)
	if r := c.fake.Refusals(); len(r) != 0 {
		t.Errorf("the fake refused IDENTIFYs %v", r)
	}
}

// A graceful shutdown releases the leases: the other instance takes the
// shards at its next try, without waiting for them to expire.
func TestShardReleasedOnShutdown(t *testing.T) {
	t.Parallel()
	c := startCluster(t, "x", "y")
	x, y := c.inst[0], c.inst[1]
	c.waitLive(t, 0, 1)
	leaving := c.ownerOf(t, 0, x, y)
	staying := x
	if leaving == x {
		staying = y
	}
	leaving.stopAndWait(t)
	c.waits.Advance(5 * time.Second)
	if !staying.leases.waitAttempt(t, "discord-shard-0/2", t0.Add(5*time.Second)) {
		t.Fatal("a released shard was not taken at the next try")
	}
	c.waitLive(t, 0, 1)
	c.postOnce(t, staying)
}

// Without DISCORD_SHARDS the adapter opens as many shards as GET
// /gateway/bot recommends, each IDENTIFYing with its [shard, count], and
// each guild's events arrive once.
func TestShardsFromDiscordsRecommendation(t *testing.T) {
	t.Parallel()
	h := start(t, setup{noWait: true, fake: fakediscord.Options{Shards: 2,
		Guilds: []fakediscord.Guild{shardGuild(shard0Guild, shard0Channel), shardGuild(shard1Guild, shard1Channel)}}})
	waitFake(t, h.fake, "two shards", func() bool {
		return slices.Equal(h.fake.LiveShards(), []fakediscord.Shard{{ID: 0, Count: 2}, {ID: 1, Count: 2}})
	})
	var got []string
	for _, id := range h.fake.Identifies() {
		got = append(got, fmt.Sprint(id.Shard))
		if !strings.Contains(string(id.Raw), fmt.Sprintf(`"shard":[%d,2]`, id.Shard.ID)) {
			t.Errorf("IDENTIFY %s does not name its shard", id.Raw)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"{0 2}", "{1 2}"}) {
		t.Errorf("IDENTIFYs for shards %v", got)
	}
	if o := h.a.OwnedShards(); !slices.Equal(o, []int{0, 1}) {
		t.Errorf("owned shards %v, want both (no leases: one instance)", o)
	}
	var keys []string
	for _, g := range [][2]string{{shard0Guild, shard0Channel}, {shard1Guild, shard1Channel}} {
		m := must[fakediscord.Message](t)(h.fake.MessageCreate(fakediscord.Message{GuildID: g[0], ChannelID: g[1], Author: alice}))
		keys = append(keys, "msg:"+m.ID)
	}
	evs := h.rec.waitEvents(t, 2)
	for _, k := range keys {
		if countKey(evs, k) != 1 {
			t.Errorf("%s recorded %d times", k, countKey(evs, k))
		}
	}
	// Only shard 0's session gets DMs.
	dm := must[fakediscord.Message](t)(h.fake.MessageCreate(fakediscord.Message{ChannelID: "999", Author: bob}))
	evs = h.rec.waitEvents(t, 3)
	if countKey(evs, "msg:"+dm.ID) != 1 {
		t.Errorf("the DM recorded %d times", countKey(evs, "msg:"+dm.ID))
	}
}

// Too few shards for the guilds (close 4011) stops Run with advice naming
// DISCORD_SHARDS; retrying would not help.
func TestTooFewShardsFailsFast(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(fakediscord.Options{MaxGuildsPerShard: 1,
		Guilds: []fakediscord.Guild{shardGuild(shard0Guild, shard0Channel), shardGuild(shard1Guild, shard1Channel)}})
	t.Cleanup(fake.Close)
	a, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: fake.Token(), APIURL: fake.URL(),
		Handler: newRecorder(), Log: testLogger(t), ReconnectBackoff: time.Millisecond, Shards: 1})
	check(t, err)
	err = runUntilDone(t, a)
	if err == nil || !strings.Contains(err.Error(), "4011") || !strings.Contains(err.Error(), "DISCORD_SHARDS") {
		t.Errorf("Run: %v; want the 4011 close naming DISCORD_SHARDS", err)
	}
	if r := fake.Refusals(); !slices.Equal(r, []int{fakediscord.CloseShardingRequired}) {
		t.Errorf("refusals %v, want one 4011", r)
	}
}

func TestShardConfigChecked(t *testing.T) {
	t.Parallel()
	base := discord.Config{BotToken: "t", Handler: newRecorder(), Commands: features.Commands()}
	neg := base
	neg.Shards = -1
	if _, err := discord.New(neg); err == nil || !strings.Contains(err.Error(), "DISCORD_SHARDS") {
		t.Errorf("Shards -1: %v", err)
	}
	noHolder := base
	noHolder.Leases = memstore.New(nil)
	if _, err := discord.New(noHolder); err == nil || !strings.Contains(err.Error(), "Holder") {
		t.Errorf("Leases without Holder: %v", err)
	}
}

// A renewal that hangs (a database that stopped answering) closes the
// session by the time the lease could expire, counted in real time from
// the last renewal's start: the attempt cannot outlast the term.
func TestShardClosedWhenRenewalHangs(t *testing.T) {
	t.Parallel()
	const ttl = 3 * time.Second // a term of 2.5 s of real time
	c := startClusterTTL(t, ttl, "x")
	x := c.inst[0]
	c.waitLive(t, 0, 1)
	x.leases.stuck.Store(true)
	c.waits.Advance(ttl / 3)
	c.waitLive(t) // both closed, without the test moving the clock again
}
