package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// MemberTombstone is what Hearth keeps of a member it forgot, so that a
// history import never brings them back: the hex SHA-256 of the community
// id, a zero byte and the member id. It names nobody by itself; only
// someone who already has the id can recognise it. Stores write it in
// ForgetMember.
func MemberTombstone(community, member string) string {
	sum := sha256.Sum256([]byte(community + "\x00" + member))
	return hex.EncodeToString(sum[:])
}

// HistoryRecorded is what RecordHistory did with one page of history.
type HistoryRecorded struct {
	Kept     int // events of the page passed to the store
	Recorded int // events newly recorded, prompt replies among them
	Bots     int // events of bots, dropped as live
	Ignored  int // DMs, retractions and events outside the pilot, dropped
}

// RecordHistory records events read from a platform's history
// (HistoryReader) as HandleEvents records live ones, and with the same
// Keys, so history and live events that overlap count once: bots are
// dropped (and counted), replies in the thread of a prompt Hearth posted
// become prompt replies, and the pilot's scope applies. Unlike
// HandleEvents it tells no Recorded listener: those react to what is
// happening now (the welcome greets a member who just joined), and a
// member who joined three months ago must not be welcomed today. DMs and
// retractions have no place in history and are dropped. Dropping
// forgotten members (tombstones) is the caller's part: it reads them from
// its store. One call is one write: callers pass a page at a time, so the
// write stays short beside live events.
func (b *Bot) RecordHistory(ctx context.Context, events []Event) (HistoryRecorded, error) {
	var out HistoryRecorded
	keep := make([]Event, 0, len(events))
	pilots := map[string]Pilot{}
	for _, e := range events {
		if err := e.Validate(); err != nil {
			b.internalError("event")
			return out, err
		}
		switch {
		case e.IsBot:
			out.Bots++
			continue
		case e.DM || e.Retract:
			out.Ignored++
			continue
		case e.Kind.Activity():
			p, ok := pilots[e.Community]
			if !ok {
				var err error
				if p, err = b.Pilot(ctx, e.Community); err != nil {
					return out, err
				}
				pilots[e.Community] = p
			}
			if !p.InChannel(e.Channel) || !p.ForMember(e.Member) {
				out.Ignored++
				continue
			}
		}
		keep = append(keep, e)
	}
	out.Kept = len(keep)
	if len(keep) == 0 {
		return out, nil
	}
	keep, err := b.withPromptReplies(ctx, keep)
	if err != nil {
		return out, err
	}
	n, err := b.store.Record(ctx, keep...)
	if err != nil {
		b.internalError("event")
		return out, err
	}
	out.Recorded = n
	b.metrics.HistoryEvents.Add(int64(n))
	return out, nil
}
