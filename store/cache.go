package store

// cache remembers the rows the writer has seen, so recording an event about
// a known member in a known channel writes only the event. Only the writer's
// goroutine uses it. Row ids never change, but names and first-seen times do:
// an entry is trusted only to say what the row held when the writer last
// wrote it, so every change goes to the database. Rows are deleted only by
// ForgetMember, which drops the member's entry. The writer resets the cache
// whenever a transaction or a job rolls back, since the entries may then name
// rows that no longer exist.
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

func (c *cache) full() bool {
	return len(c.members)+len(c.channels)+len(c.communities) >= cacheLimit
}
