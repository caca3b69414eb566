package fakediscord_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
)

// client is a bare gateway client: what discordgo would send, by hand, so
// the fake's refusals can be seen for payloads discordgo never sends.
type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func dial(t *testing.T, f *fakediscord.Server) *client {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(f.GatewayURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &client{t: t, ws: ws}
	if op, _, _ := c.read(); op != 10 {
		t.Fatalf("first op %d, want HELLO", op)
	}
	return c
}

// read returns the next payload's op, type and guild (its guild_id, or
// its id for GUILD_CREATE).
func (c *client) read() (op int, typ, guild string) {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var p struct {
		Op int    `json:"op"`
		T  string `json:"t"`
		D  struct {
			ID      string `json:"id"`
			GuildID string `json:"guild_id"`
		} `json:"d"`
	}
	_ = json.Unmarshal(data, &p)
	if p.T == "GUILD_CREATE" {
		return p.Op, p.T, p.D.ID
	}
	return p.Op, p.T, p.D.GuildID
}

// closeCode reads until the connection closes and returns its close code.
func (c *client) closeCode() int {
	c.t.Helper()
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, _, err := c.ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("closed without a close code: %v", err)
		}
		return ce.Code
	}
}

func (c *client) identify(f *fakediscord.Server, shard []int) {
	c.t.Helper()
	d := map[string]any{"token": "Bot " + f.Token(), "intents": fakediscord.IntentGuilds}
	if shard != nil {
		d["shard"] = shard
	}
	if err := c.ws.WriteJSON(map[string]any{"op": 2, "d": d}); err != nil {
		c.t.Fatal(err)
	}
}

// ready reads READY.
func (c *client) ready() {
	c.t.Helper()
	if op, typ, _ := c.read(); op != 0 || typ != "READY" {
		c.t.Fatalf("got op %d %s, want READY", op, typ)
	}
}

func twoGuilds() []fakediscord.Guild {
	return []fakediscord.Guild{{ID: "100", Name: "zero"}, {ID: "4194404", Name: "one"}}
}

// The fake refuses as Discord's close codes say: a second IDENTIFY on a
// connection (4005), an invalid shard (4010), a shard holding more guilds
// than a session may (4011); and, stricter than Discord, which would give
// both sessions the shard's events, a second session of a connected shard
// (4005), so a test sees two owners of a shard at once.
func TestIdentifyRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   fakediscord.Options
		first  []int // identified first, on another connection (nil: none)
		second []int
		twice  bool // IDENTIFY twice on one connection
		want   int
	}{
		{name: "identify twice on one connection", twice: true, second: []int{0, 2}, want: fakediscord.CloseAlreadyAuthenticated},
		{name: "a shard already connected", first: []int{1, 2}, second: []int{1, 2}, want: fakediscord.CloseAlreadyAuthenticated},
		{name: "shard id not below the count", second: []int{2, 2}, want: fakediscord.CloseInvalidShard},
		{name: "a count of zero", second: []int{0, 0}, want: fakediscord.CloseInvalidShard},
		{name: "a negative shard", second: []int{-1, 2}, want: fakediscord.CloseInvalidShard},
		{name: "too few shards", opts: fakediscord.Options{MaxGuildsPerShard: 1}, second: []int{0, 1}, want: fakediscord.CloseShardingRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Guilds = twoGuilds()
			f := fakediscord.New(tt.opts)
			t.Cleanup(f.Close)
			if tt.first != nil {
				c := dial(t, f)
				c.identify(f, tt.first)
				c.ready()
			}
			c := dial(t, f)
			if tt.twice {
				c.identify(f, tt.second)
				c.ready()
			}
			c.identify(f, tt.second)
			if got := c.closeCode(); got != tt.want {
				t.Errorf("close %d, want %d", got, tt.want)
			}
			if r := f.Refusals(); len(r) != 1 || r[0] != tt.want {
				t.Errorf("refusals %v, want [%d]", r, tt.want)
			}
		})
	}
}

// Each shard's session gets READY and GUILD_CREATE for its own guilds
// only, and the events of its guilds; a shard's session that went away is
// replaced by the next IDENTIFY for it.
func TestShardsGetTheirGuilds(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(fakediscord.Options{Guilds: twoGuilds()})
	t.Cleanup(f.Close)
	guildsOf := func(c *client) []string { // READY and the GUILD_CREATE after it
		c.ready()
		op, typ, id := c.read()
		if op != 0 || typ != "GUILD_CREATE" {
			t.Fatalf("got op %d %s, want GUILD_CREATE", op, typ)
		}
		return []string{id}
	}
	c0, c1 := dial(t, f), dial(t, f)
	c0.identify(f, []int{0, 2})
	if g := guildsOf(c0); len(g) != 1 || g[0] != "100" {
		t.Errorf("shard 0 got guilds %v", g)
	}
	c1.identify(f, []int{1, 2})
	if g := guildsOf(c1); len(g) != 1 || g[0] != "4194404" {
		t.Errorf("shard 1 got guilds %v", g)
	}
	if _, err := f.MessageCreate(fakediscord.Message{GuildID: "4194404", ChannelID: "1", Author: fakediscord.User{ID: "5"}}); err != nil {
		t.Fatal(err)
	}
	if op, typ, g := c1.read(); op != 0 || typ != "MESSAGE_CREATE" || g != "4194404" {
		t.Errorf("shard 1 got op %d %s of guild %q, want its guild's MESSAGE_CREATE", op, typ, g)
	}
	if _, err := f.MessageCreate(fakediscord.Message{ChannelID: "1", Author: fakediscord.User{ID: "5"}}); err != nil { // a DM
		t.Fatal(err)
	}
	if op, typ, g := c0.read(); op != 0 || typ != "MESSAGE_CREATE" || g != "" {
		t.Errorf("shard 0 got op %d %s of guild %q, want the DM (shard 1's message never came to it)", op, typ, g)
	}
	c1.ws.Close()
	if err := f.Wait(10*time.Second, func() bool { return len(f.LiveShards()) == 1 }); err != nil {
		t.Fatalf("live shards %v after shard 1's connection closed", f.LiveShards())
	}
	c1b := dial(t, f)
	c1b.identify(f, []int{1, 2})
	if g := guildsOf(c1b); len(g) != 1 || g[0] != "4194404" {
		t.Errorf("shard 1's new session got guilds %v", g)
	}
	if r := f.Refusals(); len(r) != 0 {
		t.Errorf("refusals %v, want none", r)
	}
}
