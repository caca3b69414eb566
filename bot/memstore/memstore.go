// Package memstore is an in-memory bot.Store with the same behaviour as
// the SQLite store (package store): the store suite (store/storetest) runs
// against both. It is for tests: the core's and the schedules' tests seed
// it, run the core against it, and look at what it kept; nothing is written
// anywhere.
//
// It mirrors the SQLite store's model where the difference would show:
// times are kept to the millisecond, ids are never reused, day totals are
// kept beside the events (so pruning events or forgetting a member leaves
// past reports' activity as it was), and a report reads whole UTC days from
// those totals and the partial days at its edges from the events.
package memstore

import (
	"math"
	"strings"
	"sync"
	"time"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.Store = (*Store)(nil)

// Store is an in-memory bot.Store. It is safe for concurrent use: one
// mutex guards everything, so every method is one atomic step, as a
// transaction is in the SQLite store (ClaimFiring and ClaimRecipient are
// exactly-once for that reason).
type Store struct {
	mu    sync.Mutex
	clock bot.Clock

	communities map[string]*community
	seq         int64 // orders rows as SQLite's ids do (events, members)
	ids         map[string]int64

	schedules  map[int64]*bot.Schedule
	firings    map[int64][]bot.Firing // by schedule
	runs       map[int64]*run
	nudges     map[int64]*nudge
	resources  map[int64]*resource
	stories    map[int64]*story
	events     map[int64]*cevent
	rounds     map[int64]*round
	groups     map[int64]*group
	deck       map[int64]*prompt
	posts      []*promptPost
	fault      func(method string, args []any) error
	queries    []bot.ReportQuery
	recordings []bot.Event
	lines      map[string]bool // applied lines, community + "\x00" + hash (lines.go)

	leases map[string]lease // by name (leases.go)
	hist   *historyState    // history imports and tombstones (history.go)
}

// New returns an empty store. clock gives the time seeded members are
// first seen at (AddMembers); nil stands for a fixed time, 2020-01-01 UTC.
// The store reads no clock for anything else: like the SQLite store, it
// keeps the times it is given.
func New(clock bot.Clock) *Store {
	if clock == nil {
		clock = bot.ClockFunc(func() time.Time { return time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC) })
	}
	return &Store{
		clock: clock, communities: map[string]*community{}, ids: map[string]int64{},
		schedules: map[int64]*bot.Schedule{}, firings: map[int64][]bot.Firing{}, runs: map[int64]*run{},
		nudges: map[int64]*nudge{}, resources: map[int64]*resource{}, stories: map[int64]*story{},
		events: map[int64]*cevent{}, rounds: map[int64]*round{}, groups: map[int64]*group{}, deck: map[int64]*prompt{},
	}
}

// failed returns the error injected for a call of method with args, the
// call's arguments after its context (FailWith, Inject, InjectCall), if
// any. The caller holds the mutex.
func (s *Store) failed(method string, args ...any) error {
	if s.fault != nil {
		return s.fault(method, args)
	}
	return nil
}

// nextID returns the next id of a kind of row: ids start at 1 and are
// never reused, as with SQLite's AUTOINCREMENT.
func (s *Store) nextID(kind string) int64 {
	s.ids[kind]++
	return s.ids[kind]
}

// null stands for "no time" among unix milliseconds, as NULL does in the
// SQLite store.
const null = math.MinInt64

// ms is a time as unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// opt is a time as unix milliseconds, null for the zero time.
func opt(t time.Time) int64 {
	if t.IsZero() {
		return null
	}
	return t.UnixMilli()
}

