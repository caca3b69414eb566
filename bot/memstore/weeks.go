package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/hearth-community/hearth/bot"
)

const weekMillis = 7 * dayMillis

// MemberWeeks returns members' activity week by week, as the SQLite store
// does: whole days that lie within one week from the day totals, the days
// a week boundary cuts from the events. LastActive is the latest activity
// before End: the member's latest when before End, else looked up in the
// events, else (pruned) the start of the latest day with activity before
// End's day.
func (s *Store) MemberWeeks(ctx context.Context, q bot.MemberWeeksQuery) ([]bot.MemberWeeks, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("MemberWeeks", q); err != nil {
		return nil, err
	}
	if q.Weeks < 0 || q.End.IsZero() {
		return nil, fmt.Errorf("member weeks of %s: no end, or %d weeks", q.Community, q.Weeks)
	}
	c, ok := s.find(q.Community)
	if !ok && q.Member != "" {
		return nil, fmt.Errorf("member %s of %s: %w", q.Member, q.Community, bot.ErrNotFound)
	}
	if !ok {
		return []bot.MemberWeeks{}, nil
	}
	end := ms(q.End)
	start := end - int64(q.Weeks)*weekMillis
	since := end
	if !q.LeftSince.IsZero() && q.LeftSince.Before(q.End) {
		since = ms(q.LeftSince)
	}
	var selected []*member
	for _, m := range c.members {
		if q.Member != "" && m.ext == q.Member || q.Member == "" && !m.isBot && (q.AsOfEnd && existedAt(m, end, since) || !q.AsOfEnd && m.leftAt == null) {
			selected = append(selected, m)
		}
	}
	if q.Member != "" && len(selected) == 0 {
		return nil, fmt.Errorf("member %s of %s: %w", q.Member, q.Community, bot.ErrNotFound)
	}
	slices.SortFunc(selected, func(a, b *member) int { return cmp.Or(cmp.Compare(a.nameFold, b.nameFold), cmp.Compare(a.ext, b.ext)) })
	out := make([]bot.MemberWeeks, len(selected))
	byID := map[string][]bot.WeekCounts{}
	for i, m := range selected {
		out[i] = bot.MemberWeeks{Member: m.bot(), FirstSeen: tm(m.firstSeen), Weeks: make([]bot.WeekCounts, q.Weeks)}
		if m.leftAt != null && m.leftAt < end {
			out[i].LeftAt = tm(m.leftAt)
		}
		if !q.CountsOnly {
			out[i].LastActive = tm(c.lastActiveBefore(m, end))
		}
		byID[m.ext] = out[i].Weeks
	}
	add := func(member string, week int, k int, n int64) {
		ws, ok := byID[member]
		if !ok || week < 0 || week >= len(ws) {
			return
		}
		w := &ws[week]
		switch k {
		case 0:
			w.Messages += int(n)
		case 1:
			w.Replies += int(n)
		case 2:
			w.Reactions += int(n)
		default:
			w.Answers += int(n)
		}
	}
	whole := newSpan(start, end)
	if q.Weeks > 0 && whole.firstDay < whole.endDay {
		for k, v := range c.memberChannelDays {
			off := k.day*dayMillis - start
			if !whole.hasDay(k.day) || off%weekMillis > weekMillis-dayMillis {
				continue
			}
			for i, n := range v {
				if n != 0 {
					add(k.member, int(off/weekMillis), i, n)
				}
			}
		}
	}
	var cut [][2]int64
	for i := range q.Weeks + 1 {
		if q.Weeks == 0 {
			break
		}
		b := start + int64(i)*weekMillis
		if b%dayMillis == 0 {
			continue
		}
		d := dayOf(b) * dayMillis
		cut = append(cut, [2]int64{max(d, start), min(d+dayMillis, end)})
	}
	for _, rng := range cut {
		for _, e := range c.evs {
			if k := activityIndex(e.kind); k >= 0 && e.at >= rng[0] && e.at < rng[1] {
				add(e.member, int((e.at-start)/weekMillis), k, 1)
			}
		}
	}
	return out, nil
}

// lastActiveBefore is a member's latest activity before end (null: none).
func (c *community) lastActiveBefore(m *member, end int64) int64 {
	if m.lastActive == null || m.lastActive < end {
		return m.lastActive
	}
	if at := c.latestActivity(m.ext, end); at != null {
		return at
	}
	last := int64(null)
	for k := range c.memberChannelDays {
		if k.member == m.ext && k.day < dayOf(end) && (last == null || k.day*dayMillis > last) {
			last = k.day * dayMillis
		}
	}
	return last
}

// existedAt reports whether m is a member as of some instant of
// [leftSince, end] (leftSince == end: as of end): known before end (first
// seen, joined, or there before Hearth started) and not left by leftSince,
// as the SQLite store's sqlAsOf.
func existedAt(m *member, end, leftSince int64) bool {
	return (m.firstSeen < end || m.joinedAt != null && m.joinedAt < end || m.beforeHearth) && (m.leftAt == null || m.leftAt >= leftSince)
}
