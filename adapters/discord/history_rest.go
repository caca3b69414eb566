package discord

// What the Discord adapter reads over REST for history: paced by Discord's
// buckets, with the waits taken on the adapter's clock.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// historyGet GETs uri in discordgo's bucket and decodes the answer into
// out. discordgo's bucket paces the request, but its waits are on the wall
// clock; the waits Discord asks for are taken here instead, through
// Config.Sleep: when the answer says the bucket is spent, its
// X-RateLimit-Reset-After, and after a 429 its retry_after (then the
// request goes again, at most MaxRetries times in a row, as after a 5xx or
// a network failure). Once waited, the bucket is marked open again so
// discordgo does not wait the same reset a second time.
func (a *Adapter) historyGet(ctx context.Context, uri, bucket string, out any) error {
	backoff := 250 * time.Millisecond
	for attempt := 0; ; attempt++ {
		tap := &headerTap{}
		client := *a.s.Client
		tap.base = client.Transport
		if tap.base == nil {
			tap.base = http.DefaultTransport
		}
		client.Transport = tap
		body, err := a.s.RequestWithBucketID(http.MethodGet, uri, nil, bucket, discordgo.WithContext(ctx), discordgo.WithClient(&client))
		if err == nil {
			if wait := spentFor(tap.header); wait > 0 {
				if err := a.historyWait(ctx, bucket, wait); err != nil {
					return err
				}
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("discord: decoding %s: %w", bucket, err)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var wait time.Duration
		var rl *discordgo.RateLimitError
		var re *discordgo.RESTError
		switch {
		case errors.As(err, &rl):
			a.stats.rateLimited.Add(1)
			wait = atLeastRateLimitFloor(rl.RetryAfter)
			a.log.InfoContext(ctx, "rate limited by Discord while reading history; waiting", "bucket", bucket, "retry_after", wait)
		case errors.As(err, &re):
			if re.Response == nil || re.Response.StatusCode < 500 {
				return err
			}
			wait, backoff = backoff, min(backoff*2, 10*time.Second)
		case errors.Is(err, discordgo.ErrJSONUnmarshal):
			return err
		default:
			wait, backoff = backoff, min(backoff*2, 10*time.Second)
		}
		if attempt >= a.cfg.MaxRetries {
			return err
		}
		a.stats.retried.Add(1)
		if err := a.historyWait(ctx, bucket, wait); err != nil {
			return err
		}
	}
}

// historyWait waits d through Config.Sleep, then opens discordgo's bucket.
func (a *Adapter) historyWait(ctx context.Context, bucket string, d time.Duration) error {
	if err := a.cfg.Sleep(ctx, d); err != nil {
		return err
	}
	b := a.s.Ratelimiter.GetBucket(bucket)
	b.Lock()
	if b.Remaining < 1 {
		b.Remaining = 1
	}
	b.Unlock()
	return nil
}

// rateLimitFloor is the least a wait for a spent bucket or a 429 lasts.
// Discord gives its times in milliseconds, rounded, and discordgo keeps
// whole milliseconds of retry_after: a wait taken exactly as given can end
// just before the window does, and the next request's 429 then says
// "retry after 0s", which would spend every retry at once.
const rateLimitFloor = 50 * time.Millisecond

func atLeastRateLimitFloor(d time.Duration) time.Duration { return max(d, rateLimitFloor) }

// spentFor is how long until the bucket an answer's headers describe
// resets, when it has no request left (never less than rateLimitFloor); 0
// when it has.
func spentFor(h http.Header) time.Duration {
	if h == nil || h.Get("X-RateLimit-Remaining") != "0" {
		return 0
	}
	secs, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if err != nil || secs < 0 || secs > 24*60*60 {
		secs = 0
	}
	return atLeastRateLimitFloor(time.Duration(math.Ceil(secs * float64(time.Second))))
}

// headerTap keeps the headers of the answer to the one request it carries.
type headerTap struct {
	base   http.RoundTripper
	header http.Header
}

func (t *headerTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		t.header = resp.Header.Clone()
	}
	return resp, err
}
