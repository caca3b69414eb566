package slack

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/bot"
)

// errStopped is returned for posts still queued when the adapter stops.
var errStopped = errors.New("slack: adapter stopped before the post was sent")

// QueueStats describes the outbound queue, for progress reports on bulk
// fan-out ("sent 120/400").
type QueueStats struct {
	Pending int   // queued or being sent
	Sent    int64 // delivered since start
	Failed  int64 // refused by Slack or abandoned by the caller
	// Waiting is true while the queue obeys a 429 Retry-After.
	Waiting bool
}

// outJob is one queued post. run is resumable: after a 429 it is called
// again and skips the steps that already succeeded, so nothing is posted twice.
type outJob struct {
	seq  uint64
	lane string
	ctx  context.Context
	run  func(ctx context.Context) (bot.PostRef, error)
	done chan outResult
}

type outResult struct {
	ref bot.PostRef
	err error
}

// outbox paces posts: at most one per interval in each lane (a channel or a
// member's DM), everything paused while Slack's Retry-After runs, posts in
// one lane in order. A single owner goroutine (run) sends. Its maps hold
// this process's queue and pace, no data: several instances posting to one
// channel may together go faster than Slack allows, and then Slack's 429
// and Retry-After (which every instance honours) slow them down.
type outbox struct {
	clock    bot.Clock
	sleep    func(ctx context.Context, d time.Duration) error
	interval time.Duration
	log      *slog.Logger
	wake     chan struct{}
	// depth, when set, is told the number of pending posts whenever it
	// changes, under mu so that the reports keep their order: it must be
	// quick and must not call back.
	depth func(pending int)

	mu           sync.Mutex
	lanes        map[string][]*outJob
	nextAt       map[string]time.Time
	blockedUntil time.Time
	seq          uint64
	pending      int
	sent, failed int64
	closed       bool
}

func newOutbox(clock bot.Clock, sleep func(context.Context, time.Duration) error, interval time.Duration, log *slog.Logger) *outbox {
	return &outbox{
		clock: clock, sleep: sleep, interval: interval, log: log,
		wake:   make(chan struct{}, 1),
		lanes:  map[string][]*outJob{},
		nextAt: map[string]time.Time{},
	}
}

// submit queues fn in lane and waits for its result (or ctx).
func (o *outbox) submit(ctx context.Context, lane string, fn func(context.Context) (bot.PostRef, error)) (bot.PostRef, error) {
	j := &outJob{lane: lane, ctx: ctx, run: fn, done: make(chan outResult, 1)}
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return bot.PostRef{}, errStopped
	}
	o.seq++
	j.seq = o.seq
	o.lanes[lane] = append(o.lanes[lane], j)
	o.pending++
	o.reportLocked()
	o.mu.Unlock()
	o.poke()
	select {
	case r := <-j.done:
		return r.ref, r.err
	case <-ctx.Done():
		return bot.PostRef{}, ctx.Err()
	}
}

// reportLocked tells depth the pending count. o.mu is held.
func (o *outbox) reportLocked() {
	if o.depth != nil {
		o.depth(o.pending)
	}
}

func (o *outbox) poke() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Stats returns the queue's counters.
func (o *outbox) stats() QueueStats {
	o.mu.Lock()
	defer o.mu.Unlock()
	return QueueStats{Pending: o.pending, Sent: o.sent, Failed: o.failed, Waiting: o.blockedUntil.After(o.clock.Now())}
}

// next returns the job to send next and when it may go: the lane heads are
// candidates; the earliest ready wins, the oldest among equals.
func (o *outbox) next(now time.Time) (*outJob, time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var best *outJob
	var bestAt time.Time
	for lane, jobs := range o.lanes {
		if len(jobs) == 0 {
			delete(o.lanes, lane)
			continue
		}
		at := o.nextAt[lane]
		if o.blockedUntil.After(at) {
			at = o.blockedUntil
		}
		if at.Before(now) {
			at = now
		}
		if best == nil || at.Before(bestAt) || (at.Equal(bestAt) && jobs[0].seq < best.seq) {
			best, bestAt = jobs[0], at
		}
	}
	for lane, t := range o.nextAt {
		if !t.After(now) && len(o.lanes[lane]) == 0 {
			delete(o.nextAt, lane)
		}
	}
	return best, bestAt
}

// pop removes j from the head of its lane.
func (o *outbox) pop(j *outJob) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if jobs := o.lanes[j.lane]; len(jobs) > 0 && jobs[0] == j {
		o.lanes[j.lane] = jobs[1:]
	}
}

// requeue puts j back at the head of its lane.
func (o *outbox) requeue(j *outJob) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lanes[j.lane] = append([]*outJob{j}, o.lanes[j.lane]...)
}

// finish records j's result and hands it to the caller.
func (o *outbox) finish(j *outJob, ref bot.PostRef, err error) {
	o.mu.Lock()
	o.pending--
	o.reportLocked()
	if err == nil {
		o.sent++
	} else {
		o.failed++
	}
	pending, sent := o.pending, o.sent
	o.mu.Unlock()
	j.done <- outResult{ref: ref, err: err}
	if pending > 0 && sent%25 == 0 {
		o.log.Info("outbound queue progress", "sent", sent, "pending", pending)
	}
}

// run is the owner goroutine: it sends until stop is closed, then fails
// what is left.
func (o *outbox) run(stop <-chan struct{}) {
	defer o.close()
	for {
		select {
		case <-stop:
			return
		default:
		}
		now := o.clock.Now()
		j, at := o.next(now)
		if j == nil {
			select {
			case <-o.wake:
			case <-stop:
				return
			}
			continue
		}
		if at.After(now) {
			o.wait(stop, at.Sub(now))
			continue
		}
		o.pop(j)
		if err := j.ctx.Err(); err != nil {
			o.finish(j, bot.PostRef{}, err)
			continue
		}
		ref, err := j.run(j.ctx)
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			wait := max(rl.RetryAfter, time.Second)
			o.mu.Lock()
			o.blockedUntil = o.clock.Now().Add(wait)
			o.mu.Unlock()
			o.requeue(j)
			o.log.Warn("rate limited by Slack; the post will be sent later", "retry_after", wait, "lane", j.lane)
			continue
		}
		o.mu.Lock()
		o.nextAt[j.lane] = o.clock.Now().Add(o.interval)
		o.mu.Unlock()
		o.finish(j, ref, err)
	}
}

// wait sleeps d, waking early when a post is queued or the queue stops.
func (o *outbox) wait(stop <-chan struct{}, d time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-o.wake:
			cancel()
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	_ = o.sleep(ctx, d)
}

// close fails the posts still queued.
func (o *outbox) close() {
	o.mu.Lock()
	o.closed = true
	var left []*outJob
	for lane, jobs := range o.lanes {
		left = append(left, jobs...)
		delete(o.lanes, lane)
	}
	o.mu.Unlock()
	for _, j := range left {
		o.finish(j, bot.PostRef{}, errStopped)
	}
	if len(left) > 0 {
		o.log.Warn("stopped with posts unsent", "unsent", len(left))
	}
}