// tm is unix milliseconds as a UTC time, the zero time for null.
func tm(v int64) time.Time {
	if v == null {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// fold is how names are compared: case-insensitively.
func fold(name string) string { return strings.ToLower(name) }

// platformOf returns the platform a community id starts with.
func platformOf(communityID string) string {
	p, _, _ := strings.Cut(communityID, ":")
	return p
}

// community is one community and what is kept per community.
type community struct {
	id, platform, name string
	synced             bool // had its first complete directory

	members    map[string]*member
	channels   map[string]*channel
	evs        map[string]*event  // recorded events, by key
	threads    map[string]*thread // messages and replies, by message id
	tombstones map[string]int64   // retracted messages' and replies' keys

	// Day totals (see rollup.go).
	memberChannelDays map[mcdKey]*counts
	channelDays       map[cdKey]*counts

	facilitators map[string]*facilitator
	settings     map[string]string
	surveys      map[string][]byte // by name: the survey as JSON
	optins       map[string]int64  // intro opt-ins: member -> since
	prefs        map[string]*bot.MemberPrefs
	deliveries   map[deliveryKey]int64 // the fan-out's claims -> when (deliveries.go)
}

type member struct {
	seq                 int64
	ext, name, nameFold string
	isBot, admin        bool
	tz                  string
	firstSeen           int64
	joinedAt, leftAt    int64 // null: none
	beforeHearth        bool
	lastActive          int64 // null: never active
}

func (m *member) bot() bot.Member {
	return bot.Member{ID: m.ext, Name: m.name, IsBot: m.isBot, TZ: m.tz, Admin: m.admin, JoinedAt: tm(m.joinedAt), Left: m.leftAt != null}
}

type channel struct {
	seq            int64
	ext, name, fld string
}

type facilitator struct {
	addedBy string
	addedAt int64
}

// communityRow returns a community, creating it (with the platform its id
// names) if needed.
func (s *Store) communityRow(id string) *community {
	c := s.communities[id]
	if c == nil {
		c = &community{id: id, platform: platformOf(id),
			members: map[string]*member{}, channels: map[string]*channel{}, evs: map[string]*event{}, threads: map[string]*thread{},
			tombstones: map[string]int64{}, memberChannelDays: map[mcdKey]*counts{}, channelDays: map[cdKey]*counts{},
			facilitators: map[string]*facilitator{}, settings: map[string]string{}, surveys: map[string][]byte{},
			optins: map[string]int64{}, prefs: map[string]*bot.MemberPrefs{}, deliveries: map[deliveryKey]int64{}}
		s.communities[id] = c
	}
	return c
}

// member returns a member of c, creating the row first seen at firstSeen.
func (s *Store) memberRow(c *community, ext string, firstSeen int64) (*member, bool) {
	if m := c.members[ext]; m != nil {
		return m, false
	}
	s.seq++
	m := &member{seq: s.seq, ext: ext, firstSeen: firstSeen, joinedAt: null, leftAt: null, lastActive: null}
	c.members[ext] = m
	return m, true
}

// knownMember returns a member of c, creating the row as the SQLite store
// does for a member learned of from a nudge, preferences, a share, a story,
// an RSVP or an intro: there before Hearth started (never new), first seen
// at firstSeen (null: the latest time the community knows).
func (s *Store) knownMember(c *community, ext string, firstSeen int64) *member {
	if m := c.members[ext]; m != nil {
		return m
	}
	if firstSeen == null {
		firstSeen = 0
		for _, e := range c.evs {
			firstSeen = max(firstSeen, e.at)
		}
		for _, m := range c.members {
			firstSeen = max(firstSeen, m.firstSeen)
		}
	}
	m, _ := s.memberRow(c, ext, firstSeen)
	m.beforeHearth = true
	return m
}

// channelRow returns a channel of c, creating it or refreshing its name.
func (s *Store) channelRow(c *community, ext, name string) *channel {
	ch := c.channels[ext]
	if ch == nil {
		s.seq++
		ch = &channel{seq: s.seq, ext: ext}
		c.channels[ext] = ch
	}
	if name != "" {
		ch.name, ch.fld = name, fold(name)
	}
	return ch
}

// find returns a community if it exists.
func (s *Store) find(id string) (*community, bool) {
	c, ok := s.communities[id]
	return c, ok
}
