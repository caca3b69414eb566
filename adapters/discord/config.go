package discord

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Config configures the adapter. BotToken and Handler are required.
type Config struct {
	// BotToken is the bot's token (DISCORD_BOT_TOKEN), with or without "Bot ".
	BotToken string
	// GuildID (DISCORD_GUILD_ID) registers /hearth in that guild, which is
	// instant, instead of globally. It is also the community DMs belong to;
	// without it, DMs belong to the first guild the bot is in.
	GuildID string
	// APIURL (DISCORD_API_URL) replaces Discord's REST base
	// (https://discord.com/api/v9/) for this adapter's session only; the
	// gateway URL then comes from that server's /gateway.
	APIURL string
	// MembersIntent (DISCORD_MEMBERS_INTENT=1) asks for the privileged
	// GUILD_MEMBERS intent: joins and leaves arrive as events and the member
	// list is synced at start, so members who never post count as observers.
	// Without it, members are known from their activity.
	MembersIntent bool
	// PublicKey (DISCORD_PUBLIC_KEY) is the application's hex Ed25519 public
	// key; HTTPHandler refuses every request without it.
	PublicKey string

	Handler bot.Handler
	// Commands is the /hearth command table to register (bot.Bot.Commands).
	Commands []bot.CommandSpec
	// Clock dates what Discord does not (reactions, leaves, deletions,
	// directory reads) and paces the outbound queue. Default: the wall clock.
	Clock bot.Clock
	// Sleep waits d or until ctx is done; the outbound queue's pacing waits
	// through it. Tests inject one that advances a manual Clock instead of
	// sleeping. Default: a timer. (Retries after a 429 wait in real time:
	// discordgo holds the route's bucket until Discord's reset.)
	Sleep func(ctx context.Context, d time.Duration) error
	Log   *slog.Logger
	// HTTPClient's transport carries the REST calls (default: a clone of
	// http.DefaultTransport). Its Timeout applies to each call.
	HTTPClient *http.Client
	// Observer is told every REST call (by method and route, with 429s),
	// every post and the outbound queue's depth. Default: none.
	Observer bot.Observer

	// MaxRetries bounds the retries of one REST call after a 429 or a
	// transient failure (default 5).
	MaxRetries int
	// DeferAfter is how long an interaction waits for the core before it is
	// acknowledged with a deferred response (default 2 s; Discord allows 3).
	DeferAfter time.Duration
	// PostInterval is the least time between two posts anywhere (default
	// 50 ms, 20 a second, under Discord's global 50), and ChannelInterval
	// between two posts in one channel (default 250 ms). Negative: none.
	PostInterval, ChannelInterval time.Duration
	// ReconnectBackoff is the first wait after a failed (re)connection; it
	// doubles up to two minutes (default 1 s).
	ReconnectBackoff time.Duration
	// UnreachableFor is how long a member whose DMs are closed is not tried
	// again (default 24 h).
	UnreachableFor time.Duration

	// Shards (DISCORD_SHARDS) is how many gateway shards the bot's guilds
	// are spread over; 0 asks Discord for its recommendation (GET
	// /gateway/bot). Instances sharing Leases must agree on it.
	Shards int
	// Leases, when set, makes this adapter one of several instances: it
	// opens a shard's gateway session only while it holds the shard's lease
	// ("discord-shard-K/N"), as Holder. Nil: it opens every shard.
	Leases Leases
	// Holder names this process in Leases (e.g. hostname-pid-random);
	// required with Leases.
	Holder string
	// LeaseTTL is how long a lease lasts unless renewed (default 15 s): an
	// instance that dies leaves its shards to another within about that.
	// Holders renew at a third of it and try for a free lease as often.
	LeaseTTL time.Duration
	// LeaseWait waits d or until ctx is done (then it returns an error)
	// between lease attempts and renewals, by LeaseClock's time. Tests
	// inject one that a manual clock ends. Default: a timer.
	LeaseWait func(ctx context.Context, d time.Duration) error
	// LeaseClock is the time leases are reckoned by. Default: Clock. A
	// lease is about whether a process is alive, so a test whose Clock
	// jumps hours (a simulated week) gives the leases the real clock,
	// with LeaseWait nil.
	LeaseClock bot.Clock
}
