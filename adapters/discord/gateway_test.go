package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
)

func TestIdentifyIntentsNeverMessageContent(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	ids := h.fake.Identifies()
	if len(ids) != 1 {
		t.Fatalf("%d IDENTIFYs", len(ids))
	}
	want := fakediscord.IntentGuilds | fakediscord.IntentGuildMessages | fakediscord.IntentGuildMessageReactions | fakediscord.IntentDirectMessages
	if ids[0].Intents != want {
		t.Errorf("intents %b, want %b", ids[0].Intents, want)
	}
	if ids[0].Intents&fakediscord.IntentMessageContent != 0 {
		t.Error("IDENTIFY asks for MESSAGE_CONTENT")
	}
	if int(discord.Intents(true))&fakediscord.IntentMessageContent != 0 || int(discord.Intents(true)) != want|fakediscord.IntentGuildMembers {
		t.Errorf("Intents(true) = %b", discord.Intents(true))
	}
	// The heartbeat starts at once and the fake ACKs it.
	waitFake(t, h.fake, "a heartbeat", func() bool { return h.fake.Heartbeats() > 0 })
}

func runUntilDone(t *testing.T, a *discord.Adapter) error {
	t.Helper()
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { done <- a.Run(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(guard):
		t.Fatal("Run kept going after Discord refused the bot")
		return nil
	}
}

// A bad token (close 4004) fails fast, once, naming DISCORD_BOT_TOKEN;
// retrying would only get the token reset.
func TestBadTokenFailsFast(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(fakediscord.Options{Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(fake.Close)
	a, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: "Bot not-the-token", APIURL: fake.URL(), Handler: newRecorder(), Log: testLogger(t), ReconnectBackoff: time.Millisecond})
	check(t, err)
	err = runUntilDone(t, a)
	if !errors.Is(err, discord.ErrBadToken) || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
		t.Errorf("Run: %v; want ErrBadToken naming DISCORD_BOT_TOKEN", err)
	}
	if n := len(fake.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1", n)
	}
}

// Asking for GUILD_MEMBERS when the switch is off (close 4014) fails fast,
// naming the Developer Portal switch.
func TestDisallowedIntentFailsFast(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(fakediscord.Options{Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(fake.Close)
	a, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: fake.Token(), APIURL: fake.URL(), MembersIntent: true, Handler: newRecorder(), Log: testLogger(t), ReconnectBackoff: time.Millisecond})
	check(t, err)
	err = runUntilDone(t, a)
	if !errors.Is(err, discord.ErrDisallowedIntent) || !strings.Contains(err.Error(), "Server Members Intent") || !strings.Contains(err.Error(), "Developer Portal") {
		t.Errorf("Run: %v; want ErrDisallowedIntent naming the Server Members Intent switch", err)
	}
	if n := len(fake.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1", n)
	}
}

// A dropped connection resumes: what Discord sent meanwhile is replayed
// and applied once; so after an op 7 RECONNECT.
func TestReconnectResumesWithoutLossOrDuplicates(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	post := must[fakediscord.Message](t)
	var want []string
	want = append(want, "msg:"+post(f.MessageCreate(msg(generalID, alice))).ID)
	h.rec.waitEvents(t, 1)
	sid := f.SessionID()

	check(t, f.Drop())
	// Sent while the client is away: kept for its RESUME.
	want = append(want, "msg:"+post(f.MessageCreate(msg(generalID, bob))).ID)
	want = append(want, "msg:"+post(f.MessageCreate(msg(threadID, carol))).ID)
	waitFake(t, f, "a resume", func() bool { return len(f.Resumes()) == 1 && f.Connected() })
	want = append(want, "msg:"+post(f.MessageCreate(msg(generalID, alice))).ID)
	h.rec.waitEvents(t, len(want))

	check(t, f.Reconnect())
	want = append(want, "msg:"+post(f.MessageCreate(msg(generalID, bob))).ID)
	waitFake(t, f, "a second resume", func() bool { return len(f.Resumes()) == 2 && f.Connected() })
	want = append(want, "msg:"+post(f.MessageCreate(msg(generalID, carol))).ID)
	h.rec.waitEvents(t, len(want))

	if r := f.Resumes(); r[0].SessionID != sid || r[1].SessionID != sid {
		t.Errorf("resumes %+v, want session %s", r, sid)
	}
	if n := len(f.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1: the session was resumed, not restarted", n)
	}
	// Nothing arrives twice; a message the test sends now comes right after.
	last := post(f.MessageCreate(msg(generalID, alice)))
	want = append(want, "msg:"+last.ID)
	got := h.rec.waitEvents(t, len(want))
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Key != want[i] {
			t.Errorf("event %d = %s, want %s", i, got[i].Key, want[i])
		}
	}
}

