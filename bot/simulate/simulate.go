// Package simulate generates a realistic, deterministic community history and
// feeds it through the core, the way live events arrive: `hearth simulate`
// uses it to fill a database for trying Hearth out, and the store's
// benchmarks use it to build large ones.
//
// A history has a few leaders who post most days, start threads and reply a
// lot; occasional contributors; and a majority of observers who now and then
// react, some never. Activity follows the community's working hours and is
// quiet at weekends. Replies answer real earlier messages, reactions point at
// real messages, some members join during the history (and say hello in
// #introductions, where leaders welcome them), a few leave, and a few
// messages are deleted again.
package simulate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Run generates the history o describes and hands it to h in time order: a
// complete directory of the members there at the start, then the events in
// batches of o.Batch. It stops at the first error h returns, or when ctx is
// done.
func Run(ctx context.Context, h Sink, o Options) (Stats, error) {
	g := newGenerator(h, o.withDefaults())
	if err := g.run(ctx); err != nil {
		return g.stats, err
	}
	return g.stats, nil
}

// pool sizes bound how far back replies and reactions reach.
const (
	parentPool = 400 // recent top-level messages replies can answer
	targetPool = 800 // recent messages and replies reactions can point at
)

// deleteMessage is the share of messages and replies deleted again soon
// after. Reactions are never removed: a removed reaction may come back under
// the same key, so feeding a history twice would record it again, and a
// second run must record nothing new.
const deleteMessage = 0.004

var emoji = []string{"thumbsup", "heart", "tada", "eyes", "pray", "raised_hands", "bulb", "joy", "100", "rocket"}

// msgRef is a message (top-level or reply) others can answer or react to.
type msgRef struct {
	channel int
	id      string // the platform id, Event.Message
	author  int
}

// task is something due at a time: a newcomer's hello, a welcome reply.
type task struct {
	due    time.Time
	member int    // who says hello
	parent msgRef // what a welcome answers
}

type generator struct {
	sink  Sink
	o     Options
	r     *rand.Rand
	start time.Time
	end   time.Time

	people  []person
	leaders []int
	joins   []int // people who join, by time
	leaves  []int // people who leave, by time

	parents   []msgRef
	targets   []msgRef
	reactions map[string]bool // reaction keys used: each is made once
	seq       int             // makes message ids unique

	retract  []bot.Event // retractions waiting for their time, by time
	intros   []task      // newcomers' hellos, by due time
	welcomes []task      // leaders' welcome replies, by due time

	batch []bot.Event
	stats Stats
}

func newGenerator(h Sink, o Options) *generator {
	end := o.End
	start := end.Add(-time.Duration(o.Days) * 24 * time.Hour)
	r := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	g := &generator{sink: h, o: o, r: r, start: start, end: end, reactions: map[string]bool{}}
	g.people = newPeople(r, o.Members, start, end)
	for i, p := range g.people {
		if p.role == leader {
			g.leaders = append(g.leaders, i)
		}
		if !p.joinAt.IsZero() {
			g.joins = append(g.joins, i)
		}
		if !p.leaveAt.IsZero() {
			g.leaves = append(g.leaves, i)
		}
	}
	slices.SortStableFunc(g.joins, func(a, b int) int { return g.people[a].joinAt.Compare(g.people[b].joinAt) })
	slices.SortStableFunc(g.leaves, func(a, b int) int { return g.people[a].leaveAt.Compare(g.people[b].leaveAt) })
	g.stats = Stats{Start: start, End: end, Members: len(g.people), Channels: len(channels)}
	return g
}

func (g *generator) run(ctx context.Context) error {
	if err := g.sink.HandleDirectory(ctx, g.directory()); err != nil {
		return fmt.Errorf("simulate: initial directory: %w", err)
	}
	days := g.days()
	// Joins, leaves and retractions are events too: the actions (messages,
	// replies, reactions) get what is left of the budget.
	actions := float64(g.o.Events-len(g.joins)-len(g.leaves)) / (1 + g.expectedDeletionRate())
	perDay := apportion(max(0, int(math.Round(actions))), days)
	for i, d := range days {
		present := g.presentWeights(d.from, d.to)
		for _, t := range g.slotTimes(d, perDay[i]) {
			if err := g.emitDue(ctx, t); err != nil {
				return err
			}
			if err := g.fillSlot(ctx, t, present); err != nil {
				return err
			}
		}
	}
	if err := g.emitDue(ctx, g.end.Add(time.Hour)); err != nil {
		return err
	}
	return g.flush(ctx)
}

// directory is the complete member list at the start: everyone but the
// joiners, and Hearth itself (a bot, which reports leave out).
func (g *generator) directory() bot.Directory {
	d := bot.Directory{Community: g.o.Community, Complete: true, At: g.start}
	for i, p := range g.people {
		if !p.joinAt.IsZero() {
			continue
		}
		d.Members = append(d.Members, bot.Member{ID: p.id, Name: p.name, TZ: g.o.Location.String(),
			Admin: len(g.leaders) > 0 && i == g.leaders[0]})
	}
	d.Members = append(d.Members, bot.Member{ID: "B0001", Name: "hearth", IsBot: true})
	for _, c := range channels {
		d.Channels = append(d.Channels, bot.Channel{ID: c.id, Name: c.name})
	}
	return d
}

