package memstore

import (
	"fmt"

	"github.com/hearth-community/hearth/bot"
)

// Day totals, as the SQLite store keeps them beside the events: per
// member, channel and UTC day (member_channel_days; a member's days are
// their sum), and per channel and day for humans only (channel_days, the
// community's figures). Pruning events changes neither; forgetting a
// member deletes their member days and keeps the channels' totals, so a
// past report's activity stays what it was. A report reads whole days here
// and the partial days at its edges from the events. Channel "" stands for
// no channel (check-in answers, "I'm still here").

// activityKinds are the kinds that count as being active
// (bot.EventKind.Activity), in the order of counts.
var activityKinds = [...]bot.EventKind{bot.KindMessage, bot.KindReply, bot.KindReaction, bot.KindCheckinAnswer,
	bot.KindStillHere, bot.KindResourceShare, bot.KindRSVP, bot.KindAttended}

// activityIndex returns the position of k in activityKinds, or -1.
func activityIndex(k bot.EventKind) int {
	for i, a := range activityKinds {
		if a == k {
			return i
		}
	}
	return -1
}

// counts are a day's figures, one per activity kind.
type counts [len(activityKinds)]int64

func (c *counts) add(d counts) {
	for i := range c {
		c[i] += d[i]
	}
}

func (c *counts) zero() bool { return *c == counts{} }

type mcdKey struct {
	member  string
	day     int64
	channel string
}

type cdKey struct {
	channel string
	day     int64
}

const dayMillis = int64(24 * 60 * 60 * 1000)

// dayOf returns the UTC day number of a unix millisecond time.
func dayOf(ms int64) int64 {
	d := ms / dayMillis
	if ms < 0 && ms%dayMillis != 0 {
		d--
	}
	return d
}

// ceilDay returns the first day starting at or after ms.
func ceilDay(ms int64) int64 {
	d := dayOf(ms)
	if d*dayMillis < ms {
		d++
	}
	return d
}

// addActivity counts delta events of kind k in e's member, channel and day
// (and, unless the member is a bot, the channel's day).
func (c *community) addActivity(e *event, isBot bool, k int, delta int64) {
	day := dayOf(e.at)
	bump(c.memberChannelDays, mcdKey{e.member, day, e.channel}, k, delta)
	if !isBot {
		bump(c.channelDays, cdKey{e.channel, day}, k, delta)
	}
}

// bump adds delta to one figure of a row, creating the row, and deletes a
// row whose figures are all zero.
func bump[K comparable](rows map[K]*counts, key K, k int, delta int64) {
	r := rows[key]
	if r == nil {
		r = &counts{}
		rows[key] = r
	}
	r[k] += delta
	if r.zero() {
		delete(rows, key)
	}
}

// shiftChannelDays adds (sign 1) or takes out (sign -1) a member's activity
// in the channels' day totals: they turned out not to be a bot, or to be one.
func (c *community) shiftChannelDays(member string, sign int64) {
	for k, v := range c.memberChannelDays {
		if k.member != member {
			continue
		}
		key := cdKey{k.channel, k.day}
		r := c.channelDays[key]
		if r == nil {
			r = &counts{}
			c.channelDays[key] = r
		}
		for i := range r {
			r[i] += sign * v[i]
		}
		if r.zero() {
			delete(c.channelDays, key)
		}
	}
}

// memberDay is a member's figures of one day, summed over channels.
type memberDay struct {
	counts counts
}

// rollupRows renders the day totals as text rows, for Rollups.
func (c *community) rollupRows() (mcd, md, cd []string) {
	days := map[[2]string]*memberDay{}
	for k, v := range c.memberChannelDays {
		mcd = append(mcd, fmt.Sprintf("%s|%s|%d|%s|%v", c.id, k.member, k.day, k.channel, *v))
		key := [2]string{k.member, fmt.Sprint(k.day)}
		d := days[key]
		if d == nil {
			d = &memberDay{}
			days[key] = d
		}
		d.counts.add(*v)
	}
	for k, d := range days {
		md = append(md, fmt.Sprintf("%s|%s|%s|%v", c.id, k[0], k[1], d.counts))
	}
	for k, v := range c.channelDays {
		cd = append(cd, fmt.Sprintf("%s|%s|%d|%v", c.id, k.channel, k.day, *v))
	}
	return mcd, md, cd
}