// After INVALID SESSION the client identifies again and carries on.
func TestInvalidSessionReidentifies(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	check(t, f.InvalidateSession(false))
	waitFake(t, f, "a new IDENTIFY", func() bool { return len(f.Identifies()) == 2 && f.Connected() })
	m := must[fakediscord.Message](t)(f.MessageCreate(msg(generalID, bob)))
	got := h.rec.waitEvents(t, 1)
	if got[0].Key != "msg:"+m.ID {
		t.Errorf("event %+v", got[0])
	}
}

func sign(priv ed25519.PrivateKey, ts string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...)))
}

func TestHTTPInteractionsEndpoint(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	check(t, err)
	h := start(t, setup{config: func(c *discord.Config) { c.PublicKey = hex.EncodeToString(pub) }})
	srv := httptest.NewServer(h.a.HTTPHandler())
	t.Cleanup(srv.Close)
	post := func(body []byte, sig, ts string) (int, map[string]any) {
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		check(t, err)
		req.Header.Set("X-Signature-Ed25519", sig)
		req.Header.Set("X-Signature-Timestamp", ts)
		resp, err := http.DefaultClient.Do(req)
		check(t, err)
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		return resp.StatusCode, m
	}
	ts := strconv.FormatInt(h.clock.Now().Unix(), 10)

	ping := []byte(`{"id":"1","application_id":"` + h.fake.AppID() + `","type":1,"token":"t","version":1}`)
	if code, m := post(ping, sign(priv, ts, ping), ts); code != 200 || m["type"] != float64(1) {
		t.Errorf("ping: %d %v", code, m)
	}
	in, body := h.fake.PrepareSlash(member(alice, fakediscord.PermManageGuild), "hearth", fakediscord.SubCommand("report", fakediscord.String("period", "7d")))
	code, m := post(body, sign(priv, ts, body), ts)
	data, _ := m["data"].(map[string]any)
	if code != 200 || m["type"] != float64(4) || data["content"] != "ran report 7d" || flagsOf(data)&64 == 0 {
		t.Errorf("command over HTTP: %d %v", code, m)
	}
	if cmds := h.rec.Commands(); len(cmds) != 1 || !cmds[0].Admin || cmds[0].Member != aliceID || !cmds[0].At.Equal(in.At.Truncate(time.Millisecond)) {
		t.Errorf("commands %+v", cmds)
	}

	_, other, _ := ed25519.GenerateKey(rand.Reader)
	forged := []struct {
		name      string
		body      []byte
		sig, ts   string
		wantCalls int
	}{
		{"signed by another key", body, sign(other, ts, body), ts, 1},
		{"body changed", append(bytes.Clone(body[:len(body)-1]), ' ', '}'), sign(priv, ts, body), ts, 1},
		{"timestamp changed", body, sign(priv, ts, body), ts + "1", 1},
		{"no signature", ping, "", ts, 1},
		{"not hex", ping, "zz", ts, 1},
	}
	for _, c := range forged {
		if code, _ := post(c.body, c.sig, c.ts); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", c.name, code)
		}
	}
	if n := len(h.rec.Commands()); n != 1 {
		t.Errorf("%d commands handled; forged requests must not reach the core", n)
	}
}

func TestHTTPInteractionsWithoutKeyRefused(t *testing.T) {
	a, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: "x", Handler: newRecorder()})
	check(t, err)
	rr := httptest.NewRecorder()
	a.HTTPHandler().ServeHTTP(rr, httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(`{"type":1}`)))
	if rr.Code != http.StatusUnauthorized {
		t.Errorf("%d, want 401", rr.Code)
	}
	if _, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: "x", Handler: newRecorder(), PublicKey: "nothex"}); err == nil || !strings.Contains(err.Error(), "DISCORD_PUBLIC_KEY") {
		t.Errorf("bad key: %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := discord.New(discord.Config{Commands: features.Commands(), Handler: newRecorder()}); err == nil || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
		t.Errorf("no token: %v", err)
	}
	if _, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: "x"}); err == nil {
		t.Error("no handler accepted")
	}
	if _, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: "x", Handler: newRecorder(), APIURL: "ftp://nope"}); err == nil || !strings.Contains(err.Error(), "DISCORD_API_URL") {
		t.Errorf("bad API URL: %v", err)
	}
	var _ bot.Handler = newRecorder()
}