// expectedDeletionRate is about how many retractions each action brings.
func (g *generator) expectedDeletionRate() float64 {
	var w, msg float64
	for _, p := range g.people {
		m := kindMix[p.role]
		w += p.weight
		msg += p.weight * (m.message + m.reply)
	}
	if w == 0 {
		return 0
	}
	return msg * deleteMessage / w
}

// emitDue emits the joins, leaves and retractions due before or at t.
func (g *generator) emitDue(ctx context.Context, t time.Time) error {
	for {
		next, kind := time.Time{}, ""
		if len(g.joins) > 0 {
			next, kind = g.people[g.joins[0]].joinAt, "join"
		}
		if len(g.leaves) > 0 && (kind == "" || g.people[g.leaves[0]].leaveAt.Before(next)) {
			next, kind = g.people[g.leaves[0]].leaveAt, "leave"
		}
		if len(g.retract) > 0 && (kind == "" || g.retract[0].At.Before(next)) {
			next, kind = g.retract[0].At, "retract"
		}
		if kind == "" || next.After(t) {
			return nil
		}
		var e bot.Event
		switch kind {
		case "join":
			i := g.joins[0]
			g.joins = g.joins[1:]
			e = g.membership(bot.KindJoin, i, next)
			g.stats.Joins++
			if g.people[i].weight > 0 {
				g.intros = insertTask(g.intros, task{due: next.Add(10*time.Minute + randDuration(g.r, 6*time.Hour)), member: i})
			}
		case "leave":
			i := g.leaves[0]
			g.leaves = g.leaves[1:]
			e = g.membership(bot.KindLeave, i, next)
			g.stats.Leaves++
		case "retract":
			e = g.retract[0]
			g.retract = g.retract[1:]
			g.stats.Retractions++
		}
		if err := g.emit(ctx, e); err != nil {
			return err
		}
	}
}

func (g *generator) membership(kind bot.EventKind, i int, at time.Time) bot.Event {
	p := &g.people[i]
	return bot.Event{Kind: kind, Community: g.o.Community.ID, Member: p.id, MemberName: p.name, At: at,
		Key: fmt.Sprintf("%s:%s:%d", kind, p.id, at.UnixMilli())}
}

// fillSlot makes the action of one slot: a newcomer's hello, a welcome, or
// what a member picked by weight does.
func (g *generator) fillSlot(ctx context.Context, t time.Time, present weighted) error {
	for len(g.intros) > 0 && !g.intros[0].due.After(t) {
		tk := g.intros[0]
		g.intros = g.intros[1:]
		if p := &g.people[tk.member]; !p.leaveAt.IsZero() && !p.leaveAt.After(t) {
			continue // gone before saying hello
		}
		ref, e, deleted := g.message(tk.member, introductions, t)
		for k := 0; k < 2 && len(g.leaders) > 0 && !deleted; k++ {
			if g.r.Float64() < 0.8-0.4*float64(k) {
				g.welcomes = insertTask(g.welcomes, task{due: t.Add(5*time.Minute + randDuration(g.r, 4*time.Hour)), parent: ref})
			}
		}
		return g.emit(ctx, e)
	}
	if len(g.welcomes) > 0 && !g.welcomes[0].due.After(t) {
		tk := g.welcomes[0]
		g.welcomes = g.welcomes[1:]
		who := g.leaders[g.r.IntN(len(g.leaders))]
		return g.emit(ctx, g.reply(who, tk.parent, t))
	}
	who, ok := present.pick(g.r)
	if !ok {
		return nil // nobody here acts: an empty community stays empty
	}
	mix := kindMix[g.people[who].role]
	x := g.r.Float64()
	switch {
	case x < mix.message:
	case x < mix.message+mix.reply:
		if parent, ok := g.pickRecent(g.parents, who); ok {
			return g.emit(ctx, g.reply(who, parent, t))
		}
	default:
		if e, ok := g.reaction(who, t); ok {
			return g.emit(ctx, e)
		}
		if parent, ok := g.pickRecent(g.parents, who); ok {
			return g.emit(ctx, g.reply(who, parent, t))
		}
	}
	_, e, _ := g.message(who, g.pickChannel(), t)
	return g.emit(ctx, e)
}

func (g *generator) pickChannel() int {
	var sum float64
	for _, c := range channels {
		sum += c.weight
	}
	x := g.r.Float64() * sum
	for i, c := range channels {
		if x -= c.weight; x < 0 {
			return i
		}
	}
	return 0
}

