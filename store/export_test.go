package store

// SetPruneBatch sets how many events one PruneEvents transaction deletes,
// and returns what puts it back. Tests that call it must not run in
// parallel with others that prune.
func SetPruneBatch(n int) (restore func()) {
	old := pruneBatch
	pruneBatch = n
	return func() { pruneBatch = old }
}