// Over HTTP, a slow command is deferred in the HTTP response, then the
// response is edited through the interaction's webhook.
func TestHTTPInteractionsDeferred(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	check(t, err)
	release := make(chan struct{})
	h := start(t, setup{config: func(c *discord.Config) {
		c.PublicKey = hex.EncodeToString(pub)
		c.DeferAfter = time.Millisecond
	}})
	h.rec.command = func(ctx context.Context, _ bot.Command) bot.Reply {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return bot.Reply{Post: bot.Post{Text: "slow report", Image: &bot.File{Name: "chart.png", ContentType: "image/png", Data: []byte("png")}}, Private: true}
	}
	srv := httptest.NewServer(h.a.HTTPHandler())
	t.Cleanup(srv.Close)
	in, body := h.fake.PrepareSlash(member(alice, fakediscord.PermManageGuild), "hearth", fakediscord.SubCommand("report"))
	ts := strconv.FormatInt(h.clock.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	check(t, err)
	req.Header.Set("X-Signature-Ed25519", sign(priv, ts, body))
	req.Header.Set("X-Signature-Timestamp", ts)
	resp, err := http.DefaultClient.Do(req)
	check(t, err)
	var m map[string]any
	check(t, json.NewDecoder(resp.Body).Decode(&m))
	resp.Body.Close()
	data, _ := m["data"].(map[string]any)
	if m["type"] != float64(5) || flagsOf(data)&64 == 0 {
		t.Fatalf("HTTP response %v; want a deferred ephemeral response", m)
	}
	h.fake.Acknowledge(in.ID)
	close(release)
	waitFake(t, h.fake, "the edit", func() bool { return len(h.fake.Callbacks(in.ID)) > 0 })
	cb := h.fake.Callbacks(in.ID)[0]
	if cb.Kind != "edit" || decode(t, cb.Data)["content"] != "slow report" || len(cb.Files) != 1 || cb.Files[0].Name != "chart.png" {
		t.Errorf("edit %+v", cb)
	}
}

// A token reset while connected: Discord closes with 4004 and the resume is
// refused too; Run stops instead of reconnecting in a loop.
func TestTokenRevokedWhileConnectedFailsFast(t *testing.T) {
	t.Parallel()
	fake := fakediscord.New(fakediscord.Options{Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(fake.Close)
	a, err := discord.New(discord.Config{Commands: features.Commands(), BotToken: fake.Token(), APIURL: fake.URL(), Handler: newRecorder(), Log: testLogger(t), ReconnectBackoff: time.Millisecond})
	check(t, err)
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { done <- a.Run(ctx) }()
	waitFake(t, fake, "the session and /hearth", func() bool { return fake.Connected() && fake.Commands("") != nil })
	fake.RevokeToken()
	check(t, fake.CloseConnection(fakediscord.CloseAuthenticationFailed, "Authentication failed."))
	select {
	case err := <-done:
		if !errors.Is(err, discord.ErrBadToken) {
			t.Errorf("Run: %v; want ErrBadToken", err)
		}
	case <-time.After(guard):
		t.Fatal("Run kept reconnecting with a revoked token")
	}
	if n := len(fake.Resumes()); n != 1 {
		t.Errorf("%d RESUMEs, want 1", n)
	}
}

// Heartbeats go out at the interval HELLO gives and every one is ACKed, so
// the connection stays up.
func TestHeartbeatsAcked(t *testing.T) {
	t.Parallel()
	h := start(t, setup{fake: fakediscord.Options{HeartbeatInterval: 200 * time.Millisecond}})
	waitFake(t, h.fake, "three heartbeats", func() bool { return h.fake.Heartbeats() >= 3 })
	if c, r := h.fake.Connections(), len(h.fake.Resumes()); c != 1 || r != 0 {
		t.Errorf("%d connections, %d resumes; want one connection kept up", c, r)
	}
}
