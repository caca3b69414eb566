package store

import (
	"context"
	"runtime"
	"sync"
)

// group runs a report's independent queries at once, each on a read
// connection of its own, and waits for all of them: SQLite runs them in
// parallel, which is how a report uses more than one core. The first error
// cancels the others' context. The function that creates a group owns its
// goroutines and must call wait before it returns.
type group struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	slots  chan struct{} // at most one query per core runs at a time
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}, ctx
}

// do runs f in a goroutine of its own once a core is free: more queries at
// once than cores only makes them take turns.
func (g *group) do(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.slots <- struct{}{}
		defer func() { <-g.slots }()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

// wait returns the first error once every function has returned.
func (g *group) wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
