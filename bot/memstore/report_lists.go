package memstore

import (
	"cmp"
	"slices"

	"github.com/hearth-community/hearth/bot"
)

// maxContributors is how many top contributors a report lists.
const maxContributors = 10

// topContributors ranks the members with activity by messages and
// replies, then reactions, then platform id.
func (r *reportRun) topContributors(all []*memberFigures) []bot.Contributor {
	var active []*memberFigures
	for _, f := range all {
		if !f.counts.zero() {
			active = append(active, f)
		}
	}
	slices.SortFunc(active, func(a, b *memberFigures) int {
		return cmp.Or(cmp.Compare(b.counts[0]+b.counts[1], a.counts[0]+a.counts[1]), cmp.Compare(b.counts[2], a.counts[2]), cmp.Compare(a.ext, b.ext))
	})
	out := make([]bot.Contributor, 0, maxContributors)
	for _, f := range active[:min(len(active), maxContributors)] {
		out = append(out, bot.Contributor{ID: f.ext, Name: r.c.members[f.ext].name,
			Messages: int(f.counts[0]), Replies: int(f.counts[1]), Reactions: int(f.counts[2])})
	}
	return out
}

// channelList is the channels with messages, replies or reactions in the
// period, busiest first, each with the members active in it.
func (r *reportRun) channelList(period span, all []*memberFigures, raw map[string]*counts) []bot.ChannelActivity {
	type figures struct {
		counts counts
		active int
	}
	byID := map[string]*figures{}
	for ext := range r.c.channels {
		if r.inChannel(ext) {
			byID[ext] = &figures{}
		}
	}
	for k, v := range r.c.channelDays {
		if f := byID[k.channel]; f != nil && period.hasDay(k.day) {
			f.counts.add(*v)
		}
	}
	for ext, v := range raw {
		if f := byID[ext]; f != nil {
			f.counts.add(*v)
		}
	}
	for _, m := range all {
		for _, ext := range m.channels {
			if f := byID[ext]; f != nil {
				f.active++
			}
		}
	}
	out := []bot.ChannelActivity{}
	for ext, f := range byID {
		if f.counts[0]+f.counts[1]+f.counts[2] == 0 {
			continue
		}
		out = append(out, bot.ChannelActivity{ID: ext, Name: r.c.channels[ext].name, Messages: int(f.counts[0]),
			Replies: int(f.counts[1]), Reactions: int(f.counts[2]), ActiveMembers: f.active})
	}
	slices.SortFunc(out, func(a, b bot.ChannelActivity) int {
		return cmp.Or(cmp.Compare(b.Messages+b.Replies, a.Messages+a.Replies), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// quietMembers lists the members as of To who can be quiet and were not
// active in [To-QuietAfter, To), with their latest activity before To:
// never active first, then oldest first, then by id.
func (r *reportRun) quietMembers(asOf []*member, recent map[string]bool) []bot.QuietMember {
	type quiet struct {
		m    *member
		last int64
	}
	var qs []quiet
	for _, m := range asOf {
		if !r.quietEligible(m) || recent[m.ext] {
			continue
		}
		last := m.lastActive
		if last != null && last >= r.to {
			last = r.c.latestActivity(m.ext, r.to)
		}
		qs = append(qs, quiet{m, last})
	}
	slices.SortFunc(qs, func(a, b quiet) int {
		if (a.last == null) != (b.last == null) {
			if a.last == null {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.last, b.last), cmp.Compare(a.m.ext, b.m.ext))
	})
	out := make([]bot.QuietMember, 0, len(qs))
	for _, q := range qs {
		qm := bot.QuietMember{ID: q.m.ext, Name: q.m.name}
		if q.last != null {
			t := tm(q.last)
			qm.LastActive = &t
		}
		out = append(out, qm)
	}
	return out
}

// unanswered lists the top-level messages of [From, To-24h) with no reply
// by someone else before To, oldest first, but those of bots.
func (r *reportRun) unanswered() []bot.Unanswered {
	out := []bot.Unanswered{}
	until := r.to - dayMillis // a day for someone to answer
	if until <= r.from || r.noChannel {
		return out
	}
	var msgs []*event
	for _, e := range r.c.evs {
		if e.kind == bot.KindMessage && e.at >= r.from && e.at < until && (e.answeredAt == null || e.answeredAt >= r.to) && r.inChannel(e.channel) {
			msgs = append(msgs, e)
		}
	}
	slices.SortFunc(msgs, func(a, b *event) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq)) })
	for _, e := range msgs {
		author := r.c.members[e.member]
		if author.isBot {
			continue
		}
		var name string
		if ch := r.c.channels[e.channel]; ch != nil {
			name = ch.name
		}
		out = append(out, bot.Unanswered{Channel: e.channel, Message: e.message, Author: author.ext,
			PostedAt: tm(e.at), ChannelName: name, AuthorName: author.name})
	}
	return out
}

// promptActivity reads the prompts posted in the period (in the channel)
// with their humans' replies, responders and reactions before To.
func (r *reportRun) promptActivity() []bot.PromptActivity {
	out := []bot.PromptActivity{}
	if r.noChannel {
		return out
	}
	var posts []*promptPost
	for _, p := range r.s.posts {
		if p.community == r.c.id && p.at >= r.from && p.at < r.to && r.inChannel(p.channel) {
			posts = append(posts, p)
		}
	}
	slices.SortStableFunc(posts, func(a, b *promptPost) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.message, b.message)) })
	for _, p := range posts {
		pa := bot.PromptActivity{Channel: p.channel, Message: p.message, Text: p.text, PostedAt: tm(p.at)}
		responders := map[string]bool{}
		for _, e := range r.c.threadAt(p.message).replies {
			if e.at < r.to && e.channel == p.channel && r.human(e.member) {
				pa.Replies++
				responders[e.member] = true
			}
		}
		pa.Responders = len(responders)
		for _, e := range r.c.evs {
			if e.kind == bot.KindReaction && e.message == p.message && e.channel == p.channel && e.at < r.to && r.human(e.member) {
				pa.Reactions++
			}
		}
		out = append(out, pa)
	}
	return out
}
