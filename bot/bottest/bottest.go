// Package bottest is what the tests of the core and of its features share,
// so that no package keeps a copy: a core on an in-memory store
// (bot/memstore) with every feature registered, a chat that records what
// Hearth posts, a schedule parser and a chart drawer small enough to
// predict, and helpers to speak and click as members.
//
// It is for tests only, and imports only the standard library and bot/...
// A feature's tests use it from an external test package (package
// checkins_test): the feature itself never imports it.
package bottest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/memstore"
	"github.com/hearth-community/hearth/bot/reporting"
)

// Community is the community the tests play in: the shell's.
const Community = "shell:local"

// T0 is when the tests start: Monday, November 2, 2026, 09:00 UTC.
var T0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Cast is the community most tests use: alice, bob, carol (who
// facilitates) and dave are members; robot is a bot; erin has left.
var Cast = []bot.Member{{ID: "alice", Name: "Alice"}, {ID: "bob", Name: "Bob"}, {ID: "carol", Name: "Carol"},
	{ID: "dave", Name: "Dave"}, {ID: "robot", Name: "Robot", IsBot: true}, {ID: "erin", Name: "Erin", Left: true}}

// Rig is a core on a memstore with every feature registered and a Chat
// attached for the shell, at a manual clock set to T0.
type Rig struct {
	T     testing.TB
	Bot   *bot.Bot
	Store *memstore.Store
	Chat  *Chat
	Clock *bot.ManualClock
}

// Config changes what New builds.
type Config struct {
	// Facilitators are the configured facilitators (bot.Config); default
	// carol.
	Facilitators []string
	// Store wraps the store the core is built on, for a test that changes
	// what one method returns; default the memstore itself.
	Store func(*memstore.Store) features.Store
}

// New returns a rig with the channels #general and #facilitators, no
// members yet, and carol as the configured facilitator.
func New(t testing.TB) *Rig { return NewWith(t, Config{}) }

// NewCommunity is New with the Cast as members.
func NewCommunity(t testing.TB) *Rig {
	t.Helper()
	r := New(t)
	r.AddMembers(Cast...)
	return r
}

// NewWith is New as cfg says.
func NewWith(t testing.TB, cfg Config) *Rig {
	t.Helper()
	clock := bot.NewManualClock(T0)
	s := memstore.New(clock)
	var store features.Store = s
	if cfg.Store != nil {
		store = cfg.Store(s)
	}
	if cfg.Facilitators == nil {
		cfg.Facilitators = []string{"carol"}
	}
	b, err := bot.New(bot.Config{Store: store, Clock: clock, Facilitators: cfg.Facilitators, Specs: Specs{}, Charts: Charts(t)})
	if err == nil {
		err = features.Register(b, store)
	}
	if err != nil {
		t.Fatal(err)
	}
	chat := NewChat()
	b.AttachChat(bot.Shell, chat)
	r := &Rig{T: t, Bot: b, Store: s, Chat: chat, Clock: clock}
	r.AddChannels(bot.Channel{ID: "general", Name: "general"}, bot.Channel{ID: "facilitators", Name: "facilitators"})
	return r
}

// Instance is another Hearth on the rig's store, as several instances share
// one database: a core of its own with every feature and carol as
// facilitator, on the rig's clock, posting to a Chat of its own (with the
// rig's Chat's Unreachable members).
func (r *Rig) Instance() (*bot.Bot, *Chat) {
	r.T.Helper()
	b, err := bot.New(bot.Config{Store: r.Store, Clock: r.Clock, Facilitators: []string{"carol"}, Specs: Specs{}, Charts: Charts(r.T)})
	if err == nil {
		err = features.Register(b, r.Store)
	}
	if err != nil {
		r.T.Fatal(err)
	}
	chat := NewChat()
	chat.Unreachable = r.Chat.Unreachable
	b.AttachChat(bot.Shell, chat)
	return b, chat
}

// AddMembers adds members to the community as a directory read now would
// (memstore.Store.AddMembers): those without a join time added before any
// other were there before Hearth started.
func (r *Rig) AddMembers(members ...bot.Member) {
	r.T.Helper()
	if err := r.Store.AddMembers(Community, members...); err != nil {
		r.T.Fatal(err)
	}
}

// AddChannels adds channels to the community.
func (r *Rig) AddChannels(channels ...bot.Channel) {
	r.T.Helper()
	if err := r.Store.AddChannels(Community, channels...); err != nil {
		r.T.Fatal(err)
	}
}

// Record records events in the store directly, as if Hearth had recorded
// them before the test began: the core does not see them.
func (r *Rig) Record(events ...bot.Event) {
	r.T.Helper()
	if _, err := r.Store.Record(context.Background(), events...); err != nil {
		r.T.Fatal(err)
	}
}

// Message is a top-level message of member in channel, its key and
// message id both key.
func Message(member, channel, key string, at time.Time) bot.Event {
	return bot.Event{Kind: bot.KindMessage, Community: Community, Channel: channel, Member: member, At: at, Key: key, Message: key}
}

// Says runs a command as member in #general.
func (r *Rig) Says(member, text string) bot.Reply {
	return r.Bot.HandleCommand(context.Background(), bot.Command{Community: Community, Channel: "general", ChannelName: "general",
		Member: member, MemberName: r.name(member), Text: text})
}

// CarolSays runs a command as carol, the facilitator, in #general.
func (r *Rig) CarolSays(text string) bot.Reply {
	return r.Bot.HandleCommand(context.Background(), bot.Command{Community: Community, Channel: "general", ChannelName: "general",
		Member: "carol", Text: text})
}

// Click presses a button (action id and value) as member at at.
func (r *Rig) Click(member, action, value string, at time.Time) bot.Reply {
	return r.Bot.HandleAction(context.Background(), bot.Action{Community: Community, Member: member, MemberName: r.name(member),
		ActionID: action, Value: value, At: at})
}

// name is the member's name as the platform would send it with a command
// or a click: the directory's, else the id. (What a platform sends keeps
// the stored name fresh: sending the id would rename the member.)
func (r *Rig) name(member string) string {
	if m, err := r.Store.Member(context.Background(), Community, member); err == nil && m.Name != "" {
		return m.Name
	}
	return member
}

// Schedules returns the community's schedules in id order: all of them,
// or those of the kinds named.
func (r *Rig) Schedules(kinds ...bot.ScheduleKind) []bot.Schedule {
	r.T.Helper()
	all, err := r.Store.Schedules(context.Background(), Community)
	if err != nil {
		r.T.Fatal(err)
	}
	if len(kinds) == 0 {
		return all
	}
	return slices.DeleteFunc(all, func(s bot.Schedule) bool { return !slices.Contains(kinds, s.Kind) })
}

// KeptByKey returns the events the store keeps now (memstore.Store.Kept) by
// key: a later event of the same key cannot exist.
func (r *Rig) KeptByKey() map[string]bot.Event {
	out := map[string]bot.Event{}
	for _, e := range r.Store.Kept() {
		out[e.Key] = e
	}
	return out
}

// Chat is a bot.Chat that records what the core posts.
type Chat struct {
	// Caps is what the platform renders (Capabilities); set it before the
	// core posts.
	Caps bot.Capabilities
	// Unreachable members' DMs fail as the platform refusing them; set it
	// before the core posts.
	Unreachable map[string]bool

	mu    sync.Mutex
	posts []Sent
}

// Sent is one post the core made.
type Sent struct {
	To   bot.Destination
	Post bot.Post
	Ref  bot.PostRef
}

var _ bot.Capable = (*Chat)(nil)

// NewChat returns a Chat on a platform that shows files and buttons.
func NewChat() *Chat { return &Chat{Caps: bot.Capabilities{Files: true, Buttons: true}} }

// Post records a post, or refuses a DM to an unreachable member. Each
// post gets its own id: P0, P1, …
func (c *Chat) Post(_ context.Context, to bot.Destination, p bot.Post) (bot.PostRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if to.Kind == bot.ToDM && c.Unreachable[to.Member] {
		return bot.PostRef{}, bot.Errorf(bot.EUnreachable, "%s does not take DMs", to.Member)
	}
	ref := bot.PostRef{Channel: to.Channel, ID: fmt.Sprintf("P%d", len(c.posts))}
	c.posts = append(c.posts, Sent{To: to, Post: p, Ref: ref})
	return ref, nil
}

// Capabilities returns Caps.
func (c *Chat) Capabilities() bot.Capabilities { return c.Caps }

// Posts returns what was posted, in order.
func (c *Chat) Posts() []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.posts)
}

