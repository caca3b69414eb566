package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("store: database closed")

// A job is one caller's write. It runs inside the writer's transaction,
// which it shares with other callers' jobs, and returns what the caller gets
// back (Record's count). A job that fails is run again alone, so it must be
// safe to run twice: jobs are idempotent, as every write here is.
type job func(ctx context.Context, tx *txConn, s *txState) (int, error)

type request struct {
	run  job
	size int         // events it writes, to bound a transaction
	done chan result // buffered: the writer never waits for a caller
}

type result struct {
	n   int
	err error
}

// Limits of one group commit: enough to amortise the commit, small enough
// that no caller waits long behind a giant transaction.
const (
	queueLen    = 1024
	maxJobs     = 512
	maxTxEvents = 20_000
)

// writer owns the database's only write connection. Callers queue jobs;
// the writer's goroutine takes whatever is queued, runs it all in one
// transaction, commits once, and answers every caller: group commit. It
// exits when stop closes the queue, after running what was queued.
type writer struct {
	db    *pool
	queue chan request
	stmts *statements
	cache *cache

	mu      sync.RWMutex // guards closed against sends on a closed queue
	closed  bool
	stopped chan struct{}
}

// startWriter prepares the writer's statements and starts its goroutine.
func startWriter(ctx context.Context, db *pool) (*writer, error) {
	stmts, err := prepareStatements(ctx, db)
	if err != nil {
		return nil, err
	}
	w := &writer{
		db:      db,
		queue:   make(chan request, queueLen),
		stmts:   stmts,
		cache:   newCache(),
		stopped: make(chan struct{}),
	}
	go w.loop()
	return w, nil
}

// do queues run and waits for its result. It gives up waiting to queue when
// ctx is done; once queued, the job runs even if ctx ends (writes are
// idempotent, so a caller that gave up may retry), but do returns ctx's
// error without waiting for it.
func (w *writer) do(ctx context.Context, size int, run job) (int, error) {
	req := request{run: run, size: size, done: make(chan result, 1)}
	if err := w.enqueue(ctx, req); err != nil {
		return 0, err
	}
	select {
	case r := <-req.done:
		return r.n, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (w *writer) enqueue(ctx context.Context, req request) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrClosed
	}
	select {
	case w.queue <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop lets the writer finish what is queued, then waits for it to exit.
func (w *writer) stop() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue) // no sender holds the read lock now
	}
	w.mu.Unlock()
	<-w.stopped
	w.stmts.close()
}

func (w *writer) loop() {
	defer close(w.stopped)
	for first := range w.queue {
		batch, size := []request{first}, first.size
	drain:
		for len(batch) < maxJobs && size < maxTxEvents {
			select {
			case r, ok := <-w.queue:
				if !ok {
					break drain
				}
				batch = append(batch, r)
				size += r.size
			default:
				break drain
			}
		}
		w.commit(batch)
	}
}

// commit runs batch in one transaction and answers every caller. Jobs
// share the transaction without savepoints, which would cost two statements
// each: if one fails, the transaction is rolled back and each job runs again
// in a transaction of its own, so only the failing one fails.
func (w *writer) commit(batch []request) {
	results, jobFailed := w.runTxRetrying(batch)
	if jobFailed && len(batch) > 1 {
		for i := range batch {
			r, _ := w.runTxRetrying(batch[i : i+1])
			results[i] = r[0]
		}
	}
	for i, r := range batch {
		r.done <- results[i]
	}
}

// Retries of a batch that conflicted with another instance's writes
// (PostgreSQL), and the backoff between them: from retryPause doubling up
// to 64 times it.
const (
	maxTxRetries = 12
	retryPause   = 2 * time.Millisecond
)

// runTxRetrying is runTx, run again while PostgreSQL rolled the transaction
// back as a serialization failure or deadlock: the jobs are idempotent, and
// the new transaction sees the other's writes. The wall clock is fine here:
// it waits on other processes, not on a domain time.
func (w *writer) runTxRetrying(jobs []request) ([]result, bool) {
	pause := retryPause
	for attempt := 0; ; attempt++ {
		results, jobFailed := w.runTx(jobs)
		if attempt == maxTxRetries || !slices.ContainsFunc(results, func(r result) bool { return isPostgresRetry(r.err) }) {
			return results, jobFailed
		}
		// Jittered, so that two instances that conflicted do not meet again.
		time.Sleep(pause + time.Duration(rand.Int64N(int64(pause))))
		pause = min(2*pause, 64*retryPause)
	}
}

// runTx runs jobs in one transaction and commits it. If a job fails it rolls
// back, sets that job's error, and reports jobFailed (the others' results
// then mean nothing); if the database fails, every job gets its error.
func (w *writer) runTx(jobs []request) (results []result, jobFailed bool) {
	// The writer's own context: jobs share the transaction, so no one
	// caller's cancellation may cut it short.
	ctx := context.Background()
	results = make([]result, len(jobs))
	failAll := func(err error) ([]result, bool) {
		for i := range results {
			results[i] = result{err: err}
		}
		return results, false
	}
	if w.db.d == postgresDialect {
		// Other instances write the same database: see cache.
		w.cache.resetShared()
	}
	tx, err := w.db.BeginTx(ctx, writeTxOptions(w.db.d))
	if err != nil {
		return failAll(fmt.Errorf("begin write: %w", err))
	}
	s := newTxState(tx, w.stmts, w.cache)
	defer s.close()
	rollback := func() {
		tx.Rollback()
		w.cache.reset() // it may name rows the rollback removed
	}
	for i, r := range jobs {
		n, err := r.run(ctx, tx, s)
		if err != nil {
			rollback()
			results[i] = result{err: err}
			return results, true
		}
		results[i] = result{n: n}
	}
	if err := s.flush(ctx); err != nil {
		rollback()
		return failAll(err)
	}
	if err := tx.Commit(); err != nil {
		w.cache.reset()
		return failAll(fmt.Errorf("commit: %w", err))
	}
	return results, false
}
