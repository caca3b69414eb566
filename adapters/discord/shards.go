package discord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Sharding and shard ownership.
//
// Discord spreads a bot's guilds over shards: shard K of N carries the
// events of the guilds whose (id >> 22) % N is K, and shard 0 the DMs. One
// gateway session per shard: two would each get every event of the shard.
// Several instances sharing one database elect each shard's owner with a
// lease in the database ("discord-shard-K/N"): an owner loop per shard
// tries for the lease every LeaseTTL/3, opens the shard's session while it
// holds it, renews it every LeaseTTL/3, and closes the session as soon as a
// renewal fails, finds the lease taken, or has not answered before the
// lease could expire, so two sessions of a shard never overlap (given
// clocks that agree to well within LeaseTTL). An instance that dies stops
// renewing; another takes its shards over once their leases expire (about
// LeaseTTL); one that shuts down releases them for a takeover at once.

// DefaultLeaseTTL is how long a shard's lease lasts unless renewed: long
// enough that one renewal may fail (a database busy for its five-second
// timeout, a failover) and the next still come in time, short enough that
// a dead owner's shard is taken over within about 40 s.
const DefaultLeaseTTL = 30 * time.Second

// Leases is what shard ownership needs from the database the instances
// share (the SQLite and PostgreSQL stores, the memstore).
type Leases interface {
	// AcquireLease takes the lease name for holder until now+ttl, or
	// extends it when holder has it already, and reports whether holder
	// has it now.
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	// ReleaseLease gives up holder's lease name.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// ShardOf is the shard of count that carries guildID's events, by
// Discord's formula (guild_id >> 22) % count; 0 for a DM ("") or an id that
// is not a snowflake.
func ShardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count < 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// shard is one shard's state in this process.
type shard struct {
	id, count int
	owned     atomic.Bool // this instance holds the shard (its lease)
	tried     atomic.Bool // the owner loop has tried for it once
	connected atomic.Bool // its session is between READY (or RESUMED) and a disconnect
	sessionID atomic.Pointer[string]

	mu      sync.Mutex
	session *discordgo.Session // while owned; a new one for every ownership
}

func (sh *shard) name() string { return fmt.Sprintf("%d/%d", sh.id, sh.count) }

// leaseName is the shard's lease: the count is part of it, so instances
// that disagree on the count hold different leases (and Discord would
// deliver to both: DISCORD_SHARDS must match on every instance).
func (sh *shard) leaseName() string { return fmt.Sprintf("discord-shard-%d/%d", sh.id, sh.count) }

func (sh *shard) gateway() *discordgo.Session {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.session
}

func (sh *shard) setGateway(s *discordgo.Session) {
	sh.mu.Lock()
	sh.session = s
	sh.mu.Unlock()
}

// OwnedShards lists the shards whose gateway session this instance keeps
// (owns), in order.
func (a *Adapter) OwnedShards() []int {
	var ids []int
	if p := a.shards.Load(); p != nil {
		for _, sh := range *p {
			if sh.owned.Load() {
				ids = append(ids, sh.id)
			}
		}
	}
	return ids
}

// shardCount is Config.Shards, or Discord's recommended count, asked until
// Discord answers: instances must agree on the count, so it is never
// guessed (but for a refused token, which no count makes work). ctx ending
// returns 0.
func (a *Adapter) shardCount(ctx context.Context) int {
	if a.cfg.Shards > 0 {
		return a.cfg.Shards
	}
	wait := a.cfg.ReconnectBackoff
	for {
		gb, err := a.s.GatewayBot(discordgo.WithContext(ctx))
		if err == nil {
			n := max(1, gb.Shards)
			a.log.Info("Discord recommends shards", "shards", n)
			if a.cfg.Leases != nil {
				a.log.Warn("several instances should set DISCORD_SHARDS to the same count: one asking Discord later may be told another", "shards", n)
			}
			return n
		}
		if errors.Is(fatalError(err), ErrBadToken) {
			// The gateway gives the verdict (close 4004), as without
			// sharding: no session opens with this token, whatever the count.
			return 1
		}
		if ctx.Err() != nil {
			return 0
		}
		a.log.Warn("asking Discord for the shard count failed; retrying", "err", err, "retry_in", wait)
		if !waitReal(ctx, wait) {
			return 0
		}
		wait = min(wait*2, 2*time.Minute)
	}
}

// runShards runs an owner loop per shard until ctx is done or one fails
// for good, which stops the others.
func (a *Adapter) runShards(ctx context.Context, count int) error {
	shards := make([]*shard, count)
	for k := range shards {
		shards[k] = &shard{id: k, count: count}
	}
	a.shards.Store(&shards)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for _, sh := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.ownShard(ctx, sh); err != nil {
				once.Do(func() { firstErr = err })
				cancel()
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// ownShard tries for the shard until ctx is done, keeping its session while
// it holds it. It returns an error only when Discord refuses for good.
func (a *Adapter) ownShard(ctx context.Context, sh *shard) error {
	every := a.cfg.LeaseTTL / 3
	for {
		at := a.cfg.LeaseClock.Now()
		term, endTerm, ok, err := a.tryLease(ctx, sh, nil)
		if err != nil && ctx.Err() == nil {
			a.log.Warn("trying for a shard's lease failed; trying again", "shard", sh.name(), "err", err, "retry_in", every)
		}
		sh.owned.Store(ok)
		sh.tried.Store(true)
		if ok {
			err := a.holdShard(ctx, sh, at, term, endTerm)
			sh.owned.Store(false)
			if err != nil {
				return err
			}
		}
		// Attempts keep their cadence from when each began, however long
		// it or the session took.
		if ctx.Err() != nil || a.cfg.LeaseWait(ctx, a.untilNext(at)) != nil {
			return nil
		}
	}
}

// untilNext is how long to wait for the lease attempt after the one begun
// at: LeaseTTL/3 from then, none if that has passed.
func (a *Adapter) untilNext(at time.Time) time.Duration {
	return max(0, a.cfg.LeaseTTL/3-a.cfg.LeaseClock.Now().Sub(at))
}

// leaseMargin is how long before a lease may expire its session is closed
// at the latest: discordgo takes a second to close a connection.
func (a *Adapter) leaseMargin() time.Duration { return a.cfg.LeaseTTL / 6 }

// tryLease takes or renews the shard's lease (without Leases every shard is
// this instance's). When it has it, term is done once the lease can no
// longer be counted on: LeaseTTL less leaseMargin after the attempt began,
// in real time, for the attempt itself may be slow. A renewal passes the
// current term as by, and fails if it ends first; a first attempt is
// bounded by LeaseTTL/3.
func (a *Adapter) tryLease(ctx context.Context, sh *shard, by context.Context) (term context.Context, endTerm context.CancelFunc, ok bool, err error) {
	term, endTerm = context.WithTimeout(context.WithoutCancel(ctx), a.cfg.LeaseTTL-a.leaseMargin())
	if a.cfg.Leases == nil {
		return term, endTerm, true, nil
	}
	var call context.Context
	var endCall context.CancelFunc
	if by == nil {
		call, endCall = context.WithTimeout(ctx, a.cfg.LeaseTTL/3)
	} else {
		call, endCall = context.WithCancel(ctx)
		defer context.AfterFunc(by, endCall)()
	}
	defer endCall()
	ok, err = a.cfg.Leases.AcquireLease(call, sh.leaseName(), a.cfg.Holder, a.cfg.LeaseClock.Now(), a.cfg.LeaseTTL)
	if err != nil || !ok {
		endTerm()
		return nil, nil, false, err
	}
	return term, endTerm, true, nil
}

// holdShard keeps the shard's session open while the lease is renewed,
// every LeaseTTL/3; it closes it as soon as a renewal fails, finds the
// lease taken, or cannot finish within the lease's term, and releases the
// lease when done (ctx ending), so another instance may take the shard at
// once.
func (a *Adapter) holdShard(ctx context.Context, sh *shard, renewed time.Time, term context.Context, endTerm context.CancelFunc) error {
	defer func() { endTerm() }()
	a.log.Info("owning shard", "shard", sh.name(), "holder", a.cfg.Holder)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	ended := make(chan error, 1)
	go func() {
		err := a.runSession(sctx, sh)
		stop() // ends the renewal wait below
		ended <- err
	}()
	if a.cfg.Leases == nil {
		<-sctx.Done()
	}
	last := renewed // when the latest attempt began
	for a.cfg.Leases != nil {
		wait, endWait := context.WithCancel(sctx)
		stopWait := context.AfterFunc(term, endWait)
		werr := a.cfg.LeaseWait(wait, a.untilNext(last))
		stopWait()
		endWait()
		if sctx.Err() != nil {
			break // shutting down, or the session ended
		}
		if werr != nil {
			a.log.Warn("a shard's lease ran out before its renewal; closing its session", "shard", sh.name())
			break
		}
		at := a.cfg.LeaseClock.Now()
		last = at
		next, endNext, ok, err := a.tryLease(sctx, sh, term)
		if sctx.Err() != nil {
			break
		}
		if err == nil && !ok {
			a.log.Warn("lost a shard's lease; closing its session", "shard", sh.name())
			break
		}
		if err != nil {
			// The lease is still ours until renewed+LeaseTTL: a database
			// that fails for a moment (busy, failing over) does not cost
			// the shard while another attempt can still come before the
			// margin.
			if left := renewed.Add(a.cfg.LeaseTTL - a.leaseMargin()).Sub(a.cfg.LeaseClock.Now()); left > a.cfg.LeaseTTL/3 {
				a.log.Warn("renewing a shard's lease failed; keeping its session and trying again", "shard", sh.name(), "err", err, "retry_in", a.cfg.LeaseTTL/3)
				continue
			}
			a.log.Warn("could not renew a shard's lease in time; closing its session", "shard", sh.name(), "err", err)
			break
		}
		renewed = at
		endTerm()
		term, endTerm = next, endNext
	}
	stop()
	err := <-ended
	if a.cfg.Leases != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if rerr := a.cfg.Leases.ReleaseLease(rctx, sh.leaseName(), a.cfg.Holder); rerr != nil {
			a.log.Warn("releasing a shard's lease failed; it expires by itself", "shard", sh.name(), "err", rerr)
		}
		cancel()
	}
	a.log.Info("no longer owning shard", "shard", sh.name())
	return err
}

// runSession opens a new gateway session for the shard and keeps it open,
// reconnecting (resuming) after a drop, until ctx is done; then it closes
// it. It registers /hearth once the session is up.
func (a *Adapter) runSession(ctx context.Context, sh *shard) error {
	s := a.newSession(a.s.Client)
	s.ShardID, s.ShardCount = sh.id, sh.count
	disconnected := make(chan struct{}, 1)
	var closing atomic.Bool
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) { a.onGatewayEvent(sh, e) })
	s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
		sh.connected.Store(false)
		select {
		case disconnected <- struct{}{}:
		default:
		}
	})
	sh.setGateway(s)
	defer sh.setGateway(nil)
	defer sh.connected.Store(false)

	if err := a.connect(ctx, s); err != nil {
		return err
	}
	defer func() {
		closing.Store(true)
		if err := s.Close(); err != nil {
			a.log.Warn("closing the gateway", "shard", sh.name(), "err", err)
		}
		a.log.Info("disconnected from Discord", "shard", sh.name())
	}()
	if ctx.Err() != nil {
		return nil
	}
	if err := a.registerOnce(ctx); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-disconnected:
			if ctx.Err() != nil || closing.Load() {
				return nil
			}
			a.log.Info("gateway disconnected; reconnecting", "shard", sh.name())
			if err := a.connect(ctx, s); err != nil {
				return err
			}
		}
	}
}

// errShardNotHere is why a gateway request for a guild cannot be sent:
// another instance owns its shard, or its session is down.
var errShardNotHere = errors.New("the guild's shard has no session in this instance")

// requestGuildMembers asks the gateway session of guildID's shard for the
// guild's member list.
func (a *Adapter) requestGuildMembers(guildID, nonce string) error {
	p := a.shards.Load()
	if p == nil {
		return errShardNotHere
	}
	s := (*p)[ShardOf(guildID, len(*p))].gateway()
	if s == nil {
		return errShardNotHere
	}
	return s.RequestGuildMembers(guildID, "", 0, nonce, false)
}