// DMsTo returns the posts sent to member by DM, in order.
func (c *Chat) DMsTo(member string) []bot.Post {
	var out []bot.Post
	for _, p := range c.Posts() {
		if p.To.Kind == bot.ToDM && p.To.Member == member {
			out = append(out, p.Post)
		}
	}
	return out
}

// Specs reads "every N hours" and nothing else, every time falling on the
// hour: enough to predict schedules' times in a test. The real parser is
// package schedules, with tests of its own.
type Specs struct{}

// ParseSpec reads "every N hours"; anything else is an EArgument error.
func (Specs) ParseSpec(spec string, _ *time.Location) (bot.Spec, error) {
	var n int
	if _, err := fmt.Sscanf(spec, "every %d hours", &n); err != nil || n <= 0 {
		return nil, bot.Errorf(bot.EArgument, "I can't read the schedule %q.", spec)
	}
	return everyHours(n), nil
}

type everyHours int

func (h everyHours) Next(t time.Time) time.Time {
	return t.Truncate(time.Hour).Add(time.Duration(h) * time.Hour)
}

// Charts returns a chart drawer whose charts are the bytes "png"; it
// fails t when asked for a chart of other than the digest's weeks.
func Charts(t testing.TB) bot.ChartDrawer {
	return chartFunc(func(_ string, w []bot.WeekPoint) ([]byte, error) {
		if len(w) != reporting.DigestWeeks {
			t.Errorf("chart of %d weeks, want the digest's %d", len(w), reporting.DigestWeeks)
		}
		return []byte("png"), nil
	})
}

type chartFunc func(string, []bot.WeekPoint) ([]byte, error)

func (f chartFunc) WeeklyChart(title string, w []bot.WeekPoint) ([]byte, error) { return f(title, w) }
