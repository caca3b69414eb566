package store

// cache remembers the rows the writer has seen, so recording an event about
// a known member in a known channel writes only the event. Only the writer's
// goroutine uses it. Row ids never change, but names and first-seen times do:
// an entry is trusted only to say what the row held when the writer last
// wrote it, so every change goes to the database. Rows are deleted only by
// ForgetMember, which drops the member's entry. The writer resets the cache
// whenever a transaction or a job rolls back, since the entries may then name
// rows that no longer exist.
//
// On SQLite the writer is the database's only writer, so the cache stays
// true between transactions. On PostgreSQL other instances write too (a
// member renamed, forgotten, made a bot), so the writer forgets members and
// channels at the start of every transaction (resetShared): an entry then
// only repeats what this transaction read or wrote itself, within one
// serializable snapshot, and a batch retried after a conflict starts again
// from the database. Community ids stay: a community row is never deleted
// and nothing but its first sync time ever changes, so its id is true in
// every process; and keeping it spares every batch an upsert of the one row
// all instances' batches share, which would make them conflict.
type cache struct {
	communities map[string]int64
	members     map[extKey]memberEntry
	channels    map[extKey]channelEntry
}

type extKey struct {
	community int64
	ext       string
}

type memberEntry struct {
	id        int64
	name      string
	firstSeen int64
	isBot     bool // channel_days leave bots out
}

type channelEntry struct {
	id   int64
	name string
}

// cacheLimit bounds the entries kept; past it the cache starts over.
const cacheLimit = 1 << 20

func newCache() *cache {
	c := &cache{}
	c.reset()
	return c
}

func (c *cache) reset() {
	c.communities = map[string]int64{}
	c.members = map[extKey]memberEntry{}
	c.channels = map[extKey]channelEntry{}
}

// resetShared forgets the entries that another process may make untrue.
func (c *cache) resetShared() {
	c.members = map[extKey]memberEntry{}
	c.channels = map[extKey]channelEntry{}
}

func (c *cache) full() bool {
	return len(c.members)+len(c.channels)+len(c.communities) >= cacheLimit
}