// pickRecent picks from refs, favouring recent ones and ones by others.
func (g *generator) pickRecent(refs []msgRef, who int) (msgRef, bool) {
	if len(refs) == 0 {
		return msgRef{}, false
	}
	var ref msgRef
	for try := 0; try < 2; try++ {
		back := min(len(refs)-1, int(g.r.ExpFloat64()*40))
		ref = refs[len(refs)-1-back]
		if ref.author != who {
			break
		}
	}
	return ref, true
}

// newID returns a platform-like message id (a Slack ts): seconds, then a
// sequence number that keeps ids unique.
func (g *generator) newID(t time.Time) string {
	g.seq++
	return fmt.Sprintf("%d.%06d", t.Unix(), g.seq%1_000_000)
}

// message makes a top-level message, and reports whether it will be deleted.
func (g *generator) message(who, ch int, t time.Time) (ref msgRef, e bot.Event, deleted bool) {
	p, c := &g.people[who], channels[ch]
	id := g.newID(t)
	e = bot.Event{Kind: bot.KindMessage, Community: g.o.Community.ID, Channel: c.id, ChannelName: c.name,
		Member: p.id, MemberName: p.name, At: t, Key: c.id + ":" + id, Message: id}
	ref = msgRef{channel: ch, id: id, author: who}
	g.stats.Messages++
	if deleted = g.maybeDelete(e, deleteMessage); !deleted {
		g.parents = push(g.parents, ref, parentPool)
		g.targets = push(g.targets, ref, targetPool)
	}
	return ref, e, deleted
}

func (g *generator) reply(who int, parent msgRef, t time.Time) bot.Event {
	p, c := &g.people[who], channels[parent.channel]
	id := g.newID(t)
	e := bot.Event{Kind: bot.KindReply, Community: g.o.Community.ID, Channel: c.id, ChannelName: c.name,
		Member: p.id, MemberName: p.name, At: t, Key: c.id + ":" + id, Message: id, Parent: parent.id}
	g.stats.Replies++
	if !g.maybeDelete(e, deleteMessage) {
		g.targets = push(g.targets, msgRef{channel: parent.channel, id: id, author: who}, targetPool)
	}
	return e
}

// reaction reacts to a recent message with an emoji this member has not
// used on it yet.
func (g *generator) reaction(who int, t time.Time) (bot.Event, bool) {
	target, ok := g.pickRecent(g.targets, who)
	if !ok {
		return bot.Event{}, false
	}
	p, c := &g.people[who], channels[target.channel]
	for try := 0; try < 3; try++ {
		em := emoji[min(len(emoji)-1, int(g.r.ExpFloat64()*2.5))]
		key := c.id + ":" + target.id + ":" + p.id + ":" + em
		if g.reactions[key] {
			continue
		}
		g.reactions[key] = true
		e := bot.Event{Kind: bot.KindReaction, Community: g.o.Community.ID, Channel: c.id, ChannelName: c.name,
			Member: p.id, MemberName: p.name, At: t, Key: key, Message: target.id}
		g.stats.Reactions++
		return e, true
	}
	return bot.Event{}, false
}

// maybeDelete schedules, with probability rate, the retraction of e a little
// later, and reports whether it did. Deleted messages get no replies or
// reactions.
func (g *generator) maybeDelete(e bot.Event, rate float64) bool {
	if g.r.Float64() >= rate {
		return false
	}
	at := e.At.Add(30*time.Second + randDuration(g.r, 3*time.Hour)).Truncate(time.Millisecond)
	if !at.Before(g.end) {
		return false
	}
	e.Retract, e.MemberName, e.ChannelName, e.At = true, "", "", at
	i, _ := slices.BinarySearchFunc(g.retract, at, func(x bot.Event, t time.Time) int { return x.At.Compare(t) })
	for i < len(g.retract) && g.retract[i].At.Equal(at) {
		i++ // same time: first scheduled, first out
	}
	g.retract = slices.Insert(g.retract, i, e)
	return true
}

func (g *generator) emit(ctx context.Context, e bot.Event) error {
	g.batch = append(g.batch, e)
	g.stats.Events++
	if len(g.batch) >= g.o.Batch {
		return g.flush(ctx)
	}
	return nil
}

func (g *generator) flush(ctx context.Context) error {
	if len(g.batch) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	if err := g.sink.HandleEvents(ctx, g.batch...); err != nil {
		return fmt.Errorf("simulate: events up to %s: %w", g.batch[len(g.batch)-1].At.Format(time.RFC3339), err)
	}
	g.stats.Batches++
	g.batch = make([]bot.Event, 0, g.o.Batch) // the sink may keep the old one
	return nil
}

func insertTask(ts []task, t task) []task {
	i, _ := slices.BinarySearchFunc(ts, t.due, func(x task, d time.Time) int { return x.due.Compare(d) })
	for i < len(ts) && ts[i].due.Equal(t.due) {
		i++
	}
	return slices.Insert(ts, i, t)
}

func push(refs []msgRef, ref msgRef, limit int) []msgRef {
	if len(refs) >= limit {
		refs = append(refs[:0], refs[len(refs)-limit/2:]...)
	}
	return append(refs, ref)
}
